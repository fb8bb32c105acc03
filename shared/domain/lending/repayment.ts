import type Decimal from 'decimal.js';
import { compareDates, type BusinessDate } from '../interest/business-date';
import { interestFor, type DayCountConvention } from '../interest/day-count';
import { Money, type CurrencyCode, type RoundingMode } from '../money';
import { err, ok, type Result } from '../result';
import {
  addComponents,
  componentOf,
  defaultAllocationOrder,
  isDueBy,
  isAllocationOrder,
  outstandingOf,
  outstandingTotal,
  totalOf,
  withComponent,
  zeroComponents,
  type Components,
  type Installment,
  type RepaymentComponent,
} from './installments';
import { monthsPerPeriod, type PaymentFrequency } from './due-dates';
import { amortize, type AmortizationMethod, type SchedulePeriod } from './schedule';

/** What a loan's interest is computed with (from the loan's terms, fixed at origination). */
export interface LoanInterestTerms {
  readonly currency: CurrencyCode;
  readonly annualRate: Decimal;
  readonly dayCount: DayCountConvention;
  readonly method: AmortizationMethod;
  readonly frequency: PaymentFrequency;
  readonly disbursementDate: BusinessDate;
  readonly rounding: RoundingMode;
}

export interface InstallmentAllocation {
  readonly number: number;
  readonly amounts: Components;
}

export interface RepaymentAllocation {
  readonly installments: Installment[];
  readonly allocations: InstallmentAllocation[];
  /** Allocated per component over all installments. */
  readonly applied: Components;
  /** What no due installment could take: a prepayment, or money to return. */
  readonly excess: Money;
}

export interface AllocationRefused {
  readonly code: 'INVALID_ALLOCATION_ORDER';
  readonly order: readonly string[];
}

/**
 * Allocates a repayment made on `asOf` over the installments due by then, oldest first; within
 * each installment, component by component in `order` (default fees → penalties → interest →
 * principal). An installment is cleared before the next one receives anything ("horizontal"
 * allocation, as Fineract's default strategy). Nothing goes to installments not yet due: that is
 * a prepayment, decided separately with `prepay`.
 */
export function allocateRepayment(
  installments: readonly Installment[],
  amount: Money,
  asOf: BusinessDate,
  order: readonly RepaymentComponent[] = defaultAllocationOrder,
): Result<RepaymentAllocation, AllocationRefused> {
  if (!isAllocationOrder(order)) return err({ code: 'INVALID_ALLOCATION_ORDER', order });
  if (amount.isNegative()) throw new Error('A repayment cannot be negative');
  let left = amount;
  let applied = zeroComponents(amount.currency);
  const allocations: InstallmentAllocation[] = [];
  const sorted = [...installments].sort(
    (a, b) => compareDates(a.dueDate, b.dueDate) || a.number - b.number,
  );
  const updated = new Map<number, Installment>();
  for (const installment of sorted) {
    if (left.isZero() || !isDueBy(installment, asOf)) continue;
    const outstanding = outstandingOf(installment);
    let amounts = zeroComponents(amount.currency);
    for (const component of order) {
      const owed = componentOf(outstanding, component);
      const take = owed.compare(left) <= 0 ? owed : left;
      if (!take.isPositive()) continue;
      amounts = withComponent(amounts, component, take);
      left = left.minus(take);
    }
    if (totalOf(amounts).isZero()) continue;
    allocations.push({ number: installment.number, amounts });
    applied = addComponents(applied, amounts);
    updated.set(installment.number, {
      ...installment,
      paid: addComponents(installment.paid, amounts),
    });
  }
  return ok({
    installments: installments.map((i) => updated.get(i.number) ?? i),
    allocations,
    applied,
    excess: left,
  });
}

/** Where the current period of a loan starts: the last due date before `asOf`, or disbursement. */
export function currentPeriodStart(
  installments: readonly Installment[],
  asOf: BusinessDate,
  disbursementDate: BusinessDate,
): BusinessDate {
  return installments.reduce<BusinessDate>(
    (start, installment) =>
      compareDates(installment.dueDate, asOf) <= 0 && compareDates(installment.dueDate, start) > 0
        ? installment.dueDate
        : start,
    disbursementDate,
  );
}

/** Principal of installments not yet due on `asOf`: the balance interest now accrues on. */
export function notYetDuePrincipal(
  installments: readonly Installment[],
  asOf: BusinessDate,
  currency: CurrencyCode,
): Money {
  return outstandingTotal(
    installments.filter((i) => !isDueBy(i, asOf)),
    currency,
  ).principal;
}

/** Interest accrued in the current period up to `asOf` on the principal not yet due. */
export function accruedInterest(
  installments: readonly Installment[],
  asOf: BusinessDate,
  terms: LoanInterestTerms,
): Money {
  const start = currentPeriodStart(installments, asOf, terms.disbursementDate);
  const balance = notYetDuePrincipal(installments, asOf, terms.currency);
  const exact = interestFor(balance.amount, terms.annualRate, terms.dayCount, start, asOf);
  return Money.rounded(exact, terms.currency, terms.rounding);
}

export interface PayoffQuote {
  readonly asOf: BusinessDate;
  /** All principal still owed, due or not. */
  readonly principal: Money;
  /** Unpaid interest of due installments plus interest accrued to `asOf` in the current period. */
  readonly interest: Money;
  readonly fees: Money;
  readonly penalties: Money;
  readonly total: Money;
}

/**
 * What settles the loan on `asOf`: outstanding principal, interest due and accrued to the date by
 * the loan's day-count convention (not the whole current period's interest), and the due fees and
 * penalties. Fees and penalties of installments not yet due are not owed yet, so not included.
 */
export function payoffQuote(
  installments: readonly Installment[],
  asOf: BusinessDate,
  terms: LoanInterestTerms,
): PayoffQuote {
  const due = outstandingTotal(
    installments.filter((i) => isDueBy(i, asOf)),
    terms.currency,
  );
  const principal = due.principal.plus(notYetDuePrincipal(installments, asOf, terms.currency));
  const interest = due.interest.plus(accruedInterest(installments, asOf, terms));
  return {
    asOf,
    principal,
    interest,
    fees: due.fees,
    penalties: due.penalties,
    total: principal.plus(interest).plus(due.fees).plus(due.penalties),
  };
}

export const prepaymentModes = ['SHORTEN_TERM', 'REDUCE_INSTALLMENT'] as const;
export type PrepaymentMode = (typeof prepaymentModes)[number];

export interface PrepaymentResult {
  /** Interest accrued from the period start to the prepayment date, settled first. */
  readonly interestPaid: Money;
  readonly principalPaid: Money;
  /** More than the loan owed: to return to the customer. */
  readonly overpayment: Money;
  /** Installments due by `asOf` unchanged, followed by the re-amortised rest. */
  readonly installments: Installment[];
}

export interface PrepaymentRefused {
  readonly code: 'LOAN_HAS_ARREARS';
  readonly overdue: Money;
}

/**
 * Applies money beyond what is due (the `excess` of an allocation) on `asOf`: it first settles
 * the interest accrued since the period start, then reduces principal, and the installments not
 * yet due are re-amortised from `asOf` over their own due dates. SHORTEN_TERM keeps the
 * installment (or, for equal principal, the principal part) and drops the installments no longer
 * needed; REDUCE_INSTALLMENT keeps the due dates and solves a lower installment. A bullet loan
 * keeps its dates either way. Refused while anything due is unpaid: allocate first.
 */
export function prepay(
  installments: readonly Installment[],
  amount: Money,
  asOf: BusinessDate,
  mode: PrepaymentMode,
  terms: LoanInterestTerms,
): Result<PrepaymentResult, PrepaymentRefused> {
  const due = installments.filter((i) => isDueBy(i, asOf));
  const overdue = totalOf(outstandingTotal(due, terms.currency));
  if (overdue.isPositive()) return err({ code: 'LOAN_HAS_ARREARS', overdue });
  const future = installments
    .filter((i) => !isDueBy(i, asOf))
    .sort((a, b) => compareDates(a.dueDate, b.dueDate));
  const zero = Money.zero(terms.currency);
  const balance = notYetDuePrincipal(installments, asOf, terms.currency);
  const accrued = accruedInterest(installments, asOf, terms);
  const interestPaid = amount.compare(accrued) <= 0 ? amount : accrued;
  const towardPrincipal = amount.minus(interestPaid);
  const principalPaid = towardPrincipal.compare(balance) <= 0 ? towardPrincipal : balance;
  const overpayment = towardPrincipal.minus(principalPaid);
  const remaining = balance.minus(principalPaid);
  const first = future[0];
  if (first === undefined || remaining.isZero()) {
    return ok({ interestPaid, principalPaid, overpayment, installments: [...due] });
  }
  // Periods between due dates stay whole; the first one is whole only from a due date itself.
  const months = monthsPerPeriod(terms.frequency);
  const fromDueDate = due.some((installment) => installment.dueDate === asOf);
  const periods: SchedulePeriod[] = future.map((installment, index) => {
    const start = index === 0 ? asOf : (future[index - 1] as Installment).dueDate;
    const whole = months !== undefined && (index > 0 || fromDueDate);
    return whole
      ? { start, end: installment.dueDate, months }
      : { start, end: installment.dueDate };
  });
  const fixedAmount = mode === 'SHORTEN_TERM' ? keptAmount(first, terms.method) : undefined;
  const rows = amortize({
    principal: remaining,
    annualRate: terms.annualRate,
    method: terms.method,
    dayCount: terms.dayCount,
    periods,
    rounding: terms.rounding,
    firstNumber: first.number,
    ...(fixedAmount === undefined ? {} : { fixedAmount }),
  });
  const rest: Installment[] = rows.map((row) => ({
    number: row.number,
    dueDate: row.dueDate,
    due: { fees: zero, penalties: zero, interest: row.interest, principal: row.principal },
    paid: zeroComponents(terms.currency),
    lateFeeCharged: false,
  }));
  return ok({ interestPaid, principalPaid, overpayment, installments: [...due, ...rest] });
}

/** What SHORTEN_TERM keeps constant: the installment (French) or the principal part. */
function keptAmount(next: Installment, method: AmortizationMethod): Money | undefined {
  switch (method) {
    case 'EQUAL_INSTALLMENT':
      return next.due.principal.plus(next.due.interest);
    case 'EQUAL_PRINCIPAL':
      return next.due.principal;
    case 'BULLET':
      return undefined;
  }
}
