import type { ChainHead } from '../../domain/ledger/account';
import type { BusinessDate } from '../../domain/interest/business-date';
import type { DayCountConvention } from '../../domain/interest/day-count';
import type { PostingFrequency } from '../../domain/interest/accrual';
import type { CurrencyCode } from '../../domain/money';
import type { StoredDocument } from '../ledger/records';

/** Segments the sparse index of interest-bearing accounts is split into (EOD fan-out width). */
export const INTEREST_SEGMENTS = 8;

/**
 * An interest-bearing account's terms and accrual state (item `ACCOUNT#<id>` / `INTEREST`,
 * indexed sparsely on GSI3 `INTEREST#<segment>`). The totals are cumulative since the account
 * started accruing (shared/domain/interest/accrual.ts): `exact` unrounded, `bookedMinor` what
 * went to the GL (exact rounded once), `postedMinor` what was paid to the account.
 * `version` guards every change; the entity carries its own audit chain (`INTEREST#<id>`).
 */
export interface InterestState {
  readonly accountId: string;
  readonly currency: CurrencyCode;
  /** Annual rate as a decimal fraction string ("0.0365"). */
  readonly rate: string;
  readonly dayCount: DayCountConvention;
  readonly postingFrequency: PostingFrequency;
  /** The product version the account was opened on: the end of day reads its rates and fees. */
  readonly productId?: string | undefined;
  readonly productVersion?: number | undefined;
  readonly segment: number;
  readonly exact: string;
  readonly bookedMinor: bigint;
  readonly postedMinor: bigint;
  /** The last business date accrued; undefined before the first accrual. */
  readonly accruedThrough: BusinessDate | undefined;
  /** The last business date interest was posted for. */
  readonly postedThrough: BusinessDate | undefined;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The business date as stored (`SYSTEM` / `BUSINESSDATE`), with its audit chain head. */
export interface StoredBusinessDate {
  readonly date: BusinessDate;
  readonly version: number;
  readonly audit: ChainHead;
  readonly updatedAt: string;
}

export type EodRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface EodSegmentReport {
  readonly segment: number;
  readonly status: 'PENDING' | 'DONE' | 'FAILED';
  readonly attempts: number;
  readonly accounts: number;
  readonly error?: string | undefined;
}

/**
 * One end-of-day run for a business date (item `EODRUN#<id>` / `RUN`). Segment reports are read
 * from the segments' checkpoint items, so parallel segment workers never write the same item.
 */
export interface EodRun {
  readonly id: string;
  readonly businessDate: BusinessDate;
  readonly status: EodRunStatus;
  readonly steps: readonly string[];
  readonly segments: readonly EodSegmentReport[];
  readonly startedAt: string;
  readonly finishedAt: string | undefined;
  readonly advancedTo: BusinessDate | undefined;
  readonly error: string | undefined;
}

/**
 * Where a segment of a run got to (item `EODRUN#<id>` / `SEGMENT#<n>`): the steps done, the step
 * in progress and the last account id it finished, so a retry resumes after it.
 */
export interface EodCheckpoint {
  readonly runId: string;
  readonly segment: number;
  readonly stepsDone: readonly string[];
  readonly step: string | undefined;
  readonly afterAccountId: string | undefined;
  /** Accounts handled so far, over all steps. */
  readonly accounts: number;
  readonly status: EodSegmentReport['status'];
  readonly attempts: number;
  readonly error: string | undefined;
}

/** A page of the sparse index of active loans of one segment (GSI3 `LOANEOD#<segment>`). */
export interface LoanSegmentPage {
  readonly items: readonly StoredDocument[];
  readonly lastLoanId: string | undefined;
}

export interface InterestPage {
  readonly items: readonly InterestState[];
  readonly lastAccountId: string | undefined;
}

/** Reads of the interest module, and its operational records (runs and checkpoints). */
export interface InterestStore {
  getBusinessDate(): Promise<StoredBusinessDate | undefined>;
  /** Strongly consistent read of one account's state. */
  getInterestState(accountId: string): Promise<InterestState | undefined>;
  /** One page of a segment of the sparse index, in account id order, after `afterAccountId`. */
  listSegment(
    segment: number,
    afterAccountId: string | undefined,
    limit: number,
  ): Promise<InterestPage>;
  /** One page of a segment of the sparse index of ACTIVE loans, in loan id order. */
  listLoanSegment(
    segment: number,
    afterLoanId: string | undefined,
    limit: number,
  ): Promise<LoanSegmentPage>;
  /**
   * One page of the documents in a sparse GSI3 partition (e.g. `TDACTIVE#<segment>`, the active
   * term deposits), in id order after `afterId`; `lastLoanId` is the last id when more follow.
   */
  listSparseDocuments(
    partition: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<LoanSegmentPage>;
  putRun(run: EodRun): Promise<void>;
  getRun(runId: string): Promise<EodRun | undefined>;
  putCheckpoint(checkpoint: EodCheckpoint): Promise<void>;
  getCheckpoint(runId: string, segment: number): Promise<EodCheckpoint | undefined>;
}

/** What starting the end-of-day state machine for a date gave. */
export type EndOfDayStart =
  | { readonly kind: 'STARTED'; readonly executionId: string; readonly startedAt: string }
  /** An execution of that date exists already (finished, or running with another input). */
  | { readonly kind: 'ALREADY_EXISTS'; readonly executionId: string };

/**
 * Starts the end-of-day workflow for a business date (AWS: the EndOfDay Step Functions state
 * machine, infra/constructs/end-of-day.ts). One execution per date: its name derives from the
 * date, so a second request for the same date starts nothing.
 */
export interface EndOfDayStarter {
  start(businessDate: string): Promise<EndOfDayStart>;
}
