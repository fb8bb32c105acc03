import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestApi, type TestApi } from '../../support/api-client';
import { capturedLogger } from '../../support/log-capture';

async function scanAll(api: TestApi): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await api.table.client.send(
      new ScanCommand({ TableName: api.table.tableName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return JSON.stringify(items);
}

describe('personal data at rest', () => {
  let api: TestApi;
  const logs = capturedLogger();
  beforeAll(async () => {
    api = await createTestApi('pii', { logger: logs.logger });
  });
  afterAll(async () => api.close());

  it('never stores a customer identifying value in the clear, yet reads it back', async () => {
    // Prepare: a customer with distinctive values, an account and a posting (audit, outbox…).
    const person = {
      firstName: 'Zebulon',
      lastName: 'Quartermaine',
      email: 'zebulon.quartermaine@example.org',
      phone: '+447700900123',
      dateOfBirth: '1984-02-29',
      nationalId: 'QQ123456C',
      address: { line1: '221B Baker Street', city: 'Marylebone', country: 'GB' },
    };
    const created = await api.call<{ id: string }>('POST', '/customers', { body: person });
    const opened = await api.call<{ id: string }>('POST', '/accounts', {
      body: { customerId: created.body.id, currency: 'GBP' },
    });
    await api.call('POST', '/transactions/deposit', {
      body: { accountId: opened.body.id, amount: '10.00', currency: 'GBP' },
    });

    // Act: read every item of the table raw.
    const raw = await scanAll(api);

    // Assess
    for (const value of [
      'Zebulon',
      'Quartermaine',
      'zebulon.quartermaine',
      '447700900123',
      '1984-02-29',
      'QQ123456C',
      'Baker Street',
    ]) {
      expect(raw).not.toContain(value);
    }
    const read = await api.call('GET', `/customers/${created.body.id}`);
    expect(read.body).toMatchObject(person);
  });

  it('finds a customer by exact email through the blind index, whatever the case', async () => {
    const email = `Grace.Hopper.${Date.now()}@Example.com`;
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Grace', lastName: 'Hopper', email },
    });
    await api.call('POST', '/customers', {
      body: { firstName: 'Alan', lastName: 'Turing', email: `alan.${Date.now()}@example.com` },
    });

    const found = await api.call<{ items: { id: string; email: string }[] }>(
      'GET',
      `/customers?email=${encodeURIComponent(email.toLowerCase())}`,
    );
    const none = await api.call<{ items: unknown[] }>(
      'GET',
      '/customers?email=nobody%40example.com',
    );
    const invalid = await api.call('GET', '/customers?email=not-an-email');

    expect(found.body.items.map((customer) => customer.id)).toEqual([created.body.id]);
    expect(found.body.items[0]?.email).toBe(email);
    expect(none.body.items).toEqual([]);
    expect(invalid.status).toBe(400);
  });

  it('keeps beneficiaries and replaced values sealed too, and out of the logs', async () => {
    // Prepare: a customer, replaced with new values, with a beneficiary; then lookups, a KYC
    // decision, a failed request, a key rotation and an erasure of another customer.
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Ignatius', lastName: 'Pollaky', email: 'ignatius.p@example.net' },
    });
    const id = created.body.id;
    const replaced = {
      firstName: 'Wilhelmina',
      lastName: 'Fitzwarren',
      email: 'wilhelmina.fitzwarren@example.net',
      phone: '+35312345678',
      nationalId: 'IE9988776W',
      dateOfBirth: '1901-12-12',
      address: { line1: '7 Eccles Street', city: 'Dublin', country: 'IE' },
    };
    const put = await api.call('PUT', `/customers/${id}`, { body: replaced });
    const heir = await api.call('POST', `/customers/${id}/beneficiaries`, {
      body: {
        name: 'Bartholomew Quince',
        relationship: 'NEPHEW',
        percentage: '42.42',
        contactInfo: 'quince@heirs.example',
      },
    });
    await api.call('GET', '/customers?email=wilhelmina.fitzwarren%40example.net');
    await api.call('GET', '/customers?nationalId=IE9988776W');
    await api.call('GET', '/customers?phone=%2B35312345678');
    await api.call('PUT', `/customers/${id}/kyc`, { body: { status: 'VERIFIED', tier: 1 } });
    await api.call('POST', '/customers', {
      body: { firstName: 'Wilhelmina', lastName: 'Fitzwarren', email: 'not-an-email' },
    });
    await api.call('POST', '/encryption/rotate-key');
    await api.deps.jobs.idle();
    const other = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Ottoline', lastName: 'Quixley', email: 'ottoline.q@example.net' },
    });
    await api.call('DELETE', `/customers/${other.body.id}/personal-data`);

    // Act
    const raw = await scanAll(api);
    const logged = logs.lines.join('\n');

    // Assess
    const secrets = [
      'Ignatius',
      'Pollaky',
      'Wilhelmina',
      'Fitzwarren',
      'wilhelmina.fitzwarren',
      '35312345678',
      'IE9988776W',
      '1901-12-12',
      'Eccles',
      'Bartholomew',
      'Quince',
      'quince@heirs',
      'NEPHEW',
      // Not followed by a digit: a timestamp at second 42 (`…:42.427Z`) is not the percentage.
      /42\.42(?!\d)/,
      'Ottoline',
      'Quixley',
    ];
    expect(put.status).toBe(200);
    expect(heir.status).toBe(201);
    expect(logs.lines.length).toBeGreaterThan(10);
    for (const value of secrets) {
      expect(raw).not.toMatch(value);
      expect(logged).not.toMatch(value);
    }
    const read = await api.call('GET', `/customers/${id}`);
    expect(read.body).toMatchObject(replaced);
  });
});
