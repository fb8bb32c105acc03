import * as z from 'zod';
import { dayCountConventions } from '../../domain/interest/day-count';
import { compoundingModes, postingFrequencies } from '../../domain/interest/accrual';
import { termDepositCompoundings, termDepositPayouts } from '../../domain/interest/term-deposit';
import { tierModes } from '../../domain/interest/tiers';
import { paymentFrequencies } from '../../domain/lending/due-dates';
import { isAllocationOrder, repaymentComponents } from '../../domain/lending/installments';
import { prepaymentModes } from '../../domain/lending/repayment';
import { amortizationMethods } from '../../domain/lending/schedule';
import { amountProblem, BankDecimal, isCurrencyCode } from '../../domain/money';
import {
  accrualFrequencies,
  feeTriggers,
  productStatuses,
  productTypes,
} from '../../domain/products/product';
import { TextSchema } from './common-fields';
import { AmountSchema, CurrencySchema } from './money';

/**
 * A rate as a decimal fraction string: "0.0525" is 5.25 % a year. At most 10 decimals; at most
 * 10 (1000 %), which covers microfinance APRs and turns a percent typed as a fraction into an error.
 */
const ratePattern = /^(0|[1-9]\d?)(\.\d{1,10})?$/;
const plainAmount = /^(0|[1-9]\d*)(\.\d+)?$/;

// zod 4 runs every check even after one failed, so a refinement re-tests the pattern before
// handing the text to decimal.js (which throws on anything else).
export const RateSchema = z
  .string({ error: 'Rates are decimal strings, e.g. "0.0525" for 5.25 %' })
  .regex(ratePattern, 'Rates are decimal fractions, e.g. "0.0525" for 5.25 %')
  .refine(
    (rate) => !ratePattern.test(rate) || new BankDecimal(rate).lessThanOrEqualTo(10),
    'A rate is at most 10 (1000 %)',
  )
  .meta({ id: 'Rate', example: '0.0525' });

const amountMessages = {
  NOT_A_DECIMAL: 'Amounts are positive decimal strings, e.g. "100.50"',
  TOO_MANY_DECIMALS: 'More decimals than the currency allows',
  TOO_LARGE: 'Amount is too large',
} as const;

/** Money that may be zero (limits, tier thresholds): {amount, currency}, scale per currency. */
export const MoneyValueSchema = z
  .strictObject({ amount: AmountSchema, currency: CurrencySchema })
  .superRefine(({ amount, currency }, context) => {
    if (!isCurrencyCode(currency) || !plainAmount.test(amount)) return;
    const problem = amountProblem(amount, currency);
    if (problem !== undefined) {
      context.addIssue({ code: 'custom', path: ['amount'], message: amountMessages[problem] });
    }
  })
  .meta({ id: 'MoneyValue', example: { amount: '100.00', currency: 'USD' } });

const TierSchema = z.strictObject({ from: MoneyValueSchema, rate: RateSchema });

export const ProductInterestSchema = z
  .strictObject({
    rate: RateSchema,
    tiers: z.array(TierSchema).max(20).default([]),
    tierMode: z.enum(tierModes).default('WHOLE_BALANCE'),
    dayCount: z.enum(dayCountConventions),
    compounding: z.enum(compoundingModes).default('ON_POSTING'),
    accrualFrequency: z.enum(accrualFrequencies).default('DAILY'),
    postingFrequency: z.enum(postingFrequencies).default('MONTHLY'),
    rounding: z
      .enum(['HALF_EVEN', 'HALF_UP', 'HALF_DOWN', 'UP', 'DOWN', 'CEILING', 'FLOOR'])
      .default('HALF_EVEN'),
  })
  .meta({ id: 'ProductInterest' });

export const ProductFeeSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('FIXED'),
      name: TextSchema(100),
      trigger: z.enum(feeTriggers),
      amount: MoneyValueSchema,
    }),
    z.strictObject({
      type: z.literal('PERCENTAGE'),
      name: TextSchema(100),
      trigger: z.enum(feeTriggers),
      rate: RateSchema,
      minimum: MoneyValueSchema.optional(),
      maximum: MoneyValueSchema.optional(),
    }),
  ])
  .meta({ id: 'ProductFee' });

const TermMonthsSchema = z.number().int().min(1).max(600);

export const ProductLimitsSchema = z
  .strictObject({
    minBalance: MoneyValueSchema.optional(),
    maxBalance: MoneyValueSchema.optional(),
    minOpeningBalance: MoneyValueSchema.optional(),
    minAmount: MoneyValueSchema.optional(),
    maxAmount: MoneyValueSchema.optional(),
    minTermMonths: TermMonthsSchema.optional(),
    maxTermMonths: TermMonthsSchema.optional(),
    overdraftLimit: MoneyValueSchema.optional(),
  })
  .meta({ id: 'ProductLimits' });

export const LateFeeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('FIXED'), amount: MoneyValueSchema }),
  z.strictObject({ type: z.literal('PERCENTAGE'), rate: RateSchema }),
]);

export const LoanSettingsSchema = z
  .strictObject({
    amortizationMethods: z.array(z.enum(amortizationMethods)).min(1).max(3),
    paymentFrequencies: z.array(z.enum(paymentFrequencies)).min(1).max(4),
    gracePeriodDays: z.number().int().min(0).max(365).default(0),
    lateFee: LateFeeSchema.optional(),
    penaltyRate: RateSchema.default('0'),
    allocationOrder: z
      .array(z.enum(repaymentComponents))
      .refine(isAllocationOrder, 'Name each of FEES, PENALTIES, INTEREST, PRINCIPAL once')
      .default([...repaymentComponents]),
    prepaymentMode: z.enum(prepaymentModes).default('REDUCE_INSTALLMENT'),
  })
  .meta({ id: 'LoanSettings' });

export const EarlyWithdrawalPenaltySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('FORFEIT_DAYS'), days: z.number().int().min(1).max(3650) }),
  z.strictObject({ type: z.literal('REDUCED_RATE'), rate: RateSchema }),
  z.strictObject({ type: z.literal('PRINCIPAL_PERCENT'), rate: RateSchema }),
]);

export const TermDepositSettingsSchema = z
  .strictObject({
    compounding: z.enum(termDepositCompoundings).default('NONE'),
    earlyWithdrawalPenalty: EarlyWithdrawalPenaltySchema,
    maturityInstruction: z.enum(['PAYOUT', 'ROLLOVER']).default('PAYOUT'),
    interestPayout: z.enum(termDepositPayouts).default('AT_MATURITY'),
  })
  .meta({ id: 'TermDepositSettings' });

/** Every money value of a definition with its JSON path, for the currency check. */
function moneyPaths(value: ProductDefinitionInput): [ReadonlyArray<string | number>, string][] {
  const found: [ReadonlyArray<string | number>, string][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.amount === 'string' && typeof record.currency === 'string') {
      found.push([path, record.currency]);
      return;
    }
    for (const [key, child] of Object.entries(record)) {
      walk(child, [...path, Array.isArray(node) ? Number(key) : key]);
    }
  };
  walk(value, []);
  return found;
}

/**
 * A product definition (POST /products, PUT /products/{id}). Cross-field rules: every amount in
 * the product's currency, LOAN products carry loan settings, TERM_DEPOSIT products term deposit
 * settings, interest tiers start at zero and ascend. The domain re-checks the same rules
 * (productDefinitionProblems) for definitions that do not come over HTTP.
 */
export const ProductDefinitionSchema = z
  .strictObject({
    code: z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9_-]{1,39}$/, 'Upper-case letters, digits, _ and -, 2 to 40'),
    name: TextSchema(100),
    description: TextSchema(1000).optional(),
    type: z.enum(productTypes),
    currency: CurrencySchema,
    interest: ProductInterestSchema.optional(),
    fees: z.array(ProductFeeSchema).max(50).default([]),
    limits: ProductLimitsSchema.default({}),
    loan: LoanSettingsSchema.optional(),
    termDeposit: TermDepositSettingsSchema.optional(),
    minimumKycTier: z.number().int().min(0).max(3).default(0),
  })
  .superRefine((value, context) => {
    for (const [path, currency] of moneyPaths(value)) {
      if (currency !== value.currency) {
        context.addIssue({
          code: 'custom',
          path: [...path, 'currency'],
          message: `Must be the product currency ${value.currency}`,
        });
      }
    }
    if (value.type === 'LOAN' && value.loan === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['loan'],
        message: 'A LOAN product needs loan settings',
      });
    }
    if (value.loan !== undefined && value.type !== 'LOAN' && value.type !== 'CREDIT_LINE') {
      context.addIssue({
        code: 'custom',
        path: ['loan'],
        message: `A ${value.type} product has no loan settings`,
      });
    }
    if ((value.type === 'TERM_DEPOSIT') !== (value.termDeposit !== undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['termDeposit'],
        message: 'Term deposit settings go with TERM_DEPOSIT products, and only with them',
      });
    }
    const tiers = value.interest?.tiers ?? [];
    if (!tiers.every((tier) => plainAmount.test(tier.from.amount))) return;
    tiers.forEach((tier, index) => {
      const previous = tiers[index - 1];
      const from = new BankDecimal(tier.from.amount);
      const bad =
        previous === undefined ? !from.isZero() : from.lessThanOrEqualTo(previous.from.amount);
      if (bad) {
        context.addIssue({
          code: 'custom',
          path: ['interest', 'tiers', index, 'from'],
          message: 'Tiers start at zero and ascend strictly',
        });
      }
    });
    const { minTermMonths, maxTermMonths } = value.limits;
    if (
      minTermMonths !== undefined &&
      maxTermMonths !== undefined &&
      minTermMonths > maxTermMonths
    ) {
      context.addIssue({
        code: 'custom',
        path: ['limits', 'minTermMonths'],
        message: 'The minimum term exceeds the maximum',
      });
    }
  })
  .meta({ id: 'ProductDefinition' });

export type ProductDefinitionInput = z.input<typeof ProductDefinitionSchema>;
export type ProductDefinitionBody = z.output<typeof ProductDefinitionSchema>;

export const ProductResponseSchema = z
  .object({
    id: z.string(),
    /** The version shown (the current one unless `?version=` asked for another). */
    version: z.number().int().min(1),
    currentVersion: z.number().int().min(1),
    status: z.enum(productStatuses),
    definition: ProductDefinitionSchema,
    versionCreatedAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' });

export const ProductVersionSchema = z
  .object({
    version: z.number().int().min(1),
    definition: ProductDefinitionSchema,
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: 'ProductVersion' });

export const ProductListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(1024).optional(),
  type: z.enum(productTypes).optional(),
  status: z.enum(productStatuses).optional(),
});

export const ProductVersionQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

export const ProductFeesQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** A triggering amount (a withdrawal, a principal): each fee's charge on it is shown. */
  amount: z
    .string()
    .regex(plainAmount, 'Amounts are decimal strings, e.g. "100.50"')
    .max(30)
    .optional(),
});

export const ProductFeesSchema = z
  .object({
    productId: z.string(),
    version: z.number().int(),
    currency: z.string(),
    items: z.array(
      z.object({
        name: z.string(),
        trigger: z.enum(feeTriggers),
        type: z.enum(['FIXED', 'PERCENTAGE']),
        amount: MoneyValueSchema.optional(),
        rate: z.string().optional(),
        minimum: MoneyValueSchema.optional(),
        maximum: MoneyValueSchema.optional(),
        charge: MoneyValueSchema.optional(),
      }),
    ),
  })
  .meta({ id: 'ProductFees' });

export const InterestRateQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(1_000_000).optional(),
  balance: z
    .string()
    .regex(plainAmount, 'Balances are decimal strings, e.g. "2500.00"')
    .max(30)
    .optional(),
});

export const ProductInterestRateSchema = z
  .object({
    productId: z.string(),
    version: z.number().int(),
    currency: z.string(),
    /** The base rate; with tiers, each tier's rate applies from its `from`. */
    rate: z.string(),
    tiers: z.array(z.object({ from: MoneyValueSchema, rate: z.string() })),
    tierMode: z.enum(tierModes),
    dayCount: z.enum(dayCountConventions),
    compounding: z.enum(compoundingModes),
    postingFrequency: z.enum(postingFrequencies),
    rounding: z.string(),
    /** With `?balance=`: the balance, the tier it reaches and the effective annual rate on it. */
    balance: MoneyValueSchema.optional(),
    appliedTier: z.number().int().min(0).optional(),
    effectiveRate: z.string().optional(),
  })
  .meta({ id: 'ProductInterestRate' });

/** A term deposit's contract (GET /accounts/{id}/term-deposit). */
export const TermDepositSchema = z
  .object({
    accountId: z.string(),
    productId: z.string(),
    productVersion: z.number().int(),
    status: z.enum(['ACTIVE', 'MATURED', 'BROKEN']),
    principal: MoneyValueSchema,
    rate: z.string(),
    dayCount: z.enum(dayCountConventions),
    compounding: z.enum(termDepositCompoundings),
    interestPayout: z.enum(termDepositPayouts),
    termMonths: z.number().int(),
    startDate: z.string(),
    maturityDate: z.string(),
    term: z.number().int(),
    nextEventDate: z.string().optional(),
    maturityInstruction: z.object({
      type: z.enum(['PAYOUT', 'ROLLOVER']),
      includeInterest: z.boolean().optional(),
      accountId: z.string(),
    }),
    /** Principal plus interest at maturity, as the contract stands. */
    maturityAmount: MoneyValueSchema,
  })
  .meta({ id: 'TermDeposit' });

export const BreakTermDepositBodySchema = z
  .strictObject({
    toAccountId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
  })
  .optional()
  .meta({ id: 'BreakTermDepositRequest' });
