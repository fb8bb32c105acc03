import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestApi, type TestApi } from '../../support/api-client';

describe('personal data at rest', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('pii');
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
    const items: unknown[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await api.table.client.send(
        new ScanCommand({ TableName: api.table.tableName, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    const raw = JSON.stringify(items);

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
});
