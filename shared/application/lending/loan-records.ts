import { BankDecimal, Money, type CurrencyCode, type RoundingMode } from '../../domain/money';
import type { BusinessDate } from '../../domain/interest/business-date';
import type { DayCountConvention } from '../../domain/interest/day-count';
import type { ArrearsBucket, LateFeeRule } from '../../domain/lending/delinquency';
import type { PaymentFrequency } from '../../domain/lending/due-dates';
import type {
  Components,
  Installment,
  RepaymentComponent,
} from '../../domain/lending/installments';
import type { LoanStatus } from '../../domain/lending/loan-status';
import type { LoanInterestTerms } from '../../domain/lending/repayment';
import type { AmortizationMethod } from '../../domain/lending/schedule';
import type { ChainHead } from '../../domain/ledger/account';
import type { Clock } from '../ports';
import type { StoredDocument } from '../ledger/records';
import { segmentOf } from '../interest/deposit-interest';

/** The collection loans are stored in (shared/infrastructure/dynamodb keys.document). */
export const LOAN_COLLECTION = 'LOAN';
/** GSI1 partition listing a customer's loans. */
export const loansOfCustomer = (customerId: string): string => `LOANS#${customerId}`;
/** GSI3 partition of the sparse index of ACTIVE loans, per end-of-day segment. */
export const loanSegmentKey = (segment: number): string => `LOANEOD#${segment}`;

/**
 * A loan as stored: its terms fixed at origination, its installments (what is due and what was
 * paid of each), and where it is in the ledger once approved (`accountId`, a sub-ledger account of
 * product type LOAN under GL 1200).
 */
export interface Loan {
  readonly id: string;
  readonly customerId: string;
  readonly productId: string | undefined;
  readonly productVersion: number | undefined;
  readonly status: LoanStatus;
  readonly principal: Money;
  /** Nominal annual rate as a decimal fraction string ("0.12"). */
  readonly annualInterestRate: string;
  readonly termMonths: number;
  readonly paymentFrequency: PaymentFrequency;
  readonly amortizationMethod: AmortizationMethod;
  readonly dayCountConvention: DayCountConvention;
  readonly expectedDisbursementDate: BusinessDate;
  readonly firstPaymentDate: BusinessDate;
  readonly gracePeriodDays: number;
  readonly rounding: RoundingMode;
  readonly allocationOrder: readonly RepaymentComponent[];
  readonly lateFee: LateFeeRule | undefined;
  /** Annual penalty rate on overdue principal after grace ("0" for none). */
  readonly penaltyRate: string;
  readonly installments: readonly Installment[];
  readonly accountId: string | undefined;
  readonly disbursedToAccountId: string | undefined;
  readonly disbursementDate: BusinessDate | undefined;
  /** The last business date the end-of-day run was applied for (idempotency). */
  readonly lastEndOfDay: BusinessDate | undefined;
  /**
   * Interest (and penalty interest) accrued by the end of day to GL 1210 Interest receivable and
   * not yet settled by a repayment (zero on loans that never went through an end of day).
   */
  readonly interestReceivable: Money;
  /** The arrears bucket the last end of day recorded (CURRENT before any). */
  readonly arrearsBucket: ArrearsBucket;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * "Today" for loans: the clock's UTC date. The one place to switch to the bank's business date
 * (branch `eod`) when it exists; the loan routes take it as a function so tests can move it
 * between due dates without moving the clock that deadlines and tokens run on.
 */
export function loanToday(deps: { readonly clock: Clock }): BusinessDate {
  return deps.clock.now().toISOString().slice(0, 10) as BusinessDate;
}

export function interestTermsOf(loan: Loan): LoanInterestTerms {
  return {
    currency: loan.principal.currency,
    annualRate: new BankDecimal(loan.annualInterestRate),
    dayCount: loan.dayCountConvention,
    method: loan.amortizationMethod,
    frequency: loan.paymentFrequency,
    disbursementDate: loan.disbursementDate ?? loan.expectedDisbursementDate,
    rounding: loan.rounding,
  };
}

type Json = Record<string, unknown>;

const componentsJson = (c: Components): Json => ({
  fees: c.fees.toString(),
  penalties: c.penalties.toString(),
  interest: c.interest.toString(),
  principal: c.principal.toString(),
});

function componentsOf(json: unknown, currency: CurrencyCode): Components {
  const value = json as Record<'fees' | 'penalties' | 'interest' | 'principal', string>;
  return {
    fees: Money.of(value.fees, currency),
    penalties: Money.of(value.penalties, currency),
    interest: Money.of(value.interest, currency),
    principal: Money.of(value.principal, currency),
  };
}

function lateFeeJson(rule: LateFeeRule | undefined): Json | undefined {
  if (rule === undefined) return undefined;
  return rule.type === 'FIXED'
    ? { type: 'FIXED', amount: rule.amount.toString() }
    : { type: 'PERCENTAGE', rate: rule.rate.toString() };
}

/** The stored document of a loan: money as decimal strings, no floats. */
export function loanDocument(loan: Loan): StoredDocument {
  const data: Json = {
    ...loan,
    principal: loan.principal.toString(),
    currency: loan.principal.currency,
    interestReceivable: loan.interestReceivable.toString(),
    lateFee: lateFeeJson(loan.lateFee),
    audit: { ...loan.audit },
    installments: loan.installments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      due: componentsJson(i.due),
      paid: componentsJson(i.paid),
      lateFeeCharged: i.lateFeeCharged,
    })),
  };
  // JSON has no undefined: absent optional fields are left out.
  const defined = Object.fromEntries(
    Object.entries(data).filter(([, value]) => value !== undefined),
  );
  return {
    collection: LOAN_COLLECTION,
    id: loan.id,
    version: loan.version,
    data: defined,
    index: { partition: loansOfCustomer(loan.customerId), sort: loan.id },
    // Only ACTIVE loans are in the end-of-day index: any other status drops out with the put.
    ...(loan.status === 'ACTIVE'
      ? { sparseIndex: { partition: loanSegmentKey(segmentOf(loan.id)), sort: loan.id } }
      : {}),
  };
}

export function loanOf(document: StoredDocument): Loan {
  const data = document.data as Json;
  const currency = data.currency as CurrencyCode;
  const lateFee = data.lateFee as { type: string; amount?: string; rate?: string } | undefined;
  const optionalString = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : undefined;
  return {
    id: data.id as string,
    customerId: data.customerId as string,
    productId: optionalString(data.productId),
    productVersion: typeof data.productVersion === 'number' ? data.productVersion : undefined,
    status: data.status as LoanStatus,
    principal: Money.of(data.principal as string, currency),
    annualInterestRate: data.annualInterestRate as string,
    termMonths: data.termMonths as number,
    paymentFrequency: data.paymentFrequency as PaymentFrequency,
    amortizationMethod: data.amortizationMethod as AmortizationMethod,
    dayCountConvention: data.dayCountConvention as DayCountConvention,
    expectedDisbursementDate: data.expectedDisbursementDate as BusinessDate,
    firstPaymentDate: data.firstPaymentDate as BusinessDate,
    gracePeriodDays: data.gracePeriodDays as number,
    rounding: data.rounding as RoundingMode,
    allocationOrder: data.allocationOrder as RepaymentComponent[],
    lateFee:
      lateFee === undefined
        ? undefined
        : lateFee.type === 'FIXED'
          ? { type: 'FIXED', amount: Money.of(lateFee.amount as string, currency) }
          : { type: 'PERCENTAGE', rate: new BankDecimal(lateFee.rate as string) },
    penaltyRate: data.penaltyRate as string,
    installments: (data.installments as Json[]).map((i) => ({
      number: i.number as number,
      dueDate: i.dueDate as BusinessDate,
      due: componentsOf(i.due, currency),
      paid: componentsOf(i.paid, currency),
      lateFeeCharged: i.lateFeeCharged as boolean,
    })),
    accountId: optionalString(data.accountId),
    disbursedToAccountId: optionalString(data.disbursedToAccountId),
    disbursementDate: optionalString(data.disbursementDate) as BusinessDate | undefined,
    lastEndOfDay: optionalString(data.lastEndOfDay) as BusinessDate | undefined,
    interestReceivable: Money.of(optionalString(data.interestReceivable) ?? '0', currency),
    arrearsBucket: (optionalString(data.arrearsBucket) ?? 'CURRENT') as ArrearsBucket,
    version: document.version,
    audit: data.audit as ChainHead,
    createdAt: data.createdAt as string,
    updatedAt: data.updatedAt as string,
  };
}
