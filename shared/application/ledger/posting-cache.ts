import type { Account } from '../../domain/ledger/account';
import type { StoredCustomer } from './records';

/** How long an account found written elsewhere is read before each posting rather than remembered. */
export const CONTENDED_MS = 5_000;

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
 * An account that other containers write too makes that state stale more often than not, and a
 * write planned from stale state is a failed transaction, dearer than a read. So an account whose
 * remembered state turned out stale is planned from a fresh read for CONTENDED_MS; only the state
 * a group commit stages for the command after it in the same group (`staged`) is used anyway.
 *
 * One per runtime (a Lambda container), like its locks: containers never share it.
 */
export class PostingCache {
  private readonly accounts = new Map<string, { account: Account; staged: boolean }>();
  private readonly customers = new Map<string, StoredCustomer>();
  /** Epoch ms at which each account's remembered state was last found stale. */
  private readonly staleAt = new Map<string, number>();

  constructor(private readonly limit = 20_000) {}

  /** The remembered state of the accounts, unless one is missing or contended at `nowMs`. */
  read(accountIds: readonly string[], nowMs: number): PostingState | undefined {
    const found = new Map<string, Account>();
    const owners = new Map<string, StoredCustomer>();
    for (const id of accountIds) {
      const entry = this.accounts.get(id);
      if (entry === undefined) return undefined;
      if (!entry.staged && nowMs - (this.staleAt.get(id) ?? -Infinity) < CONTENDED_MS) {
        return undefined;
      }
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
      this.staleAt.clear();
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

  /** The remembered state of the accounts was stale: written elsewhere, so read them for a while. */
  stale(accountIds: readonly string[], nowMs: number): void {
    this.forget(accountIds);
    for (const id of accountIds) this.staleAt.set(id, nowMs);
  }
}
