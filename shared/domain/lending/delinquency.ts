import type Decimal from 'decimal.js';
import { addDays, compareDates, daysBetween, type BusinessDate } from '../interest/business-date';
import { interestFor, type DayCountConvention } from '../interest/day-count';
import { Money, type RoundingMode } from '../money';
import { outstandingOf, type Installment } from './installments';

/**
 * Days past due on `asOf`: days since the due date of the oldest installment still unpaid, 0
 * when nothing due is unpaid. An installment is not late on its due date, one day late the day
 * after.
 */
export function daysPastDue(installments: readonly Installment[], asOf: BusinessDate): number {
  return installments.reduce((oldest, installment) => {
    if (compareDates(installment.dueDate, asOf) >= 0) return oldest;
    const { principal, interest, fees, penalties } = outstandingOf(installment);
    const unpaid = [principal, interest, fees, penalties].some((part) => part.isPositive());
    return unpaid ? Math.max(oldest, daysBetween(installment.dueDate, asOf)) : oldest;
  }, 0);
}

export const arrearsBuckets = [
  'CURRENT',
  'DPD_1_30',
  'DPD_31_60',
  'DPD_61_90',
  'DPD_90_PLUS',
] as const;
export type ArrearsBucket = (typeof arrearsBuckets)[number];

/** The ageing bucket of a number of days past due: 0, 1–30, 31–60, 61–90, over 90. */
export function arrearsBucket(days: number): ArrearsBucket {
  if (days <= 0) return 'CURRENT';
  if (days <= 30) return 'DPD_1_30';
  if (days <= 60) return 'DPD_31_60';
  if (days <= 90) return 'DPD_61_90';
  return 'DPD_90_PLUS';
}

/** A late fee: a fixed amount, or a fraction of the installment's overdue principal + interest. */
export type LateFeeRule =
  | { readonly type: 'FIXED'; readonly amount: Money }
  | { readonly type: 'PERCENTAGE'; readonly rate: Decimal };

export interface LateFeeCharge {
  readonly number: number;
  readonly fee: Money;
}

/**
 * Late fees due on `asOf`: one per installment whose principal or interest is still unpaid more
 * than `graceDays` days after its due date, charged once (the installment remembers it). The fee
 * is added to the installment's fees, so the allocation order collects it.
 */
export function chargeLateFees(
  installments: readonly Installment[],
  asOf: BusinessDate,
  graceDays: number,
  rule: LateFeeRule,
  rounding: RoundingMode = 'HALF_EVEN',
): { installments: Installment[]; charges: LateFeeCharge[] } {
  const charges: LateFeeCharge[] = [];
  const updated = installments.map((installment) => {
    if (installment.lateFeeCharged) return installment;
    if (daysBetween(installment.dueDate, asOf) <= graceDays) return installment;
    const { principal, interest } = outstandingOf(installment);
    const overdue = principal.plus(interest);
    if (!overdue.isPositive()) return installment;
    const fee = rule.type === 'FIXED' ? rule.amount : overdue.times(rule.rate, rounding);
    if (!fee.isPositive()) return installment;
    charges.push({ number: installment.number, fee });
    return {
      ...installment,
      due: { ...installment.due, fees: installment.due.fees.plus(fee) },
      lateFeeCharged: true,
    };
  });
  return { installments: updated, charges };
}

export interface PenaltyCharge {
  readonly number: number;
  readonly penalty: Money;
}

/**
 * Penalty interest for the days of [from, to): on each installment's unpaid principal, at the
 * annual `penaltyRate`, counted by `dayCount`, for the days after its grace period
 * (dueDate + graceDays) only. Added to the installments' penalties. The end-of-day run calls it
 * for one day at a time; the interest of a longer range is not the sum of rounded days, so a
 * caller that needs cent-exact sums over days uses the accrual ledger of shared/domain/interest.
 */
export function chargePenaltyInterest(
  installments: readonly Installment[],
  from: BusinessDate,
  to: BusinessDate,
  settings: {
    readonly graceDays: number;
    readonly penaltyRate: Decimal;
    readonly dayCount: DayCountConvention;
    readonly rounding?: RoundingMode;
  },
): { installments: Installment[]; charges: PenaltyCharge[] } {
  const charges: PenaltyCharge[] = [];
  const updated = installments.map((installment) => {
    const graceEnd = addDays(installment.dueDate, settings.graceDays + 1);
    const start = compareDates(graceEnd, from) > 0 ? graceEnd : from;
    if (compareDates(start, to) >= 0) return installment;
    const { principal } = outstandingOf(installment);
    if (!principal.isPositive()) return installment;
    const exact = interestFor(principal.amount, settings.penaltyRate, settings.dayCount, start, to);
    const penalty = Money.rounded(exact, principal.currency, settings.rounding ?? 'HALF_EVEN');
    if (!penalty.isPositive()) return installment;
    charges.push({ number: installment.number, penalty });
    return {
      ...installment,
      due: { ...installment.due, penalties: installment.due.penalties.plus(penalty) },
    };
  });
  return { installments: updated, charges };
}
