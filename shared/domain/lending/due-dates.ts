import { addDays, addMonths, type BusinessDate } from '../interest/business-date';

export const paymentFrequencies = ['WEEKLY', 'BIWEEKLY', 'MONTHLY', 'QUARTERLY'] as const;
export type PaymentFrequency = (typeof paymentFrequencies)[number];

type Step = { readonly days: number } | { readonly months: number };

const steps: Record<PaymentFrequency, Step> = {
  WEEKLY: { days: 7 },
  BIWEEKLY: { days: 14 },
  MONTHLY: { months: 1 },
  QUARTERLY: { months: 3 },
};

/**
 * The due date of installment `index` (0 for the first), always computed from the anchor
 * `firstPaymentDate` and never from the previous due date, so a clamped day never drifts:
 * Jan 30 → Feb 28 → Mar 30. A month-end anchor stays at month ends: Jan 31 → Feb 28 → Mar 31,
 * and Apr 30 → May 31.
 */
export function dueDateAt(
  firstPaymentDate: BusinessDate,
  frequency: PaymentFrequency,
  index: number,
): BusinessDate {
  const step = steps[frequency];
  return 'days' in step
    ? addDays(firstPaymentDate, step.days * index)
    : addMonths(firstPaymentDate, step.months * index, true);
}

/** Months in one period of a month-based frequency (undefined for weekly and biweekly). */
export function monthsPerPeriod(frequency: PaymentFrequency): number | undefined {
  const step = steps[frequency];
  return 'months' in step ? step.months : undefined;
}

/**
 * Whether `start` → `firstPaymentDate` is one whole regular period: the due date one step
 * before the anchor (month-end rule included), or the same day of the month one step earlier.
 */
export function isWholeFirstPeriod(
  start: BusinessDate,
  firstPaymentDate: BusinessDate,
  frequency: PaymentFrequency,
): boolean {
  const months = monthsPerPeriod(frequency);
  if (months === undefined) return start === dueDateAt(firstPaymentDate, frequency, -1);
  return (
    start === addMonths(firstPaymentDate, -months, true) ||
    start === addMonths(firstPaymentDate, -months, false)
  );
}

/** The first `count` due dates from the anchor. */
export function dueDates(
  firstPaymentDate: BusinessDate,
  frequency: PaymentFrequency,
  count: number,
): BusinessDate[] {
  return Array.from({ length: count }, (_, index) => dueDateAt(firstPaymentDate, frequency, index));
}

/**
 * How many installments a term of `termMonths` has: one a month or one a quarter (a part
 * quarter counts as one), 52 or 26 a year for weekly and biweekly, rounded down (at least one).
 */
export function installmentCount(termMonths: number, frequency: PaymentFrequency): number {
  if (!Number.isInteger(termMonths) || termMonths < 1) {
    throw new Error(`A term is a positive whole number of months, not ${termMonths}`);
  }
  switch (frequency) {
    case 'MONTHLY':
      return termMonths;
    case 'QUARTERLY':
      return Math.ceil(termMonths / 3);
    case 'WEEKLY':
      return Math.max(1, Math.floor((termMonths * 52) / 12));
    case 'BIWEEKLY':
      return Math.max(1, Math.floor((termMonths * 26) / 12));
  }
}
