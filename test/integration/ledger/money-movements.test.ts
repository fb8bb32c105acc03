import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { anAccount, createTestApi, type TestApi } from '../../support/api-client';

type Money = { amount: string; currency: string };
type Account = {
  id: string;
  balance: Money;
  availableBalance: Money;
  status: string;
  holdsTotal: Money;
};
type Transaction = {
  id: string;
  type: string;
  status: string;
  amount: Money;
  journalEntryId: string;
  reversedBy?: string;
};

describe('money movements through the handlers on DynamoDB Local', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('ledger');
  });
  afterAll(async () => api.close());

  const balanceOf = async (accountId: string) =>
    (await api.call<Account>('GET', `/accounts/${accountId}`)).body;

  it('deposits, withdraws and transfers with exact decimal balances', async () => {
    const a = await anAccount(api, { deposit: '100.10' });
    const b = await anAccount(api);

    const withdrawal = await api.call<Transaction>('POST', '/transactions/withdraw', {
      body: { accountId: a, amount: '0.30', currency: 'USD' },
    });
    const moved = await api.call<Transaction>('POST', '/transactions/transfer', {
      body: {
        fromAccountId: a,
        toAccountId: b,
        amount: '50.05',
        currency: 'USD',
        description: 'rent',
      },
    });

    expect(withdrawal.status).toBe(201);
    expect(moved.status).toBe(201);
    expect(moved.headers.location).toBe(`/transactions/${moved.body.id}`);
    expect(moved.body).toMatchObject({
      type: 'TRANSFER',
      status: 'POSTED',
      amount: { amount: '50.05', currency: 'USD' },
    });
    expect((await balanceOf(a)).balance).toEqual({ amount: '49.75', currency: 'USD' });
    expect((await balanceOf(b)).balance).toEqual({ amount: '50.05', currency: 'USD' });
  });

  it('refuses to overdraw and changes nothing', async () => {
    const a = await anAccount(api, { deposit: '10.00' });

    const refused = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: a, amount: '10.01', currency: 'USD' },
    });

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect((await balanceOf(a)).balance.amount).toBe('10.00');
    const history = await api.call<{ items: unknown[] }>('GET', `/accounts/${a}/transactions`);
    expect(history.body.items).toHaveLength(1);
  });

  it('lets an overdraft limit be used and no further', async () => {
    const a = await anAccount(api, { deposit: '5.00', overdraftLimit: '20.00' });

    const within = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: a, amount: '25.00', currency: 'USD' },
    });
    const beyond = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: a, amount: '0.01', currency: 'USD' },
    });

    expect(within.status).toBe(201);
    expect(beyond.status).toBe(422);
    expect(await balanceOf(a)).toMatchObject({
      balance: { amount: '-20.00' },
      availableBalance: { amount: '0.00' },
    });
  });

  it('keeps history newest first with the balance after each line, paginated', async () => {
    const a = await anAccount(api, { deposit: '1.00' });
    for (const amount of ['2.00', '3.00', '4.00']) {
      await api.call('POST', '/transactions/deposit', {
        body: { accountId: a, amount, currency: 'USD' },
      });
    }

    const first = await api.call<{
      items: { amount: Money; balanceAfter: Money }[];
      nextCursor: string | null;
    }>('GET', `/accounts/${a}/transactions?limit=3`);
    const second = await api.call<{ items: { balanceAfter: Money }[]; nextCursor: string | null }>(
      'GET',
      `/accounts/${a}/transactions?limit=3&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
    );

    expect(first.body.items.map((line) => line.balanceAfter.amount)).toEqual([
      '10.00',
      '6.00',
      '3.00',
    ]);
    expect(second.body.items.map((line) => line.balanceAfter.amount)).toEqual(['1.00']);
    expect(second.body.nextCursor).toBeNull();
    const tampered = await api.call('GET', `/accounts/${a}/transactions?cursor=not-a-cursor`);
    expect(tampered.status).toBe(400);
  });

  it('reverses a transaction once, with an opposite entry that points at it', async () => {
    const a = await anAccount(api, { deposit: '40.00' });
    const b = await anAccount(api);
    const original = await api.call<Transaction>('POST', '/transactions/transfer', {
      body: { fromAccountId: a, toAccountId: b, amount: '15.00', currency: 'USD' },
    });

    const reversal = await api.call<Transaction & { reversalOf: string }>(
      'POST',
      `/transactions/${original.body.id}/reverse`,
      {
        body: { reason: 'sent to the wrong account' },
      },
    );
    const again = await api.call('POST', `/transactions/${original.body.id}/reverse`, {
      body: { reason: 'twice' },
    });

    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({ type: 'REVERSAL', reversalOf: original.body.id });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'TRANSACTION_ALREADY_REVERSED' });
    expect(
      (await api.call<Transaction>('GET', `/transactions/${original.body.id}`)).body,
    ).toMatchObject({
      status: 'REVERSED',
      reversedBy: reversal.body.id,
    });
    expect((await balanceOf(a)).balance.amount).toBe('40.00');
    expect((await balanceOf(b)).balance.amount).toBe('0.00');
    const entry = await api.call<{ lines: { side: string; amount: Money }[] }>(
      'GET',
      `/ledger/journal-entries/${reversal.body.journalEntryId}`,
    );
    expect(entry.body.lines.map((line) => line.side).sort()).toEqual(['CREDIT', 'DEBIT']);
  });

  it('freezes debits but not credits, and closes only at zero', async () => {
    const a = await anAccount(api, { deposit: '5.00' });

    await api.call('POST', `/accounts/${a}/freeze`, { body: { reason: 'court order' } });
    const debit = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: a, amount: '1.00', currency: 'USD' },
    });
    const credit = await api.call('POST', '/transactions/deposit', {
      body: { accountId: a, amount: '1.00', currency: 'USD' },
    });
    const closeWithMoney = await api.call('POST', `/accounts/${a}/close`);
    await api.call('POST', `/accounts/${a}/unfreeze`);
    await api.call('POST', '/transactions/withdraw', {
      body: { accountId: a, amount: '6.00', currency: 'USD' },
    });
    const closed = await api.call<Account>('POST', `/accounts/${a}/close`);
    const afterClose = await api.call('POST', '/transactions/deposit', {
      body: { accountId: a, amount: '1.00', currency: 'USD' },
    });

    expect(debit.body).toMatchObject({ code: 'ACCOUNT_FROZEN' });
    expect(credit.status).toBe(201);
    expect(closeWithMoney.body).toMatchObject({ code: 'ACCOUNT_BALANCE_NOT_ZERO' });
    expect(closed.body.status).toBe('CLOSED');
    expect(afterClose.body).toMatchObject({ code: 'ACCOUNT_CLOSED' });
  });

  it('holds reduce available funds until released', async () => {
    const a = await anAccount(api, { deposit: '100.00' });

    const hold = await api.call<{ id: string }>('POST', `/accounts/${a}/holds`, {
      body: { amount: '60.00', currency: 'USD', reason: 'card authorisation' },
    });
    const blocked = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: a, amount: '50.00', currency: 'USD' },
    });
    const held = await balanceOf(a);
    const released = await api.call('DELETE', `/accounts/${a}/holds/${hold.body.id}`);
    const releasedTwice = await api.call('DELETE', `/accounts/${a}/holds/${hold.body.id}`);

    expect(hold.status).toBe(201);
    expect(blocked.body).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(held).toMatchObject({
      balance: { amount: '100.00' },
      availableBalance: { amount: '40.00' },
      holdsTotal: { amount: '60.00' },
    });
    expect(released.status).toBe(200);
    expect(releasedTwice.body).toMatchObject({ code: 'HOLD_NOT_ACTIVE' });
    expect((await balanceOf(a)).availableBalance.amount).toBe('100.00');
  });

  it('converts across currencies through the FX position, rounding half-even', async () => {
    const usd = await anAccount(api, { deposit: '100.00' });
    const jpy = await anAccount(api, { currency: 'JPY' });
    await api.call('PUT', '/fx/rates', { body: { base: 'USD', quote: 'JPY', rate: '150.125' } });

    const moved = await api.call<
      Transaction & { fx: { convertedAmount: Money; rounding: string } }
    >('POST', '/transactions/fx-transfer', {
      body: { fromAccountId: usd, toAccountId: jpy, amount: '10.01', currency: 'USD' },
    });

    // 10.01 × 150.125 = 1502.75125 → 1503 JPY (0 decimals).
    expect(moved.status).toBe(201);
    expect(moved.body.fx).toMatchObject({
      convertedAmount: { amount: '1503', currency: 'JPY' },
      rounding: 'HALF_EVEN',
    });
    expect((await balanceOf(jpy)).balance).toEqual({ amount: '1503', currency: 'JPY' });
    const same = await api.call('POST', '/transactions/transfer', {
      body: { fromAccountId: usd, toAccountId: jpy, amount: '1.00', currency: 'USD' },
    });
    expect(same.body).toMatchObject({ code: 'CURRENCY_MISMATCH' });
  });

  it('keeps the trial balance at zero in every currency', async () => {
    const tb = await api.call<{
      balanced: boolean;
      currencies: { currency: string; debits: string; credits: string }[];
    }>('GET', '/ledger/trial-balance');

    expect(tb.status).toBe(200);
    expect(tb.body.balanced).toBe(true);
    expect(tb.body.currencies.map((c) => c.currency)).toEqual(
      expect.arrayContaining(['USD', 'JPY']),
    );
    for (const currency of tb.body.currencies) expect(currency.debits).toBe(currency.credits);
  });

  it('records every change on verifiable audit chains', async () => {
    const verify = await api.call<{ valid: boolean; checked: number; chains: number }>(
      'GET',
      '/audit/verify',
    );

    expect(verify.body.valid).toBe(true);
    expect(verify.body.checked).toBeGreaterThan(20);
  });
});
