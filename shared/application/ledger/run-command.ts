import type { DomainError } from '../../domain/errors';
import { err, ok, type Result } from '../../domain/result';
import { Money } from '../../domain/money';
import type { Dependencies } from '../ports';
import { CommitGroups, commitAsGroup, type GroupMember } from './group-commit';
import type { PostingState } from './posting-cache';
import type { Account } from '../../domain/ledger/account';
import type { TurnState } from './ledger-store';
import type { CommitFailure, CommitResult, IdempotencyRecord, TurnQueue, WriteOp } from './records';

/** What a client's `Idempotency-Key` binds: the key, the operation and the request's hash. */
export interface IdempotencyRequest {
  readonly key: string;
  readonly operation: string;
  readonly requestHash: string;
}

/** The response to store with the unit of work, rendered by the caller (the HTTP route). */
export interface StoredResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type CommandOutcome<T> =
  | { readonly replayed: false; readonly value: T }
  | { readonly replayed: true; readonly response: IdempotencyRecord };

/** One attempt's plan: the writes and the value they produce, a refusal, or a replay. */
export type Plan<T> =
  | Result<
      {
        readonly ops: readonly WriteOp[];
        readonly value: T;
        /**
         * Planned from state this container remembered rather than read (PostingCache): if its
         * write fails, the state was old, which says nothing about contention.
         */
        readonly speculative?: boolean;
        /** The accounts as the writes leave them, for a command planned after it in a group. */
        readonly after?: PostingState;
        /**
         * The accounts read with commands queued on them (a command without its turn would fail
         * the write, WriteOp updateAccount `turn`) or marked contended a moment ago (it would
         * most likely lose the race): it queues there instead of trying.
         */
        readonly queuedOn?: readonly string[];
      },
      DomainError
    >
  | { readonly replay: IdempotencyRecord };

/** How long a stored response is replayed (API.md: at least 24 hours). */
export const IDEMPOTENCY_TTL_SECONDS = 48 * 3600;

/** Commands given the posting cache and the commit groups (postings) may commit in groups. */
type RunDeps = Pick<Dependencies, 'ledger' | 'retry' | 'clock' | 'logger' | 'locks' | 'ids'> &
  Partial<Pick<Dependencies, 'postingCache' | 'commitGroups'>>;

interface RunRequest<T> {
  readonly idempotency: IdempotencyRequest | undefined;
  readonly render: (value: T) => StoredResponse;
  /** Epoch ms by which an answer is due (the invocation's deadline); no attempt starts late. */
  readonly deadlineAt?: number | undefined;
  /** Accounts this command changes: one process works on each of them one command at a time. */
  readonly lockKeys?: readonly string[] | undefined;
  /**
   * The lock keys are account ids, and the command updates those accounts: once contended, it
   * queues on the account items themselves, and its writes to them respect the queue (WriteOp
   * updateAccount `turn`), so commands that skip the queue cannot overtake those in it.
   */
  readonly queueOnAccounts?: boolean | undefined;
}

/**
 * Runs a command as a unit of work: plans it from fresh reads, commits the plan atomically with
 * its idempotency record, and on an optimistic conflict re-reads and re-plans with full-jitter
 * backoff until the attempts or the time budget run out (then `CONFLICT`). A concurrent
 * duplicate loses the create-once race on its key and replays the winner's response instead.
 * Commands queued in this process on the same accounts are committed as a group (group-commit.ts).
 */
export async function runCommand<T>(
  deps: RunDeps,
  request: RunRequest<T>,
  plan: (previous?: CommitFailure) => Promise<Plan<T>>,
): Promise<Result<CommandOutcome<T>, DomainError>> {
  const keys = request.lockKeys ?? [];
  const { postingCache, commitGroups } = deps;
  // Waiting in this process for the accounts ends when no attempt could start any more: the
  // answer is then 409 CONFLICT (nothing done, retry), never a timeout of unknown outcome.
  const until =
    request.deadlineAt === undefined
      ? Number.POSITIVE_INFINITY
      : request.deadlineAt - allowanceMs(deps);
  if (postingCache === undefined || commitGroups === undefined) {
    const outcome = await deps.locks.withLocksUntil(keys, () => attemptAll(deps, request, plan), {
      until,
    });
    return outcome.gaveUp ? outOfTime(deps) : outcome.value;
  }
  if (keys.length === 0) return attemptAll(deps, request, plan);
  let answer: { value: Result<CommandOutcome<T>, DomainError> } | { thrown: unknown } | undefined;
  const member: GroupMember = {
    keyset: CommitGroups.keyset(keys),
    deadlineAt: request.deadlineAt,
    solo: false,
    settled: false,
    claimed: false,
    withdrawn: false,
    tentative: async () => {
      const planned = await plan();
      const settleWith = (value: Result<CommandOutcome<T>, DomainError>) => () => {
        answer = { value };
        member.settled = true;
      };
      if ('replay' in planned) {
        return {
          kind: 'final',
          settle: settleWith(replayOrRefuse(request.idempotency, planned.replay)),
        };
      }
      if (!planned.ok) return { kind: 'final', settle: settleWith(planned) };
      const { ops, value, speculative = false, after } = planned.value;
      return {
        kind: 'ops',
        ops: inTurn([...ops, ...idempotencyWrite(deps, request, value)], request, []),
        speculative,
        after,
        settle: settleWith(ok({ replayed: false, value })),
      };
    },
    fail: (error) => {
      answer = { thrown: error };
      member.settled = true;
    },
  };
  const answered = (): Result<CommandOutcome<T>, DomainError> => {
    if (answer === undefined) throw new Error('A settled command has no answer');
    if ('thrown' in answer) throw answer.thrown;
    return answer.value;
  };
  commitGroups.join(member);
  // Out of time while waiting: answered by a group meanwhile, it stops waiting with its answer;
  // otherwise it withdraws, unless a leader is writing it in its group right now.
  const mayGiveUp = () => {
    if (member.settled) return true;
    if (member.claimed) return false;
    member.withdrawn = true;
    return true;
  };
  try {
    const outcome = await deps.locks.withLocksUntil(
      keys,
      async () => {
        commitGroups.leave(member);
        if (!member.settled) {
          const followers = commitGroups.waitingWith(member);
          if (followers.length > 0) {
            const groupStartedAt = deps.clock.now().getTime();
            const led = await commitAsGroup(
              { ...deps, postingCache },
              keys,
              member,
              followers,
              allowanceMs(deps),
            );
            commitGroups.noteDuration(deps.clock.now().getTime() - groupStartedAt);
            if (led === 'alone') return attemptAll(deps, request, plan);
          } else {
            return attemptAll(deps, request, plan);
          }
        }
        return answered();
      },
      { until, mayGiveUp },
    );
    if (!outcome.gaveUp) return outcome.value;
    return member.settled ? answered() : outOfTime(deps);
  } finally {
    commitGroups.leave(member);
  }
}

function idempotencyWrite<T>(
  deps: Pick<Dependencies, 'clock'>,
  request: RunRequest<T>,
  value: T,
): WriteOp[] {
  return request.idempotency === undefined
    ? []
    : [
        {
          kind: 'putIdempotency',
          record: recordOf(deps, request.idempotency, request.render(value)),
        },
      ];
}

/** How long one attempt (a read and a transaction) may take; none starts closer to the deadline. */
export const ATTEMPT_ALLOWANCE_MS = 1_500;

/**
 * How long the turn on a contended key may stay on one ticket before a waiter passes it on: far
 * longer than a turn takes (one read and one commit), so only a holder that crashed or gave up
 * waiting is skipped.
 */
export const TURN_STALL_MS = 2_000;

/**
 * Races lost to commits on the same accounts (not counting a stale cache) before queueing. One:
 * where one race was lost, the next most likely is too (a hot pair's cold start at c=32 went from
 * 0.38 to 0.16 failed transactions per transfer against two, p99 4.8 -> 2.8 s).
 */
const RACES_BEFORE_QUEUEING = 1;

/**
 * The next in line looks at the queue once this share of a turn has passed since it saw the turn
 * ahead begin, then every 1/NEXT_LOOKS_PER_TURN of a turn (at least 5 ms) until its turn comes:
 * the hand-over is the hot pair's critical path. Against a look at the full turn and then every
 * quarter, hot-pair-only runs went from 13.6-15.5 to 15.3-20.1 transfers/s at c=8 and from
 * 15.1-18.0 to 13.5-19.9 at c=32, with no more reads per transfer (5.7-6.0 at c=32).
 */
const NEXT_LOOK_SHARE = 0.4;
const NEXT_LOOKS_PER_TURN = 12;

type AttemptDeps = Pick<Dependencies, 'ledger' | 'retry' | 'clock' | 'logger' | 'ids'> &
  Partial<Pick<Dependencies, 'commitGroups' | 'postingCache'>>;

/**
 * How long after a turn on an account came with others queued behind it this container's next
 * command on it queues before reading: the account is hot, and a read would only show the queue.
 */
const QUEUED_LATELY_MS = 2_000;

/**
 * The time a unit of work must have left to start: ATTEMPT_ALLOWANCE_MS, or more while units of
 * work in this runtime have lately been slower (a loaded table or machine).
 */
function allowanceMs(deps: Partial<Pick<Dependencies, 'commitGroups'>>): number {
  return deps.commitGroups?.allowanceMs(ATTEMPT_ALLOWANCE_MS) ?? ATTEMPT_ALLOWANCE_MS;
}

async function attemptAll<T>(
  deps: AttemptDeps,
  request: RunRequest<T>,
  plan: (previous?: CommitFailure) => Promise<Plan<T>>,
): Promise<Result<CommandOutcome<T>, DomainError>> {
  const turns: Turns = { held: [], seen: new Map() };
  try {
    return await attemptInTurn(deps, request, plan, turns);
  } finally {
    // A commit passes its turns on itself; a command that ends any other way does it here.
    await passAll(deps, turns);
  }
}

/**
 * The turns this command holds: the queues it waited in, with its ticket in each and whether
 * others waited behind it when its turn came, and the accounts as they were then.
 */
interface Turns {
  held: { readonly queue: TurnQueue; readonly ticket: number; readonly behind: boolean }[];
  /** By id, as last read while this command held its turn or was next in line for it. */
  seen: Map<string, Account>;
}

function queueOf(request: Pick<RunRequest<unknown>, 'queueOnAccounts'>, key: string): TurnQueue {
  return request.queueOnAccounts === true ? { account: key } : { key };
}

/**
 * The writes of a commit with their part in the turn queues: holding turns, the commit hands them
 * to the next in line in the same transaction (on an account, in the account's own update);
 * without a turn, the account updates of a command that takes turns on accounts write only while
 * nobody is queued on them.
 */
function inTurn(
  ops: readonly WriteOp[],
  request: Pick<RunRequest<unknown>, 'queueOnAccounts' | 'lockKeys'>,
  held: Turns['held'],
): WriteOp[] {
  const handedOn = new Set<(typeof held)[number]>();
  const accounts = new Set(request.queueOnAccounts === true ? (request.lockKeys ?? []) : []);
  const marked = ops.map((op): WriteOp => {
    if (op.kind !== 'updateAccount' || op.before.version === 0 || !accounts.has(op.before.id)) {
      return op;
    }
    const turn = held.find(({ queue }) => 'account' in queue && queue.account === op.before.id);
    if (turn === undefined || handedOn.has(turn)) return { ...op, turn: 'unqueued' };
    handedOn.add(turn);
    return { ...op, turn: turn.ticket, ...(turn.behind ? { turnContended: true } : {}) };
  });
  const passed = held
    .filter((turn) => !handedOn.has(turn))
    .map(({ queue, ticket }) => ({ kind: 'passTurn', queue, ticket }) as const);
  return [...marked, ...passed];
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown');

async function passAll(deps: AttemptDeps, turns: Turns): Promise<void> {
  const held = turns.held;
  turns.held = [];
  await Promise.all(
    held.map(({ queue, ticket }) =>
      deps.ledger.passTurn(queue, ticket).catch((error: unknown) => {
        // Left as is, the queue moves on by itself after TURN_STALL_MS.
        deps.logger.warn('passing a turn failed', { error: errorName(error) });
      }),
    ),
  );
}

/** The keys of `keys` whose turn the command does not hold yet, in key order. */
function notHeld(keys: readonly string[], turns: Turns): string[] {
  const held = new Set(
    turns.held.map(({ queue }) => ('account' in queue ? queue.account : queue.key)),
  );
  return [...new Set(keys)].filter((key) => !held.has(key)).sort();
}

/**
 * Queues on `keys` in key order (so two commands never wait on each other) and returns once it is
 * this command's turn on the ones it needs, false when the budget or the deadline runs out first.
 * On accounts, a command holding no turn queues on its first account (its lead) and on those
 * `queuedOn` names: commands on the same accounts all queue on the lead, so a turn costs one
 * ticket, and the others are written under the nobody-queued condition (`inTurn`). The next in
 * line reads the other accounts with each look, so the look that finds its turn brings what the
 * command plans from, and says whether one of them is queued on (by commands it leads): then it
 * queues there too, still in key order, before it writes. A waiter sleeps about as long as the
 * turns ahead of it take, so a long queue costs few reads; a turn that does not move for
 * TURN_STALL_MS (its holder crashed or gave up) is passed on.
 */
async function waitForTurns(
  deps: AttemptDeps,
  request: Pick<RunRequest<unknown>, 'queueOnAccounts'>,
  keys: readonly string[],
  turns: Turns,
  giveUpAt: number,
  queuedOn: readonly string[] = [],
): Promise<boolean> {
  const onAccounts = request.queueOnAccounts === true;
  const pending = notHeld(keys, turns);
  const leadOnly = onAccounts && turns.held.length === 0;
  const toQueue = leadOnly
    ? pending.filter((key, index) => index === 0 || queuedOn.includes(key))
    : pending;
  for (let index = 0; index < toQueue.length; index += 1) {
    const key = toQueue[index] as string;
    const queue = queueOf(request, key);
    // Read with the lead's looks: the accounts it would write without queueing on them.
    const alongside =
      leadOnly && index === 0 ? pending.filter((other) => !toQueue.includes(other)) : [];
    let nextInLine = false;
    let drawn = await drawTicket(deps, queue, giveUpAt);
    if (drawn === undefined) return false;
    let ticket = drawn.ticket;
    // The draw says whose turn it is: a free queue costs no read.
    let state: TurnState | undefined = drawn;
    let seen = -1;
    let seenAt = deps.clock.now().getTime();
    let perTurnMs = 40;
    for (;;) {
      state ??= await deps.ledger.servingTurn(queue, nextInLine ? alongside : []);
      const { serving, issued, givenUp, account } = state;
      const others = state.alongside ?? [];
      const queuedAlongside = state.queuedAlongside ?? [];
      state = undefined;
      const now = deps.clock.now().getTime();
      if (serving === ticket) {
        turns.held.push({ queue, ticket, behind: issued !== undefined && issued > ticket + 1 });
        // Read as the turn came, with nobody else writing it now: the plan needs no other read.
        for (const read of account === undefined ? others : [account, ...others]) {
          turns.seen.set(read.id, read);
        }
        // Another account is queued on: it queues there too (after the lead in key order),
        // before it writes.
        const more = queuedAlongside.filter((other) => !toQueue.includes(other));
        if (more.length > 0) {
          toQueue.splice(1, toQueue.length, ...[...toQueue.slice(1), ...more].sort());
        }
        break;
      }
      if (serving > ticket) {
        // Skipped as stalled while asleep: queue again.
        drawn = await drawTicket(deps, queue, giveUpAt);
        if (drawn === undefined) return false;
        ticket = drawn.ticket;
        state = drawn;
        continue;
      }
      if (givenUp) {
        // Its waiter gave up before its turn came: nobody will use it.
        await deps.ledger.passTurn(queue, serving);
        continue;
      }
      if (serving !== seen) {
        if (seen >= 0) perTurnMs = Math.min(1_000, Math.max(5, (now - seenAt) / (serving - seen)));
        seen = serving;
        seenAt = now;
      } else if (now - seenAt >= stalledAfterMs(ticket - serving, perTurnMs)) {
        deps.logger.warn('passing on a stalled turn', { ticket: serving });
        await deps.ledger.passTurn(queue, serving);
        continue;
      }
      if (now >= giveUpAt) {
        await deps.ledger.abandonTicket(queue, ticket).catch((error: unknown) => {
          // Left as is, the ticket is passed on as stalled after TURN_STALL_MS.
          deps.logger.warn('giving up a ticket failed', { error: errorName(error) });
        });
        return false;
      }
      const ahead = ticket - serving;
      nextInLine = ahead <= 1;
      // Next in line: until the turn ahead could be ending (NEXT_LOOK_SHARE of a turn after it
      // was first seen), then a twelfth of a turn at a time, so the hand-over is seen soon.
      // Further back: half the time the turns ahead should take, then look again, so a pace
      // measured across a slow turn never has a waiter sleep through its own.
      const dueInMs = seenAt + perTurnMs * NEXT_LOOK_SHARE - now;
      const sleepMs =
        ahead <= 1
          ? Math.max(5, dueInMs > 0 ? dueInMs : perTurnMs / NEXT_LOOKS_PER_TURN) +
            Math.floor(deps.retry.random() * 5)
          : Math.min(1_000, Math.max(5, Math.floor(((ahead - 1) * perTurnMs) / 2)));
      await deps.retry.sleep(Math.min(sleepMs, Math.max(1, giveUpAt - now)));
    }
  }
  return true;
}

/**
 * How long a waiter lets the turn stay on one ticket before passing it on as stalled: the longer
 * of TURN_STALL_MS and ten turns at the pace seen, for the next in line; twice that further back,
 * so that one waiter, not all of them, passes a stalled turn (the others' updates would be
 * refused), and a slow table or machine does not make a live holder look crashed.
 */
function stalledAfterMs(ahead: number, perTurnMs: number): number {
  const stall = Math.max(TURN_STALL_MS, 10 * perTurnMs);
  return ahead <= 1 ? stall : 2 * stall;
}

/** A ticket in `queue`, drawn again while its item is busy; undefined once `giveUpAt` passes. */
async function drawTicket(
  deps: AttemptDeps,
  queue: TurnQueue,
  giveUpAt: number,
): Promise<(TurnState & { readonly ticket: number }) | undefined> {
  for (;;) {
    const drawn = await deps.ledger.takeTicket(queue);
    if (drawn !== undefined) return drawn;
    const now = deps.clock.now().getTime();
    if (now >= giveUpAt) return undefined;
    await deps.retry.sleep(Math.min(giveUpAt - now, 5 + Math.floor(deps.retry.random() * 50)));
  }
}

async function attemptInTurn<T>(
  deps: AttemptDeps,
  request: RunRequest<T>,
  plan: (previous?: CommitFailure) => Promise<Plan<T>>,
  turns: Turns,
): Promise<Result<CommandOutcome<T>, DomainError>> {
  const { retry } = deps;
  let previous: CommitFailure | undefined;
  const startedAt = deps.clock.now().getTime();
  const busy = accountsBusy();
  let slowestAttemptMs = 0;
  let racesLost = 0;
  const lockKeys = request.lockKeys ?? [];
  // Others queued behind this container's last turn on these accounts a moment ago: it queues
  // at once, and its turn brings the accounts, so the command needs no read of its own.
  if (
    request.queueOnAccounts === true &&
    lockKeys.length > 0 &&
    deps.postingCache?.queuedLately(lockKeys, startedAt) === true
  ) {
    const waited = await takeTurns(deps, request, turns, startedAt);
    if (waited === undefined) return busy;
    previous = waited;
  }
  for (let attempt = 1; ; attempt += 1) {
    // An attempt that cannot finish before the deadline must not start: a timeout after a write
    // was sent would leave the client unsure whether it happened. Slow storage (throttling, SDK
    // retries, a loaded machine) raises the allowance to one and a half of the slowest attempt
    // seen, by this command or lately in this runtime.
    const attemptStartedAt = deps.clock.now().getTime();
    const allowance = Math.max(allowanceMs(deps), slowestAttemptMs * 1.5);
    if (request.deadlineAt !== undefined && attemptStartedAt > request.deadlineAt - allowance) {
      deps.logger.warn('unit of work out of time', { attempts: attempt - 1, slowestAttemptMs });
      return busy;
    }
    const planned = await plan(previous);
    if ('replay' in planned) return replayOrRefuse(request.idempotency, planned.replay);
    if (!planned.ok) return planned;
    const { ops, value, speculative = false, queuedOn = [] } = planned.value;
    const writes = inTurn([...ops, ...idempotencyWrite(deps, request, value)], request, turns.held);
    // Read with commands queued on accounts it holds no turn on: it joins them before writing.
    const joins =
      queuedOn.length > 0 &&
      request.queueOnAccounts === true &&
      (turns.held.length === 0 || notHeld(queuedOn, turns).length > 0);
    const result: CommitResult = joins
      ? { committed: false, reason: 'stale', queued: true, queuedOn }
      : await deps.ledger.commit(writes);
    deps.postingCache?.learnKycTotals(writes, result);
    const attemptMs = deps.clock.now().getTime() - attemptStartedAt;
    deps.commitGroups?.noteDuration(attemptMs);
    if (result.committed) {
      turns.held = [];
      return ok({ replayed: false, value });
    }
    slowestAttemptMs = Math.max(slowestAttemptMs, attemptMs);
    switch (result.reason) {
      case 'idempotency-key-taken': {
        const key = request.idempotency?.key;
        const stored = key === undefined ? undefined : await deps.ledger.getIdempotency(key);
        if (stored !== undefined) return replayOrRefuse(request.idempotency, stored);
        break; // The record expired between the two reads: plan again.
      }
      case 'already-reversed':
        return err({ code: 'TRANSACTION_ALREADY_REVERSED', transactionId: result.transactionId });
      case 'hold-not-active':
        return err({ code: 'HOLD_NOT_ACTIVE', holdId: result.holdId });
      case 'insufficient-funds':
        return err({ code: 'INSUFFICIENT_FUNDS', accountId: result.accountId });
      case 'token-already-used':
        return err({ code: 'INVALID_REFRESH_TOKEN' });
      case 'kyc-limit':
        return err({
          code: 'KYC_LIMIT_EXCEEDED',
          customerId: result.customerId,
          tier: result.tier,
          limit: result.period,
          limitAmount: Money.fromMinor(result.limitMinor, result.currency).toString(),
          currency: result.currency,
        });
      case 'turn-lost':
        // Passed on as stalled while this command held it: give back the others, queue again.
        await passAll(deps, turns);
        break;
      case 'stale':
      case 'contended':
        break;
    }
    previous = result;
    const elapsedMs = deps.clock.now().getTime() - startedAt;
    if (attempt >= retry.maxAttempts || elapsedMs >= retry.budgetMs) {
      deps.logger.warn('unit of work gave up after conflicts', { attempts: attempt, elapsedMs });
      return busy;
    }
    // Contended: from now on this command takes turns. Containers contending for the same
    // accounts queue on them (a ticket each, served in order) instead of colliding, so a hot
    // account serves one of them at a time; the uncontended path never pays for this. A command
    // queues when others already are (its write skipped their queue), when DynamoDB saw two
    // transactions overlap, or when it lost a race to a commit on the same accounts
    // (RACES_BEFORE_QUEUEING). A command that lost otherwise (its cache was stale, or it holds
    // all its turns) tries again at once from the accounts as they now are.
    if (!speculative && result.reason === 'stale') racesLost += 1;
    const contended =
      (result.reason === 'stale' && result.queued === true) ||
      result.reason === 'contended' ||
      result.reason === 'turn-lost' ||
      racesLost >= RACES_BEFORE_QUEUEING;
    // It queues where it holds no turn yet: on its lead, with the accounts the failure showed
    // queued on; or, holding the lead, on the others it met queued on.
    if (lockKeys.length > 0 && notHeld(lockKeys, turns).length > 0 && contended) {
      const hint = result.reason === 'stale' ? (result.queuedOn ?? []) : [];
      const waited = await takeTurns(deps, request, turns, startedAt, hint);
      if (waited === undefined) return busy;
      previous = waited;
      continue;
    }
    // Lost to a commit that has happened: with the accounts as they now are in hand, the next
    // attempt is only a write, so it goes at once (a few ms of jitter keep racers apart).
    // Contention proper (two transactions overlapping) backs off with full jitter.
    const ceiling =
      result.reason === 'stale' && (result.current?.length ?? 0) > 0
        ? retry.baseDelayMs / 2
        : Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.min(attempt, 16));
    await retry.sleep(Math.floor(retry.random() * ceiling));
  }
}

/**
 * Waits for this command's turns on its accounts, within its budget and before its deadline, and
 * says what to plan from: the accounts as the turns found them (a posting needs no read), or a
 * fresh read. Others are queued on them: what the command writes is not worth remembering.
 * Undefined when the time ran out first.
 */
async function takeTurns(
  deps: AttemptDeps,
  request: Pick<RunRequest<unknown>, 'lockKeys' | 'queueOnAccounts' | 'deadlineAt'>,
  turns: Turns,
  startedAt: number,
  queuedOn: readonly string[] = [],
): Promise<CommitFailure | undefined> {
  const lockKeys = request.lockKeys ?? [];
  const giveUpAt = Math.min(
    startedAt + deps.retry.budgetMs,
    (request.deadlineAt ?? Number.POSITIVE_INFINITY) - allowanceMs(deps),
  );
  if (!(await waitForTurns(deps, request, lockKeys, turns, giveUpAt, queuedOn))) {
    deps.logger.warn('unit of work gave up waiting for its turn');
    return undefined;
  }
  if (request.queueOnAccounts === true) {
    const now = deps.clock.now().getTime();
    const behind = turns.held.some((turn) => turn.behind);
    deps.postingCache?.queuedBehind(lockKeys, behind, now + QUEUED_LATELY_MS);
  }
  const seen = turns.seen;
  turns.seen = new Map();
  // Every account as a turn found it: the command plans from them without a read.
  const complete = request.queueOnAccounts === true && lockKeys.every((id) => seen.has(id));
  return complete
    ? { reason: 'stale', current: [...seen.values()], queued: true }
    : { reason: 'stale', queued: true };
}

/** Nothing was done, and the client may send the request again (409 CONFLICT). */
function accountsBusy() {
  return err({ code: 'CONFLICT', detail: 'The accounts are busy; retry the request' } as const);
}

function outOfTime(deps: Pick<Dependencies, 'logger'>) {
  deps.logger.warn('unit of work out of time waiting in this process for its accounts');
  return accountsBusy();
}

/** Replays a stored response to the same request; a different request under the key is refused. */
export function replayOrRefuse<T>(
  request: IdempotencyRequest | undefined,
  stored: IdempotencyRecord,
): Result<CommandOutcome<T>, DomainError> {
  if (
    request === undefined ||
    stored.operation !== request.operation ||
    stored.requestHash !== request.requestHash
  ) {
    return err({ code: 'IDEMPOTENCY_KEY_REUSED', key: stored.key });
  }
  return ok({ replayed: true, response: stored });
}

function recordOf(
  deps: Pick<Dependencies, 'clock'>,
  request: IdempotencyRequest,
  response: StoredResponse,
): IdempotencyRecord {
  const now = deps.clock.now();
  return {
    key: request.key,
    operation: request.operation,
    requestHash: request.requestHash,
    status: response.status,
    body: response.body,
    headers: response.headers,
    createdAt: now.toISOString(),
    expiresAtEpochSeconds: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
}

/**
 * The stored response for a keyed request, as a replay plan; for commands whose first read is
 * not a batch that already includes the key.
 */
export async function storedReplay(
  deps: Pick<Dependencies, 'ledger'>,
  idempotency: IdempotencyRequest | undefined,
): Promise<{ readonly replay: IdempotencyRecord } | undefined> {
  if (idempotency === undefined) return undefined;
  const stored = await deps.ledger.getIdempotency(idempotency.key);
  return stored === undefined ? undefined : { replay: stored };
}
