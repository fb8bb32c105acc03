import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  amountProblem,
  isCurrencyCode,
  MAX_AMOUNT_MAJOR,
  minorUnitsOf,
  Money,
  type CurrencyCode,
  type RoundingMode,
} from '../../../../shared/domain/money';
import { decimalText, pow10, roundRational } from './exact-decimal';

/** The currencies the brief names, one per interesting scale. */
const scales = { USD: 2, JPY: 0, KWD: 3, CLF: 4 } as const satisfies Partial<
  Record<CurrencyCode, number>
>;
type TestCurrency = keyof typeof scales;
const currencies = Object.keys(scales) as TestCurrency[];
const roundingModes: readonly RoundingMode[] = [
  'HALF_EVEN',
  'HALF_UP',
  'HALF_DOWN',
  'UP',
  'DOWN',
  'CEILING',
  'FLOOR',
];

/** The exclusive bound on amounts, in minor units of `currency`. */
const maxMinor = (currency: TestCurrency): bigint => pow10(15 + scales[currency]);

const aCurrency = fc.constantFrom(...currencies);

/** Any amount a currency can hold, as integer minor units, strictly inside ±1e15 major units. */
const anAmount = aCurrency.chain((currency) =>
  fc
    .bigInt({ min: -maxMinor(currency) + 1n, max: maxMinor(currency) - 1n })
    .map((minor) => ({ currency, minor })),
);

/** A positive decimal factor as (digits, decimals): at most 10 integer and 12 fraction digits. */
const aFactor = fc
  .integer({ min: 0, max: 12 })
  .chain((decimals) =>
    fc
      .bigInt({ min: 1n, max: pow10(10 + decimals) - 1n })
      .map((digits) => ({ digits, decimals, text: decimalText(digits, decimals) })),
  );

describe('Money parsing and formatting at the currency scale', () => {
  it.each([
    ['USD', '12.3', '12.30', 1230n],
    ['USD', '0.07', '0.07', 7n],
    ['JPY', '1500', '1500', 1500n],
    ['KWD', '1.5', '1.500', 1500n],
    ['KWD', '0.001', '0.001', 1n],
    ['CLF', '0.1234', '0.1234', 1234n],
    ['CLF', '7', '7.0000', 70000n],
  ] as const)(
    'reads %s %s and prints it as %s (%d minor units)',
    (currency, text, printed, minor) => {
      const money = Money.of(text, currency);

      expect(money.toString()).toBe(printed);
      expect(money.toMinor()).toBe(minor);
      expect(money.toJSON()).toEqual({ amount: printed, currency });
    },
  );

  it('knows the minor units of the currencies it books', () => {
    expect(currencies.map((currency) => minorUnitsOf(currency))).toEqual([2, 0, 3, 4]);
    expect(isCurrencyCode('USD')).toBe(true);
    expect(isCurrencyCode('usd')).toBe(false);
    expect(isCurrencyCode('ABC')).toBe(false);
    expect(isCurrencyCode('XAU')).toBe(false); // Gold has no minor unit ("N.A.").
    expect(isCurrencyCode('toString')).toBe(false); // Not fooled by Object.prototype.
  });

  it.each([
    ['USD', '0.001'],
    ['USD', '10.105'],
    ['JPY', '0.5'],
    ['JPY', '100.1'],
    ['KWD', '0.0001'],
    ['CLF', '0.00001'],
  ] as const)('refuses %s %s: more decimals than the currency has', (currency, text) => {
    expect(amountProblem(text, currency)).toBe('TOO_MANY_DECIMALS');
    expect(() => Money.of(text, currency)).toThrow(/TOO_MANY_DECIMALS/);
  });

  it('refuses any amount with a non-zero digit beyond the currency scale', () => {
    fc.assert(
      fc.property(
        aCurrency,
        fc.bigInt({ min: 0n, max: pow10(14) }),
        fc.integer({ min: 1, max: 6 }),
        fc.bigInt({ min: 0n, max: pow10(10) }),
        (currency, whole, extra, fraction) => {
          const decimals = scales[currency] + extra;
          // The last fraction digit is non-zero, so the value really has `decimals` places.
          const digits = (fraction % pow10(decimals - 1)) * 10n + 1n + (fraction % 9n);
          const text = `${whole}.${digits.toString().padStart(decimals, '0')}`;

          expect(amountProblem(text, currency)).toBe('TOO_MANY_DECIMALS');
        },
      ),
    );
  });

  it.each([
    '1e3',
    '1E3',
    '1e-2',
    '1.5e2',
    '+5',
    ' 5',
    '  5',
    '5 ',
    '5.',
    '.5',
    '-.5',
    '00.5',
    '007',
    '0x10',
    '1_000',
    '1,00',
    'Infinity',
    '-Infinity',
    'NaN',
    '',
    '-',
    '--1',
    '١٢',
    '５',
  ])('refuses %j: amounts are plain decimal strings', (text) => {
    expect(amountProblem(text, 'USD')).toBe('NOT_A_DECIMAL');
    expect(() => Money.of(text, 'USD')).toThrow(/NOT_A_DECIMAL/);
  });

  it('reads negative zero as zero and never prints a minus sign on zero', () => {
    const negativeZero = Money.of('-0', 'USD');
    const negativeZeroCents = Money.of('-0.00', 'USD');
    const negatedZero = Money.zero('JPY').negated();
    const cancelled = Money.of('0.01', 'KWD').minus(Money.of('0.01', 'KWD')).negated();

    expect(negativeZero.toString()).toBe('0.00');
    expect(negativeZeroCents.toJSON()).toEqual({ amount: '0.00', currency: 'USD' });
    expect(negatedZero.toString()).toBe('0');
    expect(cancelled.toString()).toBe('0.000');
    expect(negativeZero.toMinor()).toBe(0n);
    expect(negativeZero.isZero()).toBe(true);
    expect(negativeZero.isNegative()).toBe(false);
    expect(negativeZero.isPositive()).toBe(false);
    expect(negativeZero.equals(Money.zero('USD'))).toBe(true);
  });

  it('keeps huge magnitudes exact just below the 1e15 limit and refuses them from it on', () => {
    const largest = Money.of('999999999999999.99', 'USD');
    const largestClf = Money.of('-999999999999999.9999', 'CLF');

    expect(largest.toMinor()).toBe(99_999_999_999_999_999n);
    expect(largest.toString()).toBe('999999999999999.99');
    expect(largestClf.toMinor()).toBe(-9_999_999_999_999_999_999n);
    expect(Money.fromMinor(largestClf.toMinor(), 'CLF').equals(largestClf)).toBe(true);
    expect(MAX_AMOUNT_MAJOR.toString()).toBe('1000000000000000');
    expect(amountProblem('1000000000000000', 'USD')).toBe('TOO_LARGE');
    expect(amountProblem('1000000000000000.00', 'USD')).toBe('TOO_LARGE');
    expect(amountProblem('-1000000000000000', 'JPY')).toBe('TOO_LARGE');
    expect(amountProblem('123456789012345678901234567890', 'JPY')).toBe('TOO_LARGE');
    expect(amountProblem(`1${'0'.repeat(40)}`, 'JPY')).toBe('NOT_A_DECIMAL'); // Over 40 characters.
  });

  it('round-trips random amounts through minor units and the decimal string', () => {
    fc.assert(
      fc.property(anAmount, ({ currency, minor }) => {
        const money = Money.fromMinor(minor, currency);
        const text = money.toString();
        const decimals = scales[currency];

        expect(money.toMinor()).toBe(minor);
        expect(text).toMatch(
          decimals === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${decimals}}$`),
        );
        expect(text).toBe(decimalText(minor, decimals));
        expect(amountProblem(text, currency)).toBeUndefined();
        expect(Money.of(text, currency).toMinor()).toBe(minor);
        expect(Money.of(text, currency).equals(money)).toBe(true);
      }),
    );
  });

  it('adds and subtracts exactly, and refuses to mix currencies', () => {
    fc.assert(
      fc.property(anAmount, fc.bigInt({ min: -pow10(17), max: pow10(17) }), (a, b) => {
        const left = Money.fromMinor(a.minor, a.currency);
        const right = Money.fromMinor(b, a.currency);

        expect(left.plus(right).toMinor()).toBe(a.minor + b);
        expect(left.plus(right).minus(right).equals(left)).toBe(true);
        expect(left.compare(right)).toBe(a.minor < b ? -1 : a.minor > b ? 1 : 0);
      }),
    );
    expect(() => Money.of('1.00', 'USD').plus(Money.of('1', 'JPY'))).toThrow(/Currency mismatch/);
    expect(() => Money.of('1.00', 'USD').compare(Money.of('1.000', 'KWD'))).toThrow(
      /Currency mismatch/,
    );
    expect(Money.of('1.00', 'USD').equals(Money.of('1.00', 'EUR'))).toBe(false);
  });
});

describe('Money.times rounds once, with the named mode', () => {
  it.each([
    // 0.05 × 0.5 = 0.025, a tie between 0.02 and 0.03.
    ['HALF_EVEN', '0.02', '-0.02'],
    ['HALF_UP', '0.03', '-0.03'],
    ['HALF_DOWN', '0.02', '-0.02'],
    ['UP', '0.03', '-0.03'],
    ['DOWN', '0.02', '-0.02'],
    ['CEILING', '0.03', '-0.02'],
    ['FLOOR', '0.02', '-0.03'],
  ] as const)('rounds the tie ±0.025 USD %s to %s and %s', (mode, positive, negative) => {
    expect(Money.of('0.05', 'USD').times('0.5', mode).toString()).toBe(positive);
    expect(Money.of('-0.05', 'USD').times('0.5', mode).toString()).toBe(negative);
  });

  it.each([
    ['USD', '0.03', '0.5', '0.02'], // 0.015 → 0.02 (2 is even)
    ['USD', '0.05', '0.5', '0.02'], // 0.025 → 0.02
    ['USD', '0.07', '0.5', '0.04'], // 0.035 → 0.04
    ['USD', '0.09', '0.5', '0.04'], // 0.045 → 0.04
    ['JPY', '5', '0.5', '2'], // 2.5 → 2
    ['JPY', '7', '0.5', '4'], // 3.5 → 4
    ['KWD', '0.001', '0.5', '0.000'], // 0.0005 → 0.000
    ['CLF', '0.0003', '0.5', '0.0002'], // 0.00015 → 0.0002
  ] as const)(
    'HALF_EVEN sends the tie %s %s × %s to the even neighbour %s',
    (currency, amount, factor, expected) => {
      expect(Money.of(amount, currency).times(factor, 'HALF_EVEN').toString()).toBe(expected);
    },
  );

  it('rounds HALF_EVEN ties to even neighbours only: as often down as up', () => {
    fc.assert(
      fc.property(aCurrency, fc.bigInt({ min: -pow10(12), max: pow10(12) }), (currency, minor) => {
        // (2k+1) minor units × 0.5 is always a tie: k + 0.5.
        const odd = 2n * minor + 1n;
        const rounded = Money.fromMinor(odd, currency).times('0.5', 'HALF_EVEN').toMinor();

        expect(rounded % 2n).toBe(0n);
        expect(rounded === minor || rounded === minor + 1n).toBe(true);
      }),
    );
  });

  it('matches exact rational rounding in every mode for realistic amounts and factors', () => {
    fc.assert(
      fc.property(anAmount, aFactor, fc.constantFrom(...roundingModes), (amount, factor, mode) => {
        const product = Money.fromMinor(amount.minor, amount.currency).times(factor.text, mode);
        const expected = roundRational(amount.minor * factor.digits, pow10(factor.decimals), mode);

        expect(product.currency).toBe(amount.currency);
        expect(product.toMinor()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('rounds a fraction of a minor unit from Money.rounded with the given mode', () => {
    const value = Money.of('10.00', 'USD').amount.dividedBy(3); // 3.333…

    expect(Money.rounded(value, 'USD', 'HALF_EVEN').toString()).toBe('3.33');
    expect(Money.rounded(value, 'USD', 'UP').toString()).toBe('3.34');
    expect(Money.rounded(value, 'JPY', 'CEILING').toString()).toBe('4');
    expect(Money.rounded(value, 'KWD', 'FLOOR').toString()).toBe('3.333');
  });
});
