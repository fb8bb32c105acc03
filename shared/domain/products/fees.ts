import { Money, type RoundingMode } from '../money';
import type { FeeTrigger, ProductDefinition, ProductFee } from './product';

/**
 * The amount of one fee. FIXED: its amount. PERCENTAGE: rate × the triggering amount (the
 * withdrawal, the principal, the overdue installment), rounded with `rounding`, then raised to
 * the minimum and capped at the maximum when the product sets them.
 */
export function calculateFee(
  fee: ProductFee,
  base: Money,
  rounding: RoundingMode = 'HALF_EVEN',
): Money {
  if (fee.type === 'FIXED') return fee.amount;
  const raw = base.isPositive() ? base.times(fee.rate, rounding) : Money.zero(base.currency);
  const floored = fee.minimum !== undefined && raw.compare(fee.minimum) < 0 ? fee.minimum : raw;
  return fee.maximum !== undefined && floored.compare(fee.maximum) > 0 ? fee.maximum : floored;
}

export interface FeeCharge {
  readonly name: string;
  readonly amount: Money;
}

/** Every fee of a product that `trigger` raises, computed on `base`. */
export function feesFor(
  definition: ProductDefinition,
  trigger: FeeTrigger,
  base: Money,
  rounding: RoundingMode = definition.interest?.rounding ?? 'HALF_EVEN',
): FeeCharge[] {
  return definition.fees
    .filter((fee) => fee.trigger === trigger)
    .map((fee) => ({ name: fee.name, amount: calculateFee(fee, base, rounding) }))
    .filter((charge) => charge.amount.isPositive());
}
