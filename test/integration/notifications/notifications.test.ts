import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { eventDataProblems } from '../../../shared/contracts/events/catalogue';
import { handleDomainEvent } from '../../../shared/application/notifications/handle-domain-event';
import { retryDue } from '../../../shared/application/notifications/notifications';
import type { MessageChannels } from '../../../shared/application/notifications/ports';
import type { CloudEvent } from '../../../shared/contracts/events/cloud-event';
import { FileMessageSink } from '../../../shared/infrastructure/notifications/message-channels';
import {
  anAccount,
  aVerifiedCustomer,
  createTestApi,
  type TestApi,
} from '../../support/api-client';
import { capturedLogger } from '../../support/log-capture';

interface NotificationBody {
  id: string;
  channel: string;
  status: string;
  body: string;
  subject?: string;
  language: string;
  attempts: number;
  nextAttemptAt?: string;
  readAt?: string;
  eventId?: string;
  type: string;
}
type Page<T> = { items: T[]; nextCursor: string | null };

const EMAIL = 'ada@example.com'; // aVerifiedCustomer's address.

describe('notifications engine', () => {
  let api: TestApi;
  const logs = capturedLogger();
  const sinkPath = join(tmpdir(), `nexum-notify-test-${process.pid}.jsonl`);
  const realSink = new FileMessageSink(sinkPath);
  // Swapped per test: the real file sink, or one that fails (a path that cannot be written).
  let messages: MessageChannels = realSink;
  const failingSink = new FileMessageSink(join(sinkPath, 'not-a-directory', 'out.jsonl'));

  beforeAll(async () => {
    await rm(sinkPath, { force: true });
    api = await createTestApi('notifications', {
      logger: logs.logger,
      overrides: (base) => ({
        notifications: {
          ...base.notifications,
          messages: { send: (message) => messages.send(message) },
          retryBaseMs: 1,
        },
      }),
    });
    for (const [channel, language, subject, body] of [
      [
        'EMAIL',
        'en',
        'Alert: {{amount}} {{currency}}',
        'A {{transactionType}} of {{amount}} {{currency}} on {{accountId}}.',
      ],
      [
        'EMAIL',
        'fr',
        'Alerte : {{amount}} {{currency}}',
        'Un {{transactionType}} de {{amount}} {{currency}}.',
      ],
      ['IN_APP', 'en', undefined, '{{transactionType}} {{amount}} {{currency}}'],
      ['SMS', 'en', undefined, 'Nexum: {{transactionType}} {{amount}} {{currency}}'],
    ] as const) {
      const created = await api.call('POST', '/notifications/templates', {
        body: {
          type: 'transaction_alert',
          channel,
          language,
          ...(subject === undefined ? {} : { subject }),
          body,
        },
      });
      expect(created.status).toBe(201);
    }
    await api.call('POST', '/notifications/templates', {
      body: {
        type: 'kyc_updated',
        channel: 'EMAIL',
        subject: 'KYC',
        body: 'Your KYC is now {{kycStatus}} (tier {{kycTier}}).',
      },
    });
    await api.call('POST', '/notifications/templates', {
      body: {
        type: 'loan_payment_due',
        channel: 'SMS',
        body: 'Installment {{amount}} {{currency}} due {{dueDate}}.',
      },
    });
  });
  afterAll(async () => {
    await api.close();
    await rm(sinkPath, { force: true });
  });
  beforeEach(() => {
    messages = realSink;
  });

  const sinkLines = async () =>
    (await readFile(sinkPath, 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, string>);
  const send = (recipientId: string, extra: Record<string, unknown> = {}) =>
    api.call<{ notificationIds: string[]; sentCount: number }>('POST', '/notifications/send', {
      body: {
        type: 'transaction_alert',
        recipientId,
        data: { amount: '12.50', currency: 'USD', transactionType: 'DEPOSIT', accountId: 'acc-1' },
        ...extra,
      },
    });
  const listFor = async (recipientId: string, query = '') =>
    (
      await api.call<Page<NotificationBody>>(
        'GET',
        `/notifications?recipientId=${recipientId}${query}`,
      )
    ).body.items;
  const outboxEvent = async (aggregateId: string, type: string): Promise<CloudEvent> => {
    const output = await api.table.client.send(
      new ScanCommand({
        TableName: api.table.tableName,
        FilterExpression: '#type = :t AND aggregateId = :id AND eventType = :e',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':t': 'OutboxEvent', ':id': aggregateId, ':e': type },
      }),
    );
    const item = output.Items?.[0];
    if (item === undefined) throw new Error(`no ${type} event for ${aggregateId}`);
    return {
      specversion: '1.0',
      id: String(item.id),
      source: 'nexum/test',
      type,
      subject: `${String(item.aggregateType)}/${aggregateId}`,
      time: String(item.occurredAt),
      datacontenttype: 'application/json',
      sequence: '1',
      data: item.data as Record<string, unknown>,
    };
  };

  it('renders the template per channel and language; email goes to the sink, the record holds no address', async () => {
    const customerId = await aVerifiedCustomer(api);
    await api.call('PUT', `/notifications/preferences/${customerId}`, {
      body: { language: 'fr', channels: { transaction_alert: ['EMAIL', 'IN_APP'] } },
    });

    const sent = await send(customerId);

    expect(sent.status).toBe(201);
    expect(sent.body.sentCount).toBe(2);
    const items = await listFor(customerId);
    const email = items.find((item) => item.channel === 'EMAIL');
    expect(email).toMatchObject({ status: 'SENT', language: 'fr', subject: 'Alerte : 12.50 USD' });
    expect(items.find((item) => item.channel === 'IN_APP')).toMatchObject({
      language: 'en', // No French in-app template: English.
      body: 'DEPOSIT 12.50 USD',
    });
    const line = (await sinkLines()).find((entry) => entry.notificationId === email?.id);
    expect(line).toMatchObject({ channel: 'EMAIL', address: EMAIL, subject: 'Alerte : 12.50 USD' });
    const stored = await api.table.client.send(
      new ScanCommand({
        TableName: api.table.tableName,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': 'NOTIF#' },
      }),
    );
    expect(JSON.stringify(stored.Items)).not.toContain(EMAIL);
  });

  it('honours opt-outs by channel and by type', async () => {
    const customerId = await aVerifiedCustomer(api);
    await api.call('PUT', `/notifications/preferences/${customerId}`, {
      body: { optOutChannels: ['EMAIL'] },
    });
    expect((await send(customerId)).body.notificationIds).toHaveLength(1); // IN_APP only.
    expect((await listFor(customerId)).map((item) => item.channel)).toEqual(['IN_APP']);

    await api.call('PUT', `/notifications/preferences/${customerId}`, {
      body: { optOutTypes: ['transaction_alert'] },
    });
    const silenced = await send(customerId);
    expect(silenced.body).toEqual({ notificationIds: [], sentCount: 0 });
    const prefs = await api.call('GET', `/notifications/preferences/${customerId}`);
    expect(prefs.body).toMatchObject({ optOutTypes: ['transaction_alert'], optOutChannels: [] });
  });

  it('defers inside quiet hours (CRITICAL goes at once) and delivers when they end', async () => {
    const customerId = await aVerifiedCustomer(api);
    const now = new Date();
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const start = hhmm(new Date(now.getTime() - 3_600_000));
    const end = hhmm(new Date(now.getTime() + 2 * 3_600_000));
    await api.call('PUT', `/notifications/preferences/${customerId}`, {
      body: { quietHours: { start, end }, channels: { transaction_alert: ['EMAIL'] } },
    });

    const deferred = await send(customerId);
    const critical = await send(customerId, { priority: 'CRITICAL' });

    expect(deferred.body.sentCount).toBe(0);
    expect(critical.body.sentCount).toBe(1);
    const [waiting] = await listFor(customerId, '&status=DEFERRED');
    expect(waiting?.nextAttemptAt?.slice(11, 16)).toBe(end);
    // Past the window's end, the retry run delivers it.
    const later = new Date(Date.parse(waiting?.nextAttemptAt ?? '') + 1_000);
    await retryDue({ ...api.deps, clock: { now: () => later } });
    expect((await listFor(customerId, '&status=SENT')).map((item) => item.id)).toContain(
      waiting?.id,
    );
  });

  it('keeps in-app notifications: list, unread count, mark read', async () => {
    const customerId = await aVerifiedCustomer(api);
    await api.call('PUT', `/notifications/preferences/${customerId}`, {
      body: { channels: { transaction_alert: ['IN_APP'] } },
    });
    await send(customerId);
    await send(customerId);
    const unread = () =>
      api.call<{ unread: number }>('GET', `/notifications/unread-count?recipientId=${customerId}`);
    expect((await unread()).body.unread).toBe(2);

    const [first] = await listFor(customerId, '&channel=IN_APP');
    const read = await api.call<NotificationBody>('POST', `/notifications/${first?.id}/read`);

    expect(read.status).toBe(200);
    expect(read.body.readAt).toBeDefined();
    expect((await unread()).body.unread).toBe(1);
    expect((await api.call('POST', '/notifications/01JD8X3Y4Z5A6B7C8D9E0F1G2H/read')).status).toBe(
      404,
    );
  });

  it('retries failed deliveries with backoff until DEAD_LETTER; stats count them', async () => {
    const customerId = await aVerifiedCustomer(api);
    await api.call('PUT', `/notifications/preferences/${customerId}`, {
      body: { channels: { transaction_alert: ['SMS'] } },
    });
    await api.call('PUT', `/customers/${customerId}`, {
      body: { firstName: 'Ada', lastName: 'Lovelace', email: EMAIL, phone: '+447700900123' },
    });
    messages = failingSink;

    const sent = await send(customerId);

    expect(sent.status).toBe(201); // A failed delivery never fails the send.
    expect(sent.body.sentCount).toBe(0);
    const [failed] = await listFor(customerId);
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
    for (let i = 0; i < 4; i += 1) {
      await new Promise((wake) => setTimeout(wake, 20));
      await api.call('POST', '/notifications/retry-failed', { body: {} });
    }
    const [dead] = await listFor(customerId);
    expect(dead).toMatchObject({ status: 'DEAD_LETTER', attempts: 5 });

    messages = realSink;
    await api.call('POST', '/notifications/retry-failed', { body: {} });
    expect((await listFor(customerId))[0]?.status).toBe('DEAD_LETTER'); // Not retried again.
    const stats = await api.call<{ byStatus: Record<string, number>; total: number }>(
      'GET',
      '/notifications/stats',
    );
    expect(stats.body.byStatus.DEAD_LETTER).toBeGreaterThanOrEqual(1);
    expect(stats.body.total).toBeGreaterThan(0);
  });

  it('turns a posted transaction into an alert for opted-in customers, once per event', async () => {
    const optedIn = await aVerifiedCustomer(api);
    const silent = await aVerifiedCustomer(api);
    await api.call('PUT', `/notifications/preferences/${optedIn}`, {
      body: { channels: { transaction_alert: ['IN_APP', 'SMS'] } },
    });
    const from = await anAccount(api, { customerId: silent, deposit: '100.00' });
    const to = await anAccount(api, { customerId: optedIn });
    const transfer = await api.call<{ id: string }>('POST', '/transactions/transfer', {
      body: { fromAccountId: from, toAccountId: to, amount: '25.00', currency: 'USD' },
    });
    const event = await outboxEvent(transfer.body.id, 'nexum.transaction.posted');

    await handleDomainEvent(api.deps, event);
    await handleDomainEvent(api.deps, event); // At-least-once redelivery.

    const alerts = await listFor(optedIn);
    expect(alerts).toHaveLength(2);
    expect(alerts.every((alert) => alert.eventId === event.id)).toBe(true);
    expect(alerts.find((alert) => alert.channel === 'IN_APP')?.body).toBe('TRANSFER 25.00 USD');
    expect(await listFor(silent)).toHaveLength(0);
  });

  it('sends a KYC notice and a loan installment reminder from their events', async () => {
    const customerId = await aVerifiedCustomer(api);
    await api.call('PUT', `/notifications/preferences/${customerId}`, {
      body: { channels: { loan_payment_due: ['SMS'] } },
    });
    const kyc = await outboxEvent(customerId, 'nexum.customer.kyc_updated');
    await handleDomainEvent(api.deps, kyc);
    const reminder = {
      ...kyc,
      id: '01JD8X3Y4Z5A6B7C8D9E0F1G2J',
      type: 'nexum.loan.installment_due',
      subject: 'loan/L1',
      // The catalogued shape (nexum.loan.installment_due); the events tests produce a real one.
      data: {
        loanId: 'L1',
        customerId,
        principalMinor: '1000000',
        currency: 'USD',
        status: 'ACTIVE',
        installmentNumber: 3,
        dueDate: '2026-12-01',
        amountMinor: '15075',
      },
    };
    expect(eventDataProblems(reminder.type, reminder.data)).toEqual([]);
    await handleDomainEvent(api.deps, reminder);

    const items = await listFor(customerId);
    expect(items.find((item) => item.type === 'kyc_updated')?.body).toBe(
      'Your KYC is now VERIFIED (tier 3).',
    );
    expect(items.find((item) => item.type === 'loan_payment_due')?.body).toBe(
      'Installment 150.75 USD due 2026-12-01.',
    );
  });

  it('never throws into the caller for an event about an unknown customer', async () => {
    await expect(
      handleDomainEvent(api.deps, {
        specversion: '1.0',
        id: '01JD8X3Y4Z5A6B7C8D9E0F1G2K',
        source: 'nexum/test',
        type: 'nexum.customer.kyc_updated',
        subject: 'customer/nobody',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        sequence: '1',
        data: { customerId: 'nobody', kycStatus: 'VERIFIED', kycTier: 1 },
      }),
    ).resolves.toBeUndefined();
  });

  it('refuses bad input with 4xx problems', async () => {
    expect((await send('no-such-customer')).status).toBe(404);
    const bad = await api.call('PUT', '/notifications/preferences/x', {
      body: { quietHours: { start: '25:00', end: '07:00' } },
    });
    expect(bad.status).toBe(400);
    expect(
      (await api.call('GET', '/notifications/templates/01JD8X3Y4Z5A6B7C8D9E0F1G2H')).status,
    ).toBe(404);
  });

  it('logs no addresses', () => {
    const all = logs.lines.join('\n');
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain('+447700900123');
  });
});
