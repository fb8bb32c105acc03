import type Decimal from 'decimal.js';
import { compareDates, type BusinessDate } from '../interest/business-date';
import { yearFractionParts, type DayCountConvention } from '../interest/day-count';
import { BankDecimal, minorUnitsOf, Money, roundTo, type RoundingMode } from '../money';
import { dueDates, isWholeFirstPeriod, monthsPerPeriod, type PaymentFrequency } from './due-dates';

export const amortizationMethods = ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL', 'BULLET'] as const;
export type AmortizationMethod = (typeof amortizationMethods)[number];

/** One row of a repayment schedule; `balance` is the principal left after this installment. */
export interface ScheduleItem {
  readonly number: number;
  readonly dueDate: BusinessDate;
  readonly principal: Money;
  readonly interest: Money;
  readonly fees: Money;
  readonly penalties: Money;
  readonly payment: Money;
  readonly balance: Money;
}

export interface LoanScheduleTerms {
  readonly principal: Money;
  /** Nominal annual rate as a fraction: 0.12 is 12 %. */
  readonly annualRate: Decimal;
  readonly method: AmortizationMethod;
  readonly frequency: PaymentFrequency;
  readonly dayCount: DayCountConvention;
  /** Interest runs from this date; the first period may be longer or shorter than the rest. */
  readonly disbursementDate: BusinessDate;
  readonly firstPaymentDate: BusinessDate;
  readonly installments: number;
  /** Rounding of interest (and of the French installment) to the currency's minor unit. */
  readonly rounding?: RoundingMode;
}

/**
 * A period of a schedule: interest accrues from `start` to `end`, the due date. `months` marks a
 * whole regular period of a monthly or quarterly schedule: under THIRTY_360 it counts exactly
 * 30 days a month whatever the calendar does (a due day of 28 or 29 around February, where
 * 30E/360 alone would count 32 and 28), so regular 30/360 schedules match the annuity formula.
 */
export interface SchedulePeriod {
  readonly start: BusinessDate;
  readonly end: BusinessDate;
  readonly months?: number;
}

export interface AmortizationInput {
  readonly principal: Money;
  readonly annualRate: Decimal;
  readonly method: AmortizationMethod;
  readonly dayCount: DayCountConvention;
  readonly periods: readonly SchedulePeriod[];
  readonly rounding: RoundingMode;
  /**
   * Keep this installment (French) or this principal part (equal principal) instead of solving
   * it, and stop as soon as the balance is repaid: a prepayment that shortens the term.
   */
  readonly fixedAmount?: Money;
  /** Numbers the rows from here (re-amortising the rest of a loan keeps its numbering). */
  readonly firstNumber?: number;
}

const ONE = new BankDecimal(1);
const ZERO = new BankDecimal(0);

/** The periods of a new loan: disbursement → first due date, then due date → due date. */
export function schedulePeriods(terms: LoanScheduleTerms): SchedulePeriod[] {
  if (!Number.isInteger(terms.installments) || terms.installments < 1) {
    throw new Error(`A schedule has at least one installment, not ${terms.installments}`);
  }
  if (compareDates(terms.disbursementDate, terms.firstPaymentDate) >= 0) {
    throw new Error('The first payment date must be after the disbursement date');
  }
  const dates = dueDates(terms.firstPaymentDate, terms.frequency, terms.installments);
  return regularPeriods(terms.disbursementDate, dates, terms.frequency);
}

/**
 * Periods from `start` over consecutive due dates generated from one anchor: every period
 * between two due dates is whole and regular; the first one is when `start` is one step before.
 */
export function regularPeriods(
  start: BusinessDate,
  dates: readonly BusinessDate[],
  frequency: PaymentFrequency,
): SchedulePeriod[] {
  const months = monthsPerPeriod(frequency);
  const first = dates[0];
  const wholeFirst = first !== undefined && isWholeFirstPeriod(start, first, frequency);
  return dates.map((end, index) => {
    const from = index === 0 ? start : (dates[index - 1] as BusinessDate);
    const whole = index > 0 || wholeFirst;
    return months !== undefined && whole ? { start: from, end, months } : { start: from, end };
  });
}

/**
 * The repayment schedule of a loan. Per-period interest is the opening balance × the period's own
 * rate (annual rate × the convention's year fraction of that period), rounded to the currency's
 * minor unit with `rounding` (default HALF_EVEN). Principal parts add up exactly to the
 * principal; the last row takes the residue.
 */
export function generateSchedule(terms: LoanScheduleTerms): ScheduleItem[] {
  return amortize({
    principal: terms.principal,
    annualRate: terms.annualRate,
    method: terms.method,
    dayCount: terms.dayCount,
    periods: schedulePeriods(terms),
    rounding: terms.rounding ?? 'HALF_EVEN',
  });
}

/**
 * The French installment that repays `principal` over periods with rate factors `rates`:
 * P / Σ_k Π_{j≤k} 1/(1+r_j), which brings the balance exactly to zero for any mix of period
 * lengths, rounded to the minor unit.
 */
export function solveInstallment(
  principal: Decimal,
  rates: readonly PeriodRate[],
  scale: number,
  rounding: RoundingMode,
): Decimal {
  let discount = ONE;
  let sum = new BankDecimal(0);
  for (const { discountFactor } of rates) {
    discount = discount.times(discountFactor);
    sum = sum.plus(discount);
  }
  return roundTo(principal.dividedBy(sum), scale, rounding);
}

/**
 * A period's rate factor r = annual rate × numerator / denominator, kept as its exact numerator
 * (annual rate × numerator) and denominator for interest, and the discount factor 1/(1+r).
 */
export interface PeriodRate {
  readonly scaledRate: Decimal;
  readonly denominator: number;
  readonly discountFactor: Decimal;
}

/**
 * The rate factor of each period: annual rate × numerator / denominator of its year fraction.
 * Periods of equal length share one computation (a 360-month schedule has a handful of
 * distinct month lengths), which keeps the divisions out of the per-row loop.
 */
export function periodRates(
  annualRate: Decimal,
  dayCount: DayCountConvention,
  periods: readonly SchedulePeriod[],
): PeriodRate[] {
  const seen = new Map<string, PeriodRate>();
  return periods.map(({ start, end, months }) => {
    const { numerator, denominator } =
      dayCount === 'THIRTY_360' && months !== undefined
        ? { numerator: 30 * months, denominator: 360 }
        : yearFractionParts(dayCount, start, end);
    const key = `${numerator}/${denominator}`;
    const known = seen.get(key);
    if (known !== undefined) return known;
    const scaledRate = annualRate.times(numerator);
    const rate = scaledRate.dividedBy(denominator);
    const computed = { scaledRate, denominator, discountFactor: ONE.dividedBy(ONE.plus(rate)) };
    seen.set(key, computed);
    return computed;
  });
}

interface Row {
  readonly principal: Decimal;
  readonly interest: Decimal;
  readonly payment: Decimal;
  /** Principal left after this row. */
  readonly balance: Decimal;
}

/** Amortises a principal over given periods; the rows' principal parts sum to the principal. */
export function amortize(input: AmortizationInput): ScheduleItem[] {
  const { principal, periods, rounding } = input;
  if (periods.length === 0) throw new Error('Nothing to amortise over: no periods');
  if (principal.isNegative()) throw new Error('A principal cannot be negative');
  const scale = minorUnitsOf(principal.currency);
  const rates = periodRates(input.annualRate, input.dayCount, periods);
  // Multiply, then divide once: exact half-way values stay exact for the rounding mode.
  const interestOn = (balance: Decimal, index: number): Decimal => {
    const { scaledRate, denominator } = rates[index] as PeriodRate;
    return roundTo(balance.times(scaledRate).dividedBy(denominator), scale, rounding);
  };

  const rows = ((): Row[] => {
    switch (input.method) {
      case 'EQUAL_INSTALLMENT': {
        const solve = (balance: Decimal, fromIndex: number): Decimal =>
          solveInstallment(balance, rates.slice(fromIndex), scale, rounding);
        return installmentRows(
          principal.amount,
          input.fixedAmount?.amount,
          solve,
          rates.length,
          interestOn,
        );
      }
      case 'EQUAL_PRINCIPAL': {
        // Rounded down so the last part, which takes the residue, is never the smaller one.
        const part =
          input.fixedAmount?.amount ??
          roundTo(principal.amount.dividedBy(periods.length), scale, 'DOWN');
        return principalRows(principal.amount, part, rates.length, interestOn);
      }
      case 'BULLET':
        return rates.map((_, index) => {
          const last = index === rates.length - 1;
          const interest = interestOn(principal.amount, index);
          return last
            ? {
                principal: principal.amount,
                interest,
                payment: principal.amount.plus(interest),
                balance: ZERO,
              }
            : { principal: ZERO, interest, payment: interest, balance: principal.amount };
        });
    }
  })();
  return toItems(rows, principal, periods, input.firstNumber ?? 1);
}

/**
 * Equal installments; the last one fixes the residue, and the rows stop early once the balance
 * is repaid. A period whose interest alone reaches the installment (a long irregular first
 * period on a long loan) is interest-only: its payment is that interest, nothing is capitalised,
 * and the installment is solved again over the periods left, so principal never goes negative.
 */
function installmentRows(
  principal: Decimal,
  fixed: Decimal | undefined,
  solve: (balance: Decimal, fromIndex: number) => Decimal,
  count: number,
  interestOn: (balance: Decimal, index: number) => Decimal,
): Row[] {
  const rows: Row[] = [];
  let installment = fixed ?? solve(principal, 0);
  let balance = principal;
  for (let index = 0; index < count; index += 1) {
    const interest = interestOn(balance, index);
    const part = installment.minus(interest);
    // The last period, or the installment covers the balance: this row repays what is left.
    if (index === count - 1 || balance.lessThanOrEqualTo(part)) {
      rows.push({ principal: balance, interest, payment: balance.plus(interest), balance: ZERO });
      break;
    }
    if (!part.isPositive()) {
      rows.push({ principal: ZERO, interest, payment: interest, balance });
      if (fixed === undefined) installment = solve(balance, index + 1);
      continue;
    }
    balance = balance.minus(part);
    rows.push({ principal: part, interest, payment: installment, balance });
  }
  return rows;
}

/** Equal principal parts (the last one takes the residue); stops early once paid. */
function principalRows(
  principal: Decimal,
  part: Decimal,
  count: number,
  interestOn: (balance: Decimal, index: number) => Decimal,
): Row[] {
  const rows: Row[] = [];
  let balance = principal;
  for (let index = 0; index < count; index += 1) {
    const interest = interestOn(balance, index);
    const last = index === count - 1 || balance.lessThanOrEqualTo(part);
    const paid = last ? balance : part;
    balance = balance.minus(paid);
    rows.push({ principal: paid, interest, payment: paid.plus(interest), balance });
    if (last) break;
  }
  return rows;
}

function toItems(
  rows: readonly Row[],
  principal: Money,
  periods: readonly SchedulePeriod[],
  firstNumber: number,
): ScheduleItem[] {
  const { currency } = principal;
  const zero = Money.zero(currency);
  // Every value is already at the currency's scale: this only wraps it.
  const exact = (value: Decimal): Money => Money.rounded(value, currency, 'HALF_EVEN');
  return rows.map((row, index) => ({
    number: firstNumber + index,
    dueDate: (periods[index] as SchedulePeriod).end,
    principal: exact(row.principal),
    interest: exact(row.interest),
    fees: zero,
    penalties: zero,
    payment: exact(row.payment),
    balance: exact(row.balance),
  }));
}

/** Totals of a schedule, for summaries and checks. */
export function scheduleTotals(items: readonly ScheduleItem[]): {
  principal: Money;
  interest: Money;
  payment: Money;
} {
  const first = items[0];
  if (first === undefined) throw new Error('An empty schedule has no currency');
  const zero = Money.zero(first.principal.currency);
  return items.reduce(
    (sum, item) => ({
      principal: sum.principal.plus(item.principal),
      interest: sum.interest.plus(item.interest),
      payment: sum.payment.plus(item.payment),
    }),
    { principal: zero, interest: zero, payment: zero },
  );
}
