import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestApi, type TestApi } from '../../support/api-client';

interface CustomerBody {
  id: string;
  status: string;
  firstName: string | null;
  email: string | null;
  phone?: string | null;
  nationalId?: string | null;
  externalId?: string;
  kycStatus: string;
  kycTier: number;
  kycVerifiedAt?: string;
  kycExpiresAt?: string;
}
type Page<T> = { items: T[]; nextCursor: string | null };

async function outboxEvents(api: TestApi, customerId: string) {
  const output = await api.table.client.send(
    new ScanCommand({
      TableName: api.table.tableName,
      FilterExpression: '#type = :t AND aggregateId = :id',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':t': 'OutboxEvent', ':id': customerId },
    }),
  );
  return (output.Items ?? []) as { eventType?: string; type: string; data?: unknown }[];
}

describe('customer API', () => {
  let api: TestApi;
  const unique = Date.now().toString(36);
  beforeAll(async () => {
    api = await createTestApi('customers');
  });
  afterAll(async () => api.close());

  const create = (body: Record<string, unknown>) =>
    api.call<CustomerBody>('POST', '/customers', { body });

  describe('PUT /customers/{id}', () => {
    it('replaces the personal fields, moves the lookups and audits only field names', async () => {
      const created = await create({
        firstName: 'Mary',
        lastName: 'Somerville',
        email: `mary.${unique}@example.com`,
        phone: '+441632960001',
        externalId: `crm-mary-${unique}`,
      });
      const id = created.body.id;

      const replaced = await api.call<CustomerBody>('PUT', `/customers/${id}`, {
        body: {
          firstName: 'Mary',
          lastName: 'Fairfax',
          email: `mary.fairfax.${unique}@example.com`,
          nationalId: 'ab-123 456',
        },
      });
      const byOldEmail = await api.call<Page<CustomerBody>>(
        'GET',
        `/customers?email=mary.${unique}%40example.com`,
      );
      const byNewEmail = await api.call<Page<CustomerBody>>(
        'GET',
        `/customers?email=MARY.FAIRFAX.${unique}%40EXAMPLE.COM`,
      );
      const byOldPhone = await api.call<Page<CustomerBody>>('GET', '/customers?phone=441632960001');
      const byNationalId = await api.call<Page<CustomerBody>>(
        'GET',
        '/customers?nationalId=AB123456',
      );
      const byExternalId = await api.call<Page<CustomerBody>>(
        'GET',
        `/customers?externalId=crm-mary-${unique}`,
      );
      const audit = await api.call<{ items: { action: string; data: Record<string, string> }[] }>(
        'GET',
        `/audit/events?entityType=CUSTOMER&entityId=${id}`,
      );
      const events = await outboxEvents(api, id);

      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({
        lastName: 'Fairfax',
        email: `mary.fairfax.${unique}@example.com`,
        nationalId: 'ab-123 456',
        externalId: `crm-mary-${unique}`,
      });
      expect(replaced.body.phone).toBeUndefined();
      expect(byOldEmail.body.items).toEqual([]);
      expect(byNewEmail.body.items.map((c) => c.id)).toEqual([id]);
      expect(byOldPhone.body.items).toEqual([]);
      expect(byNationalId.body.items.map((c) => c.id)).toEqual([id]);
      expect(byExternalId.body.items.map((c) => c.id)).toEqual([id]);
      expect(audit.body.items[0]).toMatchObject({
        action: 'CUSTOMER_UPDATED',
        data: { changedFields: 'lastName,email,phone,nationalId' },
      });
      expect(JSON.stringify(audit.body)).not.toContain('Fairfax');
      expect(JSON.stringify(events)).toContain('nexum.customer.updated');
      expect(JSON.stringify(events)).not.toContain('Fairfax');
      expect(JSON.stringify(events)).not.toContain('mary.');
    });

    it('refuses bad bodies, unknown customers and replays a keyed retry', async () => {
      const created = await create({
        firstName: 'Emmy',
        lastName: 'Noether',
        email: `emmy.${unique}@example.com`,
      });
      const body = { firstName: 'Emmy', lastName: 'Noether', email: `emmy2.${unique}@example.com` };

      const missing = await api.call('PUT', `/customers/${created.body.id}`, {
        body: { firstName: 'Emmy' },
      });
      const unknownField = await api.call('PUT', `/customers/${created.body.id}`, {
        body: { ...body, kycTier: 3 },
      });
      const unknown = await api.call('PUT', '/customers/01ZZZZZZZZZZZZZZZZZZZZZZZZ', { body });
      const first = await api.call('PUT', `/customers/${created.body.id}`, {
        body,
        headers: { 'Idempotency-Key': `put-${unique}` },
      });
      const again = await api.call('PUT', `/customers/${created.body.id}`, {
        body,
        headers: { 'Idempotency-Key': `put-${unique}` },
      });

      expect(missing.status).toBe(400);
      expect(missing.body.code).toBe('VALIDATION_FAILED');
      expect(unknownField.status).toBe(400);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('CUSTOMER_NOT_FOUND');
      expect(first.status).toBe(200);
      expect(again.headers['Idempotent-Replayed'] ?? again.headers['idempotent-replayed']).toBe(
        'true',
      );
      expect(again.raw).toBe(first.raw);
    });
  });

  describe('GET /customers', () => {
    it('looks up by phone and national id in any usual spelling', async () => {
      const created = await create({
        firstName: 'Srinivasa',
        lastName: 'Ramanujan',
        email: `srinivasa.${unique}@example.com`,
        phone: '+919876543210',
        nationalId: 'IN-7788.99',
      });

      const phones = await Promise.all(
        ['+919876543210', '+91 98765 43210', '(91) 9876-543210'].map((phone) =>
          api.call<Page<CustomerBody>>('GET', `/customers?phone=${encodeURIComponent(phone)}`),
        ),
      );
      const ids = await Promise.all(
        ['IN778899', 'in-7788-99', 'In 7788 99'].map((nationalId) =>
          api.call<Page<CustomerBody>>(
            'GET',
            `/customers?nationalId=${encodeURIComponent(nationalId)}`,
          ),
        ),
      );

      for (const found of [...phones, ...ids]) {
        expect(found.status).toBe(200);
        expect(found.body.items.map((c) => c.id)).toEqual([created.body.id]);
      }
    });

    it('finds every customer sharing an email (emails are not unique)', async () => {
      const email = `shared.${unique}@example.com`;
      const a = await create({ firstName: 'Ann', lastName: 'One', email });
      const b = await create({ firstName: 'Ben', lastName: 'Two', email });

      const found = await api.call<Page<CustomerBody>>(
        'GET',
        `/customers?email=${encodeURIComponent(email)}`,
      );

      expect(found.body.items.map((c) => c.id).sort()).toEqual([a.body.id, b.body.id].sort());
    });

    it('takes at most one filter and refuses malformed ones', async () => {
      const two = await api.call('GET', '/customers?email=a%40example.com&phone=%2B15550000000');
      const badPhone = await api.call('GET', '/customers?phone=call-me');
      const badId = await api.call('GET', '/customers?nationalId=%3Cscript%3E');
      const lookupWithCursor = await api.call('GET', '/customers?externalId=x&cursor=abc');
      const badCursor = await api.call('GET', '/customers?cursor=not-a-cursor');

      expect(two.status).toBe(400);
      expect(two.body.code).toBe('VALIDATION_FAILED');
      expect(badPhone.status).toBe(400);
      expect(badId.status).toBe(400);
      expect(lookupWithCursor.status).toBe(400);
      expect(badCursor.status).toBe(400);
    });

    it('lists customers newest first, a page at a time', async () => {
      const made: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        made.push(
          (await create({ firstName: `P${i}`, lastName: 'Page', email: `p${i}.${unique}@x.org` }))
            .body.id,
        );
      }

      const first = await api.call<Page<CustomerBody>>('GET', '/customers?limit=2');
      const second = await api.call<Page<CustomerBody>>(
        'GET',
        `/customers?limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      );

      expect(first.status).toBe(200);
      expect(first.body.items.map((c) => c.id)).toEqual([made[2], made[1]]);
      expect(first.body.nextCursor).not.toBeNull();
      expect(second.body.items[0]?.id).toBe(made[0]);
      const all = [...first.body.items, ...second.body.items].map((c) => c.id);
      expect(new Set(all).size).toBe(all.length);
    });
  });

  describe('beneficiaries', () => {
    it('adds, lists and removes beneficiaries within 100 percent', async () => {
      const customer = await create({
        firstName: 'Hedy',
        lastName: 'Lamarr',
        email: `hedy.${unique}@example.com`,
      });
      const base = `/customers/${customer.body.id}/beneficiaries`;

      const first = await api.call<{ id: string }>('POST', base, {
        body: { name: 'Anthony Loder', relationship: 'CHILD', percentage: '60.5' },
      });
      const second = await api.call<{ id: string }>('POST', base, {
        body: {
          name: 'Denise Loder',
          relationship: 'CHILD',
          percentage: '39.5',
          contactInfo: 'denise@example.org',
        },
      });
      const over = await api.call('POST', base, {
        body: { name: 'James Loder', relationship: 'CHILD', percentage: '0.01' },
      });
      const listed = await api.call<Page<{ id: string; name: string; percentage: string }>>(
        'GET',
        base,
      );
      const removed = await api.call('DELETE', `${base}/${first.body.id}`);
      const removedAgain = await api.call('DELETE', `${base}/${first.body.id}`);
      const fits = await api.call('POST', base, {
        body: { name: 'James Loder', relationship: 'CHILD', percentage: '60.5' },
      });
      const after = await api.call<Page<{ id: string }>>('GET', base);
      const audit = await api.call<{ items: { action: string }[] }>(
        'GET',
        `/audit/events?entityType=CUSTOMER&entityId=${customer.body.id}`,
      );
      const events = await outboxEvents(api, customer.body.id);

      expect(first.status).toBe(201);
      expect(first.headers.Location ?? first.headers.location).toContain(
        `/beneficiaries/${first.body.id}`,
      );
      expect(second.status).toBe(201);
      expect(over.status).toBe(422);
      expect(over.body.code).toBe('BENEFICIARY_SHARES_EXCEEDED');
      expect(listed.body.items).toEqual([
        expect.objectContaining({ name: 'Anthony Loder', percentage: '60.5' }),
        expect.objectContaining({
          name: 'Denise Loder',
          percentage: '39.5',
          contactInfo: 'denise@example.org',
        }),
      ]);
      expect(removed.status).toBe(200);
      expect(removedAgain.status).toBe(404);
      expect(removedAgain.body.code).toBe('BENEFICIARY_NOT_FOUND');
      expect(fits.status).toBe(201);
      expect(after.body.items).toHaveLength(2);
      expect(audit.body.items.map((r) => r.action)).toEqual(
        expect.arrayContaining(['BENEFICIARY_ADDED', 'BENEFICIARY_REMOVED']),
      );
      expect(JSON.stringify(audit.body)).not.toContain('Loder');
      expect(JSON.stringify(events)).toContain('nexum.customer.beneficiary_added');
      expect(JSON.stringify(events)).toContain('nexum.customer.beneficiary_removed');
      expect(JSON.stringify(events)).not.toContain('Loder');
    });

    it('refuses bad percentages, unknown customers and unknown fields', async () => {
      const customer = await create({
        firstName: 'Grace',
        lastName: 'Murray',
        email: `grace.m.${unique}@example.com`,
      });
      const base = `/customers/${customer.body.id}/beneficiaries`;
      const bad = await Promise.all(
        ['100.01', '-1', '50.123456', 'abc', '1e2', ''].map((percentage) =>
          api.call('POST', base, { body: { name: 'X', relationship: 'Y', percentage } }),
        ),
      );
      const numeric = await api.call('POST', base, {
        body: { name: 'X', relationship: 'Y', percentage: 50 },
      });
      const extra = await api.call('POST', base, {
        body: { name: 'X', relationship: 'Y', percentage: '5', ssn: '1' },
      });
      const unknown = await api.call(
        'POST',
        '/customers/01ZZZZZZZZZZZZZZZZZZZZZZZZ/beneficiaries',
        {
          body: { name: 'X', relationship: 'Y', percentage: '5' },
        },
      );
      const unknownList = await api.call(
        'GET',
        '/customers/01ZZZZZZZZZZZZZZZZZZZZZZZZ/beneficiaries',
      );

      for (const response of [...bad, numeric, extra]) expect(response.status).toBe(400);
      expect(unknown.status).toBe(404);
      expect(unknownList.status).toBe(404);
    });
  });

  describe('KYC', () => {
    it('verifies with a tier name and an expiry, and downgrades on EXPIRED and REJECTED', async () => {
      const customer = await create({
        firstName: 'Lise',
        lastName: 'Meitner',
        email: `lise.${unique}@example.com`,
      });
      const path = `/customers/${customer.body.id}/kyc`;

      const verified = await api.call<CustomerBody>('PUT', path, {
        body: { status: 'VERIFIED', tier: 'TIER_3', expiryDays: 365 },
      });
      const pending = await api.call<CustomerBody>('PUT', path, { body: { status: 'PENDING' } });
      const expired = await api.call<CustomerBody>('PUT', path, { body: { status: 'EXPIRED' } });
      const reverified = await api.call<CustomerBody>('PUT', path, {
        body: { status: 'VERIFIED', tier: 2, expiresAt: '2030-01-01T00:00:00.000Z' },
      });
      const rejected = await api.call<CustomerBody>('PUT', path, { body: { status: 'REJECTED' } });
      const stored = await api.deps.ledger.getCustomer(customer.body.id);

      expect(verified.status).toBe(200);
      expect(verified.body.kycTier).toBe(3);
      expect(verified.body.kycVerifiedAt).toBeDefined();
      const days =
        (Date.parse(verified.body.kycExpiresAt ?? '') -
          Date.parse(verified.body.kycVerifiedAt ?? '')) /
        86_400_000;
      expect(Math.round(days)).toBe(365);
      expect(pending.body).toMatchObject({ kycStatus: 'PENDING', kycTier: 3 });
      expect(expired.body).toMatchObject({ kycStatus: 'EXPIRED', kycTier: 0 });
      expect(expired.body.kycExpiresAt).toBeDefined();
      expect(reverified.body).toMatchObject({
        kycTier: 2,
        kycExpiresAt: '2030-01-01T00:00:00.000Z',
      });
      expect(rejected.body).toMatchObject({ kycStatus: 'REJECTED', kycTier: 0 });
      expect(rejected.body.kycVerifiedAt).toBeUndefined();
      expect(rejected.body.kycExpiresAt).toBeUndefined();
      expect(stored).toMatchObject({ kycStatus: 'REJECTED', kycTier: 0 });
    });

    it('refuses expiry without VERIFIED, both expiry forms, and unknown tiers', async () => {
      const customer = await create({
        firstName: 'Chien-Shiung',
        lastName: 'Wu',
        email: `wu.${unique}@example.com`,
      });
      const path = `/customers/${customer.body.id}/kyc`;
      const bodies = [
        { status: 'PENDING', expiryDays: 30 },
        { status: 'VERIFIED', expiryDays: 30, expiresAt: '2030-01-01T00:00:00.000Z' },
        { status: 'VERIFIED', tier: 'TIER_4' },
        { status: 'VERIFIED', tier: '2' },
        { status: 'VERIFIED', expiryDays: 0 },
        { status: 'VERIFIED', expiresAt: 'tomorrow' },
      ];

      const responses = await Promise.all(bodies.map((body) => api.call('PUT', path, { body })));

      for (const response of responses) expect(response.status).toBe(400);
    });
  });
});
