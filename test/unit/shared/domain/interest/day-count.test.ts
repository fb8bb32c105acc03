import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addDays,
  businessDate,
  fromDayNumber,
  toDayNumber,
} from '../../../../../shared/domain/interest/business-date';
import {
  dayCount,
  dayCountConventions,
  periodRate,
  thirtyEIsdaDays,
  yearFraction,
  yearFractionParts,
} from '../../../../../shared/domain/interest/day-count';
import { BankDecimal } from '../../../../../shared/domain/money';

const d = businessDate;
const aDate = fc
  .integer({ min: toDayNumber(d('1990-01-01')), max: toDayNumber(d('2090-12-31')) })
  .map(fromDayNumber);
const orderedDates = (count: number) =>
  fc.array(aDate, { minLength: count, maxLength: count }).map((dates) => [...dates].sort());

describe('30E/360 (ISDA) day count', () => {
  it.each([
    ['2026-01-31', '2026-02-28', 30],
    ['2026-02-28', '2026-03-31', 30],
    ['2024-01-31', '2024-02-29', 30],
    ['2024-02-29', '2024-03-31', 30],
    ['2026-01-15', '2026-02-15', 30],
    ['2026-01-30', '2026-01-31', 0],
    ['2026-02-27', '2026-02-28', 3],
    ['2026-02-28', '2026-03-01', 1],
    ['2024-02-28', '2024-02-29', 2],
    ['2026-01-01', '2027-01-01', 360],
    ['2026-03-31', '2026-04-30', 30],
    ['2026-05-30', '2026-05-31', 0],
    ['2026-01-29', '2026-02-28', 31],
  ] as const)('counts %s → %s as %i days', (start, end, days) => {
    expect(thirtyEIsdaDays(d(start), d(end))).toBe(days);
    expect(dayCount('THIRTY_360', d(start), d(end))).toBe(days);
  });

  it('is additive, so daily accruals add up to the period', () => {
    fc.assert(
      fc.property(orderedDates(3), ([a, b, c]) => {
        expect(thirtyEIsdaDays(a!, c!)).toBe(thirtyEIsdaDays(a!, b!) + thirtyEIsdaDays(b!, c!));
      }),
    );
  });

  it('counts every whole month as 30 days from a day ≤ 27', () => {
    fc.assert(
      fc.property(aDate, fc.integer({ min: 1, max: 120 }), (date, months) => {
        const day = Number(date.slice(8));
        fc.pre(day <= 27);
        const end = fromDayNumber(toDayNumber(date));
        expect(thirtyEIsdaDays(end, d(shiftMonths(end, months)))).toBe(30 * months);
      }),
    );
  });
});

/** Plain month shift for a day ≤ 28 (no clamping needed): an independent helper. */
function shiftMonths(date: string, months: number): string {
  const [y, m, day] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + m - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

describe('actual day counts', () => {
  it('divides actual days by 360 or by 365 (fixed, also in leap years)', () => {
    const start = d('2024-01-01');
    const end = d('2025-01-01');
    expect(yearFractionParts('ACTUAL_360', start, end)).toEqual({
      numerator: 366,
      denominator: 360,
    });
    expect(yearFractionParts('ACTUAL_365', start, end)).toEqual({
      numerator: 366,
      denominator: 365,
    });
    expect(yearFraction('ACTUAL_ACTUAL', start, end).toString()).toBe('1');
  });

  it('matches the ISDA example for Actual/Actual (ISDA): 2003-11-01 → 2004-05-01', () => {
    // 61/365 + 121/366 = 0.49772438056740774010… (python3 decimal, ISDA 1998 paper: 0.497724380567)
    expect(yearFraction('ACTUAL_ACTUAL', d('2003-11-01'), d('2004-05-01')).toFixed(20)).toBe(
      '0.49772438056740774010',
    );
  });

  it('splits Actual/Actual across years: whole calendar years count exactly one each', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2080 }), fc.integer({ min: 1, max: 10 }), (y, n) => {
        const fraction = yearFraction('ACTUAL_ACTUAL', d(`${y}-01-01`), d(`${y + n}-01-01`));
        expect(fraction.toString()).toBe(String(n));
      }),
    );
  });

  it('is additive for every convention', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...dayCountConventions),
        orderedDates(3),
        (convention, [a, b, c]) => {
          const whole = yearFraction(convention, a!, c!);
          const parts = yearFraction(convention, a!, b!).plus(yearFraction(convention, b!, c!));
          expect(whole.minus(parts).abs().lessThan('1e-35')).toBe(true);
        },
      ),
    );
  });

  it('refuses a period that ends before it starts', () => {
    expect(() => yearFraction('ACTUAL_365', d('2026-02-02'), d('2026-02-01'))).toThrow();
  });
});

describe('period rates', () => {
  it('multiplies before dividing, so a regular 30/360 month of 12 % is exactly 1 %', () => {
    const rate = periodRate(
      new BankDecimal('0.12'),
      'THIRTY_360',
      d('2026-01-31'),
      d('2026-02-28'),
    );
    expect(rate.toString()).toBe('0.01');
  });

  it('gives one day of 5 % ACT/365 as 0.05/365', () => {
    const start = d('2026-03-10');
    const rate = periodRate(new BankDecimal('0.05'), 'ACTUAL_365', start, addDays(start, 1));
    expect(rate.equals(new BankDecimal('0.05').dividedBy(365))).toBe(true);
  });
});
