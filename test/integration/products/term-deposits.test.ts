import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Decimal from 'decimal.js';
import { segmentOf } from '../../../shared/application/interest/deposit-interest';
import { termDepositStep } from '../../../shared/application/products/term-deposits';
import type { BusinessDate } from '../../../shared/domain/interest/business-date';
import {
  anAccount,
  aVerifiedCustomer,
  balanceOf,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

type Money = { amount: string; currency: string };
interface AccountBody {
  id: string;
  status: string;
  balance: Money;
  productType: string;
  productId?: string;
  productVersion?: number;
  code?: string;
}
interface Contract {
  status: string;
  principal: Money;
  maturityDate: string;
  nextEventDate?: string;
  term: number;
  maturityAmount: Money;
  rate: string;
}

const START = '2026-06-30';

/** A TERM_DEPOSIT product: 5 % ACTUAL_365, 3 to 24 months, 1,000 to 100,000 USD. */
const depositProduct = (code: string, termDeposit: Record<string, unknown>, extra = {}) => ({
  code,
  name: `Deposit ${code}`,
  type: 'TERM_DEPOSIT',
  currency: 'USD',
  interest: { rate: '0.05', dayCount: 'ACTUAL_365' },
  limits: {
    minAmount: { amount: '1000.00', currency: 'USD' },
    maxAmount: { amount: '100000.00', currency: 'USD' },
    minTermMonths: 3,
    maxTermMonths: 24,
  },
  termDeposit,
  ...extra,
});

describe('term deposits', () => {
  let api: TestApi;
  let customerId: string;
  let funding: string;
  // Each maturity scenario pays into its own account: the end-of-day step runs a whole
  // segment, so deposits that share one must not blur each other's figures.
  let rollFunding: string;
  let periodicFunding: string;
  // KYC tier 3 allows 100,000 a day per customer: the breaks run on a second customer.
  let breaker: string;
  let breakerFunding: string;
  const products: Record<string, string> = {};
  const deposits: Record<string, string> = {};

  const contract = async (id: string) =>
    (await api.call<Contract>('GET', `/accounts/${id}/term-deposit`)).body;
  const product = async (code: string, termDeposit: Record<string, unknown>, extra = {}) => {
    const created = await api.call<{ id: string }>('POST', '/products', {
      body: depositProduct(code, termDeposit, extra),
    });
    if (created.status !== 201) throw new Error(created.raw);
    await api.call('POST', `/products/${created.body.id}/activate`);
    return created.body.id;
  };
  const open = (productId: string, amount: string, extra: Record<string, unknown> = {}) =>
    api.call<AccountBody>('POST', '/accounts', {
      body: {
        customerId: extra.breaker === true ? breaker : customerId,
        productId,
        currency: 'USD',
        amount,
        fundingAccountId: extra.breaker === true ? breakerFunding : funding,
        termMonths: 6,
        ...Object.fromEntries(Object.entries(extra).filter(([key]) => key !== 'breaker')),
      },
    });
  const eventsOn = async (date: string, accountId: string) =>
    termDepositStep.run(
      api.deps,
      date as BusinessDate,
      segmentOf(accountId),
      undefined,
      async () => undefined,
    );

  beforeAll(async () => {
    api = await createTestApi('term-deposits');
    const set = await api.call('PUT', '/admin/business-date', { body: { date: START } });
    if (set.status !== 200) throw new Error(set.raw);
    customerId = await aVerifiedCustomer(api);
    funding = await anAccount(api, { customerId, deposit: '18000.00' });
    rollFunding = await anAccount(api, { customerId, deposit: '10000.00' });
    periodicFunding = await anAccount(api, { customerId, deposit: '12000.00' });
    breaker = await aVerifiedCustomer(api);
    breakerFunding = await anAccount(api, { customerId: breaker, deposit: '31000.00' });
    products.payout = await product('TD_PAYOUT', {
      earlyWithdrawalPenalty: { type: 'REDUCED_RATE', rate: '0.01' },
    });
    products.rollover = await product('TD_ROLL', {
      earlyWithdrawalPenalty: { type: 'PRINCIPAL_PERCENT', rate: '0.01' },
      maturityInstruction: 'ROLLOVER',
    });
    products.periodic = await product(
      'TD_PERIODIC',
      {
        earlyWithdrawalPenalty: { type: 'FORFEIT_DAYS', days: 90 },
        interestPayout: 'PERIODIC',
        compounding: 'MONTHLY',
      },
      { interest: { rate: '0.06', dayCount: 'ACTUAL_365' } },
    );
    for (const [name, productId, amount, extra] of [
      ['payout', products.payout, '10000.00', {}],
      ['rollAll', products.rollover, '5000.00', { fundingAccountId: rollFunding }],
      [
        'rollPrincipal',
        products.rollover,
        '5000.00',
        {
          fundingAccountId: rollFunding,
          maturityInstruction: { type: 'ROLLOVER', includeInterest: false },
        },
      ],
      ['periodic', products.periodic, '12000.00', { fundingAccountId: periodicFunding }],
      ['breakReduced', products.payout, '10000.00', { breaker: true }],
      ['breakPercent', products.rollover, '10000.00', { breaker: true }],
      ['breakForfeit', products.periodic, '10000.00', { breaker: true }],
    ] as const) {
      const opened = await open(productId, amount, extra);
      if (opened.status !== 201) throw new Error(opened.raw);
      deposits[name] = opened.body.id;
    }
  });
  afterAll(async () => api.close());

  it('opens funded from the customer account in one posting, on the product version', async () => {
    const id = deposits.payout as string;
    const account = (await api.call<AccountBody>('GET', `/accounts/${id}`)).body;
    expect(account).toMatchObject({
      productType: 'TERM_DEPOSIT',
      productId: products.payout,
      productVersion: 1,
      balance: { amount: '10000.00', currency: 'USD' },
    });
    // 18,000 − 10,000; 10,000 − 5,000 − 5,000; 12,000 − 12,000
    expect(await balanceOf(api, funding)).toBe('8000.00');
    expect(await balanceOf(api, rollFunding)).toBe('0.00');
    expect(await balanceOf(api, periodicFunding)).toBe('0.00');
    expect(await balanceOf(api, breakerFunding)).toBe('1000.00');
    expect(await contract(id)).toMatchObject({
      status: 'ACTIVE',
      maturityDate: '2026-12-31',
      nextEventDate: '2026-12-31',
      rate: '0.05',
      // 10,000 × 5 % × 184 / 365 = 252.0547… → 252.05
      maturityAmount: { amount: '10252.05', currency: 'USD' },
    });
  });

  it('refuses deposits and withdrawals before maturity with 422 TERM_DEPOSIT_LOCKED', async () => {
    const id = deposits.payout as string;
    for (const path of ['/transactions/withdraw', '/transactions/deposit']) {
      const refused = await api.call<AccountBody>('POST', path, {
        body: { accountId: id, amount: '10.00', currency: 'USD' },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('TERM_DEPOSIT_LOCKED');
    }
    const transfer = await api.call<AccountBody>('POST', '/transactions/transfer', {
      body: { fromAccountId: id, toAccountId: funding, amount: '10.00', currency: 'USD' },
    });
    expect(transfer.body.code).toBe('TERM_DEPOSIT_LOCKED');
    expect(await balanceOf(api, id)).toBe('10000.00');
  });

  it('refuses openings outside the product with 422 and reasons, moving nothing', async () => {
    const before = await balanceOf(api, funding);
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: '999.99' }, 'PRODUCT_NOT_ELIGIBLE'],
      [{ termMonths: 36 }, 'PRODUCT_NOT_ELIGIBLE'],
      [{ termMonths: undefined }, 'PRODUCT_NOT_ELIGIBLE'],
      [{ currency: 'EUR', amount: '5000.00' }, 'PRODUCT_NOT_ELIGIBLE'],
    ];
    for (const [extra, code] of cases) {
      const refused = await open(products.payout as string, '5000.00', extra);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe(code);
    }
    const other = await anAccount(api, { deposit: '5000.00' });
    const foreign = await open(products.payout as string, '2000.00', { fundingAccountId: other });
    expect(foreign.status).toBe(422);
    const poor = await open(products.payout as string, '9000.00');
    expect(poor.status).toBe(422);
    expect(poor.body.code).toBe('INSUFFICIENT_FUNDS');
    const draft = await api.call<{ id: string }>('POST', '/products', {
      body: depositProduct('TD_DRAFT', {
        earlyWithdrawalPenalty: { type: 'FORFEIT_DAYS', days: 30 },
      }),
    });
    const inactive = await open(draft.body.id, '2000.00');
    expect(inactive.body.code).toBe('PRODUCT_NOT_ACTIVE');
    const noProduct = await api.call<AccountBody>('POST', '/accounts', {
      body: { customerId, productType: 'TERM_DEPOSIT', currency: 'USD' },
    });
    expect(noProduct.status).toBe(400);
    expect(await balanceOf(api, funding)).toBe(before);
  });

  it('breaks a deposit early with each penalty rule, to the cent', async () => {
    for (let day = 1; day <= 30; day += 1) {
      const date = new Date(Date.UTC(2026, 5, 30 + day)).toISOString().slice(0, 10);
      const moved = await api.call('PUT', '/admin/business-date', { body: { date } });
      if (moved.status !== 200) throw new Error(moved.raw);
    }
    // 30 days: earned 10,000 × 5 % × 30 / 365 = 41.0958… → 41.10
    const reduced = await api.call<{ penalty: Money; payout: Money; earned: Money }>(
      'POST',
      `/accounts/${deposits.breakReduced}/break`,
      { headers: { 'Idempotency-Key': 'break-reduced' } },
    );
    expect(reduced.status).toBe(201);
    // at 1 %: 8.2191… → 8.22; penalty 41.10 − 8.22 = 32.88
    expect(reduced.body).toMatchObject({
      earned: { amount: '41.10' },
      penalty: { amount: '32.88' },
      payout: { amount: '10008.22' },
    });
    const replay = await api.call('POST', `/accounts/${deposits.breakReduced}/break`, {
      headers: { 'Idempotency-Key': 'break-reduced' },
    });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const percent = await api.call<{ penalty: Money; payout: Money }>(
      'POST',
      `/accounts/${deposits.breakPercent}/break`,
    );
    // 1 % of principal: 100.00, more than the 41.10 earned; 58.90 is fee income
    expect(percent.body).toMatchObject({
      penalty: { amount: '100.00' },
      payout: { amount: '9941.10' },
    });
    const forfeit = await api.call<{ penalty: Money; payout: Money; alreadyPaid: Money }>(
      'POST',
      `/accounts/${deposits.breakForfeit}/break`,
    );
    // 6 %, 30 days: 49.32 earned; 90 days' interest (147.95) capped at what was earned
    expect(forfeit.body).toMatchObject({
      penalty: { amount: '49.32' },
      payout: { amount: '10000.00' },
    });
    for (const id of [deposits.breakReduced, deposits.breakPercent, deposits.breakForfeit]) {
      const account = (await api.call<AccountBody>('GET', `/accounts/${id}`)).body;
      expect(account).toMatchObject({ status: 'CLOSED', balance: { amount: '0.00' } });
      expect((await contract(id as string)).status).toBe('BROKEN');
    }
    const again = await api.call<AccountBody>('POST', `/accounts/${deposits.breakPercent}/break`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TERM_DEPOSIT_NOT_ACTIVE');
    const notDeposit = await api.call<AccountBody>('POST', `/accounts/${funding}/break`);
    expect(notDeposit.status).toBe(404);
    const trial = await api.call<{ balanced: boolean }>('GET', '/ledger/trial-balance');
    expect(trial.body.balanced).toBe(true);
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(verify.body.valid).toBe(true);
  });

  it('pays PERIODIC interest at each period end to the linked account', async () => {
    const id = deposits.periodic as string;
    expect((await contract(id)).nextEventDate).toBe('2026-07-31');
    await eventsOn('2026-07-31', id);
    await eventsOn('2026-07-31', id);
    // 12,000 × 6 % × 31 / 365 = 61.1506… → 61.15
    expect(await balanceOf(api, periodicFunding)).toBe('61.15');
    expect((await contract(id)).nextEventDate).toBe('2026-08-31');
    expect(await balanceOf(api, id)).toBe('12000.00');
  });

  it('pays out principal and interest at maturity and closes the account, once', async () => {
    const id = deposits.payout as string;
    const before = await balanceOf(api, funding);
    await eventsOn('2026-12-30', id);
    expect(await balanceOf(api, id)).toBe('10000.00');
    await eventsOn('2026-12-31', id);
    await eventsOn('2026-12-31', id);
    const account = (await api.call<AccountBody>('GET', `/accounts/${id}`)).body;
    expect(account).toMatchObject({ status: 'CLOSED', balance: { amount: '0.00' } });
    expect((await contract(id)).status).toBe('MATURED');
    const after = await balanceOf(api, funding);
    expect(new Decimal(after).minus(before).toFixed(2)).toBe('10252.05');
  });

  it('rolls over with the interest added, or paid to the linked account', async () => {
    const all = deposits.rollAll as string;
    const principalOnly = deposits.rollPrincipal as string;
    await eventsOn('2026-12-31', all);
    await eventsOn('2026-12-31', principalOnly);
    // 5,000 × 5 % × 184 / 365 = 126.0273… → 126.03
    expect(await balanceOf(api, all)).toBe('5126.03');
    expect(await contract(all)).toMatchObject({
      status: 'ACTIVE',
      term: 2,
      principal: { amount: '5126.03' },
      maturityDate: '2027-06-30',
    });
    expect(await balanceOf(api, principalOnly)).toBe('5000.00');
    expect(await contract(principalOnly)).toMatchObject({ term: 2, maturityDate: '2027-06-30' });
    // only the principal-only rollover pays its interest out
    expect(await balanceOf(api, rollFunding)).toBe('126.03');
    // the business date is still in the first term: the second has not started, so no break
    const early = await api.call<AccountBody>('POST', `/accounts/${all}/break`);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('TERM_DEPOSIT_NOT_ACTIVE');
    expect(await balanceOf(api, all)).toBe('5126.03');
  });
});
