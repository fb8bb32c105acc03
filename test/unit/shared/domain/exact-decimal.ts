import type { RoundingMode } from '../../../../shared/domain/money';

/*
 * Reference arithmetic for property tests: exact rationals over bigint, so a test never checks
 * decimal.js against itself.
 */

export const pow10 = (exponent: number): bigint => 10n ** BigInt(exponent);

/** Rounds the exact rational `numerator / denominator` (denominator > 0) to an integer. */
export function roundRational(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator <= 0n) throw new Error('The denominator must be positive');
  const sign = numerator < 0n ? -1n : 1n;
  const magnitude = numerator < 0n ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  if (remainder === 0n) return sign * quotient;
  const half = 2n * remainder - denominator; // > 0 above the midpoint, 0 on it.
  const awayFromZero = ((): boolean => {
    switch (mode) {
      case 'UP':
        return true;
      case 'DOWN':
        return false;
      case 'CEILING':
        return sign > 0n;
      case 'FLOOR':
        return sign < 0n;
      case 'HALF_UP':
        return half >= 0n;
      case 'HALF_DOWN':
        return half > 0n;
      case 'HALF_EVEN':
        return half > 0n || (half === 0n && quotient % 2n === 1n);
    }
  })();
  return sign * (awayFromZero ? quotient + 1n : quotient);
}

/** The plain decimal string of `digits` × 10^-decimals ("-1.05" for -105n, 2). */
export function decimalText(digits: bigint, decimals: number): string {
  const sign = digits < 0n ? '-' : '';
  const plain = (digits < 0n ? -digits : digits).toString().padStart(decimals + 1, '0');
  return decimals === 0
    ? `${sign}${plain}`
    : `${sign}${plain.slice(0, -decimals)}.${plain.slice(-decimals)}`;
}
