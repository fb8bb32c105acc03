import type { ChainHead, Account, AccountStatus } from '../../domain/ledger/account';
import type { GlCode } from '../../domain/ledger/chart-of-accounts';
import type { KycPeriod } from '../../domain/kyc-limits';
import type { JournalEntry } from '../../domain/ledger/journal-entry';
import type { CurrencyCode } from '../../domain/money';
import type { SealedFields, SubjectKey } from '../field-cipher';
import type { LookupField } from '../../domain/customer';
import type { User } from '../../domain/identity/user';
import type { Role } from '../../domain/identity/roles';
import type { InterestState, StoredBusinessDate } from '../interest/ports';

export type TransactionType =
  | 'DEPOSIT'
  | 'WITHDRAWAL'
  | 'TRANSFER'
  | 'FX_TRANSFER'
  | 'REVERSAL'
  | 'LOAN_DISBURSEMENT'
  | 'LOAN_REPAYMENT'
  | 'LOAN_WRITE_OFF'
  | 'INTEREST_POSTING'
  | 'FEE'
  | 'TERM_DEPOSIT_OPENING'
  | 'TERM_DEPOSIT_INTEREST'
  | 'TERM_DEPOSIT_MATURITY'
  | 'TERM_DEPOSIT_BREAK';

/** A money movement as clients see it; its journal entry holds the lines. */
export interface TransactionRecord {
  readonly id: string;
  readonly type: TransactionType;
  /**
   * POSTED or REVERSED once booked. A movement held for fraud review is PENDING_REVIEW until a
   * reviewer approves it (then POSTED) or rejects it (REJECTED, nothing booked); those two are
   * read from its review (shared/application/fraud/review.ts), never stored as transactions.
   */
  readonly status: 'POSTED' | 'REVERSED' | 'PENDING_REVIEW' | 'REJECTED';
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly fromAccountId: string | undefined;
  readonly toAccountId: string | undefined;
  /** The booked entry; absent while nothing is booked (PENDING_REVIEW, REJECTED). */
  readonly journalEntryId: string | undefined;
  readonly description: string | undefined;
  readonly reference: string | undefined;
  readonly channel: string | undefined;
  readonly valueDate: string;
  readonly bookingDate: string;
  readonly createdAt: string;
  readonly reversalOf: string | undefined;
  readonly reversedBy: string | undefined;
  readonly fx:
    | {
        readonly base: CurrencyCode;
        readonly quote: CurrencyCode;
        readonly rate: string;
        readonly convertedMinor: bigint;
        readonly convertedCurrency: CurrencyCode;
        readonly rounding: string;
      }
    | undefined;
  /** Bastion's decision, kept when it flagged the movement for review (REVIEW). */
  readonly fraud?: FraudMark | undefined;
  /** The product fees charged inside this posting (to 4100), in the transaction's currency. */
  readonly fee?: PostingFee | undefined;
}

/** Fees charged in a movement's own entry: to whom, how much (docs/products.md). */
export interface PostingFee {
  readonly accountId: string;
  readonly amountMinor: bigint;
  /** The product fees' names, shown on the account's history line of the fee. */
  readonly description: string;
}

/** A fraud decision as recorded on a transaction: the score as Bastion sent it, as a string. */
export interface FraudMark {
  readonly score: string | undefined;
  readonly action: 'APPROVE' | 'REVIEW' | 'BLOCK';
  readonly reasons: readonly string[];
  readonly source: string;
}

/** One line of an account's history, with the balance it left. */
export interface AccountLine {
  readonly accountId: string;
  readonly entryId: string;
  readonly transactionId: string;
  readonly type: TransactionType;
  readonly side: 'DEBIT' | 'CREDIT';
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly balanceAfterMinor: bigint;
  readonly description: string | undefined;
  readonly valueDate: string;
  readonly bookingDate: string;
  readonly postedAt: string;
  /** FEE: the fee part of a movement that charged one (its own history line). */
  readonly part?: 'FEE' | undefined;
}

export interface Hold {
  readonly id: string;
  readonly accountId: string;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly reason: string;
  readonly status: 'ACTIVE' | 'RELEASED' | 'EXPIRED';
  readonly expiresAt: string | undefined;
  readonly createdAt: string;
  readonly releasedAt: string | undefined;
}

/** One link of a hash chain: what changed, who did it, and the hash binding it to its past. */
export interface AuditRecord {
  readonly chainId: string;
  readonly seq: number;
  readonly at: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly action: string;
  readonly actor: string;
  /** Details without PII: ids, amounts, statuses. */
  readonly data: Readonly<Record<string, string>>;
  readonly prevHash: string;
  readonly hash: string;
}

/** A domain event recorded in the same transaction as its change (the outbox). */
export interface OutboxEvent {
  readonly id: string;
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** Position in the aggregate's own stream, so consumers can order and deduplicate. */
  readonly sequence: number;
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A stored first response to an idempotent request (API.md: replayed byte for byte). */
export interface IdempotencyRecord {
  readonly key: string;
  readonly operation: string;
  readonly requestHash: string;
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly expiresAtEpochSeconds: number;
}

/** Personal fields sealed under the customer's subject key (version marker `v: '2'`; legacy blobs have none). */
export interface SubjectSealedFields {
  readonly v: '2';
  /** Field name → base64url(iv ‖ ciphertext ‖ tag), AAD `<customerId>/<scope>|<field>`. */
  readonly fields: Readonly<Record<string, string>>;
}

/** A beneficiary as stored: only its id and date in the clear. */
export interface StoredBeneficiary {
  readonly id: string;
  readonly createdAt: string;
  readonly sealed: Readonly<Record<string, string>>;
}

/**
 * A customer as stored: identifying fields sealed, the rest in the clear. Current items hold
 * `subjectKey` and `pii` with `v: '2'`; items written before subject keys hold `pii` as
 * `SealedFields` (own data key) until the re-encryption job migrates them. An erased customer
 * holds neither.
 */
export interface StoredCustomer {
  readonly id: string;
  readonly externalId: string | undefined;
  readonly status: 'ACTIVE' | 'ERASED';
  readonly kycStatus: string;
  readonly kycTier: number;
  readonly kycVerifiedAt: string | undefined;
  readonly kycExpiresAt: string | undefined;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly erasedAt: string | undefined;
  readonly pii: SubjectSealedFields | SealedFields | undefined;
  readonly subjectKey: SubjectKey | undefined;
  readonly beneficiaries: readonly StoredBeneficiary[];
  /** The values of the customer's lookup index items (blind indexes; external id in clear). */
  readonly lookups: Readonly<Partial<Record<LookupField, string>>>;
  /** Legacy items only: the email blind index on GSI2 (replaced by index items). */
  readonly emailIndex: string | undefined;
}

/** A refresh token as stored: only a hash of its secret, in a family that rotates. */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly familyId: string;
  readonly userId: string;
  readonly username: string;
  readonly secretHash: string;
  readonly expiresAtEpochSeconds: number;
  readonly usedAt: string | undefined;
}

/**
 * A versioned JSON document of a module without its own item codec (loans, products): stored
 * under `collection#id`, optionally listed through GSI1 by `index` (partition, sort).
 */
export interface StoredDocument {
  readonly collection: string;
  readonly id: string;
  readonly version: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly index?: { readonly partition: string; readonly sort: string } | undefined;
  /** Optional sparse GSI3 entry (e.g. active loans by end-of-day segment); absent = not indexed. */
  readonly sparseIndex?: { readonly partition: string; readonly sort: string } | undefined;
}

/** A GL balance movement in one currency (debits and credits in minor units). */
export interface GlMovement {
  readonly code: GlCode;
  readonly currency: CurrencyCode;
  readonly debitMinor: bigint;
  readonly creditMinor: bigint;
}

/**
 * One write of a unit of work. The ledger adapter turns a list of these into a single atomic
 * transaction, each with the condition that protects it.
 */
export type WriteOp =
  | { readonly kind: 'createAccount'; readonly account: Account }
  | { readonly kind: 'createCustomer'; readonly customer: StoredCustomer }
  | {
      readonly kind: 'updateCustomer';
      readonly before: StoredCustomer;
      readonly after: StoredCustomer;
    }
  /** A lookup entry pointing at a customer (exact-match index item). */
  | {
      readonly kind: 'putCustomerLookup';
      readonly field: LookupField;
      readonly value: string;
      readonly customerId: string;
    }
  | {
      readonly kind: 'deleteCustomerLookup';
      readonly field: LookupField;
      readonly value: string;
      readonly customerId: string;
    }
  | { readonly kind: 'createUser'; readonly user: User }
  | { readonly kind: 'updateUser'; readonly before: User; readonly after: User }
  /** The id → username pointer of a new user (create-once: ids are unique). */
  | { readonly kind: 'claimUserId'; readonly userId: string; readonly username: string }
  | { readonly kind: 'createRole'; readonly role: Role }
  /** Claims a role name; a name released by a deleted role can be claimed again. */
  | { readonly kind: 'claimRoleName'; readonly name: string; readonly roleId: string }
  | { readonly kind: 'releaseRoleName'; readonly name: string; readonly roleId: string }
  /** Sets a role's description, permissions, limits and audit head, conditional on its version. */
  | { readonly kind: 'updateRole'; readonly before: Role; readonly after: Role }
  /** Soft-deletes a role (no DeleteItem: the table is append-only), only while no user holds it. */
  | { readonly kind: 'deleteRole'; readonly before: Role; readonly after: Role }
  /**
   * Adds to a live role's member counters in the commit that assigns, removes, enables or
   * disables; with `keepActiveAbove`, only while more active holders than that remain.
   */
  | {
      readonly kind: 'adjustRoleMembers';
      readonly roleId: string;
      readonly members: number;
      readonly activeMembers: number;
      readonly keepActiveAbove?: number;
    }
  | { readonly kind: 'putRefreshToken'; readonly token: RefreshTokenRecord }
  | { readonly kind: 'useRefreshToken'; readonly tokenId: string; readonly usedAt: string }
  | { readonly kind: 'revokeTokenFamily'; readonly familyId: string; readonly revokedAt: string }
  | {
      readonly kind: 'updateAccount';
      readonly before: Account;
      readonly after: Account;
      /** For debits: the conditional write re-checks available funds, not only the version. */
      readonly requireAvailableMinor?: bigint;
      readonly allowedStatuses?: readonly AccountStatus[];
      /**
       * The account's turn queue (run-command.ts), for commands that take turns on it:
       * `'unqueued'` writes only while nobody is queued on the account, so a command that skips
       * the queue cannot overtake the ones waiting in it; a ticket number writes only on that
       * ticket's turn and hands the turn to the next one. Batch jobs leave it out.
       */
      readonly turn?: 'unqueued' | number;
      /**
       * With a numbered `turn`: others were queued behind that ticket when its turn came, so the
       * hand-over marks the account contended for a moment (see the ledger adapter).
       */
      readonly turnContended?: boolean;
    }
  | { readonly kind: 'appendAudit'; readonly record: AuditRecord }
  | {
      readonly kind: 'registerChain';
      readonly chainId: string;
      readonly entityType: string;
      readonly entityId: string;
    }
  | { readonly kind: 'putTransaction'; readonly transaction: TransactionRecord }
  | { readonly kind: 'markReversed'; readonly transactionId: string; readonly reversedBy: string }
  | { readonly kind: 'putEntry'; readonly entry: JournalEntry }
  | { readonly kind: 'putAccountLine'; readonly line: AccountLine }
  | { readonly kind: 'moveGl'; readonly movement: GlMovement }
  | { readonly kind: 'putHold'; readonly hold: Hold }
  | { readonly kind: 'updateHold'; readonly before: Hold; readonly after: Hold }
  | { readonly kind: 'putEvent'; readonly event: OutboxEvent }
  | { readonly kind: 'putIdempotency'; readonly record: IdempotencyRecord }
  /** Hands the turn on a contended key to the next ticket (run-command's turn queue). */
  | { readonly kind: 'passTurn'; readonly queue: TurnQueue; readonly ticket: number }
  /** The customer is still at the version (KYC standing) the unit of work was decided on. */
  | { readonly kind: 'checkCustomer'; readonly customerId: string; readonly version: number }
  /** Adds to a customer's running volume for a KYC period, refused past the tier's limit. */
  | {
      readonly kind: 'addKycVolume';
      readonly customerId: string;
      readonly currency: CurrencyCode;
      readonly period: KycPeriod;
      readonly periodKey: string;
      readonly amountMinor: bigint;
      readonly limitMinor: bigint;
      readonly tier: number;
    }
  | {
      readonly kind: 'putChainHead';
      readonly chainId: string;
      readonly before: ChainHead;
      readonly after: ChainHead;
    }
  /** Creates (before undefined) or replaces an account's interest state, conditional on its version. */
  | {
      readonly kind: 'putInterestState';
      readonly before: InterestState | undefined;
      readonly after: InterestState;
    }
  /** Create-once marker of an account's accrual or posting for a business date (idempotency). */
  | {
      readonly kind: 'putInterestMarker';
      readonly accountId: string;
      readonly marker: 'ACCRUAL' | 'POSTING';
      readonly date: string;
      readonly amountMinor: bigint;
      readonly currency: CurrencyCode;
      readonly at: string;
    }
  /** Sets the business date, conditional on the stored version (create-once when before is undefined). */
  | {
      readonly kind: 'putBusinessDate';
      readonly before: StoredBusinessDate | undefined;
      readonly after: StoredBusinessDate;
    }
  /** Creates a document (expectedVersion absent) or replaces the one still at expectedVersion. */
  | {
      readonly kind: 'putDocument';
      readonly document: StoredDocument;
      readonly expectedVersion?: number;
    }
  | {
      readonly kind: 'putFxRate';
      readonly base: CurrencyCode;
      readonly quote: CurrencyCode;
      readonly rate: string;
      readonly asOf: string;
    };

/**
 * Where a turn queue (run-command.ts) lives: on an account item itself, where every write of a
 * command taking turns sees it, or on an item of its own for any other key.
 */
export type TurnQueue = { readonly account: string } | { readonly key: string };

/** Why a unit of work did not commit. */
export type CommitFailure =
  /**
   * An entity changed since it was read (version or status condition): re-read and retry. The
   * accounts whose version moved come back as they are now (DynamoDB returns the item with the
   * failed condition), so a retry can plan from them without reading again.
   */
  | {
      readonly reason: 'stale';
      readonly current?: readonly Account[];
      /**
       * Commands are queued on one of the accounts, or it was marked contended a moment ago: a
       * command that skipped the queue joins it.
       */
      readonly queued?: boolean;
      /** Which of the accounts those are, when the failed write said so. */
      readonly queuedOn?: readonly string[];
      /** Customers whose version moved since the plan: the retry reads them before planning. */
      readonly staleOwners?: readonly string[];
    }
  /** DynamoDB cancelled for contention or throttling even after the SDK's retries. */
  | { readonly reason: 'contended' }
  /** The turn this command held on a contended key was passed on (it looked stalled). */
  | { readonly reason: 'turn-lost' }
  /** Another request with the same idempotency key committed first. */
  | { readonly reason: 'idempotency-key-taken' }
  /** The transaction was reversed by someone else first. */
  | { readonly reason: 'already-reversed'; readonly transactionId: string }
  /** A hold was released or expired meanwhile. */
  | { readonly reason: 'hold-not-active'; readonly holdId: string }
  /** A refresh token was spent by a concurrent request. */
  | { readonly reason: 'token-already-used' }
  /** Funds fell below the requirement at write time although the version matched. */
  | { readonly reason: 'insufficient-funds'; readonly accountId: string }
  /** A customer's running volume for a KYC period would pass the tier's limit. */
  | {
      readonly reason: 'kyc-limit';
      readonly customerId: string;
      readonly period: KycPeriod;
      readonly periodKey: string;
      /** The period's total when the write was refused (DynamoDB returns the item). */
      readonly totalMinor?: bigint;
      readonly limitMinor: bigint;
      readonly currency: CurrencyCode;
      readonly tier: number;
    };

export type CommitResult =
  { readonly committed: true } | ({ readonly committed: false } & CommitFailure);
