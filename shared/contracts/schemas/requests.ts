import * as z from 'zod';
import { dayCountConventions } from '../../domain/interest/day-count';
import { RateSchema } from './products';
import { DateSchema, TextSchema, TimestampSchema } from './common-fields';
import { AmountSchema, CurrencySchema, refineMoney } from './money';

/** Ids in paths and bodies: opaque, bounded, URL-safe. Unknown ids are 404s, not 400s. */
export const RefSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Not a valid id');

export const channels = [
  'BRANCH',
  'ATM',
  'CASH',
  'ONLINE',
  'MOBILE',
  'WIRE',
  'ACH',
  'API',
  'CARD',
] as const;

const movementDetails = {
  description: TextSchema(500).optional(),
  reference: TextSchema(100).optional(),
  channel: z.enum(channels).optional(),
  valueDate: DateSchema.optional(),
};

export const DepositBodySchema = z
  .strictObject({
    accountId: RefSchema,
    amount: AmountSchema,
    currency: CurrencySchema,
    ...movementDetails,
  })
  .superRefine((value, context) => refineMoney(value, context))
  .meta({ id: 'DepositRequest' });

export const WithdrawBodySchema = DepositBodySchema.meta({ id: 'WithdrawalRequest' });

export const TransferBodySchema = z
  .strictObject({
    fromAccountId: RefSchema,
    toAccountId: RefSchema,
    amount: AmountSchema,
    currency: CurrencySchema,
    ...movementDetails,
  })
  // The same account on both sides is a business refusal (422 ACCOUNTS_MUST_BE_DIFFERENT).
  .superRefine((value, context) => refineMoney(value, context))
  .meta({ id: 'TransferRequest' });

export const FxTransferBodySchema = TransferBodySchema.meta({
  id: 'FxTransferRequest',
  description: '`amount` and `currency` are in the source account currency; the rate converts it.',
});

export const ReverseBodySchema = z
  .strictObject({ reason: TextSchema(500) })
  .meta({ id: 'ReversalRequest' });

export const PlaceHoldBodySchema = z
  .strictObject({
    amount: AmountSchema,
    currency: CurrencySchema,
    reason: TextSchema(200),
    expiresAt: TimestampSchema.optional(),
  })
  .superRefine((value, context) => refineMoney(value, context))
  .meta({ id: 'HoldRequest' });

export const StatusChangeBodySchema = z
  .strictObject({ reason: TextSchema(500).optional() })
  .optional()
  .meta({ id: 'AccountStatusChange' });

export const OpenAccountBodySchema = z
  .strictObject({
    customerId: RefSchema,
    /** The product to open on (its current version); or the shortcut `productType`. */
    productId: RefSchema.optional(),
    /** Without productId: the default product of the type (SAVINGS when neither is given). */
    productType: z.enum(['SAVINGS', 'CHECKING', 'TERM_DEPOSIT']).optional(),
    currency: CurrencySchema,
    name: TextSchema(100).optional(),
    overdraftLimit: AmountSchema.optional(),
    /** An opening amount moved from `fundingAccountId` (the principal of a term deposit). */
    amount: AmountSchema.optional(),
    fundingAccountId: RefSchema.optional(),
    /** TERM_DEPOSIT: the term in months. */
    termMonths: z.number().int().min(1).max(600).optional(),
    /** TERM_DEPOSIT: PAYOUT to accountId, or ROLLOVER (principal + interest unless includeInterest is false, then the interest goes to accountId); accountId defaults to the funding account. */
    maturityInstruction: z
      .strictObject({
        type: z.enum(['PAYOUT', 'ROLLOVER']),
        includeInterest: z.boolean().optional(),
        accountId: RefSchema.optional(),
      })
      .optional(),
    /** Annual interest rate as a decimal fraction ("0.0365"); the account then accrues daily. */
    interestRate: RateSchema.optional(),
    /** Day count of the interest (ACTUAL_365 by default); needs interestRate. */
    dayCount: z.enum(dayCountConventions).optional(),
  })
  .superRefine((value, context) => {
    if ((value.amount === undefined) !== (value.fundingAccountId === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [value.amount === undefined ? 'amount' : 'fundingAccountId'],
        message: 'amount and fundingAccountId go together',
      });
    }
    if (value.amount !== undefined) {
      refineMoney({ amount: value.amount, currency: value.currency }, context, {
        amount: 'amount',
        currency: 'currency',
      });
    }
    if (value.productId !== undefined && value.interestRate !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['interestRate'],
        message: "An account opened on a product earns the product version's interest",
      });
    }
    if (value.productId === undefined && value.productType === 'TERM_DEPOSIT') {
      context.addIssue({
        code: 'custom',
        path: ['productId'],
        message: 'A term deposit opens on a TERM_DEPOSIT product: give its productId',
      });
    }
    if (value.dayCount !== undefined && value.interestRate === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['dayCount'],
        message: 'dayCount needs interestRate',
      });
    }
    if (value.overdraftLimit !== undefined && !/^[0.]+$/.test(value.overdraftLimit)) {
      refineMoney({ amount: value.overdraftLimit, currency: value.currency }, context, {
        amount: 'overdraftLimit',
        currency: 'currency',
      });
    }
  })
  .meta({ id: 'OpenAccountRequest' });

const AddressSchema = z.strictObject({
  line1: TextSchema(200),
  line2: TextSchema(200).optional(),
  city: TextSchema(100),
  region: TextSchema(100).optional(),
  postalCode: TextSchema(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code'),
});

export const CreateCustomerBodySchema = z
  .strictObject({
    firstName: TextSchema(100),
    lastName: TextSchema(100),
    email: z.email().max(254),
    phone: z
      .string()
      .regex(/^\+?[1-9]\d{6,14}$/, 'E.164 phone number')
      .optional(),
    dateOfBirth: DateSchema.optional(),
    nationalId: TextSchema(40).optional(),
    address: AddressSchema.optional(),
    externalId: TextSchema(64).optional(),
  })
  .meta({ id: 'CreateCustomerRequest' });

/** PUT /customers/{id}: the create body again, replacing every personal field. */
export const ReplaceCustomerBodySchema = CreateCustomerBodySchema.meta({
  id: 'ReplaceCustomerRequest',
});

const TierSchema = z.union([
  z.number().int().min(0).max(3),
  z.enum(['TIER_0', 'TIER_1', 'TIER_2', 'TIER_3']),
]);

export const KycDecisionBodySchema = z
  .strictObject({
    status: z.enum(['PENDING', 'VERIFIED', 'REJECTED', 'EXPIRED']),
    tier: TierSchema.optional(),
    expiresAt: TimestampSchema.optional(),
    expiryDays: z.number().int().min(1).max(3650).optional(),
  })
  .superRefine((value, context) => {
    for (const field of ['expiresAt', 'expiryDays'] as const) {
      if (value[field] !== undefined && value.status !== 'VERIFIED') {
        context.addIssue({ code: 'custom', path: [field], message: 'Only with status VERIFIED' });
      }
    }
    if (value.expiresAt !== undefined && value.expiryDays !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['expiryDays'],
        message: 'Give expiresAt or expiryDays, not both',
      });
    }
  })
  .meta({ id: 'KycDecision' });

/** A share in percent: a decimal string 0..100 with at most 4 decimals. */
export const PercentageSchema = z
  .string()
  .max(9)
  .regex(/^(100(\.0{1,4})?|[1-9]?\d(\.\d{1,4})?)$/, 'A decimal string from 0 to 100');

export const AddBeneficiaryBodySchema = z
  .strictObject({
    name: TextSchema(200),
    relationship: TextSchema(50),
    percentage: PercentageSchema,
    contactInfo: TextSchema(300).optional(),
  })
  .meta({ id: 'AddBeneficiaryRequest' });

const lookupFilters = ['email', 'phone', 'nationalId', 'externalId'] as const;

/** GET /customers: exactly one exact-match filter, or none to list newest first. */
export const FindCustomersQuerySchema = z
  .strictObject({
    email: z.email().max(254).optional(),
    phone: z
      .string()
      .max(32)
      .regex(/^[+\d\s().-]+$/, 'A phone number')
      .refine((phone) => /^\d{7,15}$/.test(phone.replace(/\D/g, '')), 'A phone number')
      .optional(),
    nationalId: z
      .string()
      .max(40)
      .regex(/^[A-Za-z0-9\s.-]+$/, 'Letters, digits, spaces, dots and dashes')
      .optional(),
    externalId: TextSchema(64).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(1024).optional(),
  })
  .superRefine((value, context) => {
    const given = lookupFilters.filter((filter) => value[filter] !== undefined);
    if (given.length > 1) {
      context.addIssue({
        code: 'custom',
        path: [given[1] ?? 'email'],
        message: `Give at most one of ${lookupFilters.join(', ')}`,
      });
    }
    if (given.length === 1 && value.cursor !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: 'A lookup returns every match at once',
      });
    }
  });

export const FxRateBodySchema = z
  .strictObject({
    base: CurrencySchema,
    quote: CurrencySchema,
    rate: z
      .string()
      .max(30)
      .regex(/^(0|[1-9]\d{0,9})(\.\d{1,12})?$/, 'A positive decimal with at most 12 decimals')
      .refine((rate) => !/^[0.]+$/.test(rate), 'Rate must be greater than zero'),
  })
  .superRefine((value, context) => {
    if (value.base === value.quote) {
      context.addIssue({ code: 'custom', path: ['quote'], message: 'Must differ from base' });
    }
  })
  .meta({ id: 'FxRateRequest' });
