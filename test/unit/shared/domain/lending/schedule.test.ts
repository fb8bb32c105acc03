import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addMonths,
  businessDate,
  fromDayNumber,
  toDayNumber,
} from '../../../../../shared/domain/interest/business-date';
import { dueDates } from '../../../../../shared/domain/lending/due-dates';
import { daysPastDue } from '../../../../../shared/domain/lending/delinquency';
import {
  installmentsFromSchedule,
  isSettled,
  outstandingTotal,
  totalOf,
} from '../../../../../shared/domain/lending/installments';
import { transitionLoan } from '../../../../../shared/domain/lending/loan-status';
import { pmt } from '../../../../../shared/domain/lending/pmt';
import { allocateRepayment } from '../../../../../shared/domain/lending/repayment';
import {
  generateSchedule,
  scheduleTotals,
  type LoanScheduleTerms,
  type ScheduleItem,
} from '../../../../../shared/domain/lending/schedule';
import { BankDecimal, Money, type RoundingMode } from '../../../../../shared/domain/money';
import {
  aLoan,
  aRate,
  minorOf,
  referenceInterestMinor,
  roundingModes,
  testCurrencies,
  wholeMonthsOf,
} from './loan-arbitraries';

const d = businessDate;

const monthly = (overrides: Partial<LoanScheduleTerms> = {}): LoanScheduleTerms => ({
  principal: Money.of('10000.00', 'USD'),
  annualRate: new BankDecimal('0.12'),
  method: 'EQUAL_INSTALLMENT',
  frequency: 'MONTHLY',
  dayCount: 'THIRTY_360',
  disbursementDate: d('2026-01-15'),
  firstPaymentDate: d('2026-02-15'),
  installments: 12,
  ...overrides,
});

const amounts = (
  items: readonly ScheduleItem[],
  key: 'principal' | 'interest' | 'payment' | 'balance',
) => items.map((item) => item[key].toString());

describe('spreadsheet PMT', () => {
  it.each([
    // Excel's own PMT documentation examples.
    [new BankDecimal('0.08').dividedBy(12), 10, '10000', '0', 0, '-1037.03'],
    [new BankDecimal('0.08').dividedBy(12), 10, '10000', '0', 1, '-1030.16'],
    [new BankDecimal('0.06').dividedBy(12), 216, '0', '50000', 0, '-129.08'],
    ['0', 12, '1200', '0', 0, '-100.00'],
  ] as const)('PMT(%s, %i, %s, %s, %i) = %s', (rate, nper, pv, fv, type, expected) => {
    expect(pmt(rate, nper, pv, fv, type).toFixed(2)).toBe(expected);
  });

  it('agrees with python3 decimal to 20 places: PMT(1 %, 12, 10000)', () => {
    // python3: 10000 * 0.01 / (1 - 1.01 ** -12) = 888.48788678341707339987831…
    expect(pmt('0.01', 12, '10000').toDecimalPlaces(20).toString()).toBe(
      '-888.48788678341707339988',
    );
  });
});

describe('reference schedules (checked with python3 decimal)', () => {
  it('10,000.00 at 12 % over 12 months, monthly 30/360: 888.49, last 888.47, interest 661.86', () => {
    const items = generateSchedule(monthly());
    expect(items).toHaveLength(12);
    expect(new Set(amounts(items.slice(0, 11), 'payment'))).toEqual(new Set(['888.49']));
    expect(items[0]).toMatchObject({ number: 1, dueDate: '2026-02-15' });
    expect(items[0]!.interest.toString()).toBe('100.00');
    expect(items[0]!.principal.toString()).toBe('788.49');
    expect(items[0]!.balance.toString()).toBe('9211.51');
    expect(items[11]!.principal.toString()).toBe('879.67');
    expect(items[11]!.interest.toString()).toBe('8.80');
    expect(items[11]!.payment.toString()).toBe('888.47');
    expect(items[11]!.balance.toString()).toBe('0.00');
    expect(scheduleTotals(items).interest.toString()).toBe('661.86');
  });

  it('250,000.00 at 6.5 % over 360 months: 1,580.17, last 1,580.55, interest 318,861.58', () => {
    const items = generateSchedule(
      monthly({
        principal: Money.of('250000', 'USD'),
        annualRate: new BankDecimal('0.065'),
        installments: 360,
      }),
    );
    expect(items[0]!.payment.toString()).toBe('1580.17');
    expect(items[359]!.payment.toString()).toBe('1580.55');
    expect(scheduleTotals(items).interest.toString()).toBe('318861.58');
  });

  it('5,000.00 at 18 % over 24 months: 249.62, last 249.61, interest 990.87', () => {
    const items = generateSchedule(
      monthly({
        principal: Money.of('5000', 'USD'),
        annualRate: new BankDecimal('0.18'),
        installments: 24,
      }),
    );
    expect(items[0]!.payment.toString()).toBe('249.62');
    expect(items[23]!.payment.toString()).toBe('249.61');
    expect(scheduleTotals(items).interest.toString()).toBe('990.87');
  });

  it('keeps a month-end anchor regular under 30/360: Jan 31 → Feb 28 → Mar 31 all at 1 %', () => {
    const items = generateSchedule(
      monthly({
        disbursementDate: d('2025-12-31'),
        firstPaymentDate: d('2026-01-31'),
        installments: 3,
      }),
    );
    expect(items.map((item) => item.dueDate)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    // Every period at exactly 1 %: 100.00 on 10,000.00, then 1 % of each opening balance.
    expect(amounts(items, 'interest')).toEqual(['100.00', '67.00', '33.67']);
    expect(amounts(items, 'balance')).toEqual(['6699.78', '3366.56', '0.00']);
  });

  it('equal principal: 1,000.00 over 3 months at 12 %: 333.33, 333.33, 333.34', () => {
    const items = generateSchedule(
      monthly({ principal: Money.of('1000', 'USD'), method: 'EQUAL_PRINCIPAL', installments: 3 }),
    );
    expect(amounts(items, 'principal')).toEqual(['333.33', '333.33', '333.34']);
    expect(amounts(items, 'interest')).toEqual(['10.00', '6.67', '3.33']);
    expect(amounts(items, 'payment')).toEqual(['343.33', '340.00', '336.67']);
  });

  it('bullet: interest every period, the principal at the end', () => {
    const items = generateSchedule(
      monthly({ principal: Money.of('1000', 'USD'), method: 'BULLET', installments: 3 }),
    );
    expect(amounts(items, 'principal')).toEqual(['0.00', '0.00', '1000.00']);
    expect(amounts(items, 'interest')).toEqual(['10.00', '10.00', '10.00']);
    expect(amounts(items, 'balance')).toEqual(['1000.00', '1000.00', '0.00']);
  });

  it('irregular first period, ACT/365: 45 days then whole months, balance exactly zero', () => {
    const items = generateSchedule(
      monthly({
        dayCount: 'ACTUAL_365',
        disbursementDate: d('2026-01-01'),
        firstPaymentDate: d('2026-02-15'),
      }),
    );
    // 10,000 × 0.12 × 45/365 = 147.945… → 147.95; the installment is solved over the real periods.
    expect(items[0]!.interest.toString()).toBe('147.95');
    expect(items.at(-1)!.balance.toString()).toBe('0.00');
    const payment = items[0]!.payment.toString();
    expect(new Set(amounts(items.slice(0, -1), 'payment'))).toEqual(new Set([payment]));
    expect(
      Math.abs(Number(items.at(-1)!.payment.minus(items[0]!.payment).toString())),
    ).toBeLessThan(0.1);
  });

  it('zero rate: principal split into equal installments, no interest', () => {
    const items = generateSchedule(monthly({ annualRate: new BankDecimal(0), installments: 3 }));
    expect(amounts(items, 'payment')).toEqual(['3333.33', '3333.33', '3333.34']);
    expect(amounts(items, 'interest')).toEqual(['0.00', '0.00', '0.00']);
  });

  it('respects the currency scale: JPY whole yen, KWD fils', () => {
    const yen = generateSchedule(monthly({ principal: Money.of('1000000', 'JPY') }));
    expect(yen[0]!.payment.toString()).toBe('88849');
    const dinar = generateSchedule(monthly({ principal: Money.of('10000', 'KWD') }));
    expect(dinar[0]!.payment.toString()).toBe('888.488');
  });

  it('rounds with the given mode', () => {
    expect(generateSchedule(monthly({ rounding: 'DOWN' }))[0]!.payment.toString()).toBe('888.48');
    expect(generateSchedule(monthly({ rounding: 'UP' }))[0]!.payment.toString()).toBe('888.49');
  });

  it.each([
    ['HALF_DOWN', '0.01'],
    ['HALF_UP', '0.02'],
    ['HALF_EVEN', '0.02'],
  ] as const)(
    'rounds an exact half-way interest %s: 0.36 × 50 %/12 = 0.015 → %s',
    (mode, interest) => {
      // 0.5/12 as a 40-digit factor (0.041666…67) would tip the tie; the product is kept exact.
      const items = generateSchedule(
        monthly({
          principal: Money.of('0.36', 'USD'),
          annualRate: new BankDecimal('0.5'),
          method: 'BULLET',
          installments: 1,
          rounding: mode,
        }),
      );
      expect(items[0]!.interest.toString()).toBe(interest);
    },
  );

  it('refuses a first payment on or before disbursement, and an empty schedule', () => {
    expect(() => generateSchedule(monthly({ firstPaymentDate: d('2026-01-15') }))).toThrow();
    expect(() => generateSchedule(monthly({ installments: 0 }))).toThrow();
  });
});

describe('French installments against spreadsheet PMT', () => {
  it('equal the rounded PMT on every regular monthly 30/360 schedule, any due day', () => {
    const anAnchor = fc
      .integer({ min: toDayNumber(d('2000-01-01')), max: toDayNumber(d('2060-12-31')) })
      .map(fromDayNumber);
    fc.assert(
      fc.property(
        anAnchor,
        fc.constantFrom(...testCurrencies),
        fc.bigInt({ min: 1_000n, max: 100_000_000_000n }),
        aRate,
        fc.integer({ min: 1, max: 360 }),
        fc.constantFrom<RoundingMode>(...roundingModes),
        (first, currency, principalMinor, rate, n, rounding) => {
          const principal = Money.fromMinor(principalMinor, currency);
          const items = generateSchedule({
            principal,
            annualRate: new BankDecimal(rate.text),
            method: 'EQUAL_INSTALLMENT',
            frequency: 'MONTHLY',
            dayCount: 'THIRTY_360',
            disbursementDate: addMonths(first, -1),
            firstPaymentDate: first,
            installments: n,
            rounding,
          });
          const expected = pmt(
            new BankDecimal(rate.text).dividedBy(12),
            n,
            principal.amount,
          ).negated();
          const rounded = Money.rounded(expected, currency, rounding);
          const installment = items[0]!.payment;
          if (items.length > 1) expect(installment.toString()).toBe(rounded.toString());
          else expect(installment.isPositive()).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('schedule identities over random loans', () => {
  it('principal parts sum to the principal, interest is each period’s own rate, balance ends at zero', () => {
    fc.assert(
      fc.property(aLoan(), ({ terms, rate, principalMinor }) => {
        const items = generateSchedule(terms);
        const rounding = terms.rounding ?? 'HALF_EVEN';
        const dates = dueDates(terms.firstPaymentDate, terms.frequency, terms.installments);
        expect(items.length).toBeGreaterThanOrEqual(1);
        expect(items.length).toBeLessThanOrEqual(terms.installments);
        expect(items.reduce((sum, item) => sum + minorOf(item.principal), 0n)).toBe(principalMinor);
        let balance = principalMinor;
        items.forEach((item, index) => {
          const start = index === 0 ? terms.disbursementDate : dates[index - 1]!;
          expect(item.number).toBe(index + 1);
          expect(item.dueDate).toBe(dates[index]);
          expect(minorOf(item.interest)).toBe(
            referenceInterestMinor(
              balance,
              rate,
              terms,
              start,
              item.dueDate,
              rounding,
              wholeMonthsOf(terms, index),
            ),
          );
          expect(minorOf(item.payment)).toBe(minorOf(item.principal) + minorOf(item.interest));
          expect(item.fees.isZero() && item.penalties.isZero()).toBe(true);
          balance -= minorOf(item.principal);
          expect(minorOf(item.balance)).toBe(balance);
          expect(balance >= 0n).toBe(true);
        });
        expect(balance).toBe(0n);
        checkMethodShape(items, terms, principalMinor);
      }),
      { numRuns: 200 },
    );
  });

  it('paid exactly as scheduled, on the due dates, leaves nothing owed and the loan PAID_OFF', () => {
    fc.assert(
      fc.property(aLoan(60), ({ terms }) => {
        let installments = installmentsFromSchedule(generateSchedule(terms));
        for (const installment of [...installments]) {
          const payment = totalOf(installment.due);
          const result = allocateRepayment(installments, payment, installment.dueDate);
          if (!result.ok) throw new Error(result.error.code);
          expect(result.value.excess.isZero()).toBe(true);
          installments = result.value.installments;
        }
        expect(installments.every(isSettled)).toBe(true);
        const owed = totalOf(outstandingTotal(installments, terms.principal.currency));
        expect(owed.isZero()).toBe(true);
        expect(daysPastDue(installments, installments.at(-1)!.dueDate)).toBe(0);
        expect(transitionLoan('ACTIVE', 'PAY_OFF')).toEqual({ ok: true, value: 'PAID_OFF' });
      }),
      { numRuns: 150 },
    );
  });
});

/** Method-specific shape: equal installments, equal principal parts, or bullet. */
function checkMethodShape(
  items: readonly ScheduleItem[],
  terms: LoanScheduleTerms,
  principalMinor: bigint,
) {
  const last = items.at(-1)!;
  const allButLast = items.slice(0, -1);
  switch (terms.method) {
    case 'EQUAL_INSTALLMENT': {
      // Interest-only rows (a first period whose interest reaches the installment) lead; the
      // other rows but the last are all equal.
      // principal never goes negative: a row either pays the installment or is interest-only.
      const interestOnly = allButLast.filter((item) => item.principal.isZero());
      const regular = allButLast.filter((item) => !item.principal.isZero());
      for (const item of interestOnly) expect(item.payment.equals(item.interest)).toBe(true);
      const installment = minorOf((regular.at(-1) ?? last).payment);
      const lastInterestOnly = interestOnly.at(-1)?.number ?? 0;
      for (const item of regular.filter((row) => row.number > lastInterestOnly)) {
        expect(minorOf(item.payment)).toBe(installment);
      }
      // With a first period of at most a month, a rate up to 20 % and a real principal, no row is
      // interest-only (at 41 % over ten years, a 31-day month's interest can exceed the installment).
      const firstDays = toDayNumber(terms.firstPaymentDate) - toDayNumber(terms.disbursementDate);
      if (
        terms.frequency === 'MONTHLY' &&
        firstDays <= 31 &&
        principalMinor >= 1_000_000n &&
        terms.annualRate.lessThanOrEqualTo('0.2')
      ) {
        expect(interestOnly).toHaveLength(0);
      }
      if (items.length === terms.installments && items.length > 1 && interestOnly.length === 0) {
        // The last one only absorbs rounding: at most about one minor unit per period, grown by interest.
        const growth = items.reduce(
          (g, item, i) =>
            g *
            (1 +
              Number(item.interest.amount.toString()) /
                Math.max(
                  1,
                  Number((i === 0 ? terms.principal : items[i - 1]!.balance).amount.toString()),
                )),
          1,
        );
        const bound = BigInt(Math.ceil(terms.installments * growth * 1.5 + 2));
        const gap = minorOf(last.payment) - installment;
        expect(gap <= bound && -gap <= bound).toBe(true);
      }
      break;
    }
    case 'EQUAL_PRINCIPAL': {
      const part = minorOf(items[0]!.principal);
      for (const item of allButLast) expect(minorOf(item.principal)).toBe(part);
      if (items.length === terms.installments) {
        expect(minorOf(last.principal) >= part).toBe(true);
        expect(minorOf(last.principal) - part < BigInt(terms.installments)).toBe(true);
      }
      break;
    }
    case 'BULLET':
      for (const item of allButLast) expect(item.principal.isZero()).toBe(true);
      expect(minorOf(last.principal)).toBe(principalMinor);
      break;
  }
}
