import * as z from 'zod';
import { dayCountConventions } from '../../domain/interest/day-count';
import { daysBetween, isBusinessDate } from '../../domain/interest/business-date';
import { arrearsBuckets } from '../../domain/lending/delinquency';
import { paymentFrequencies } from '../../domain/lending/due-dates';
import { loanStatuses } from '../../domain/lending/loan-status';
import { prepaymentModes } from '../../domain/lending/repayment';
import { amortizationMethods } from '../../domain/lending/schedule';
import { DateSchema } from './common-fields';
import { AmountSchema, CurrencySchema, MoneySchema, refineMoney } from './money';
import { RateSchema } from './products';
import { RefSchema } from './requests';

/** The longest first period accepted: a first payment at most a year after disbursement. */
export const MAX_FIRST_PERIOD_DAYS = 366;

/**
 * POST /loans: a loan application. Rates are decimal fractions ("0.12" = 12 % a year); the
 * principal is a decimal string at the currency's scale. Defaults follow issue #5: monthly,
 * French (EQUAL_INSTALLMENT), 30/360 (30E/360 ISDA, see shared/domain/interest/day-count.ts).
 */
export const LoanApplicationSchema = z
  .strictObject({
    customerId: RefSchema,
    productId: RefSchema.optional(),
    principal: AmountSchema,
    currency: CurrencySchema,
    annualInterestRate: RateSchema,
    termMonths: z.number().int().min(1).max(600),
    paymentFrequency: z.enum(paymentFrequencies).default('MONTHLY'),
    amortizationMethod: z.enum(amortizationMethods).default('EQUAL_INSTALLMENT'),
    dayCountConvention: z.enum(dayCountConventions).default('THIRTY_360'),
    expectedDisbursementDate: DateSchema,
    firstPaymentDate: DateSchema,
    gracePeriodDays: z.number().int().min(0).max(365).optional(),
  })
  .superRefine((value, context) => {
    refineMoney({ amount: value.principal, currency: value.currency }, context, {
      amount: 'principal',
      currency: 'currency',
    });
    const { expectedDisbursementDate: start, firstPaymentDate: first } = value;
    if (!isBusinessDate(start) || !isBusinessDate(first)) return;
    const days = daysBetween(start, first);
    if (days <= 0) {
      context.addIssue({
        code: 'custom',
        path: ['firstPaymentDate'],
        message: 'The first payment date must be after the expected disbursement date',
      });
    } else if (days > MAX_FIRST_PERIOD_DAYS) {
      context.addIssue({
        code: 'custom',
        path: ['firstPaymentDate'],
        message: `The first payment is due at most ${MAX_FIRST_PERIOD_DAYS} days after disbursement`,
      });
    }
  })
  .meta({ id: 'LoanApplication' });

export type LoanApplication = z.output<typeof LoanApplicationSchema>;

export const scheduleItemStatuses = [
  'PENDING',
  'DUE',
  'PARTIALLY_PAID',
  'PAID',
  'OVERDUE',
] as const;

export const ScheduleItemSchema = z
  .object({
    number: z.number().int().min(1),
    dueDate: DateSchema,
    principal: MoneySchema,
    interest: MoneySchema,
    fees: MoneySchema,
    penalties: MoneySchema,
    payment: MoneySchema,
    balance: MoneySchema,
    status: z.enum(scheduleItemStatuses),
  })
  .meta({ id: 'ScheduleItem' });

/** GET /loans/{id}/schedule. */
export const LoanScheduleSchema = z
  .object({ items: z.array(ScheduleItemSchema) })
  .meta({ id: 'LoanSchedule' });

export const LoanResponseSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    productId: z.string().optional(),
    productVersion: z.number().int().min(1).optional(),
    status: z.enum(loanStatuses),
    principal: MoneySchema,
    annualInterestRate: z.string(),
    termMonths: z.number().int(),
    paymentFrequency: z.enum(paymentFrequencies),
    amortizationMethod: z.enum(amortizationMethods),
    dayCountConvention: z.enum(dayCountConventions),
    expectedDisbursementDate: DateSchema,
    firstPaymentDate: DateSchema,
    gracePeriodDays: z.number().int(),
    outstandingPrincipal: MoneySchema,
    daysPastDue: z.number().int().min(0),
    arrearsBucket: z.enum(arrearsBuckets),
    createdAt: z.string(),
    /** Everything still owed, due or not (principal not yet due included). */
    outstanding: z
      .object({
        principal: MoneySchema,
        interest: MoneySchema,
        fees: MoneySchema,
        penalties: MoneySchema,
      })
      .optional(),
    /** The loan's sub-ledger account (product type LOAN, GL 1200), opened on approval. */
    accountId: z.string().optional(),
    disbursedToAccountId: z.string().optional(),
    disbursementDate: DateSchema.optional(),
    version: z.number().int().optional(),
  })
  .meta({ id: 'Loan' });

/** POST /loans/{id}/repayments. */
export const LoanRepaymentSchema = z
  .strictObject({
    amount: AmountSchema,
    currency: CurrencySchema,
    fromAccountId: RefSchema.optional(),
    prepaymentMode: z.enum(prepaymentModes).optional(),
    /** Issue #5's name for `prepaymentMode` (either may be sent; they must agree). */
    prepaymentStrategy: z.enum(prepaymentModes).optional(),
  })
  .superRefine((value, context) => refineMoney(value, context))
  .meta({ id: 'LoanRepayment' });

/** GET /loans/{id}/payoff?date=YYYY-MM-DD. */
export const PayoffQuerySchema = z.strictObject({ date: DateSchema });

export const PayoffQuoteSchema = z
  .object({
    asOf: DateSchema,
    principal: MoneySchema,
    interest: MoneySchema,
    fees: MoneySchema,
    penalties: MoneySchema,
    total: MoneySchema,
  })
  .meta({ id: 'PayoffQuote' });
