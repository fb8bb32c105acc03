import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  accrue,
  dailyAccrual,
  emptyAccrual,
  isPostingDate,
  postAccrued,
  runDepositInterest,
  unposted,
  type AccrualState,
} from '../../../../../shared/domain/interest/accrual';
import { businessDate } from '../../../../../shared/domain/interest/business-date';
import {
  annualInterest,
  effectiveRate,
  type InterestRate,
} from '../../../../../shared/domain/interest/tiers';
import { BankDecimal, Money, type RoundingMode } from '../../../../../shared/domain/money';
import { pow10 } from '../exact-decimal';
import { roundingModes } from '../lending/loan-arbitraries';

const d = businessDate;
const usd = (amount: string) => Money.of(amount, 'USD');
const flat = (rate: string): InterestRate => ({ kind: 'FLAT', rate: new BankDecimal(rate) });
const tiered = (mode: 'WHOLE_BALANCE' | 'BANDED'): InterestRate => ({
  kind: 'TIERED',
  mode,
  tiers: [
    { from: usd('5000'), rate: new BankDecimal('0.03') },
    { from: usd('0'), rate: new BankDecimal('0.01') },
    { from: usd('1000'), rate: new BankDecimal('0.02') },
  ],
});

describe('daily accrual', () => {
  it('is a year’s interest times the day’s fraction: 10,000.00 at 5 % ACT/365', () => {
    const day = dailyAccrual(usd('10000'), flat('0.05'), 'ACTUAL_365', d('2026-03-10'));
    expect(day.equals(new BankDecimal(500).dividedBy(365))).toBe(true);
  });

  it('uses 1/366 in a leap year under ACT/ACT and 30E/360 days under 30/360', () => {
    expect(dailyAccrual(usd('366'), flat('1'), 'ACTUAL_ACTUAL', d('2024-05-01')).toString()).toBe(
      '1',
    );
    expect(dailyAccrual(usd('360'), flat('1'), 'THIRTY_360', d('2026-01-30')).toString()).toBe('0');
    expect(dailyAccrual(usd('360'), flat('1'), 'THIRTY_360', d('2026-02-27')).toString()).toBe('3');
  });

  it('earns nothing on a zero or negative balance', () => {
    expect(dailyAccrual(usd('0'), flat('0.05'), 'ACTUAL_365', d('2026-03-10')).isZero()).toBe(true);
    expect(dailyAccrual(usd('-10'), flat('0.05'), 'ACTUAL_365', d('2026-03-10')).isZero()).toBe(
      true,
    );
  });
});

describe('tiered rates', () => {
  it.each([
    ['6000', 'WHOLE_BALANCE', '180'],
    ['6000', 'BANDED', '120'],
    ['1000', 'WHOLE_BALANCE', '20'],
    ['1000', 'BANDED', '10'],
    ['999.99', 'WHOLE_BALANCE', '9.9999'],
    ['500', 'BANDED', '5'],
  ] as const)('a balance of %s, %s, earns %s a year', (balance, mode, interest) => {
    expect(annualInterest(usd(balance), tiered(mode)).toString()).toBe(interest);
  });

  it('gives the banded mode a continuous, never higher, interest than the whole-balance mode', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000_000n }), (minor) => {
        const balance = Money.fromMinor(minor, 'USD');
        const whole = annualInterest(balance, tiered('WHOLE_BALANCE'));
        const banded = annualInterest(balance, tiered('BANDED'));
        expect(banded.lessThanOrEqualTo(whole)).toBe(true);
        const next = annualInterest(Money.fromMinor(minor + 1n, 'USD'), tiered('BANDED'));
        expect(next.minus(banded).lessThanOrEqualTo('0.0003')).toBe(true);
      }),
    );
    expect(effectiveRate(usd('6000'), tiered('BANDED')).toString()).toBe('0.02');
  });

  it('refuses tiers that do not start at zero', () => {
    const rate: InterestRate = {
      kind: 'TIERED',
      mode: 'BANDED',
      tiers: [{ from: usd('1'), rate: new BankDecimal('0.01') }],
    };
    expect(() => annualInterest(usd('10'), rate)).toThrow();
  });
});

describe('accrual with the sub-cent remainder carried', () => {
  it('books 0.08 over 30 days where rounding each day would book nothing', () => {
    let state = emptyAccrual('USD');
    let naive = usd('0');
    for (let day = 0; day < 30; day += 1) {
      const exact = new BankDecimal(100).times('0.01').dividedBy(365);
      naive = naive.plus(Money.rounded(exact, 'USD', 'HALF_EVEN'));
      state = accrue(state, exact).state;
    }
    expect(naive.toString()).toBe('0.00');
    expect(postAccrued(state).posted.toString()).toBe('0.08');
  });

  it('always books the rounded exact total, and carries less than one minor unit', () => {
    const aDay = fc
      .bigInt({ min: 0n, max: 10n ** 12n })
      .map((n) => new BankDecimal(n.toString()).dividedBy(pow10(9).toString()));
    fc.assert(
      fc.property(
        fc.array(aDay, { minLength: 1, maxLength: 120 }),
        fc.constantFrom<RoundingMode>(...roundingModes),
        fc.integer({ min: 1, max: 40 }),
        (days, rounding, postEvery) => {
          let state: AccrualState = emptyAccrual('USD');
          let exact = new BankDecimal(0);
          let booked = usd('0');
          let posted = usd('0');
          days.forEach((amount, index) => {
            const step = accrue(state, amount, rounding);
            state = step.state;
            booked = booked.plus(step.booked);
            exact = exact.plus(amount);
            expect(booked.equals(Money.rounded(exact, 'USD', rounding))).toBe(true);
            if ((index + 1) % postEvery === 0) {
              const posting = postAccrued(state);
              posted = posted.plus(posting.posted);
              state = posting.state;
            }
            expect(state.exact.minus(state.booked.amount).abs().lessThan('0.01')).toBe(true);
          });
          const total = posted.plus(unposted(state));
          expect(total.equals(Money.rounded(exact, 'USD', rounding))).toBe(true);
        },
      ),
    );
  });
});

describe('posting and compounding', () => {
  it.each([
    ['2026-01-31', 'MONTHLY', true],
    ['2026-01-30', 'MONTHLY', false],
    ['2024-02-29', 'MONTHLY', true],
    ['2026-03-31', 'QUARTERLY', true],
    ['2026-04-30', 'QUARTERLY', false],
    ['2026-12-31', 'ANNUALLY', true],
    ['2026-06-30', 'ANNUALLY', false],
    ['2026-06-17', 'DAILY', true],
    ['2026-12-31', 'AT_MATURITY', false],
  ] as const)('%s is a %s posting date: %s', (date, frequency, expected) => {
    expect(isPostingDate(d(date), frequency)).toBe(expected);
  });

  const year = (compounding: 'NONE' | 'DAILY' | 'ON_POSTING') =>
    runDepositInterest({
      balance: usd('10000'),
      rate: flat('0.05'),
      dayCount: 'ACTUAL_365',
      postingFrequency: 'MONTHLY',
      compounding,
      from: d('2025-01-01'),
      to: d('2026-01-01'),
    });

  it('simple interest: a year of 5 % on 10,000.00 posts exactly 500.00 in 12 monthly postings', () => {
    const run = year('NONE');
    expect(run.postings).toHaveLength(12);
    expect(run.postings[0]).toEqual({ date: '2025-01-31', amount: usd('42.47') });
    const total = run.postings.reduce((sum, p) => sum.plus(p.amount), usd('0'));
    expect(total.toString()).toBe('500.00');
    expect(run.balance.toString()).toBe('10000.00');
    expect(run.days).toHaveLength(365);
  });

  it('monthly compounding on posting: 10,511.62 (python3 decimal, same rules)', () => {
    expect(year('ON_POSTING').balance.toString()).toBe('10511.62');
  });

  it('daily compounding earns more than monthly, which earns more than simple', () => {
    const daily = year('DAILY').balance;
    expect(daily.compare(year('ON_POSTING').balance)).toBe(1);
    expect(year('ON_POSTING').balance.compare(year('NONE').balance)).toBe(1);
    // continuous compounding bounds it: 10,000 × e^0.05 = 10,512.71
    expect(daily.compare(usd('10512.71'))).toBe(-1);
  });

  it('catches up missed days in order: two runs equal one run over both ranges', () => {
    const input = {
      balance: usd('2500'),
      rate: tiered('BANDED'),
      dayCount: 'ACTUAL_ACTUAL' as const,
      postingFrequency: 'MONTHLY' as const,
      compounding: 'ON_POSTING' as const,
    };
    const whole = runDepositInterest({ ...input, from: d('2024-01-10'), to: d('2024-04-20') });
    const first = runDepositInterest({ ...input, from: d('2024-01-10'), to: d('2024-02-15') });
    const second = runDepositInterest({
      ...input,
      balance: first.balance,
      state: first.state,
      from: d('2024-02-15'),
      to: d('2024-04-20'),
    });
    expect([...first.postings, ...second.postings]).toEqual(whole.postings);
    expect(second.balance.equals(whole.balance)).toBe(true);
    expect(second.state.exact.equals(whole.state.exact)).toBe(true);
  });
});
