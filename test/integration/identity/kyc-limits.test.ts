import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  anAccount,
  aVerifiedCustomer,
  balanceOf,
  callAsClient,
  createTestApi,
  type TestApi,
} from '../../support/api-client';
import type { WriteOp } from '../../../shared/application/ledger/records';
import type { CurrencyCode } from '../../../shared/domain/money';

// KYC tier limits (inventory §6, in USD): tier 0 — single 100, daily 100, monthly 1,000;
// tier 1 — single 1,000, daily 1,000, monthly 10,000, annual 50,000.
describe('KYC tier limits on money movements', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('kyclimits');
  });
  afterAll(async () => api.close());

  async function pendingCustomer(): Promise<string> {
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Tia', lastName: 'Zero', email: 'tia.zero@example.com' },
    });
    return created.body.id;
  }
  const deposit = (accountId: string, amount: string, currency = 'USD') =>
    api.call<{ code?: string; detail?: string }>('POST', '/transactions/deposit', {
      body: { accountId, amount, currency },
    });

  it('holds an unverified customer to tier 0: single and daily limits, nothing posted past them', async () => {
    const account = await anAccount(api, { customerId: await pendingCustomer() });

    const tooBig = await deposit(account, '100.01');
    const exact = await deposit(account, '100.00');
    const overDaily = await deposit(account, '0.01');
    const history = await api.call<{ items: unknown[] }>(
      'GET',
      `/accounts/${account}/transactions`,
    );

    expect(tooBig.status).toBe(422);
    expect(tooBig.body.code).toBe('KYC_LIMIT_EXCEEDED');
    expect(tooBig.body.detail).toContain('single-transaction limit of 100.00 USD');
    expect(exact.status).toBe(201);
    expect(overDaily.status).toBe(422);
    expect(overDaily.body).toMatchObject({ code: 'KYC_LIMIT_EXCEEDED' });
    expect(overDaily.body.detail).toContain('daily volume would exceed 100.00 USD');
    expect(await balanceOf(api, account)).toBe('100.00');
    expect(history.body.items).toHaveLength(1);
  });

  it('counts money out and in together, per customer across their accounts', async () => {
    const customerId = await aVerifiedCustomer(api, 1);
    const first = await anAccount(api, { customerId });
    const second = await anAccount(api, { customerId });

    expect((await deposit(first, '600.00')).status).toBe(201);
    const withdrawn = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: first, amount: '300.00', currency: 'USD' },
    });
    // 900 of the 1,000 daily volume is used; another account of the same customer shares it.
    const refused = await deposit(second, '100.01');
    const fits = await deposit(second, '100.00');
    // Between two accounts of one customer the volume counts once: nothing is left today.
    const internal = await api.call<{ code: string }>('POST', '/transactions/transfer', {
      body: { fromAccountId: first, toAccountId: second, amount: '0.01', currency: 'USD' },
    });

    expect(withdrawn.status).toBe(201);
    expect(refused.status).toBe(422);
    expect(fits.status).toBe(201);
    expect(internal.status).toBe(422);
    expect(internal.body.code).toBe('KYC_LIMIT_EXCEEDED');
    expect(await balanceOf(api, first)).toBe('300.00');
    expect(await balanceOf(api, second)).toBe('100.00');
  });

  it("checks the receiving customer's limits too: a transfer cannot push a tier 0 customer past theirs", async () => {
    const rich = await anAccount(api, { deposit: '5000.00' });
    const poor = await anAccount(api, { customerId: await pendingCustomer() });

    const tooMuch = await api.call<{ code: string; detail: string }>(
      'POST',
      '/transactions/transfer',
      { body: { fromAccountId: rich, toAccountId: poor, amount: '250.00', currency: 'USD' } },
    );
    const allowed = await api.call('POST', '/transactions/transfer', {
      body: { fromAccountId: rich, toAccountId: poor, amount: '75.00', currency: 'USD' },
    });

    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe('KYC_LIMIT_EXCEEDED');
    expect(allowed.status).toBe(201);
    expect(await balanceOf(api, rich)).toBe('4925.00');
    expect(await balanceOf(api, poor)).toBe('75.00');
  });

  it('never lets concurrent postings pass a period limit together', async () => {
    const account = await anAccount(api, { customerId: await pendingCustomer() });

    // As a client would: a 409 CONFLICT (busy; nothing changed) is sent again.
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        callAsClient<{ code?: string }>(api, 'POST', '/transactions/deposit', {
          body: { accountId: account, amount: '10.00', currency: 'USD' },
        }),
      ),
    );

    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 422)).toHaveLength(15);
    expect(
      results.filter((r) => r.status === 422).every((r) => r.body.code === 'KYC_LIMIT_EXCEEDED'),
    ).toBe(true);
    expect(await balanceOf(api, account)).toBe('100.00');
  });

  it("refuses a period increment past the limit, the period's first too, and brings back the total it met", async () => {
    const customerId = await pendingCustomer();
    const increment = (amountMinor: bigint): WriteOp => ({
      kind: 'addKycVolume',
      customerId,
      currency: 'USD' as CurrencyCode,
      period: 'DAY',
      periodKey: '2026-11-27',
      amountMinor,
      limitMinor: 10_000n,
      tier: 0,
    });

    const firstAboveLimit = await api.deps.ledger.commit([increment(10_001n)]);
    const fits = await api.deps.ledger.commit([increment(9_000n)]);
    const past = await api.deps.ledger.commit([increment(1_001n)]);
    const exactly = await api.deps.ledger.commit([increment(1_000n)]);

    expect(firstAboveLimit).toMatchObject({ committed: false, reason: 'kyc-limit' });
    expect(firstAboveLimit).not.toHaveProperty('totalMinor');
    expect(fits).toEqual({ committed: true });
    expect(past).toMatchObject({
      committed: false,
      reason: 'kyc-limit',
      customerId,
      period: 'DAY',
      periodKey: '2026-11-27',
      totalMinor: 9_000n,
    });
    expect(exactly).toEqual({ committed: true });
  });

  it('converts the USD limits at the stored rate, and applies them at face value without one', async () => {
    await api.call('PUT', '/fx/rates', { body: { base: 'USD', quote: 'JPY', rate: '150' } });
    const yen = await anAccount(api, { customerId: await pendingCustomer(), currency: 'JPY' });
    const euro = await anAccount(api, { customerId: await pendingCustomer(), currency: 'EUR' });

    const yenOver = await deposit(yen, '15001', 'JPY');
    const yenAtLimit = await deposit(yen, '15000', 'JPY');
    const euroOver = await deposit(euro, '100.01', 'EUR');
    const euroAtLimit = await deposit(euro, '100.00', 'EUR');

    expect(yenOver.status).toBe(422);
    expect(yenOver.body.detail).toContain('15000 JPY');
    expect(yenAtLimit.status).toBe(201);
    expect(euroOver.status).toBe(422);
    expect(euroAtLimit.status).toBe(201);
  });

  it('applies the new tier as soon as KYC is verified, and tier 0 again when it is rejected', async () => {
    const customerId = await pendingCustomer();
    const account = await anAccount(api, { customerId });
    expect((await deposit(account, '500.00')).status).toBe(422);

    await api.call('PUT', `/customers/${customerId}/kyc`, {
      body: { status: 'VERIFIED', tier: 2 },
    });
    expect((await deposit(account, '500.00')).status).toBe(201);

    await api.call('PUT', `/customers/${customerId}/kyc`, {
      body: { status: 'REJECTED', tier: 2 },
    });
    const afterRejection = await deposit(account, '50.00');
    expect(afterRejection.status).toBe(422);
    expect(afterRejection.body.detail).toContain('KYC tier 0');
    expect(await balanceOf(api, account)).toBe('500.00');
  });

  it('keeps the trial balance at zero and the audit chain valid', async () => {
    const trial = await api.call<{ currencies: { debits: string; credits: string }[] }>(
      'GET',
      '/ledger/trial-balance',
    );
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    for (const currency of trial.body.currencies) expect(currency.debits).toBe(currency.credits);
    expect(verify.body.valid).toBe(true);
  });
});
