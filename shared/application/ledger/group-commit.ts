import type { Dependencies } from '../ports';
import type { PostingState } from './posting-cache';
import type { CommitFailure, WriteOp } from './records';

/**
 * Group commit for a hot account in one process.
 *
 * Commands on the same accounts in one runtime take turns on the in-process locks, and each turn
 * is a DynamoDB round trip: a burst of 100 withdrawals on one account waits for 100 commits in a
 * row. Instead, the command whose turn it is (the leader) plans the commands queued behind it on
 * the same accounts too, each from the state the previous one leaves (the posting cache), and
 * writes them all in one transaction: one round trip for the group, every command still all or
 * nothing with the others in it, in the order they arrived. Each keeps its own journal entry,
 * history line, audit record, event and idempotency record; the items they share (the account,
 * the GL balances, the KYC period totals, the owner's version check) become one write with the
 * combined effect and the first command's conditions, so a change made elsewhere meanwhile fails
 * the whole group, and then every command runs on its own again as before (a KYC limit refusal
 * that teaches a higher period total lets them group again, stopping short of the limit).
 *
 * Only writes with a known item identity are grouped; anything else (a loan, a reversal) runs
 * alone. DynamoDB's limit of 100 items per transaction bounds a group.
 */

/** DynamoDB's TransactWriteItems limit. */
export const MAX_GROUP_ITEMS = 100;

/** What a queued command offers the leader: a plan it can join the group with, or an answer. */
export type Tentative =
  | {
      readonly kind: 'ops';
      /** Everything it writes, its idempotency record included. */
      readonly ops: readonly WriteOp[];
      /** Planned from the posting cache, i.e. on top of the group so far. */
      readonly speculative: boolean;
      /** The accounts as its writes leave them: the next command plans from this. */
      readonly after: PostingState | undefined;
      /** It is in a group that committed. */
      readonly settle: () => void;
    }
  /** A refusal or a replay: its answer, as final as planning it alone would be. */
  | { readonly kind: 'final'; readonly settle: () => void };

/** A command waiting for its turn on a set of accounts in this process. */
export interface GroupMember {
  readonly keyset: string;
  readonly deadlineAt: number | undefined;
  /** Its group failed once: it runs alone from now on. */
  solo: boolean;
  settled: boolean;
  /** A leader is planning or writing it in its group: it waits for the outcome. */
  claimed: boolean;
  /** It stopped waiting (out of time): no leader may take it any more. */
  withdrawn: boolean;
  tentative(): Promise<Tentative>;
  fail(error: unknown): void;
}

/** How long a slow unit of work is remembered: its weight halves every this many ms. */
const SLOW_HALF_LIFE_MS = 10_000;

/** The commands waiting on each set of accounts, in arrival order. One per runtime, like its locks. */
export class CommitGroups {
  private readonly waiting = new Map<string, Set<GroupMember>>();
  private slowMs = 0;
  private slowAt = 0;

  /** Records how long a unit of work (a read and a commit, or a group's plans and commit) took. */
  noteDuration(ms: number, now = Date.now()): void {
    this.slowMs = Math.max(ms, this.recentSlowMs(now));
    this.slowAt = now;
  }

  /**
   * The time a unit of work must have left to start: the floor, or one and a half of the
   * slowest seen lately in this runtime (a loaded table or machine), fading as it recovers.
   */
  allowanceMs(floorMs: number, now = Date.now()): number {
    return Math.max(floorMs, Math.ceil(1.5 * this.recentSlowMs(now)));
  }

  private recentSlowMs(now: number): number {
    return this.slowMs * 0.5 ** (Math.max(0, now - this.slowAt) / SLOW_HALF_LIFE_MS);
  }

  static keyset(keys: readonly string[]): string {
    return [...new Set(keys)].sort().join('\u0000');
  }

  join(member: GroupMember): void {
    const members = this.waiting.get(member.keyset) ?? new Set<GroupMember>();
    members.add(member);
    this.waiting.set(member.keyset, members);
  }

  leave(member: GroupMember): void {
    const members = this.waiting.get(member.keyset);
    members?.delete(member);
    if (members?.size === 0) this.waiting.delete(member.keyset);
  }

  /** Those still waiting on exactly these accounts that may join a group, oldest first. */
  waitingWith(member: GroupMember): GroupMember[] {
    return [...(this.waiting.get(member.keyset) ?? [])].filter(
      (other) => other !== member && !other.solo && !other.settled && !other.withdrawn,
    );
  }
}

type GroupDeps = Pick<Dependencies, 'ledger' | 'postingCache' | 'clock' | 'logger'>;

/**
 * The leader plans itself and the followers in order and commits those that fit as one
 * transaction. Returns what happened to the leader: `settled` (its answer is in), or `alone`
 * when it must run its own attempt loop (its plan did not go in, or the group failed).
 */
export async function commitAsGroup(
  deps: GroupDeps,
  keys: readonly string[],
  leader: GroupMember,
  followers: readonly GroupMember[],
  minimumTimeLeftMs: number,
): Promise<'settled' | 'alone'> {
  try {
    return await leadGroup(deps, keys, leader, followers, minimumTimeLeftMs);
  } finally {
    // Settled or not, none of them is the leader's any more.
    for (const member of [leader, ...followers]) member.claimed = false;
  }
}

async function leadGroup(
  deps: GroupDeps,
  keys: readonly string[],
  leader: GroupMember,
  followers: readonly GroupMember[],
  minimumTimeLeftMs: number,
): Promise<'settled' | 'alone'> {
  const joined: { member: GroupMember; tentative: Extract<Tentative, { kind: 'ops' }> }[] = [];
  let merged: WriteOp[] = [];
  let previousAfter: PostingState | undefined;
  for (const member of [leader, ...followers]) {
    const now = deps.clock.now().getTime();
    if (member.deadlineAt !== undefined && now > member.deadlineAt - minimumTimeLeftMs) {
      if (member === leader) return 'alone';
      continue; // It answers for itself (out of time) when its turn comes.
    }
    // Gone out of time, or answered, since the leader found it waiting.
    if (member !== leader && (member.withdrawn || member.settled)) continue;
    member.claimed = true;
    // The next command plans from the state the group leaves so far.
    if (previousAfter !== undefined) deps.postingCache.remember(previousAfter, true);
    let tentative: Tentative;
    try {
      tentative = await member.tentative();
    } catch (error) {
      if (joined.length > 0) deps.postingCache.forget(keys);
      if (member === leader) throw error;
      break; // It plans again (and fails on its own) when its turn comes.
    }
    if (tentative.kind === 'final') {
      // With nothing planned before it, a refusal or replay stands; after uncommitted commands
      // it might not, so it waits for its own turn.
      if (joined.length > 0) break;
      tentative.settle();
      continue;
    }
    if (joined.length > 0 && !tentative.speculative) break;
    const combined = mergeWrites([...merged, ...tentative.ops]);
    if (combined === undefined || combined.length > MAX_GROUP_ITEMS) {
      if (joined.length === 0) return 'alone';
      break;
    }
    // Past a KYC limit above the total seen, it would fail the group: it waits for its turn.
    if (joined.length > 0 && !deps.postingCache.fitsKycTotals(combined)) break;
    merged = combined;
    joined.push({ member, tentative });
    previousAfter = tentative.after;
  }
  if (joined.length === 0) return leader.settled ? 'settled' : 'alone';
  let committed: Awaited<ReturnType<GroupDeps['ledger']['commit']>>;
  try {
    committed = await deps.ledger.commit(merged);
  } catch (error) {
    // Whether it was written is unknown: every command in it answers with the error, as it
    // would have alone.
    deps.postingCache.forget(keys);
    for (const { member } of joined) member.fail(error);
    return 'settled';
  }
  const learned = deps.postingCache.learnKycTotals(merged, committed);
  if (committed.committed) {
    for (const { tentative } of joined) {
      tentative.settle();
      if (tentative.after !== undefined) deps.postingCache.remember(tentative.after);
    }
    deps.logger.debug('group commit', { commands: joined.length, items: merged.length });
    return leader.settled ? 'settled' : 'alone';
  }
  groupFailed(deps, keys, joined, committed, learned);
  return leader.settled ? 'settled' : 'alone';
}

/**
 * A failed group's commands run alone from then on, each from a fresh plan. One exception: a
 * group refused on a KYC limit whose refusal taught this runtime a higher period total may form
 * again, since the next group stops short of the limit above that total (`fitsKycTotals`); the
 * total only rises, so this cannot go on for ever.
 */
function groupFailed(
  deps: GroupDeps,
  keys: readonly string[],
  joined: readonly { member: GroupMember }[],
  failure: CommitFailure,
  learned: boolean,
): void {
  deps.postingCache.forget(keys);
  const regroup = failure.reason === 'kyc-limit' && learned;
  if (!regroup) for (const { member } of joined) member.solo = true;
  deps.logger.debug('group commit failed', {
    commands: joined.length,
    reason: failure.reason,
    regroup,
  });
}

/**
 * The writes of several commands as one transaction: writes to the same item are combined, or
 * `undefined` when they cannot be (an unknown kind of write, or two that would conflict).
 */
export function mergeWrites(ops: readonly WriteOp[]): WriteOp[] | undefined {
  const byItem = new Map<string, WriteOp>();
  for (const op of ops) {
    const item = itemOf(op);
    if (item === undefined) return undefined;
    const prior = byItem.get(item);
    if (prior === undefined) {
      byItem.set(item, op);
      continue;
    }
    const combined = combine(prior, op);
    if (combined === undefined) return undefined;
    byItem.set(item, combined);
  }
  return [...byItem.values()];
}

type ItemOf = { readonly [K in WriteOp['kind']]?: (op: Extract<WriteOp, { kind: K }>) => string };

/** The DynamoDB item each kind of write a posting makes touches; other kinds never group. */
const itemOfKind: ItemOf = {
  updateAccount: (op) => `account|${op.before.id}`,
  moveGl: (op) => `gl|${op.movement.code}|${op.movement.currency}`,
  addKycVolume: (op) => `kyc|${op.customerId}|${op.currency}|${op.period}|${op.periodKey}`,
  checkCustomer: (op) => `customer|${op.customerId}`,
  putTransaction: (op) => `transaction|${op.transaction.id}`,
  putEntry: (op) => `entry|${op.entry.id}`,
  putAccountLine: (op) => `line|${op.line.accountId}|${op.line.entryId}|${op.line.part ?? ''}`,
  appendAudit: (op) => `audit|${op.record.chainId}|${op.record.seq}`,
  putEvent: (op) => `event|${op.event.id}`,
  putIdempotency: (op) => `idempotency|${op.record.key}`,
  putHold: (op) => `hold|${op.hold.id}`,
};

function itemOf(op: WriteOp): string | undefined {
  const of = itemOfKind[op.kind] as ((write: WriteOp) => string) | undefined;
  return of?.(op);
}

function combine(first: WriteOp, second: WriteOp): WriteOp | undefined {
  if (first.kind === 'updateAccount' && second.kind === 'updateAccount') {
    // The second was planned on the state the first leaves: one write from the first's state
    // (its conditions) to the second's.
    if (second.before.version !== first.after.version) return undefined;
    return { ...first, after: second.after };
  }
  if (first.kind === 'moveGl' && second.kind === 'moveGl') {
    return {
      kind: 'moveGl',
      movement: {
        ...first.movement,
        debitMinor: first.movement.debitMinor + second.movement.debitMinor,
        creditMinor: first.movement.creditMinor + second.movement.creditMinor,
      },
    };
  }
  if (first.kind === 'addKycVolume' && second.kind === 'addKycVolume') {
    // The period total with both must stay within the limit: one condition on their sum.
    // Together above the limit, they cannot both fit whatever the total: they never group.
    const amountMinor = first.amountMinor + second.amountMinor;
    if (first.limitMinor !== second.limitMinor || amountMinor > first.limitMinor) return undefined;
    return { ...first, amountMinor };
  }
  if (first.kind === 'checkCustomer' && second.kind === 'checkCustomer') {
    return first.version === second.version ? first : undefined;
  }
  return undefined;
}
