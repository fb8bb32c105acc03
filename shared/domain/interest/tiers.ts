import type Decimal from 'decimal.js';
import { BankDecimal, type Money } from '../money';

/** A balance tier: `rate` applies from `from` (inclusive) up to the next tier's `from`. */
export interface InterestTier {
  readonly from: Money;
  readonly rate: Decimal;
}

export const tierModes = ['WHOLE_BALANCE', 'BANDED'] as const;
/**
 * WHOLE_BALANCE: the whole balance earns the rate of the highest tier it reaches.
 * BANDED (marginal): each slice of the balance earns the rate of the band it falls in.
 */
export type TierMode = (typeof tierModes)[number];

export type InterestRate =
  | { readonly kind: 'FLAT'; readonly rate: Decimal }
  | { readonly kind: 'TIERED'; readonly tiers: readonly InterestTier[]; readonly mode: TierMode };

function sortedTiers(tiers: readonly InterestTier[]): InterestTier[] {
  const sorted = [...tiers].sort((a, b) => a.from.compare(b.from));
  const first = sorted[0];
  if (first === undefined) throw new Error('A tiered rate needs at least one tier');
  if (!first.from.isZero()) throw new Error('The first tier starts at zero');
  return sorted;
}

/**
 * One year's interest on `balance` at `rate`, unrounded: balance × rate for a flat rate, or by
 * tiers. A balance at or below zero earns nothing (the caller decides what a negative one owes).
 */
export function annualInterest(balance: Money, rate: InterestRate): Decimal {
  if (!balance.isPositive()) return new BankDecimal(0);
  if (rate.kind === 'FLAT') return balance.amount.times(rate.rate);
  const tiers = sortedTiers(rate.tiers);
  if (rate.mode === 'WHOLE_BALANCE') {
    const reached = tiers.filter((tier) => tier.from.compare(balance) <= 0).at(-1) as InterestTier;
    return balance.amount.times(reached.rate);
  }
  return tiers.reduce((sum, tier, index) => {
    const next = tiers[index + 1];
    const top = next === undefined || next.from.compare(balance) > 0 ? balance : next.from;
    const slice = top.amount.minus(tier.from.amount);
    return slice.isPositive() ? sum.plus(slice.times(tier.rate)) : sum;
  }, new BankDecimal(0));
}

/** The single rate that gives the same interest on this balance (0 for a zero balance). */
export function effectiveRate(balance: Money, rate: InterestRate): Decimal {
  if (!balance.isPositive()) return new BankDecimal(0);
  return annualInterest(balance, rate).dividedBy(balance.amount);
}
