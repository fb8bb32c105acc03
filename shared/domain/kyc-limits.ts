import type { DomainError } from './errors';
import { BankDecimal, Money, type CurrencyCode } from './money';

/**
 * KYC tiers and what each may move. A customer's tier only counts while their KYC is VERIFIED
 * and unexpired; anyone else is held to tier 0. The figures are the original's (inventory §6),
 * in the limit currency (USD). Where the original re-labelled them for every currency, a
 * transaction in another currency is measured against the figures converted at the stored FX
 * rate; with no rate on file the figures apply at face value, and the tenant should store one.
 */
export const KYC_LIMIT_CURRENCY: CurrencyCode = 'USD';

export type KycPeriod = 'DAY' | 'MONTH' | 'YEAR';
export type KycLimitKind = 'SINGLE' | KycPeriod;

export interface TierLimits {
  readonly single: string;
  readonly DAY: string;
  readonly MONTH: string;
  /** Annual cumulative limit; undefined = none. */
  readonly YEAR: string | undefined;
}

export const kycTierLimits: Readonly<Record<number, TierLimits>> = {
  0: { single: '100', DAY: '100', MONTH: '1000', YEAR: undefined },
  1: { single: '1000', DAY: '1000', MONTH: '10000', YEAR: '50000' },
  2: { single: '10000', DAY: '10000', MONTH: '100000', YEAR: '500000' },
  3: { single: '100000', DAY: '100000', MONTH: '1000000', YEAR: undefined },
};

export interface KycStanding {
  readonly kycStatus: string;
  readonly kycTier: number;
  readonly kycExpiresAt?: string | undefined;
}

/** The tier whose limits apply at `now` (ISO instant). */
export function effectiveKycTier(customer: KycStanding, now: string): number {
  if (customer.kycStatus !== 'VERIFIED') return 0;
  if (customer.kycExpiresAt !== undefined && customer.kycExpiresAt <= now) return 0;
  return kycTierLimits[customer.kycTier] === undefined ? 0 : customer.kycTier;
}

/** A cumulative limit to enforce at write time: the period's volume may not pass `limit`. */
export interface PeriodLimit {
  readonly period: KycPeriod;
  /** `2026-11-26`, `2026-11` or `2026` for the booking date. */
  readonly periodKey: string;
  readonly limit: Money;
}

export interface KycCheck {
  readonly tier: number;
  readonly periods: readonly PeriodLimit[];
}

/**
 * A period's running total as last seen (in the amount's currency), or undefined. Totals only
 * grow within a period, so what was seen is a floor: a movement that does not fit above it will
 * not fit above the total as it is now either.
 */
export type TotalSeen = (period: KycPeriod, periodKey: string) => Money | undefined;

/**
 * Decides what a movement of `amount` by a customer at `tier` must satisfy: refused at once when
 * it exceeds the single-transaction limit (or a whole period's limit, or what is left of it above
 * a total already seen), otherwise the period limits the conditional write enforces against the
 * running totals.
 * `usdToCurrency` is the rate from the limit currency to `amount`'s (units of it per USD).
 */
export function kycCheckFor(
  customerId: string,
  tier: number,
  amount: Money,
  bookingDate: string,
  usdToCurrency: string | undefined,
  totalSeen: TotalSeen = () => undefined,
):
  | { readonly ok: true; readonly check: KycCheck }
  | { readonly ok: false; readonly error: DomainError } {
  const figures = kycTierLimits[tier] ?? kycTierLimits[0];
  if (figures === undefined) throw new Error('Tier 0 limits are missing');
  const inCurrency = (usd: string): Money =>
    // Rounded down: a converted limit never allows a fraction of a minor unit more.
    Money.rounded(
      new BankDecimal(usd).times(new BankDecimal(usdToCurrency ?? '1')),
      amount.currency,
      'DOWN',
    );
  const refuse = (kind: KycLimitKind, limit: Money) => ({
    ok: false as const,
    error: {
      code: 'KYC_LIMIT_EXCEEDED' as const,
      customerId,
      tier,
      limit: kind,
      limitAmount: limit.toString(),
      currency: amount.currency,
    },
  });
  const single = inCurrency(figures.single);
  if (amount.compare(single) > 0) return refuse('SINGLE', single);
  const keys: Record<KycPeriod, string> = {
    DAY: bookingDate,
    MONTH: bookingDate.slice(0, 7),
    YEAR: bookingDate.slice(0, 4),
  };
  const periods: PeriodLimit[] = [];
  for (const period of ['DAY', 'MONTH', 'YEAR'] as const) {
    const figure = figures[period];
    if (figure === undefined) continue;
    const limit = inCurrency(figure);
    if (amount.compare(limit) > 0) return refuse(period, limit);
    const seen = totalSeen(period, keys[period]);
    if (seen !== undefined && seen.plus(amount).compare(limit) > 0) return refuse(period, limit);
    periods.push({ period, periodKey: keys[period], limit });
  }
  return { ok: true, check: { tier, periods } };
}
