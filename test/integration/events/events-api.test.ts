import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  OutboxDispatcher,
  defaultDispatcherOptions,
} from '../../../shared/application/events/dispatcher';
import { eventCatalogue, isCatalogued } from '../../../shared/contracts/events/catalogue';
import { createTestApi, type TestApi } from '../../support/api-client';

interface EventItem {
  id: string;
  type: string;
  subject: string;
  sequence: string;
  data: Record<string, unknown>;
  publication: { state: string; attempts: number; publishedAt?: string };
}
interface EventPage {
  items: EventItem[];
  nextCursor: string | null;
}

describe('the events API on DynamoDB Local', () => {
  let api: TestApi;
  let customerId: string;
  let accountId: string;
  const transactions: string[] = [];

  beforeAll(async () => {
    api = await createTestApi('events-api');
    const created = await api.call('POST', '/customers', {
      body: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace.hopper@example.com',
        phone: '+15551234567',
        nationalId: 'NAT-998877',
      },
    });
    customerId = String(created.body.id);
    await api.call('PUT', `/customers/${customerId}/kyc`, {
      body: { status: 'VERIFIED', tier: 3 },
    });
    const replaced = await api.call('PUT', `/customers/${customerId}`, {
      body: {
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace@example.org',
        phone: '+15551234567',
        nationalId: 'NAT-998877',
      },
    });
    expect(replaced.status).toBe(200);
    const opened = await api.call('POST', '/accounts', {
      body: { customerId, productType: 'SAVINGS', currency: 'USD', name: 'Savings' },
    });
    accountId = String(opened.body.id);
    for (const amount of ['10.00', '20.00', '30.00', '40.00', '50.00']) {
      const deposit = await api.call('POST', '/transactions/deposit', {
        body: { accountId, amount, currency: 'USD' },
      });
      expect(deposit.status).toBe(201);
      transactions.push(String(deposit.body.id));
    }
    await api.call('POST', `/accounts/${accountId}/freeze`, { body: { reason: 'review' } });
  });
  afterAll(async () => api.close());

  const all = async (query: string): Promise<EventItem[]> => {
    const items: EventItem[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: EventPage } = await api.call<EventPage>(
        'GET',
        `/events?${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return items;
  };

  it('lists recent events newest first, page by page, without gaps or repeats', async () => {
    const everything = await all('limit=200');
    const paged = await all('limit=2');
    expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));
    expect(everything.map((e) => e.id)).toEqual([...everything.map((e) => e.id)].sort().reverse());
    expect(everything.length).toBeGreaterThanOrEqual(10);
    const first = await api.call<EventPage>('GET', '/events?limit=3');
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).not.toBeNull();
    expect(first.body.items[0]).toMatchObject({
      specversion: '1.0',
      source: 'nexum/test',
      type: 'nexum.account.frozen',
      subject: `account/${accountId}`,
      datacontenttype: 'application/json',
      publication: { state: 'PENDING', attempts: 0 },
    });
  });

  it('filters by type and by subject, and serves the original /kafka/events path', async () => {
    const posted = await all('type=nexum.transaction.posted&limit=2');
    expect(posted.map((e) => e.subject)).toEqual(
      [...transactions].reverse().map((id) => `transaction/${id}`),
    );
    const ofAccount = await all(`subject=account/${accountId}&limit=1`);
    expect(ofAccount.map((e) => e.type)).toEqual(['nexum.account.frozen', 'nexum.account.opened']);
    const both = await all(`subject=customer/${customerId}&type=nexum.customer.kyc_updated`);
    expect(both).toHaveLength(1);
    expect(both[0]?.data).toMatchObject({ customerId, kycStatus: 'VERIFIED', kycTier: 3 });
    const alias = await api.call<EventPage>('GET', `/kafka/events?subject=account/${accountId}`);
    expect(alias.body.items.map((e) => e.id)).toEqual(ofAccount.map((e) => e.id));
    expect((await api.call<EventPage>('GET', '/events?type=nexum.loan.approved')).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('refuses bad filters and cursors with 400, and callers without VIEW_AUDIT_LOG with 403', async () => {
    expect((await api.call('GET', '/events?type=DROP TABLE')).status).toBe(400);
    expect((await api.call('GET', '/events?cursor=bm90LWEtY3Vyc29y')).status).toBe(400);
    expect((await api.call('GET', '/events?limit=0')).body.code).toBe('VALIDATION_FAILED');
    const teller = await api.tokenFor(['TELLER']);
    const forbidden = await api.call('GET', '/events', { token: teller });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    const auditor = await api.tokenFor(['AUDITOR']);
    expect((await api.call('GET', '/events/status', { token: auditor })).status).toBe(200);
  });

  it('emits only catalogued events whose data fits the schema and carries no personal data', async () => {
    const events = await all(`subject=customer/${customerId}`);
    expect(events.map((e) => e.type).sort()).toEqual([
      'nexum.customer.created',
      'nexum.customer.kyc_updated',
      'nexum.customer.updated',
    ]);
    const everything = await all('limit=200');
    for (const event of everything) {
      expect(isCatalogued(event.type)).toBe(true);
      if (!isCatalogued(event.type)) continue;
      const parsed = eventCatalogue[event.type].data.safeParse(event.data);
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
    const text = JSON.stringify(everything);
    for (const personal of [
      'Grace',
      'Hopper',
      'grace.hopper@example.com',
      'grace@example.org',
      '5551234567',
      'NAT-998877',
    ]) {
      expect(text).not.toContain(personal);
    }
    expect(events.find((e) => e.type === 'nexum.customer.updated')?.data).toEqual({
      customerId,
      changedFields: ['email'],
    });
  });

  it('reports publisher lag, then none once the dispatcher has published', async () => {
    const before = await api.call('GET', '/events/status');
    expect(before.status).toBe(200);
    const pending = (await all('limit=200')).length;
    expect(before.body).toMatchObject({
      unpublishedCount: pending,
      failingCount: 0,
      deadLetteredCount: 0,
      deadLetterQueueDepth: null,
    });
    expect(before.body.oldestUnpublishedAgeSeconds).toEqual(expect.any(Number));
    expect(Number(before.body.oldestUnpublishedAgeSeconds)).toBeGreaterThan(0);
    expect(typeof before.body.oldestUnpublishedAt).toBe('string');

    const dispatcher = new OutboxDispatcher(
      { outbox: api.deps.outbox, clock: api.deps.clock, logger: api.deps.logger },
      defaultDispatcherOptions('test'),
    );
    expect((await dispatcher.pollOnce()).delivered).toBe(pending);

    const after = await api.call('GET', '/events/status');
    expect(after.body).toMatchObject({
      unpublishedCount: 0,
      oldestUnpublishedAt: null,
      oldestUnpublishedAgeSeconds: null,
    });
    const listed = await api.call<EventPage>('GET', '/events?limit=1');
    expect(listed.body.items[0]?.publication).toMatchObject({
      state: 'PUBLISHED',
      publishedAt: expect.any(String),
    });
  });

  it('serves the catalogue with a JSON Schema per type', async () => {
    const catalogue = await api.call<{ items: Array<{ type: string; dataSchema: object }> }>(
      'GET',
      '/events/catalogue',
    );
    expect(catalogue.status).toBe(200);
    expect(catalogue.body.items.map((i) => i.type)).toEqual(Object.keys(eventCatalogue));
    expect(catalogue.body.items[0]?.dataSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
    });
  });
});
