import type { Account } from '../../domain/ledger/account';
import type { StoredCustomer } from './records';

/** Remembered state is used while at least this share of the writes planned from it was fresh. */
const TRUSTED = 0.5;
/** Below it, one posting in this many still plans from remembered state. */
const EXPLORE_ONE_IN = 10;
/** Weight of the latest outcome in the moving average. */
const FRESHNESS_WEIGHT = 0.25;

/** The accounts of a posting and their owners, as a plan needs them. */
export interface PostingState {
  readonly accounts: ReadonlyMap<string, Account>;
  readonly customers: ReadonlyMap<string, StoredCustomer>;
  readonly idempotency: undefined;
}

/**
 * The accounts (and their owners) as this container last wrote them through a posting. The next
 * posting on them plans from that state and goes straight to the write: one round trip instead
 * of two, which is what a queue of requests on one account in one container waits on. Nothing
 * in it is trusted blindly: each account write is conditional on the version planned from and
 * each owner on its KYC version, so a change made elsewhere (another container, a freeze, a hold)
 * fails the write, DynamoDB hands back the account as it is, and the command plans again from
 * that with these entries dropped; a refusal planned from it is confirmed by a fresh read.
 *
 * When other containers write the same accounts, that state is stale more often than not, and a
 * write planned from stale state is a failed transaction, dearer than a read. So the cache keeps
 * a moving average of how often the writes planned from it found it fresh: below TRUSTED, a
 * posting reads first (one in EXPLORE_ONE_IN still tries the cache, to notice when this container
 * is again the only writer). The state a group commit stages for the next command of the same
 * group (`staged`) is always used: nobody else can have written it.
 *
 * One per runtime (a Lambda container), like its locks: containers never share it.
 */
export class PostingCache {
  private readonly accounts = new Map<string, { account: Account; staged: boolean }>();
  private readonly customers = new Map<string, StoredCustomer>();
  /** Moving average of the writes planned from remembered state that found it fresh (1) or not. */
  private freshness = 1;

  constructor(private readonly limit = 20_000) {}

  /**
   * The remembered state of the accounts, unless one is missing or the state has been proving
   * stale; `draw` is a uniform random number in [0, 1) that picks the exploring reads.
   */
  read(accountIds: readonly string[], draw: number): PostingState | undefined {
    const trusted = this.freshness >= TRUSTED || draw * EXPLORE_ONE_IN < 1;
    const found = new Map<string, Account>();
    const owners = new Map<string, StoredCustomer>();
    for (const id of accountIds) {
      const entry = this.accounts.get(id);
      if (entry === undefined) return undefined;
      if (!entry.staged && !trusted) return undefined;
      const owner = this.customers.get(entry.account.customerId);
      if (owner === undefined) return undefined;
      found.set(id, entry.account);
      owners.set(owner.id, owner);
    }
    return { accounts: found, customers: owners, idempotency: undefined };
  }

  /**
   * Keeps the accounts as a commit left them; `staged` for the state a group commit plans the
   * next command of the group from, before the group's write.
   */
  remember(state: Pick<PostingState, 'accounts' | 'customers'>, staged = false): void {
    if (this.accounts.size >= this.limit || this.customers.size >= this.limit) {
      this.accounts.clear();
      this.customers.clear();
    }
    // Commands that committed together may report back in any order: the newest state stays.
    for (const [id, account] of state.accounts) {
      if ((this.accounts.get(id)?.account.version ?? -1) <= account.version) {
        this.accounts.set(id, { account, staged });
      }
    }
    for (const [id, customer] of state.customers) {
      if ((this.customers.get(id)?.version ?? -1) <= customer.version) {
        this.customers.set(id, customer);
      }
    }
  }

  forget(accountIds: readonly string[]): void {
    for (const id of accountIds) {
      const entry = this.accounts.get(id);
      this.accounts.delete(id);
      if (entry !== undefined) this.customers.delete(entry.account.customerId);
    }
  }

  /** A write planned from remembered (not staged) state committed (fresh) or failed as stale. */
  proved(fresh: boolean): void {
    this.freshness = this.freshness * (1 - FRESHNESS_WEIGHT) + (fresh ? FRESHNESS_WEIGHT : 0);
  }
}
