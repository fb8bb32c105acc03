import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handleDomainEvent } from '../../../shared/application/notifications/handle-domain-event';
import {
  dispatchToWebhooks,
  verifySignature,
} from '../../../shared/application/notifications/webhooks';
import type { CloudEvent } from '../../../shared/contracts/events/cloud-event';
import { createTestApi, type TestApi } from '../../support/api-client';
import { capturedLogger } from '../../support/log-capture';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

interface WebhookBody {
  id: string;
  url: string;
  events: string[];
  secret?: string;
  active: boolean;
}
interface DeliveryBody {
  eventId: string;
  status: string;
  attempts: number;
  lastStatusCode?: number;
}
type Page<T> = { items: T[]; nextCursor: string | null };

let sequence = 0;
const anEvent = (type = 'nexum.transaction.posted'): CloudEvent => {
  sequence += 1;
  return {
    specversion: '1.0',
    id: `01JD8X3Y4Z5A6B7C8D9E0F${String(sequence).padStart(4, '0')}`,
    source: 'nexum/test',
    type,
    subject: 'transaction/T1',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    sequence: '1',
    data: { transactionId: 'T1', amount: '1000', currency: 'USD' },
  };
};

/** The receiver's side of the documented recipe, written out independently of the sender. */
function receiverVerifies(secret: string, header: string, rawBody: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (match === null) return false;
  const [, t, v1] = match;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return v1 === expected && Math.abs(Date.now() / 1000 - Number(t)) < 300;
}

describe('signed webhooks', () => {
  let api: TestApi;
  let receiver: WebhookReceiver;
  const logs = capturedLogger();

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    api = await createTestApi('webhooks', {
      logger: logs.logger,
      overrides: (base) => ({ notifications: { ...base.notifications, retryBaseMs: 1 } }),
    });
  });
  afterAll(async () => {
    await api.close();
    await receiver.close();
  });

  const register = (events: string[], url = receiver.url) =>
    api.call<WebhookBody>('POST', '/notifications/webhooks', {
      body: { url, events, description: 'test receiver' },
    });
  const deliveries = async (id: string) =>
    (await api.call<Page<DeliveryBody>>('GET', `/notifications/webhooks/${id}/deliveries`)).body
      .items;

  it('registers an endpoint, shows the secret once and stores it sealed', async () => {
    const created = await register(['nexum.transaction.posted']);

    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const read = await api.call<WebhookBody>('GET', `/notifications/webhooks/${created.body.id}`);
    expect(read.body.secret).toBeUndefined();
    const list = await api.call<Page<WebhookBody>>('GET', '/notifications/webhooks');
    expect(list.body.items.map((item) => item.id)).toContain(created.body.id);
    const items = await api.table.client.send(new ScanCommand({ TableName: api.table.tableName }));
    expect(JSON.stringify(items.Items)).not.toContain(created.body.secret);
    await api.call('DELETE', `/notifications/webhooks/${created.body.id}`);
  });

  it('refuses non-https URLs (except localhost here) and private addresses', async () => {
    for (const url of [
      'http://example.com/hook',
      'ftp://localhost/hook',
      'not a url',
      'https://user:pw@example.com/hook',
    ]) {
      const refused = await register(['*'], url);
      expect([400, 422]).toContain(refused.status);
    }
    const refused = await register(['*'], 'http://example.com/hook');
    expect(refused.body).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED' });
  });

  it('delivers the CloudEvent signed, retries a failure and stops after success', async () => {
    const created = await register(['nexum.transaction.posted']);
    const secret = created.body.secret ?? '';
    receiver.statuses = [500];
    const event = anEvent();
    const before = receiver.received.length;

    await handleDomainEvent(api.deps, event);

    expect(receiver.received).toHaveLength(before + 1);
    expect((await deliveries(created.body.id))[0]).toMatchObject({
      eventId: event.id,
      status: 'FAILED',
      attempts: 1,
      lastStatusCode: 500,
    });
    await new Promise((wake) => setTimeout(wake, 20));
    const retried = await api.call('POST', '/notifications/retry-failed', { body: {} });
    expect(retried.body).toMatchObject({ sent: 1 });

    expect(receiver.received).toHaveLength(before + 2);
    for (const delivery of receiver.received.slice(before)) {
      const header = String(delivery.headers['nexum-signature']);
      expect(receiverVerifies(secret, header, delivery.rawBody)).toBe(true);
      expect(verifySignature(secret, header, delivery.rawBody, Math.floor(Date.now() / 1000))).toBe(
        true,
      );
      expect(verifySignature(secret, header, `${delivery.rawBody} `, Date.now() / 1000)).toBe(
        false,
      );
      expect(delivery.headers['idempotency-key']).toBe(event.id);
      expect(JSON.parse(delivery.rawBody)).toEqual(event);
    }
    expect((await deliveries(created.body.id))[0]).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
    });
    await new Promise((wake) => setTimeout(wake, 20));
    await api.call('POST', '/notifications/retry-failed', { body: {} });
    await handleDomainEvent(api.deps, event); // The same event again: deduplicated.
    expect(receiver.received).toHaveLength(before + 2);
    await api.call('DELETE', `/notifications/webhooks/${created.body.id}`);
  });

  it('sends only subscribed types; a rotated secret signs from then on; deleted endpoints get nothing', async () => {
    const created = await register(['nexum.customer.kyc_updated']);
    const oldSecret = created.body.secret ?? '';
    const before = receiver.received.length;
    await handleDomainEvent(api.deps, anEvent('nexum.transaction.posted'));
    expect(receiver.received).toHaveLength(before);

    const rotated = await api.call<WebhookBody>(
      'POST',
      `/notifications/webhooks/${created.body.id}/rotate-secret`,
    );
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret ?? '';
    expect(newSecret).not.toBe(oldSecret);
    await handleDomainEvent(api.deps, anEvent('nexum.customer.kyc_updated'));
    const delivery = receiver.received.at(-1);
    const header = String(delivery?.headers['nexum-signature']);
    expect(receiverVerifies(newSecret, header, delivery?.rawBody ?? '')).toBe(true);
    expect(receiverVerifies(oldSecret, header, delivery?.rawBody ?? '')).toBe(false);

    expect((await api.call('DELETE', `/notifications/webhooks/${created.body.id}`)).status).toBe(
      204,
    );
    await handleDomainEvent(api.deps, anEvent('nexum.customer.kyc_updated'));
    expect(receiver.received).toHaveLength(before + 1);
    expect((await api.call('GET', `/notifications/webhooks/${created.body.id}`)).status).toBe(404);
  });

  it('sends notification messages only to endpoints naming their type, never to "*"', async () => {
    const everything = await register(['*']);
    const before = receiver.received.length;
    await dispatchToWebhooks(api.deps, anEvent('nexum.notification.transaction_alert'));
    expect(receiver.received).toHaveLength(before);
    await dispatchToWebhooks(api.deps, anEvent('nexum.account.frozen'));
    expect(receiver.received).toHaveLength(before + 1);
    await api.call('DELETE', `/notifications/webhooks/${everything.body.id}`);

    const named = await register(['nexum.notification.transaction_alert']);
    await dispatchToWebhooks(api.deps, anEvent('nexum.notification.transaction_alert'));
    expect(receiver.received).toHaveLength(before + 2);
    expect(receiver.received.at(-1)?.headers['nexum-event-type']).toBe(
      'nexum.notification.transaction_alert',
    );
    await api.call('DELETE', `/notifications/webhooks/${named.body.id}`);
  });

  it('gives up after the fifth failed try (DEAD_LETTER)', async () => {
    const created = await register(['*']);
    receiver.statuses = [503, 503, 503, 503, 503];
    await handleDomainEvent(api.deps, anEvent('nexum.account.frozen'));
    for (let i = 0; i < 6; i += 1) {
      await new Promise((wake) => setTimeout(wake, 20));
      await api.call('POST', '/notifications/retry-failed', { body: {} });
    }
    expect((await deliveries(created.body.id))[0]).toMatchObject({
      status: 'DEAD_LETTER',
      attempts: 5,
    });
    await api.call('DELETE', `/notifications/webhooks/${created.body.id}`);
  });

  it('an unreachable receiver is recorded as a failed try, never thrown', async () => {
    const created = await register(['*'], 'http://localhost:9/unreachable');
    await expect(
      handleDomainEvent(api.deps, anEvent('nexum.account.opened')),
    ).resolves.toBeUndefined();
    expect((await deliveries(created.body.id))[0]).toMatchObject({ status: 'FAILED' });
    await api.call('DELETE', `/notifications/webhooks/${created.body.id}`);
  });

  it('logs no secrets', () => {
    expect(logs.lines.join('\n')).not.toMatch(/whsec_/);
  });
});
