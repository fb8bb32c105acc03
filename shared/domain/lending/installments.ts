import { compareDates, type BusinessDate } from '../interest/business-date';
import { Money, type CurrencyCode } from '../money';
import type { ScheduleItem } from './schedule';

export const repaymentComponents = ['FEES', 'PENALTIES', 'INTEREST', 'PRINCIPAL'] as const;
export type RepaymentComponent = (typeof repaymentComponents)[number];

/** The product default: fees, then penalties, then interest, then principal. */
export const defaultAllocationOrder: readonly RepaymentComponent[] = repaymentComponents;

/** Amounts per component of an installment. */
export interface Components {
  readonly fees: Money;
  readonly penalties: Money;
  readonly interest: Money;
  readonly principal: Money;
}

const field = {
  FEES: 'fees',
  PENALTIES: 'penalties',
  INTEREST: 'interest',
  PRINCIPAL: 'principal',
} as const satisfies Record<RepaymentComponent, keyof Components>;

export function componentOf(components: Components, component: RepaymentComponent): Money {
  return components[field[component]];
}

export function withComponent(
  components: Components,
  component: RepaymentComponent,
  amount: Money,
): Components {
  return { ...components, [field[component]]: amount };
}

export function zeroComponents(currency: CurrencyCode): Components {
  const zero = Money.zero(currency);
  return { fees: zero, penalties: zero, interest: zero, principal: zero };
}

export function addComponents(a: Components, b: Components): Components {
  return {
    fees: a.fees.plus(b.fees),
    penalties: a.penalties.plus(b.penalties),
    interest: a.interest.plus(b.interest),
    principal: a.principal.plus(b.principal),
  };
}

export function totalOf(components: Components): Money {
  return components.fees
    .plus(components.penalties)
    .plus(components.interest)
    .plus(components.principal);
}

/** An installment of a live loan: what is due on `dueDate` and what has been paid of it. */
export interface Installment {
  readonly number: number;
  readonly dueDate: BusinessDate;
  readonly due: Components;
  readonly paid: Components;
  /** Set once the late fee for this installment has been charged (one per installment). */
  readonly lateFeeCharged: boolean;
}

/** The installments of a new loan from its schedule, nothing paid. */
export function installmentsFromSchedule(items: readonly ScheduleItem[]): Installment[] {
  return items.map((item) => ({
    number: item.number,
    dueDate: item.dueDate,
    due: {
      fees: item.fees,
      penalties: item.penalties,
      interest: item.interest,
      principal: item.principal,
    },
    paid: zeroComponents(item.principal.currency),
    lateFeeCharged: false,
  }));
}

export function outstandingOf(installment: Installment): Components {
  const { due, paid } = installment;
  return {
    fees: due.fees.minus(paid.fees),
    penalties: due.penalties.minus(paid.penalties),
    interest: due.interest.minus(paid.interest),
    principal: due.principal.minus(paid.principal),
  };
}

export function isSettled(installment: Installment): boolean {
  return totalOf(outstandingOf(installment)).isZero();
}

/** Installments due on or before `asOf` (what a repayment on `asOf` may pay). */
export function isDueBy(installment: Installment, asOf: BusinessDate): boolean {
  return compareDates(installment.dueDate, asOf) <= 0;
}

/** Sum of the outstanding components of `installments`. */
export function outstandingTotal(
  installments: readonly Installment[],
  currency: CurrencyCode,
): Components {
  return installments.reduce(
    (sum, installment) => addComponents(sum, outstandingOf(installment)),
    zeroComponents(currency),
  );
}

/** An order is a permutation of the four components. */
export function isAllocationOrder(order: readonly string[]): order is RepaymentComponent[] {
  return (
    order.length === repaymentComponents.length &&
    repaymentComponents.every((component) => order.includes(component))
  );
}
