import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getLoan } from '../../../shared/application/lending/loans';
import {
  aLoanApplication,
  anAccount,
  aVerifiedCustomer,
  balanceOf,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

type Money = { amount: string; currency: string };
interface TransactionBody {
  id: string;
  journalEntryId: string;
  amount: Money;
  fee?: Money;
  code?: string;
  detail?: string;
}
interface HistoryLine {
  transactionId: string;
  type: string;
  side: string;
  amount: Money;
  balanceAfter: Money;
  description?: string;
}
interface TrialBalance {
  balanced: boolean;
  currencies: { currency: string; accounts: { code: string; credits: string }[] }[];
}

const usd = (amount: string) => ({ amount, currency: 'USD' });
const fixedFee = (trigger: string, amount: string, name = `${trigger} fee`) => ({
  type: 'FIXED',
  name,
  trigger,
  amount: usd(amount),
});

describe('product fees inside postings, and balance limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('posting-fees');
  });
  afterAll(async () => api.close());

  const newProduct = async (body: Record<string, unknown>) => {
    const created = await api.call<{ id: string }>('POST', '/products', {
      body: { name: 'Account', type: 'CHECKING', currency: 'USD', ...body },
    });
    if (created.status !== 201) throw new Error(created.raw);
    await api.call('POST', `/products/${created.body.id}/activate`);
    return created.body.id;
  };
  const openOn = async (productId: string, extra: Record<string, unknown> = {}) => {
    const opened = await api.call<{ id: string }>('POST', '/accounts', {
      body: { customerId: await aVerifiedCustomer(api), productId, currency: 'USD', ...extra },
    });
    if (opened.status !== 201) throw new Error(opened.raw);
    return opened.body.id;
  };
  const move = (kind: 'deposit' | 'withdraw', accountId: string, amount: string) =>
    api.call<TransactionBody>('POST', `/transactions/${kind}`, {
      body: { accountId, amount, currency: 'USD' },
    });
  const transfer = (fromAccountId: string, toAccountId: string, amount: string) =>
    api.call<TransactionBody>('POST', '/transactions/transfer', {
      body: { fromAccountId, toAccountId, amount, currency: 'USD' },
    });
  const history = async (id: string) =>
    (await api.call<{ items: HistoryLine[] }>('GET', `/accounts/${id}/transactions`)).body.items;
  const feeIncome = async () => {
    const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
    expect(trial.balanced).toBe(true);
    const usdBook = trial.currencies.find((c) => c.currency === 'USD');
    return Number(usdBook?.accounts.find((a) => a.code === '4100')?.credits ?? '0');
  };
  const entryLines = async (entryId: string) =>
    (
      await api.call<{ lines: { account: { code?: string }; side: string; amount: Money }[] }>(
        'GET',
        `/ledger/journal-entries/${entryId}`,
      )
    ).body.lines.map((l) => [l.account.code ?? 'customer', l.side, l.amount.amount]);

  it('charges DEPOSIT fees out of the deposit, half-even, with the fee as its own history line', async () => {
    const productId = await newProduct({
      code: 'DEP_FEE',
      fees: [
        {
          type: 'PERCENTAGE',
          name: 'Cash handling',
          trigger: 'DEPOSIT',
          rate: '0.01',
          minimum: usd('0.50'),
          maximum: usd('2.00'),
        },
      ],
    });
    const accountId = await openOn(productId);
    const incomeBefore = await feeIncome();
    // 1 % of 62.50 = 0.625 → 0.62 half-even (not 0.63)
    const deposited = await move('deposit', accountId, '62.50');
    expect(deposited.status).toBe(201);
    expect(deposited.body.amount).toEqual(usd('62.50'));
    expect(deposited.body.fee).toEqual(usd('0.62'));
    expect(await balanceOf(api, accountId)).toBe('61.88');
    expect(await entryLines(deposited.body.journalEntryId)).toEqual([
      ['1000', 'DEBIT', '62.50'],
      ['customer', 'CREDIT', '61.88'],
      ['4100', 'CREDIT', '0.62'],
    ]);
    const lines = await history(accountId);
    expect(lines.map((l) => [l.type, l.side, l.amount.amount, l.balanceAfter.amount])).toEqual([
      ['FEE', 'DEBIT', '0.62', '61.88'],
      ['DEPOSIT', 'CREDIT', '62.50', '62.50'],
    ]);
    expect(lines[0]?.description).toBe('Cash handling');
    expect(lines.every((l) => l.transactionId === deposited.body.id)).toBe(true);
    // The maximum caps it: 1 % of 500.00 = 5.00 → 2.00; the minimum raises it: 10.00 → 0.50.
    expect((await move('deposit', accountId, '500.00')).body.fee).toEqual(usd('2.00'));
    expect((await move('deposit', accountId, '10.00')).body.fee).toEqual(usd('0.50'));
    expect(await feeIncome()).toBeCloseTo(incomeBefore + 3.12, 2);
    // A deposit that does not cover its own fee is refused and changes nothing.
    const tiny = await move('deposit', accountId, '0.50');
    expect(tiny.status).toBe(422);
    expect(tiny.body.code).toBe('FEE_EXCEEDS_AMOUNT');
    expect(await balanceOf(api, accountId)).toBe('569.38');
    expect(await history(accountId)).toHaveLength(6);
    // The reading back of a transaction shows its fee too.
    const read = await api.call<TransactionBody>('GET', `/transactions/${deposited.body.id}`);
    expect(read.body.fee).toEqual(usd('0.62'));
  });

  it('charges TRANSFER fees to the sender; a transfer that cannot also pay its fee changes nothing', async () => {
    const productId = await newProduct({
      code: 'TRF_FEE',
      fees: [fixedFee('TRANSFER', '2.00')],
    });
    const from = await openOn(productId);
    const to = await anAccount(api);
    expect((await move('deposit', from, '100.00')).status).toBe(201);
    const incomeBefore = await feeIncome();
    const tooMuch = await transfer(from, to, '98.01');
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await balanceOf(api, from)).toBe('100.00');
    expect(await balanceOf(api, to)).toBe('0.00');
    expect(await feeIncome()).toBe(incomeBefore);
    const sent = await transfer(from, to, '98.00');
    expect(sent.status).toBe(201);
    expect(sent.body.fee).toEqual(usd('2.00'));
    expect(await balanceOf(api, from)).toBe('0.00');
    expect(await balanceOf(api, to)).toBe('98.00');
    expect(await entryLines(sent.body.journalEntryId)).toEqual([
      ['customer', 'DEBIT', '100.00'],
      ['customer', 'CREDIT', '98.00'],
      ['4100', 'CREDIT', '2.00'],
    ]);
    expect((await history(from)).map((l) => [l.type, l.amount.amount])).toEqual([
      ['FEE', '2.00'],
      ['TRANSFER', '98.00'],
      ['DEPOSIT', '100.00'],
    ]);
    // The receiver's history is the transfer alone.
    expect((await history(to)).map((l) => [l.type, l.amount.amount])).toEqual([
      ['TRANSFER', '98.00'],
    ]);
    // A withdrawal is not a transfer: no fee.
    expect((await move('withdraw', to, '8.00')).body.fee).toBeUndefined();
  });

  it('charges OVERDRAFT fees once, on the posting that takes the balance below zero', async () => {
    const productId = await newProduct({
      code: 'OD_FEE',
      limits: { overdraftLimit: usd('500.00') },
      fees: [fixedFee('OVERDRAFT', '10.00', 'Unarranged overdraft')],
    });
    const accountId = await openOn(productId, { overdraftLimit: '500.00' });
    await move('deposit', accountId, '100.00');
    const stays = await move('withdraw', accountId, '100.00');
    expect(stays.body.fee).toBeUndefined();
    await move('deposit', accountId, '100.00');
    const overdraws = await move('withdraw', accountId, '150.00');
    expect(overdraws.status).toBe(201);
    expect(overdraws.body.fee).toEqual(usd('10.00'));
    expect(await balanceOf(api, accountId)).toBe('-60.00');
    // Already below zero: no second fee.
    const deeper = await move('withdraw', accountId, '40.00');
    expect(deeper.body.fee).toBeUndefined();
    expect(await balanceOf(api, accountId)).toBe('-100.00');
    // The fee counts against the overdraft limit: 590 would reach −490, −500 with the fee: fine;
    // 591 would need 501.
    const other = await openOn(productId, { overdraftLimit: '500.00' });
    await move('deposit', other, '100.00');
    const over = await move('withdraw', other, '591.00');
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await balanceOf(api, other)).toBe('100.00');
    const exact = await move('withdraw', other, '590.00');
    expect(exact.status).toBe(201);
    expect(await balanceOf(api, other)).toBe('-500.00');
  });

  it('adds the OVERDRAFT fee to the WITHDRAWAL fee, percentage on the overdrawn amount', async () => {
    const productId = await newProduct({
      code: 'OD_PCT',
      limits: { overdraftLimit: usd('1000.00') },
      fees: [
        fixedFee('WITHDRAWAL', '1.00'),
        { type: 'PERCENTAGE', name: 'Overdraft', trigger: 'OVERDRAFT', rate: '0.05' },
      ],
    });
    const accountId = await openOn(productId, { overdraftLimit: '1000.00' });
    await move('deposit', accountId, '50.00');
    // 50 − 100 − 1 = −51 overdrawn → 5 % = 2.55; total 3.55
    const withdrawn = await move('withdraw', accountId, '100.00');
    expect(withdrawn.body.fee).toEqual(usd('3.55'));
    expect(await balanceOf(api, accountId)).toBe('-53.55');
    expect((await history(accountId))[0]?.description).toBe('WITHDRAWAL fee, Overdraft');
  });

  it("refuses postings outside the product's minimum and maximum balance, changing nothing", async () => {
    const productId = await newProduct({
      code: 'LIMITS',
      type: 'SAVINGS',
      limits: { minBalance: usd('100.00'), maxBalance: usd('1000.00') },
    });
    const accountId = await openOn(productId);
    const other = await anAccount(api, { deposit: '5000.00' });
    expect((await move('deposit', accountId, '50.00')).status).toBe(201);
    expect((await move('deposit', accountId, '450.00')).status).toBe(201);
    const above = await move('deposit', accountId, '500.01');
    expect(above.status).toBe(422);
    expect(above.body.code).toBe('PRODUCT_BALANCE_LIMIT');
    expect(above.body.detail).toContain('maximum balance of 1000.00');
    const transferredIn = await transfer(other, accountId, '600.00');
    expect(transferredIn.status).toBe(422);
    expect(transferredIn.body.code).toBe('PRODUCT_BALANCE_LIMIT');
    expect(await balanceOf(api, other)).toBe('5000.00');
    const below = await move('withdraw', accountId, '400.01');
    expect(below.status).toBe(422);
    expect(below.body.code).toBe('PRODUCT_BALANCE_LIMIT');
    expect(below.body.detail).toContain('minimum balance of 100.00');
    const transferredOut = await transfer(accountId, other, '401.00');
    expect(transferredOut.body.code).toBe('PRODUCT_BALANCE_LIMIT');
    expect(await balanceOf(api, accountId)).toBe('500.00');
    expect(await history(accountId)).toHaveLength(2);
    expect((await move('withdraw', accountId, '400.00')).status).toBe(201);
    expect((await move('deposit', accountId, '900.00')).status).toBe(201);
    expect(await balanceOf(api, accountId)).toBe('1000.00');
  });

  it('deducts ORIGINATION fees from the disbursement and maps LATE_PAYMENT to the late fee', async () => {
    const productId = await newProduct({
      code: 'LOAN_FEES',
      type: 'LOAN',
      interest: { rate: '0.12', dayCount: 'THIRTY_360' },
      loan: { amortizationMethods: ['EQUAL_INSTALLMENT'], paymentFrequencies: ['MONTHLY'] },
      fees: [
        {
          type: 'PERCENTAGE',
          name: 'Arrangement',
          trigger: 'ORIGINATION',
          rate: '0.0125',
          maximum: usd('200.00'),
        },
        fixedFee('LATE_PAYMENT', '15.00', 'Late payment'),
      ],
    });
    const customerId = await aVerifiedCustomer(api);
    const accountId = await anAccount(api, { customerId });
    const created = await api.call<{ id: string }>('POST', '/loans', {
      body: aLoanApplication(customerId, { productId }),
    });
    expect(created.status).toBe(201);
    const late = (await getLoan(api.deps, created.body.id))?.lateFee;
    expect(late?.type === 'FIXED' ? late.amount.toString() : undefined).toBe('15.00');
    await api.call('POST', `/loans/${created.body.id}/approve`);
    const incomeBefore = await feeIncome();
    const disbursed = await api.call<{ transaction: TransactionBody; loan: { id: string } }>(
      'POST',
      `/loans/${created.body.id}/disburse`,
      { body: { accountId } },
    );
    expect(disbursed.status).toBe(201);
    // 1.25 % of 10,000.00 = 125.00 (under the 200.00 cap)
    expect(disbursed.body.transaction.amount).toEqual(usd('10000.00'));
    expect(disbursed.body.transaction.fee).toEqual(usd('125.00'));
    expect(await balanceOf(api, accountId)).toBe('9875.00');
    expect(await entryLines(disbursed.body.transaction.journalEntryId)).toEqual([
      ['customer', 'DEBIT', '10000.00'],
      ['customer', 'CREDIT', '9875.00'],
      ['4100', 'CREDIT', '125.00'],
    ]);
    expect((await history(accountId)).map((l) => [l.type, l.side, l.amount.amount])).toEqual([
      ['FEE', 'DEBIT', '125.00'],
      ['LOAN_DISBURSEMENT', 'CREDIT', '10000.00'],
    ]);
    expect((await feeIncome()) - incomeBefore).toBeCloseTo(125, 2);
    const loan = await getLoan(api.deps, created.body.id);
    expect(loan?.principal.toString()).toBe('10000.00');
  });
});
