import type Decimal from 'decimal.js';
import { BankDecimal } from '../money';
import {
  compareDates,
  daysBetween,
  daysInYear,
  isMonthEnd,
  toCalendarDay,
  type BusinessDate,
} from './business-date';

export const dayCountConventions = [
  'THIRTY_360',
  'ACTUAL_360',
  'ACTUAL_365',
  'ACTUAL_ACTUAL',
] as const;
export type DayCountConvention = (typeof dayCountConventions)[number];

/**
 * A year fraction as an exact ratio of integers. Rates are multiplied by the numerator before
 * dividing by the denominator, so 0.12 × 30/360 is exactly 0.01 and never 0.0099…96.
 */
export interface YearFraction {
  readonly numerator: number;
  readonly denominator: number;
}

/**
 * THIRTY_360 is 30E/360 (ISDA), ISDA 2006 §4.16(h): the 31st and the last day of February count as
 * day 30, at both ends. We do not apply the ISDA exception for a termination date in February.
 * Unlike US (NASD) 30/360, this count is a difference f(end) − f(start) of one function of each
 * date, so it is additive: the daily accruals of a period always add up to the period's interest,
 * and every whole month between month-end dates (Jan 31 → Feb 28 → Mar 31) is exactly 30 days.
 */
export function thirtyEIsdaDays(start: BusinessDate, end: BusinessDate): number {
  return thirtyDayOrdinal(end) - thirtyDayOrdinal(start);
}

function thirtyDayOrdinal(date: BusinessDate): number {
  const { year, month, day } = toCalendarDay(date);
  const counted = isMonthEnd(date) ? 30 : Math.min(day, 30);
  return year * 360 + (month - 1) * 30 + counted;
}

/** Days of [start, end) in each calendar year, for Actual/Actual (ISDA). */
function actualActualParts(start: BusinessDate, end: BusinessDate): YearFraction {
  const first = toCalendarDay(start).year;
  const last = toCalendarDay(end).year;
  let common = 0;
  let leap = 0;
  for (let year = first; year <= last; year += 1) {
    const from =
      year === first ? start : (`${String(year).padStart(4, '0')}-01-01` as BusinessDate);
    const to = year === last ? end : (`${String(year + 1).padStart(4, '0')}-01-01` as BusinessDate);
    const days = daysBetween(from, to);
    if (daysInYear(year) === 366) leap += days;
    else common += days;
  }
  return { numerator: common * 366 + leap * 365, denominator: 365 * 366 };
}

/**
 * The fraction of a year between two dates (`start` ≤ `end`):
 * THIRTY_360 30E/360 (ISDA) days / 360; ACTUAL_360 actual days / 360; ACTUAL_365 actual days / 365
 * (fixed, also in leap years); ACTUAL_ACTUAL (ISDA) days in common years / 365 + days in leap
 * years / 366.
 */
export function yearFractionParts(
  convention: DayCountConvention,
  start: BusinessDate,
  end: BusinessDate,
): YearFraction {
  if (compareDates(start, end) > 0) throw new Error(`${start} is after ${end}`);
  switch (convention) {
    case 'THIRTY_360':
      return { numerator: thirtyEIsdaDays(start, end), denominator: 360 };
    case 'ACTUAL_360':
      return { numerator: daysBetween(start, end), denominator: 360 };
    case 'ACTUAL_365':
      return { numerator: daysBetween(start, end), denominator: 365 };
    case 'ACTUAL_ACTUAL':
      return actualActualParts(start, end);
  }
}

/** The year fraction as a decimal (40 significant digits). */
export function yearFraction(
  convention: DayCountConvention,
  start: BusinessDate,
  end: BusinessDate,
): Decimal {
  const { numerator, denominator } = yearFractionParts(convention, start, end);
  return new BankDecimal(numerator).dividedBy(denominator);
}

/** The days the convention counts between two dates (30E/360 days or actual days). */
export function dayCount(
  convention: DayCountConvention,
  start: BusinessDate,
  end: BusinessDate,
): number {
  return convention === 'THIRTY_360' ? thirtyEIsdaDays(start, end) : daysBetween(start, end);
}

/** annualRate × yearFraction, multiplying before dividing so regular periods stay exact. */
export function periodRate(
  annualRate: Decimal,
  convention: DayCountConvention,
  start: BusinessDate,
  end: BusinessDate,
): Decimal {
  const { numerator, denominator } = yearFractionParts(convention, start, end);
  return annualRate.times(numerator).dividedBy(denominator);
}

/**
 * Unrounded interest on `amount` at `annualRate` for the period: amount × rate × numerator, then
 * one division by the denominator. The product is exact, so a value that lies exactly half-way
 * between two minor units stays exactly there and the rounding mode decides it (a 40-digit rate
 * factor such as 0.5/12 = 0.041666…67 would tip it).
 */
export function interestFor(
  amount: Decimal,
  annualRate: Decimal,
  convention: DayCountConvention,
  start: BusinessDate,
  end: BusinessDate,
): Decimal {
  const { numerator, denominator } = yearFractionParts(convention, start, end);
  return amount.times(annualRate).times(numerator).dividedBy(denominator);
}
