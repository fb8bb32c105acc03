import { describe, expect, it } from '@jest/globals';
import { businessDate } from '../../../../../shared/domain/interest/business-date';
import {
  earlyWithdrawal,
  maturityAmount,
  termDepositInterest,
  termDepositMaturity,
  type TermDepositTerms,
} from '../../../../../shared/domain/interest/term-deposit';
import { BankDecimal, Money } from '../../../../../shared/domain/money';

const d = businessDate;
const usd = (amount: string) => Money.of(amount, 'USD');

const deposit = (overrides: Partial<TermDepositTerms> = {}): TermDepositTerms => ({
  principal: usd('10000'),
  annualRate: new BankDecimal('0.04'),
  dayCount: 'ACTUAL_365',
  startDate: d('2025-01-01'),
  maturityDate: d('2026-01-01'),
  compounding: 'NONE',
  payout: 'AT_MATURITY',
  ...overrides,
});

describe('term deposit maturity', () => {
  it('simple interest: 10,000.00 at 4 % for a year → 10,400.00', () => {
    expect(maturityAmount(deposit())).toEqual({ interest: usd('400.00'), amount: usd('10400.00') });
  });

  it('monthly capitalisation, 30/360, 12 months: 10,407.42 (python3 decimal)', () => {
    const terms = deposit({
      dayCount: 'THIRTY_360',
      compounding: 'MONTHLY',
      startDate: d('2026-01-15'),
      maturityDate: termDepositMaturity(d('2026-01-15'), 12),
    });
    expect(maturityAmount(terms).amount.toString()).toBe('10407.42');
    expect(termDepositInterest(terms).periods).toHaveLength(12);
  });

  it('periodic payout: each month earns on the principal only, the last is paid with it', () => {
    const terms = deposit({
      dayCount: 'THIRTY_360',
      compounding: 'MONTHLY',
      payout: 'PERIODIC',
      startDate: d('2026-01-31'),
      maturityDate: termDepositMaturity(d('2026-01-31'), 12),
    });
    const result = termDepositInterest(terms);
    expect(result.periods.map((p) => p.end).slice(0, 3)).toEqual([
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
    ]);
    expect(new Set(result.periods.map((p) => p.interest.toString()))).toEqual(new Set(['33.33']));
    expect(result.interest.toString()).toBe('399.96');
    expect(result.payoutAtEnd.toString()).toBe('10033.33');
  });

  it('quarterly capitalisation ends with a short period at an off-cycle maturity', () => {
    const terms = deposit({ compounding: 'QUARTERLY', maturityDate: d('2025-08-15') });
    expect(termDepositInterest(terms).periods.map((p) => p.end)).toEqual([
      '2025-04-01',
      '2025-07-01',
      '2025-08-15',
    ]);
  });

  it('keeps month ends for the maturity date', () => {
    expect(termDepositMaturity(d('2026-01-31'), 1)).toBe('2026-02-28');
    expect(termDepositMaturity(d('2026-02-28'), 1)).toBe('2026-03-31');
  });
});

describe('early withdrawal', () => {
  // 181 days at 4 %: 198.356… → 198.36 earned
  const on = d('2025-07-01');

  it('FORFEIT_DAYS: loses 90 days of interest (98.63)', () => {
    const result = earlyWithdrawal(deposit(), on, { type: 'FORFEIT_DAYS', days: 90 });
    expect(result.earned.toString()).toBe('198.36');
    expect(result.penalty.toString()).toBe('98.63');
    expect(result.payout.toString()).toBe('10099.73');
  });

  it('FORFEIT_DAYS never takes more than the interest earned', () => {
    const result = earlyWithdrawal(deposit(), on, { type: 'FORFEIT_DAYS', days: 365 });
    expect(result.penalty.toString()).toBe('198.36');
    expect(result.payout.toString()).toBe('10000.00');
  });

  it('REDUCED_RATE: interest recomputed at 1 % (49.59), the difference is the penalty', () => {
    const result = earlyWithdrawal(deposit(), on, {
      type: 'REDUCED_RATE',
      rate: new BankDecimal('0.01'),
    });
    expect(result.penalty.toString()).toBe('148.77');
    expect(result.payout.toString()).toBe('10049.59');
  });

  it('PRINCIPAL_PERCENT: 2 % of the principal, which may cut into it', () => {
    const result = earlyWithdrawal(deposit(), on, {
      type: 'PRINCIPAL_PERCENT',
      rate: new BankDecimal('0.02'),
    });
    expect(result.penalty.toString()).toBe('200.00');
    expect(result.payout.toString()).toBe('9998.36');
  });

  it('claws back from interest already paid out on a periodic deposit', () => {
    const terms = deposit({ dayCount: 'THIRTY_360', compounding: 'MONTHLY', payout: 'PERIODIC' });
    const result = earlyWithdrawal(terms, d('2025-03-16'), { type: 'FORFEIT_DAYS', days: 30 });
    // paid: two months of 33.33; accrued 15 days: 16.67; penalty 30 days: 33.33
    expect(result.alreadyPaid.toString()).toBe('66.66');
    expect(result.earned.toString()).toBe('83.33');
    expect(result.payout.toString()).toBe('9983.34');
  });

  it('is only for dates before maturity', () => {
    expect(() =>
      earlyWithdrawal(deposit(), d('2026-01-01'), { type: 'FORFEIT_DAYS', days: 1 }),
    ).toThrow();
  });
});
