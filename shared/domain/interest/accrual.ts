import type Decimal from 'decimal.js';
import { BankDecimal, Money, type CurrencyCode, type RoundingMode } from '../money';
import {
  addDays,
  compareDates,
  isMonthEnd,
  toCalendarDay,
  type BusinessDate,
} from './business-date';
import { yearFractionParts, type DayCountConvention } from './day-count';
import { annualInterest, type InterestRate } from './tiers';

/**
 * The exact (unrounded) interest of one day, `date` to the next day, on `balance`: a year's
 * interest × the convention's year fraction of that day. Under 30E/360 a day counts 0 to 3 days
 * (Jan 31 counts 0, Feb 28 of a common year counts 3), and a month adds up to exactly 30.
 */
export function dailyAccrual(
  balance: Money,
  rate: InterestRate,
  dayCount: DayCountConvention,
  date: BusinessDate,
): Decimal {
  const { numerator, denominator } = yearFractionParts(dayCount, date, addDays(date, 1));
  return annualInterest(balance, rate).times(numerator).dividedBy(denominator);
}

/**
 * An account's accrual, cumulative since it started accruing. `exact` is the true accrued
 * interest; `booked` is what has gone to the GL (interest receivable/payable), always `exact`
 * rounded once; `posted` is what has been paid into the account. Each day books the change of
 * the rounded running total, so the booked days always add up to the exact total rounded once:
 * no cent is lost or invented by rounding each day, and the sub-cent remainder is carried, across
 * postings too. The totals are kept whole (not reset at posting) because directed rounding modes
 * (UP, DOWN) are not shift-invariant around zero.
 */
export interface AccrualState {
  readonly exact: Decimal;
  readonly booked: Money;
  readonly posted: Money;
}

export function emptyAccrual(currency: CurrencyCode): AccrualState {
  return { exact: new BankDecimal(0), booked: Money.zero(currency), posted: Money.zero(currency) };
}

/** Adds one day's exact interest; returns the amount to book today (may be zero). */
export function accrue(
  state: AccrualState,
  amount: Decimal,
  rounding: RoundingMode = 'HALF_EVEN',
): { state: AccrualState; booked: Money } {
  const exact = state.exact.plus(amount);
  const total = Money.rounded(exact, state.booked.currency, rounding);
  return { state: { ...state, exact, booked: total }, booked: total.minus(state.booked) };
}

/** Booked and not yet posted. */
export function unposted(state: AccrualState): Money {
  return state.booked.minus(state.posted);
}

/** Posts everything booked so far to the account; the sub-cent remainder stays accrued. */
export function postAccrued(state: AccrualState): { state: AccrualState; posted: Money } {
  return { posted: unposted(state), state: { ...state, posted: state.booked } };
}

export const postingFrequencies = [
  'DAILY',
  'MONTHLY',
  'QUARTERLY',
  'ANNUALLY',
  'AT_MATURITY',
] as const;
export type PostingFrequency = (typeof postingFrequencies)[number];

/** Whether interest is posted at the end of `date`: month, quarter or year ends. */
export function isPostingDate(date: BusinessDate, frequency: PostingFrequency): boolean {
  const { month, day } = toCalendarDay(date);
  switch (frequency) {
    case 'DAILY':
      return true;
    case 'MONTHLY':
      return isMonthEnd(date);
    case 'QUARTERLY':
      return isMonthEnd(date) && month % 3 === 0;
    case 'ANNUALLY':
      return month === 12 && day === 31;
    case 'AT_MATURITY':
      return false;
  }
}

export const compoundingModes = ['NONE', 'DAILY', 'ON_POSTING'] as const;
/**
 * NONE: simple interest, posted interest is paid away and never earns interest.
 * ON_POSTING: posted interest is added to the balance (monthly posting = monthly compounding).
 * DAILY: as ON_POSTING, and accrued but unposted interest also earns interest every day.
 */
export type CompoundingMode = (typeof compoundingModes)[number];

export interface DepositInterestInput {
  readonly balance: Money;
  readonly rate: InterestRate;
  readonly dayCount: DayCountConvention;
  readonly postingFrequency: PostingFrequency;
  readonly compounding: CompoundingMode;
  readonly rounding?: RoundingMode;
  /** First day accrued. */
  readonly from: BusinessDate;
  /** Day after the last day accrued (exclusive). */
  readonly to: BusinessDate;
  readonly state?: AccrualState;
}

export interface DepositInterestRun {
  readonly days: readonly { readonly date: BusinessDate; readonly booked: Money }[];
  readonly postings: readonly { readonly date: BusinessDate; readonly amount: Money }[];
  /** The balance at the end, with capitalised interest. */
  readonly balance: Money;
  readonly state: AccrualState;
}

/**
 * Accrues every day of [from, to) on a balance with no other movements, posting on posting dates:
 * the catch-up an end-of-day run does for missed dates, in order, and the reference its tests use.
 */
export function runDepositInterest(input: DepositInterestInput): DepositInterestRun {
  const rounding = input.rounding ?? 'HALF_EVEN';
  const days: { date: BusinessDate; booked: Money }[] = [];
  const postings: { date: BusinessDate; amount: Money }[] = [];
  let balance = input.balance;
  let state = input.state ?? emptyAccrual(input.balance.currency);
  for (let date = input.from; compareDates(date, input.to) < 0; date = addDays(date, 1)) {
    // Daily compounding: the unposted accrual earns interest too, in whole minor units.
    const base =
      input.compounding === 'DAILY'
        ? Money.rounded(
            balance.amount.plus(state.exact).minus(state.posted.amount),
            balance.currency,
            'DOWN',
          )
        : balance;
    const day = accrue(state, dailyAccrual(base, input.rate, input.dayCount, date), rounding);
    state = day.state;
    days.push({ date, booked: day.booked });
    if (isPostingDate(date, input.postingFrequency) && unposted(state).isPositive()) {
      const posting = postAccrued(state);
      state = posting.state;
      postings.push({ date, amount: posting.posted });
      if (input.compounding !== 'NONE') balance = balance.plus(posting.posted);
    }
  }
  return { days, postings, balance, state };
}
