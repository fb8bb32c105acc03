import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INTEREST_SEGMENTS } from '../../../shared/application/interest/ports';
import {
  getTermDeposit,
  termDepositStep,
} from '../../../shared/application/products/term-deposits';
import type { BusinessDate } from '../../../shared/domain/interest/business-date';
import {
  anAccount,
  aVerifiedCustomer,
  balanceOf,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

type Money = { amount: string; currency: string };
interface TrialBalance {
  balanced: boolean;
  currencies: {
    currency: string;
    accounts: { code: string; debits: string; credits: string }[];
  }[];
}

const START = '2026-06-30';

/** Daily accrual of term deposit interest through 2100, cleared by payouts and breaks. */
describe('term deposit accrual', () => {
  let api: TestApi;
  let customerId: string;
  const funding: Record<string, string> = {};
  const deposits: Record<string, string> = {};

  const product = async (code: string, termDeposit: Record<string, unknown>, rate = '0.05') => {
    const created = await api.call<{ id: string }>('POST', '/products', {
      body: {
        code,
        name: code,
        type: 'TERM_DEPOSIT',
        currency: 'USD',
        interest: { rate, dayCount: 'ACTUAL_365' },
        termDeposit,
      },
    });
    if (created.status !== 201) throw new Error(created.raw);
    await api.call('POST', `/products/${created.body.id}/activate`);
    return created.body.id;
  };
  /** The whole step, every segment, as the pipeline runs it. */
  const endOfDay = async (date: string) => {
    for (let segment = 0; segment < INTEREST_SEGMENTS; segment += 1) {
      await termDepositStep.run(
        api.deps,
        date as BusinessDate,
        segment,
        undefined,
        async () => undefined,
      );
    }
  };
  const accrued = async (name: string) =>
    (await getTermDeposit(api.deps, deposits[name] as string))?.accrued.toString();
  const gl = async () => {
    const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
    expect(trial.balanced).toBe(true);
    const accounts = trial.currencies.find((c) => c.currency === 'USD')?.accounts ?? [];
    const net = (code: string) => {
      const found = accounts.find((a) => a.code === code);
      return found === undefined ? 0 : Number(found.debits) - Number(found.credits);
    };
    // Payable is credit-normal, expense debit-normal.
    return { payable: -net('2100'), expense: net('5000'), fees: -net('4100') };
  };
  /** The invariant: 2100 holds exactly what the active deposits have accrued. */
  const expectPayableMatches = async () => {
    let sum = 0;
    for (const name of Object.keys(deposits)) {
      const deposit = await getTermDeposit(api.deps, deposits[name] as string);
      if (deposit?.status === 'ACTIVE') sum += Number(deposit.accrued.toString());
    }
    expect((await gl()).payable).toBeCloseTo(sum, 2);
  };

  beforeAll(async () => {
    api = await createTestApi('term-deposit-accrual');
    const set = await api.call('PUT', '/admin/business-date', { body: { date: START } });
    if (set.status !== 200) throw new Error(set.raw);
    customerId = await aVerifiedCustomer(api);
    const payout = await product('TDA_PAYOUT', {
      earlyWithdrawalPenalty: { type: 'REDUCED_RATE', rate: '0.01' },
    });
    const periodic = await product(
      'TDA_PERIODIC',
      {
        earlyWithdrawalPenalty: { type: 'FORFEIT_DAYS', days: 90 },
        interestPayout: 'PERIODIC',
        compounding: 'MONTHLY',
      },
      '0.06',
    );
    for (const [name, productId, amount] of [
      ['matures', payout, '10000.00'],
      ['broken', payout, '10000.00'],
      ['periodic', periodic, '12000.00'],
    ] as const) {
      funding[name] = await anAccount(api, { customerId, deposit: amount });
      const opened = await api.call<{ id: string }>('POST', '/accounts', {
        body: {
          customerId,
          productId,
          currency: 'USD',
          amount,
          fundingAccountId: funding[name],
          termMonths: 6,
        },
      });
      if (opened.status !== 201) throw new Error(opened.raw);
      deposits[name] = opened.body.id;
    }
  });
  afterAll(async () => api.close());

  it('books each day once, catching up missed dates from the contract, not from history', async () => {
    const start = await gl();
    expect(start.payable).toBeCloseTo(0, 2);
    expect(start.expense).toBeCloseTo(0, 2);
    await endOfDay('2026-07-01');
    // 10,000 × 5 % / 365 = 1.3698… → 1.37; 12,000 × 6 % / 365 = 1.9726… → 1.97
    expect(await accrued('matures')).toBe('1.37');
    expect(await accrued('periodic')).toBe('1.97');
    expect((await gl()).payable).toBeCloseTo(1.37 + 1.37 + 1.97, 2);
    await endOfDay('2026-07-01');
    expect((await gl()).payable).toBeCloseTo(4.71, 2);
    await endOfDay('2026-07-02');
    expect(await accrued('matures')).toBe('2.74');
    // Seven dates skipped: 9 days on 10,000 = 12.3287… → 12.33 (rounded once, not per day)
    await endOfDay('2026-07-09');
    expect(await accrued('matures')).toBe('12.33');
    expect(await accrued('broken')).toBe('12.33');
    const { payable, expense } = await gl();
    expect(payable).toBeCloseTo(expense, 2);
    await expectPayableMatches();
    const contract = await getTermDeposit(api.deps, deposits.matures as string);
    expect(contract?.accruedThrough).toBe('2026-07-09');
  });

  it('a break clears the accrual: the payout and penalty are as before, 5000 keeps what was paid', async () => {
    for (let day = 1; day <= 10; day += 1) {
      const date = new Date(Date.UTC(2026, 5, 30 + day)).toISOString().slice(0, 10);
      const moved = await api.call('PUT', '/admin/business-date', { body: { date } });
      if (moved.status !== 200) throw new Error(moved.raw);
    }
    const before = await gl();
    const broken = await api.call<{ earned: Money; penalty: Money; payout: Money }>(
      'POST',
      `/accounts/${deposits.broken}/break`,
    );
    expect(broken.status).toBe(201);
    // 10 days: earned 13.70; at 1 %: 2.74, penalty 10.96; payout 10,002.74
    expect(broken.body).toMatchObject({
      earned: { amount: '13.70' },
      penalty: { amount: '10.96' },
      payout: { amount: '10002.74' },
    });
    const after = await gl();
    // 12.33 accrued leaves 2100; of it 9.59 (the forfeited part) is reversed out of 5000.
    expect(before.payable - after.payable).toBeCloseTo(12.33, 2);
    expect(before.expense - after.expense).toBeCloseTo(9.59, 2);
    expect(await balanceOf(api, funding.broken as string)).toBe('10002.74');
    await expectPayableMatches();
  });

  it('periodic payouts and maturity pay out of what was accrued, the figures unchanged', async () => {
    await endOfDay('2026-07-31');
    // 12,000 × 6 % × 31 / 365 = 61.15, all of it accrued by the payout: nothing left accrued.
    expect(await balanceOf(api, funding.periodic as string)).toBe('61.15');
    expect(await accrued('periodic')).toBe('0.00');
    await endOfDay('2026-08-01');
    expect(await accrued('periodic')).toBe('1.97');
    await expectPayableMatches();
    await endOfDay('2026-12-31');
    await endOfDay('2026-12-31');
    // 10,000 at 5 % for 184 days: 252.05, paid with the principal.
    expect(await balanceOf(api, funding.matures as string)).toBe('10252.05');
    const contract = await getTermDeposit(api.deps, deposits.matures as string);
    expect(contract?.status).toBe('MATURED');
    expect(contract?.accrued.toString()).toBe('0.00');
    const after = await gl();
    await expectPayableMatches();
    // Over its life the matured deposit cost exactly its interest: 5000 = 252.05 + 2.74 (break)
    // + the periodic deposit's accruals so far.
    const periodic = Number((await accrued('periodic')) ?? 0);
    expect(after.expense).toBeCloseTo(252.05 + 2.74 + 61.15 + periodic, 2);
  });
});
