import type { Account, ChainHead } from '../../domain/ledger/account';
import type { GlCode } from '../../domain/ledger/chart-of-accounts';
import type { JournalEntry } from '../../domain/ledger/journal-entry';
import type { FxRate } from '../../domain/ledger/posting-rules';
import type { CurrencyCode } from '../../domain/money';
import type { AuditCheckpoint } from '../audit/checkpoints';
import type { User } from '../../domain/identity/user';
import type { Role } from '../../domain/identity/roles';
import type {
  AccountLine,
  AuditRecord,
  CommitResult,
  Hold,
  IdempotencyRecord,
  RefreshTokenRecord,
  StoredCustomer,
  StoredDocument,
  TransactionRecord,
  TurnQueue,
  WriteOp,
} from './records';

/** A pagination cursor the store cannot read: the client sent something it was not given. */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

/**
 * The store could not learn whether a write was applied: it kept failing without a verdict. The
 * write is idempotent on its request token, so nothing was applied twice; the client sends the
 * request again under its Idempotency-Key and gets the one answer.
 */
export class WriteOutcomeUnknownError extends Error {
  constructor(cause: unknown) {
    super('The ledger did not confirm the write', { cause });
    this.name = 'WriteOutcomeUnknownError';
  }
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface GlBalance {
  readonly code: GlCode;
  readonly currency: CurrencyCode;
  readonly debitsMinor: bigint;
  readonly creditsMinor: bigint;
}

export interface AuditChainInfo {
  readonly chainId: string;
  readonly entityType: string;
  readonly entityId: string;
}

export interface UserFilter {
  readonly role?: string | undefined;
  readonly active?: boolean | undefined;
}

export interface AuditFilter {
  readonly entityType?: string | undefined;
  readonly entityId?: string | undefined;
}

/** Whose turn it is in a queue, whether that ticket was given up, and the account it is on. */
export interface TurnState {
  readonly serving: number;
  /** An account queue's tickets drawn so far: more than one past the one served, others wait. */
  readonly issued?: number;
  readonly givenUp: boolean;
  /** An account queue's account, as it is now. */
  readonly account?: Account;
  /** The other accounts asked for with an account queue's look, read in the same round trip. */
  readonly alongside?: readonly Account[];
  /** Those of them with commands queued on them, or marked contended a moment ago. */
  readonly queuedAlongside?: readonly string[];
}

/**
 * The ledger's storage. Reads are strongly consistent where a decision depends on them; every
 * change is a unit of work committed atomically by `commit`, whose conditions (versions, funds,
 * statuses, create-once keys) are the final guard against concurrent requests.
 */
export interface LedgerStore {
  /**
   * One round trip: the accounts, the idempotency record when a key is given, and the customers
   * asked for (the owners a posting must check KYC limits for).
   */
  loadAccounts(
    accountIds: readonly string[],
    idempotencyKey?: string,
    customerIds?: readonly string[],
  ): Promise<{
    accounts: ReadonlyMap<string, Account>;
    idempotency: IdempotencyRecord | undefined;
    customers: ReadonlyMap<string, StoredCustomer>;
    /**
     * Accounts with commands queued on them (run-command's turn queue), or marked contended a
     * moment ago, when there are any: a command that reads one queues rather than race.
     */
    queuedOn?: ReadonlySet<string>;
  }>;
  getIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  commit(ops: readonly WriteOp[]): Promise<CommitResult>;
  /**
   * The turn queue of a contended key (a ticket lock): used only once a command is contended, so
   * that containers contending for a hot account are served in arrival order instead of
   * colliding. An account's queue lives on the account item (run-command.ts). `takeTicket` draws
   * the next number (one UpdateItem) and says whose turn it is, or `undefined` when the queue's
   * item stayed busy with other writes (nothing drawn: try again); `servingTurn` reads whose turn
   * it is (0 for a key never queued on) and whether that ticket's holder gave up, with the
   * `alongside` accounts in the same round trip for an account queue; `passTurn` moves the turn
   * from `ticket` to the next one, false if it had already moved or could not be moved (then it
   * moves on as stalled). A commit passes its turns itself (WriteOp passTurn, or on
   * an account the `turn` of its update).
   */
  takeTicket(queue: TurnQueue): Promise<(TurnState & { readonly ticket: number }) | undefined>;
  servingTurn(queue: TurnQueue, alongside?: readonly string[]): Promise<TurnState>;
  passTurn(queue: TurnQueue, ticket: number): Promise<boolean>;
  /**
   * A waiter gives up before its turn: its ticket is marked given up, so that whoever finds the
   * turn on it passes it on at once (`servingTurn` says `givenUp`) instead of waiting for it to
   * look stalled. Nothing is marked once the turn has gone past the ticket.
   */
  abandonTicket(queue: TurnQueue, ticket: number): Promise<void>;

  getCustomer(customerId: string): Promise<StoredCustomer | undefined>;
  /** Customers whose blind index for `field` equals `index` (exact match, no decryption). */
  findCustomersByIndex(field: 'email', index: string): Promise<readonly StoredCustomer[]>;
  getUser(username: string): Promise<User | undefined>;
  /** A user by id (strongly consistent, through the id pointer written with the user). */
  getUserById(userId: string): Promise<User | undefined>;
  /** Users in username order, optionally only holders of `role` and/or of an `active` state. */
  listUsers(filter: UserFilter, page: PageRequest): Promise<Page<User>>;
  /** A live (not deleted) role. */
  getRole(roleId: string): Promise<Role | undefined>;
  /** The live roles among `roleIds`, in one round trip; missing or deleted ones are left out. */
  getRoles(roleIds: readonly string[]): Promise<readonly Role[]>;
  /** The id of the live role holding `name`, if any. */
  roleIdByName(name: string): Promise<string | undefined>;
  /** Live roles in name order. */
  listRoles(page: PageRequest): Promise<Page<Role>>;
  getRefreshToken(tokenId: string): Promise<RefreshTokenRecord | undefined>;
  isTokenFamilyRevoked(familyId: string): Promise<boolean>;
  getTransaction(transactionId: string): Promise<TransactionRecord | undefined>;
  getEntry(entryId: string): Promise<JournalEntry | undefined>;
  listAccountLines(accountId: string, page: PageRequest): Promise<Page<AccountLine>>;
  listCustomerAccounts(customerId: string, page: PageRequest): Promise<Page<Account>>;
  listHolds(accountId: string): Promise<readonly Hold[]>;
  getHold(accountId: string, holdId: string): Promise<Hold | undefined>;
  glBalances(): Promise<readonly GlBalance[]>;

  /** A document of `collection` (strongly consistent). */
  getDocument(collection: string, id: string): Promise<StoredDocument | undefined>;
  /** Documents listed under an index partition, in sort-key order. */
  listDocuments(partition: string, page: PageRequest): Promise<Page<StoredDocument>>;

  getFxRate(
    base: CurrencyCode,
    quote: CurrencyCode,
  ): Promise<(FxRate & { asOf: string }) | undefined>;
  listFxRates(): Promise<readonly (FxRate & { asOf: string })[]>;

  getChainHead(chainId: string): Promise<ChainHead | undefined>;
  listChains(): Promise<readonly AuditChainInfo[]>;
  readChain(chainId: string): Promise<readonly AuditRecord[]>;
  listAuditRecords(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>>;
  saveCheckpoint(checkpoint: AuditCheckpoint): Promise<void>;
  latestCheckpoint(): Promise<AuditCheckpoint | undefined>;
}
