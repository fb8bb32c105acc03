import type Decimal from 'decimal.js';
import { BankDecimal, Money, type RoundingMode } from '../money';
import { addMonths, compareDates, type BusinessDate } from './business-date';
import { interestFor, type DayCountConvention } from './day-count';

export const termDepositCompoundings = ['NONE', 'MONTHLY', 'QUARTERLY', 'ANNUALLY'] as const;
export type TermDepositCompounding = (typeof termDepositCompoundings)[number];

export const termDepositPayouts = ['AT_MATURITY', 'PERIODIC'] as const;
/** AT_MATURITY: interest is paid with the principal. PERIODIC: paid out each compounding period. */
export type TermDepositPayout = (typeof termDepositPayouts)[number];

export interface TermDepositTerms {
  readonly principal: Money;
  readonly annualRate: Decimal;
  readonly dayCount: DayCountConvention;
  readonly startDate: BusinessDate;
  readonly maturityDate: BusinessDate;
  /** Capitalisation (AT_MATURITY) or payout (PERIODIC) period; NONE is simple interest. */
  readonly compounding: TermDepositCompounding;
  readonly payout: TermDepositPayout;
  readonly rounding?: RoundingMode;
}

const monthsPerPeriod: Record<Exclude<TermDepositCompounding, 'NONE'>, number> = {
  MONTHLY: 1,
  QUARTERLY: 3,
  ANNUALLY: 12,
};

/** The maturity date of a deposit of `termMonths` (month ends stay month ends). */
export function termDepositMaturity(startDate: BusinessDate, termMonths: number): BusinessDate {
  return addMonths(startDate, termMonths, true);
}

/** Period ends from the start, stepped from the start date (never drifting), the last at `end`. */
function periodEnds(terms: TermDepositTerms, end: BusinessDate): BusinessDate[] {
  if (terms.compounding === 'NONE') return [end];
  const ends: BusinessDate[] = [];
  for (let k = 1; ; k += 1) {
    const date = addMonths(terms.startDate, monthsPerPeriod[terms.compounding] * k, true);
    if (compareDates(date, end) >= 0) break;
    ends.push(date);
  }
  ends.push(end);
  return ends;
}

export interface TermDepositInterest {
  /** Interest of each period, rounded when it is capitalised or paid. */
  readonly periods: readonly { readonly end: BusinessDate; readonly interest: Money }[];
  readonly interest: Money;
  /** What is paid at `end`: principal, plus the interest not already paid out. */
  readonly payoutAtEnd: Money;
}

/**
 * Interest from the start to `end` (the maturity date, or an earlier date for a broken deposit),
 * period by period: with AT_MATURITY payout each period's interest is capitalised and earns
 * interest after it; with PERIODIC payout it is paid away, so every period earns on the principal.
 * `rate` overrides the contract rate (the reduced rate of an early withdrawal).
 */
export function termDepositInterest(
  terms: TermDepositTerms,
  end: BusinessDate = terms.maturityDate,
  rate: Decimal = terms.annualRate,
): TermDepositInterest {
  if (compareDates(terms.startDate, end) > 0) throw new Error('The end is before the start');
  const rounding = terms.rounding ?? 'HALF_EVEN';
  const periods: { end: BusinessDate; interest: Money }[] = [];
  let balance = terms.principal;
  let start = terms.startDate;
  for (const periodEnd of periodEnds(terms, end)) {
    const exact = interestFor(balance.amount, rate, terms.dayCount, start, periodEnd);
    const interest = Money.rounded(exact, balance.currency, rounding);
    periods.push({ end: periodEnd, interest });
    if (terms.payout === 'AT_MATURITY') balance = balance.plus(interest);
    start = periodEnd;
  }
  const interest = periods.reduce((sum, p) => sum.plus(p.interest), Money.zero(balance.currency));
  const unpaid =
    terms.payout === 'AT_MATURITY'
      ? interest
      : (periods.at(-1)?.interest ?? Money.zero(balance.currency));
  return { periods, interest, payoutAtEnd: terms.principal.plus(unpaid) };
}

/**
 * The interest a deposit owes and has not paid out, as of the end of `date`: what its interest
 * payable (2100) should hold after that day's accrual. Earned from the start of the term to the
 * date (capped at maturity) at the contract's own maths, less the PERIODIC periods already paid.
 * A function of the contract and the date, not of history: re-running or catching up a date
 * books nothing twice, and on each payout date it equals exactly what is paid.
 */
export function termDepositAccrued(
  terms: TermDepositTerms,
  date: BusinessDate,
  periodsPaid: number,
): Money {
  const zero = Money.zero(terms.principal.currency);
  if (compareDates(date, terms.startDate) <= 0) return zero;
  const end = compareDates(date, terms.maturityDate) < 0 ? date : terms.maturityDate;
  const earned = termDepositInterest(terms, end).interest;
  const paid =
    periodsPaid === 0
      ? zero
      : termDepositInterest(terms)
          .periods.slice(0, periodsPaid)
          .reduce((sum, period) => sum.plus(period.interest), zero);
  const owed = earned.minus(paid);
  return owed.isNegative() ? zero : owed;
}

/** The amount paid at maturity and the total interest. */
export function maturityAmount(terms: TermDepositTerms): { interest: Money; amount: Money } {
  const result = termDepositInterest(terms);
  return { interest: result.interest, amount: result.payoutAtEnd };
}

/**
 * Early-withdrawal penalties:
 * FORFEIT_DAYS: the interest of `days` days on the principal at the contract rate;
 * REDUCED_RATE: the interest earned is recomputed at `rate` (for example the savings rate), the
 *   difference is the penalty;
 * PRINCIPAL_PERCENT: `rate` × principal, the one rule that may eat into the principal.
 * The first two never exceed the interest earned: a depositor gets the principal back.
 */
export type EarlyWithdrawalPenalty =
  | { readonly type: 'FORFEIT_DAYS'; readonly days: number }
  | { readonly type: 'REDUCED_RATE'; readonly rate: Decimal }
  | { readonly type: 'PRINCIPAL_PERCENT'; readonly rate: Decimal };

export interface EarlyWithdrawal {
  /** Interest earned to the date at the contract rate (paid out already or not). */
  readonly earned: Money;
  /** Interest already paid out before the date (PERIODIC payout). */
  readonly alreadyPaid: Money;
  readonly penalty: Money;
  /** Paid on the withdrawal date: principal + earned − already paid − penalty. */
  readonly payout: Money;
}

/** What a depositor receives on breaking the deposit on `date` (before maturity). */
export function earlyWithdrawal(
  terms: TermDepositTerms,
  date: BusinessDate,
  penalty: EarlyWithdrawalPenalty,
): EarlyWithdrawal {
  if (compareDates(date, terms.maturityDate) >= 0) throw new Error('Not before maturity');
  const rounding = terms.rounding ?? 'HALF_EVEN';
  const contract = termDepositInterest(terms, date);
  const earned = contract.interest;
  const zero = Money.zero(earned.currency);
  const alreadyPaid =
    terms.payout === 'PERIODIC'
      ? contract.periods.slice(0, -1).reduce((sum, p) => sum.plus(p.interest), zero)
      : zero;
  const raw = ((): Money => {
    switch (penalty.type) {
      case 'FORFEIT_DAYS': {
        const days = new BankDecimal(penalty.days);
        const yearDays =
          terms.dayCount === 'ACTUAL_365' || terms.dayCount === 'ACTUAL_ACTUAL' ? 365 : 360;
        const exact = terms.principal.amount
          .times(terms.annualRate)
          .times(days)
          .dividedBy(yearDays);
        return Money.rounded(exact, terms.principal.currency, rounding);
      }
      case 'REDUCED_RATE':
        return earned.minus(termDepositInterest(terms, date, penalty.rate).interest);
      case 'PRINCIPAL_PERCENT':
        return terms.principal.times(penalty.rate, rounding);
    }
  })();
  const floored = raw.isNegative() ? zero : raw;
  const capped =
    penalty.type !== 'PRINCIPAL_PERCENT' && floored.compare(earned) > 0 ? earned : floored;
  return {
    earned,
    alreadyPaid,
    penalty: capped,
    payout: terms.principal.plus(earned).minus(alreadyPaid).minus(capped),
  };
}
