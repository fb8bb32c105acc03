import type { Account } from '../../domain/ledger/account';
import type { StoredCustomer } from './records';

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
 * One per runtime (a Lambda container), like its locks: containers never share it.
 */
export class PostingCache {
  private readonly accounts = new Map<string, Account>();
  private readonly customers = new Map<string, StoredCustomer>();

  constructor(private readonly limit = 20_000) {}

  read(accountIds: readonly string[]): PostingState | undefined {
    const found = new Map<string, Account>();
    const owners = new Map<string, StoredCustomer>();
    for (const id of accountIds) {
      const account = this.accounts.get(id);
      const owner = account === undefined ? undefined : this.customers.get(account.customerId);
      if (account === undefined || owner === undefined) return undefined;
      found.set(id, account);
      owners.set(owner.id, owner);
    }
    return { accounts: found, customers: owners, idempotency: undefined };
  }

  remember(state: Pick<PostingState, 'accounts' | 'customers'>): void {
    if (this.accounts.size >= this.limit || this.customers.size >= this.limit) {
      this.accounts.clear();
      this.customers.clear();
    }
    // Commands that committed together may report back in any order: the newest state stays.
    for (const [id, account] of state.accounts) {
      if ((this.accounts.get(id)?.version ?? -1) <= account.version) this.accounts.set(id, account);
    }
    for (const [id, customer] of state.customers) {
      if ((this.customers.get(id)?.version ?? -1) <= customer.version) {
        this.customers.set(id, customer);
      }
    }
  }

  forget(accountIds: readonly string[]): void {
    for (const id of accountIds) {
      const account = this.accounts.get(id);
      this.accounts.delete(id);
      if (account !== undefined) this.customers.delete(account.customerId);
    }
  }
}
