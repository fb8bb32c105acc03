import Decimal from 'decimal.js';
import { iso4217MinorUnits } from './iso-4217';

/**
 * decimal.js defaults (20 significant digits, ROUND_HALF_UP) are wrong for a bank: we need headroom
 * for large balances and intermediate products, and rounding must be a decision, not a default.
 * Exponent notation is disabled so a value always prints as plain digits.
 */
export const BankDecimal = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type BankDecimal = Decimal;

export type CurrencyCode = keyof typeof iso4217MinorUnits;

/** Whether `code` is an ISO 4217 currency we can book (one with a defined minor unit). */
export function isCurrencyCode(code: string): code is CurrencyCode {
  return Object.hasOwn(iso4217MinorUnits, code);
}

/** The number of decimals of a currency's minor unit: USD 2, JPY 0, KWD 3. */
export function minorUnitsOf(currency: CurrencyCode): number {
  return iso4217MinorUnits[currency];
}

/**
 * The largest amount accepted anywhere, in major units (exclusive). A quadrillion is beyond any
 * single posting a bank makes, keeps minor units far inside DynamoDB's 38 digits, and turns
 * typos of many zeros into validation errors instead of postings.
 */
export const MAX_AMOUNT_MAJOR = new BankDecimal('1e15');

/** Plain decimal notation: optional minus, digits, optional fraction. No exponent, no spaces. */
const plainDecimal = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export type AmountProblem = 'NOT_A_DECIMAL' | 'TOO_MANY_DECIMALS' | 'TOO_LARGE';

/** Why a decimal string cannot be an amount in `currency`, or undefined when it can. */
export function amountProblem(amount: string, currency: CurrencyCode): AmountProblem | undefined {
  if (amount.length > 40 || !plainDecimal.test(amount)) return 'NOT_A_DECIMAL';
  // Decimals as written: "5.000" USD claims a precision USD does not have, even if it is 5.
  const written = amount.split('.')[1]?.length ?? 0;
  if (written > minorUnitsOf(currency)) return 'TOO_MANY_DECIMALS';
  const value = new BankDecimal(amount);
  if (value.abs().greaterThanOrEqualTo(MAX_AMOUNT_MAJOR)) return 'TOO_LARGE';
  return undefined;
}

export type RoundingMode =
  'HALF_EVEN' | 'HALF_UP' | 'HALF_DOWN' | 'UP' | 'DOWN' | 'CEILING' | 'FLOOR';

const decimalRounding: Record<RoundingMode, Decimal.Rounding> = {
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
  HALF_UP: Decimal.ROUND_HALF_UP,
  HALF_DOWN: Decimal.ROUND_HALF_DOWN,
  UP: Decimal.ROUND_UP,
  DOWN: Decimal.ROUND_DOWN,
  CEILING: Decimal.ROUND_CEIL,
  FLOOR: Decimal.ROUND_FLOOR,
};

/** 10^minorUnits as an exact decimal: the number of minor units in one major unit. */
function scaleFactor(currency: CurrencyCode): Decimal {
  return BankDecimal.pow(10, minorUnitsOf(currency));
}

/** Rounds a decimal to `scale` places with an explicit mode. */
export function roundTo(value: Decimal, scale: number, mode: RoundingMode): Decimal {
  return value.toDecimalPlaces(scale, decimalRounding[mode]);
}

/**
 * An amount of one currency, always exact at the currency's scale. Built only from decimal
 * strings or integer minor units; arithmetic across currencies is a bug and throws.
 */
export class Money {
  private constructor(
    readonly amount: Decimal,
    readonly currency: CurrencyCode,
  ) {}

  /** Parses a decimal string; a value finer than the currency's scale is a bug here (guard). */
  static of(amount: string, currency: CurrencyCode): Money {
    const problem = amountProblem(amount, currency);
    if (problem !== undefined) throw new Error(`${amount} is not a ${currency} amount: ${problem}`);
    return new Money(new BankDecimal(amount), currency);
  }

  /** From integer minor units (cents for USD, yen for JPY, fils for KWD). */
  static fromMinor(minor: bigint, currency: CurrencyCode): Money {
    return new Money(new BankDecimal(minor.toString()).dividedBy(scaleFactor(currency)), currency);
  }

  static zero(currency: CurrencyCode): Money {
    return new Money(new BankDecimal(0), currency);
  }

  /** Rounds any decimal into money of `currency` with the named mode. */
  static rounded(value: Decimal, currency: CurrencyCode, mode: RoundingMode): Money {
    return new Money(roundTo(value, minorUnitsOf(currency), mode), currency);
  }

  /** The amount in integer minor units; exact by construction. */
  toMinor(): bigint {
    return BigInt(this.amount.times(scaleFactor(this.currency)).toFixed(0));
  }

  plus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.plus(other.amount), this.currency);
  }

  minus(other: Money): Money {
    this.assertSameCurrency(other);
    return new Money(this.amount.minus(other.amount), this.currency);
  }

  negated(): Money {
    return new Money(this.amount.negated(), this.currency);
  }

  /** Multiplies by a factor (a rate, a percentage) and rounds to the currency's scale. */
  times(factor: Decimal | string, mode: RoundingMode): Money {
    return Money.rounded(this.amount.times(factor), this.currency, mode);
  }

  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other);
    return this.amount.comparedTo(other.amount) as -1 | 0 | 1;
  }

  equals(other: Money): boolean {
    return this.currency === other.currency && this.amount.equals(other.amount);
  }

  isZero(): boolean {
    return this.amount.isZero();
  }

  isPositive(): boolean {
    return this.amount.greaterThan(0);
  }

  isNegative(): boolean {
    return this.amount.lessThan(0);
  }

  /** The decimal string at exactly the currency's scale ("100.50", "1000", "1.250"). */
  toString(): string {
    return this.amount.toFixed(minorUnitsOf(this.currency));
  }

  /** The wire form (API.md): `{ amount: "100.50", currency: "USD" }`. */
  toJSON(): { amount: string; currency: CurrencyCode } {
    return { amount: this.toString(), currency: this.currency };
  }

  private assertSameCurrency(other: Money): void {
    if (other.currency !== this.currency) {
      throw new Error(`Currency mismatch: ${this.currency} vs ${other.currency}`);
    }
  }
}
