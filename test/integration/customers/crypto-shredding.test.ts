import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { openCustomer } from '../../../shared/application/customer-records';
import { createTestApi, type TestApi } from '../../support/api-client';

type Page<T> = { items: T[]; nextCursor: string | null };

describe('erasing a customer (crypto-shredding)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('shredding');
  });
  afterAll(async () => api.close());

  it('makes their personal data unreadable while their accounts still balance', async () => {
    // Prepare: a customer with beneficiaries, an account, money moved in and out.
    const email = `ada.${Date.now()}@example.com`;
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: {
        firstName: 'Augusta',
        lastName: 'Ada',
        email,
        phone: '+447700900555',
        nationalId: 'AL181512',
        externalId: 'crm-ada',
      },
    });
    const id = created.body.id;
    // Verified, so the movements fit the tier's limits (tier 0 allows 100 a day).
    await api.call('PUT', `/customers/${id}/kyc`, { body: { status: 'VERIFIED', tier: 1 } });
    await api.call('POST', `/customers/${id}/beneficiaries`, {
      body: { name: 'Byron King', relationship: 'CHILD', percentage: '100' },
    });
    const account = await api.call<{ id: string }>('POST', '/accounts', {
      body: { customerId: id, currency: 'GBP' },
    });
    await api.call('POST', '/transactions/deposit', {
      body: { accountId: account.body.id, amount: '250.00', currency: 'GBP' },
    });
    await api.call('POST', '/transactions/withdraw', {
      body: { accountId: account.body.id, amount: '40.25', currency: 'GBP' },
    });
    const before = await api.deps.ledger.getCustomer(id);
    const auditBefore = await api.call<Page<unknown>>(
      'GET',
      `/audit/events?entityType=CUSTOMER&entityId=${id}`,
    );

    // Act
    const erased = await api.call('DELETE', `/customers/${id}/personal-data`);
    const again = await api.call('DELETE', `/customers/${id}/personal-data`);

    // Assess: the API shows an ERASED shell, and no lookup finds them.
    const read = await api.call('GET', `/customers/${id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      id,
      status: 'ERASED',
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      dateOfBirth: null,
      nationalId: null,
      address: null,
      externalId: 'crm-ada',
    });
    expect(erased.body.erasedAt).toEqual(expect.any(String));
    expect(again.status).toBe(200);
    expect(again.body.erasedAt).toBe(erased.body.erasedAt);
    expect(read.body).toMatchObject({ status: 'ERASED', firstName: null, email: null });
    for (const query of [
      `email=${encodeURIComponent(email)}`,
      'phone=%2B447700900555',
      'nationalId=AL181512',
      'externalId=crm-ada',
    ]) {
      const found = await api.call<Page<unknown>>('GET', `/customers?${query}`);
      expect(found.body.items).toEqual([]);
    }
    const beneficiaries = await api.call<Page<unknown>>('GET', `/customers/${id}/beneficiaries`);
    expect(beneficiaries.body.items).toEqual([]);

    // The raw item keeps no key and no ciphertext; the old ciphertext cannot be opened any more.
    const raw = await api.table.client.send(
      new GetCommand({
        TableName: api.table.tableName,
        Key: { pk: `CUSTOMER#${id}`, sk: 'CUSTOMER' },
      }),
    );
    expect(raw.Item?.subjectKey).toBeUndefined();
    expect(raw.Item?.pii).toBeUndefined();
    expect(raw.Item?.beneficiaries).toBeUndefined();
    expect(raw.Item?.gsi3pk).toBeUndefined();
    // A copy of the old ciphertext (a stream record, an export) is useless without the key.
    const after = await api.deps.ledger.getCustomer(id);
    if (before === undefined || after === undefined) throw new Error('customer vanished');
    expect(before.subjectKey).toBeDefined();
    await expect(
      openCustomer(api.deps, { ...after, status: 'ACTIVE', pii: before.pii }),
    ).rejects.toThrow();

    // The ledger is untouched: balances, history, trial balance and the audit chains.
    const balance = await api.call<{ balance: { amount: string } }>(
      'GET',
      `/accounts/${account.body.id}`,
    );
    const history = await api.call<Page<unknown>>(
      'GET',
      `/accounts/${account.body.id}/transactions`,
    );
    const accounts = await api.call<Page<{ id: string }>>('GET', `/customers/${id}/accounts`);
    const trial = await api.call<{
      balanced: boolean;
      currencies: { debits: string; credits: string }[];
    }>('GET', '/ledger/trial-balance');
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    const audit = await api.call<Page<{ action: string }>>(
      'GET',
      `/audit/events?entityType=CUSTOMER&entityId=${id}`,
    );
    expect(balance.body.balance.amount).toBe('209.75');
    expect(history.body.items).toHaveLength(2);
    expect(accounts.body.items.map((a) => a.id)).toEqual([account.body.id]);
    expect(trial.body.balanced).toBe(true);
    for (const currency of trial.body.currencies) expect(currency.debits).toBe(currency.credits);
    expect(verify.body.valid).toBe(true);
    expect(audit.body.items).toHaveLength(auditBefore.body.items.length + 1);
    expect(audit.body.items[0]?.action).toBe('CUSTOMER_ERASED');
    expect(JSON.stringify(audit.body)).not.toContain('Augusta');
  });

  it('refuses personal-data changes after erasure, and erasure without DELETE_CUSTOMER', async () => {
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Kurt', lastName: 'Godel', email: `kurt.${Date.now()}@example.com` },
    });
    const id = created.body.id;
    const teller = await api.tokenFor(['TELLER']);

    const forbidden = await api.call('DELETE', `/customers/${id}/personal-data`, {
      token: teller,
    });
    const unknown = await api.call('DELETE', '/customers/01ZZZZZZZZZZZZZZZZZZZZZZZZ/personal-data');
    await api.call('DELETE', `/customers/${id}/personal-data`);
    const put = await api.call('PUT', `/customers/${id}`, {
      body: { firstName: 'Kurt', lastName: 'Godel', email: 'kurt@example.com' },
    });
    const beneficiary = await api.call('POST', `/customers/${id}/beneficiaries`, {
      body: { name: 'X', relationship: 'Y', percentage: '1' },
    });

    expect(forbidden.status).toBe(403);
    expect(unknown.status).toBe(404);
    expect(put.status).toBe(409);
    expect(put.body.code).toBe('CUSTOMER_ERASED');
    expect(beneficiary.status).toBe(409);
  });
});
