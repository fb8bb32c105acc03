import type { BusinessDate } from '../../domain/interest/business-date';
import type { DayCountConvention } from '../../domain/interest/day-count';
import type {
  EarlyWithdrawalPenalty,
  TermDepositCompounding,
  TermDepositPayout,
  TermDepositTerms,
} from '../../domain/interest/term-deposit';
import type { ChainHead } from '../../domain/ledger/account';
import { BankDecimal, Money, type CurrencyCode, type RoundingMode } from '../../domain/money';
import type { StoredDocument } from '../ledger/records';

export const TERM_DEPOSIT_COLLECTION = 'TERMDEPOSIT';
export const termDepositChainOf = (accountId: string): string => `TERM_DEPOSIT#${accountId}`;
/** GSI1 partition of the deposits with an event (period end or maturity) on `date`. */
export const termDepositsDue = (date: string, segment: number): string =>
  `TDDUE#${date}#${segment}`;
/** Sparse GSI3 partition of the ACTIVE deposits of a segment (the daily accrual reads it). */
export const activeTermDeposits = (segment: number): string => `TDACTIVE#${segment}`;

/**
 * What happens at maturity. PAYOUT: principal and interest go to `accountId`. ROLLOVER: a new term
 * starts on the maturity date; with `includeInterest` the interest is added to the principal,
 * otherwise it is paid to `accountId`.
 */
export type MaturityInstruction =
  | { readonly type: 'PAYOUT'; readonly accountId: string }
  | { readonly type: 'ROLLOVER'; readonly includeInterest: boolean; readonly accountId: string };

export type TermDepositStatus = 'ACTIVE' | 'MATURED' | 'BROKEN';

/**
 * A term deposit's contract (the account holds its principal): fixed from the product version at
 * opening (or at the last rollover), its next event date and its own audit chain.
 */
export interface TermDeposit {
  readonly accountId: string;
  readonly customerId: string;
  readonly productId: string;
  readonly productVersion: number;
  readonly principal: Money;
  /** Annual rate as a decimal fraction string. */
  readonly rate: string;
  readonly dayCount: DayCountConvention;
  readonly compounding: TermDepositCompounding;
  readonly payout: TermDepositPayout;
  readonly rounding: RoundingMode;
  readonly penalty: EarlyWithdrawalPenalty;
  readonly termMonths: number;
  readonly startDate: BusinessDate;
  readonly maturityDate: BusinessDate;
  readonly instruction: MaturityInstruction;
  readonly status: TermDepositStatus;
  /** The next date the end of day acts on (a PERIODIC payout or the maturity); none once closed. */
  readonly nextEventDate: BusinessDate | undefined;
  /** Periods whose interest was paid out already in this term (PERIODIC payout). */
  readonly periodsPaid: number;
  /** Terms run so far (1 + rollovers). */
  readonly term: number;
  /** Interest accrued (booked to 2100 Interest payable) and not yet paid out or capitalised. */
  readonly accrued: Money;
  /** The last date accrued; none before the first end of day of the term. */
  readonly accruedThrough: BusinessDate | undefined;
  readonly segment: number;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function termsOf(deposit: TermDeposit): TermDepositTerms {
  return {
    principal: deposit.principal,
    annualRate: new BankDecimal(deposit.rate),
    dayCount: deposit.dayCount,
    startDate: deposit.startDate,
    maturityDate: deposit.maturityDate,
    compounding: deposit.compounding,
    payout: deposit.payout,
    rounding: deposit.rounding,
  };
}

const penaltyJson = (penalty: EarlyWithdrawalPenalty) =>
  penalty.type === 'FORFEIT_DAYS'
    ? { type: penalty.type, days: penalty.days }
    : { type: penalty.type, rate: penalty.rate.toString() };

export function termDepositDocument(deposit: TermDeposit): StoredDocument {
  const data = {
    ...deposit,
    principal: deposit.principal.toString(),
    accrued: deposit.accrued.toString(),
    currency: deposit.principal.currency,
    penalty: penaltyJson(deposit.penalty),
    instruction: { ...deposit.instruction },
    audit: { ...deposit.audit },
  };
  const defined = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
  return {
    collection: TERM_DEPOSIT_COLLECTION,
    id: deposit.accountId,
    version: deposit.version,
    data: defined,
    index:
      deposit.nextEventDate === undefined
        ? undefined
        : {
            partition: termDepositsDue(deposit.nextEventDate, deposit.segment),
            sort: deposit.accountId,
          },
    sparseIndex:
      deposit.status === 'ACTIVE'
        ? { partition: activeTermDeposits(deposit.segment), sort: deposit.accountId }
        : undefined,
  };
}

export function termDepositOf(document: StoredDocument): TermDeposit {
  const data = document.data as Record<string, unknown>;
  const currency = data.currency as CurrencyCode;
  const penalty = data.penalty as {
    type: EarlyWithdrawalPenalty['type'];
    days?: number;
    rate?: string;
  };
  return {
    ...(data as unknown as TermDeposit),
    principal: Money.of(data.principal as string, currency),
    penalty:
      penalty.type === 'FORFEIT_DAYS'
        ? { type: 'FORFEIT_DAYS', days: Number(penalty.days) }
        : { type: penalty.type, rate: new BankDecimal(String(penalty.rate)) },
    nextEventDate:
      typeof data.nextEventDate === 'string' ? (data.nextEventDate as BusinessDate) : undefined,
    // Deposits opened before daily accrual have accrued nothing.
    accrued: Money.of(typeof data.accrued === 'string' ? data.accrued : '0', currency),
    accruedThrough:
      typeof data.accruedThrough === 'string' ? (data.accruedThrough as BusinessDate) : undefined,
    version: document.version,
  };
}
