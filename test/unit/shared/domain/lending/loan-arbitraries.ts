import fc from 'fast-check';
import {
  addDays,
  addMonths,
  fromDayNumber,
  toDayNumber,
  businessDate,
} from '../../../../../shared/domain/interest/business-date';
import {
  dayCountConventions,
  yearFractionParts,
} from '../../../../../shared/domain/interest/day-count';
import { paymentFrequencies } from '../../../../../shared/domain/lending/due-dates';
import {
  amortizationMethods,
  type LoanScheduleTerms,
} from '../../../../../shared/domain/lending/schedule';
import {
  BankDecimal,
  minorUnitsOf,
  Money,
  type CurrencyCode,
  type RoundingMode,
} from '../../../../../shared/domain/money';
import { decimalText, pow10, roundRational } from '../exact-decimal';

export const roundingModes: readonly RoundingMode[] = [
  'HALF_EVEN',
  'HALF_UP',
  'HALF_DOWN',
  'UP',
  'DOWN',
  'CEILING',
  'FLOOR',
];

export const testCurrencies: readonly CurrencyCode[] = ['USD', 'JPY', 'KWD'];

/** A rate as exact digits: `mantissa` × 10^-decimals (0 to 60 % a year, up to 6 decimals). */
export interface ExactRate {
  readonly mantissa: bigint;
  readonly decimals: number;
  readonly text: string;
}

export const aRate: fc.Arbitrary<ExactRate> = fc
  .integer({ min: 0, max: 6 })
  .chain((decimals) =>
    fc
      .bigInt({ min: 0n, max: (pow10(decimals) * 6n) / 10n })
      .map((mantissa) => ({ mantissa, decimals, text: decimalText(mantissa, decimals) })),
  );

export interface RandomLoan {
  readonly terms: LoanScheduleTerms;
  readonly rate: ExactRate;
  readonly principalMinor: bigint;
}

/** Random loans over every method, frequency, convention, currency and rounding mode. */
export const aLoan = (maxInstallments = 120): fc.Arbitrary<RandomLoan> =>
  fc
    .record({
      currency: fc.constantFrom(...testCurrencies),
      principalMinor: fc.oneof(
        fc.bigInt({ min: 1n, max: 10_000n }),
        fc.bigInt({ min: 1n, max: 100_000_000_000n }),
      ),
      rate: aRate,
      method: fc.constantFrom(...amortizationMethods),
      frequency: fc.constantFrom(...paymentFrequencies),
      dayCount: fc.constantFrom(...dayCountConventions),
      disbursementDay: fc.integer({
        min: toDayNumber(businessDate('2000-01-01')),
        max: toDayNumber(businessDate('2060-12-31')),
      }),
      firstPeriodDays: fc.integer({ min: 1, max: 120 }),
      installments: fc.integer({ min: 1, max: maxInstallments }),
      rounding: fc.constantFrom(...roundingModes),
    })
    .map((r) => {
      const disbursementDate = fromDayNumber(r.disbursementDay);
      return {
        rate: r.rate,
        principalMinor: r.principalMinor,
        terms: {
          principal: Money.fromMinor(r.principalMinor, r.currency),
          annualRate: new BankDecimal(r.rate.text),
          method: r.method,
          frequency: r.frequency,
          dayCount: r.dayCount,
          disbursementDate,
          firstPaymentDate: addDays(disbursementDate, r.firstPeriodDays),
          installments: r.installments,
          rounding: r.rounding,
        },
      };
    });

/**
 * Reference interest in minor units, in exact bigint rationals: balance × rate × numerator /
 * denominator of the period's year fraction, rounded once. Independent of decimal.js.
 */
export function referenceInterestMinor(
  balanceMinor: bigint,
  rate: ExactRate,
  terms: Pick<LoanScheduleTerms, 'dayCount'>,
  start: string,
  end: string,
  rounding: RoundingMode,
  wholeMonths?: number,
): bigint {
  // A whole month of a monthly or quarterly 30/360 schedule is 30 days, whatever the calendar.
  const { numerator, denominator } =
    terms.dayCount === 'THIRTY_360' && wholeMonths !== undefined
      ? { numerator: 30 * wholeMonths, denominator: 360 }
      : yearFractionParts(terms.dayCount, businessDate(start), businessDate(end));
  return roundRational(
    balanceMinor * rate.mantissa * BigInt(numerator),
    pow10(rate.decimals) * BigInt(denominator),
    rounding,
  );
}

/** Months of a whole period, or undefined: an independent restatement of the schedule's rule. */
export function wholeMonthsOf(terms: LoanScheduleTerms, index: number): number | undefined {
  const months = { MONTHLY: 1, QUARTERLY: 3, WEEKLY: undefined, BIWEEKLY: undefined }[
    terms.frequency
  ];
  if (months === undefined) return undefined;
  if (index > 0) return months;
  const first = terms.firstPaymentDate;
  const oneStepBefore = [addMonths(first, -months), addMonths(first, -months, true)];
  return oneStepBefore.includes(terms.disbursementDate) ? months : undefined;
}

export const minorOf = (money: Money): bigint => money.toMinor();

export const unit = (currency: CurrencyCode): bigint => pow10(minorUnitsOf(currency));
