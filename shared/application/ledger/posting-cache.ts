import type { KycPeriod } from '../../domain/kyc-limits';
import type { Account } from '../../domain/ledger/account';
import type { CurrencyCode } from '../../domain/money';
import type { CommitResult, StoredCustomer, WriteOp } from './records';

/** Remembered state is used while at least this share of the writes planned from it was fresh. */
const TRUSTED = 0.5;
/** Below it, one posting in this many still plans from remembered state. */
const EXPLORE_ONE_IN = 10;
/** Weight of the latest outcome in the moving average. */
const FRESHNESS_WEIGHT = 0.25;

/**
 * The accounts of a posting, as a plan needs them (each carries its owner's KYC standing), and
 * the owners read with them when their standing moved.
 */
export interface PostingState {
  readonly accounts: ReadonlyMap<string, Account>;
  readonly customers: ReadonlyMap<string, StoredCustomer>;
  readonly idempotency: undefined;
}

/**
 * The accounts as this container last wrote them through a posting. The next posting on them
 * plans from that state and goes straight to the write: one round trip instead of two, which is
 * what a queue of requests on one account in one container waits on. Nothing in it is trusted
 * blindly: each account write is conditional on the version planned from and each owner on the
 * KYC version the account carries, so a change made elsewhere (another container, a freeze, a hold)
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
  /** Accounts whose last turn here came with others queued behind it, until when (epoch ms). */
  private readonly queues = new Map<string, number>();
  /** Moving average of the writes planned from remembered state that found it fresh (1) or not. */
  private freshness = 1;
  /** KYC period totals as seen here, in minor units: floors, since a period's total only grows. */
  private readonly kycTotals = new Map<string, bigint>();

  constructor(private readonly limit = 20_000) {}

  /**
   * The remembered state of the accounts, unless one is missing or the state has been proving
   * stale; `draw` is a uniform random number in [0, 1) that picks the exploring reads.
   */
  read(accountIds: readonly string[], draw: number): PostingState | undefined {
    const trusted = this.freshness >= TRUSTED || draw * EXPLORE_ONE_IN < 1;
    const found = new Map<string, Account>();
    for (const id of accountIds) {
      const entry = this.accounts.get(id);
      if (entry === undefined) return undefined;
      if (!entry.staged && !trusted) return undefined;
      found.set(id, entry.account);
    }
    // No owner is read with remembered state: a plan takes each owner's standing from the copy
    // its account carries, and the write's check of the owner's KYC version guards it.
    return { accounts: found, customers: new Map(), idempotency: undefined };
  }

  /**
   * Keeps the accounts as a commit left them; `staged` for the state a group commit plans the
   * next command of the group from, before the group's write.
   */
  remember(state: Pick<PostingState, 'accounts'>, staged = false): void {
    if (this.accounts.size >= this.limit) this.accounts.clear();
    // Commands that committed together may report back in any order: the newest state stays.
    for (const [id, account] of state.accounts) {
      if ((this.accounts.get(id)?.account.version ?? -1) <= account.version) {
        this.accounts.set(id, { account, staged });
      }
    }
  }

  forget(accountIds: readonly string[]): void {
    for (const id of accountIds) {
      this.accounts.delete(id);
    }
  }

  /**
   * The turn this container last had on `accountIds` came with others queued behind it
   * (`behind`), or not: while that is recent, its next command on them queues before reading.
   */
  queuedBehind(accountIds: readonly string[], behind: boolean, untilMs: number): void {
    if (this.queues.size >= this.limit) this.queues.clear();
    for (const id of accountIds) {
      if (behind) this.queues.set(id, untilMs);
      else this.queues.delete(id);
    }
  }

  /** One of the accounts had others queued behind this container's turn on it lately. */
  queuedLately(accountIds: readonly string[], nowMs: number): boolean {
    return accountIds.some((id) => (this.queues.get(id) ?? 0) > nowMs);
  }

  /**
   * What a transaction shows of KYC period totals: a refused increment brings back the total it
   * met, and a committed one adds its amount to a total already seen. A burst of postings past a
   * customer's limit then costs one refused write, not one each: the rest are refused as they
   * are planned (move-money's KYC check), which a floor makes safe. True when the refusal
   * raised what is known of the total.
   */
  learnKycTotals(ops: readonly WriteOp[], result: CommitResult): boolean {
    if (result.committed) {
      for (const op of ops) {
        if (op.kind !== 'addKycVolume') continue;
        const key = kycTotalKey(op.customerId, op.currency, op.period, op.periodKey);
        const seen = this.kycTotals.get(key);
        if (seen !== undefined) this.kycTotals.set(key, seen + op.amountMinor);
      }
      return false;
    }
    if (result.reason !== 'kyc-limit' || result.totalMinor === undefined) return false;
    if (this.kycTotals.size >= this.limit) this.kycTotals.clear();
    const key = kycTotalKey(result.customerId, result.currency, result.period, result.periodKey);
    const seen = this.kycTotals.get(key);
    if (seen !== undefined && seen >= result.totalMinor) return false;
    this.kycTotals.set(key, result.totalMinor);
    return true;
  }

  /**
   * The period increments of a transaction fit their limits above the totals seen here: a group
   * commit (group-commit.ts) ends before a command that would make the whole group fail.
   */
  fitsKycTotals(ops: readonly WriteOp[]): boolean {
    return ops.every((op) => {
      if (op.kind !== 'addKycVolume') return true;
      const seen = this.kycTotal(op.customerId, op.currency, op.period, op.periodKey);
      return seen === undefined || seen + op.amountMinor <= op.limitMinor;
    });
  }

  /** The highest total of a customer's KYC period seen here (a floor), if any. */
  kycTotal(
    customerId: string,
    currency: CurrencyCode,
    period: KycPeriod,
    periodKey: string,
  ): bigint | undefined {
    return this.kycTotals.get(kycTotalKey(customerId, currency, period, periodKey));
  }

  /** A write planned from remembered (not staged) state committed (fresh) or failed as stale. */
  proved(fresh: boolean): void {
    this.freshness = this.freshness * (1 - FRESHNESS_WEIGHT) + (fresh ? FRESHNESS_WEIGHT : 0);
  }
}

function kycTotalKey(
  customerId: string,
  currency: CurrencyCode,
  period: KycPeriod,
  periodKey: string,
): string {
  return [customerId, currency, period, periodKey].join('|');
}
