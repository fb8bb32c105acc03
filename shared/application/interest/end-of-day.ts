import { addDays, compareDates, type BusinessDate } from '../../domain/interest/business-date';
import type { DomainError } from '../../domain/errors';
import { err, ok, type Result } from '../../domain/result';
import type { WriteOp } from '../ledger/records';
import { loanStep } from '../lending/loan-end-of-day';
import type { Dependencies } from '../ports';
import { maintenanceFeeStep } from '../products/maintenance-fees';
import { productRates } from '../products/product-interest';
import { termDepositStep } from '../products/term-deposits';
import { businessDateChange, currentBusinessDate } from './business-date';
import { accrualGlOps, planAccrual, planPosting, type AccountAccrual } from './deposit-interest';
import {
  INTEREST_SEGMENTS,
  type EodCheckpoint,
  type EodRun,
  type EodSegmentReport,
  type InterestState,
} from './ports';

export type EodDeps = Pick<
  Dependencies,
  'ledger' | 'interest' | 'clock' | 'ids' | 'logger' | 'retry' | 'locks'
>;

/** Called after each page of a segment: the last account finished and how many so far. */
export type Progress = (afterAccountId: string, accounts: number) => Promise<void>;

/**
 * One step of the end-of-day pipeline, run per segment of the sparse index of interest-bearing
 * accounts. `afterAccountId` resumes a step from its checkpoint; a step must be idempotent per
 * account and date (re-running a page writes nothing twice). Loans plug in their steps
 * (due/overdue, late fees, penalties, ageing) between posting and maturity.
 */
export interface EndOfDayStep {
  readonly name: string;
  run(
    deps: EodDeps,
    businessDate: BusinessDate,
    segment: number,
    afterAccountId: string | undefined,
    progress: Progress,
  ): Promise<{ readonly accounts: number }>;
}

/** Accounts read per page (one Query, one BatchGetItem of at most 100 keys). */
export const PAGE_SIZE = 90;
/** Writes per transaction, below DynamoDB's 100 with room for the GL movements. */
const MAX_WRITES_PER_COMMIT = 96;
const ACTOR = 'system:eod';

async function forEachPage(
  deps: EodDeps,
  segment: number,
  afterAccountId: string | undefined,
  progress: Progress,
  handle: (states: readonly InterestState[]) => Promise<void>,
): Promise<number> {
  let after = afterAccountId;
  let accounts = 0;
  for (;;) {
    const page = await deps.interest.listSegment(segment, after, PAGE_SIZE);
    if (page.items.length > 0) {
      await handle(page.items);
      accounts += page.items.length;
      after = page.items.at(-1)?.accountId;
      if (after !== undefined) await progress(after, accounts);
    }
    if (page.lastAccountId === undefined) return accounts;
  }
}

/** Accrues every account of a page up to `date`, many accounts per transaction. */
export async function accruePage(
  deps: EodDeps,
  states: readonly InterestState[],
  date: BusinessDate,
): Promise<{ bookedMinor: bigint; commits: number }> {
  const { accounts } = await deps.ledger.loadAccounts(states.map((state) => state.accountId));
  const now = deps.clock.now().toISOString();
  const rates = await productRates(deps, states);
  const plans: { state: InterestState; plan: AccountAccrual }[] = [];
  for (const state of states) {
    const account = accounts.get(state.accountId);
    if (account === undefined) continue;
    const plan = planAccrual(state, account, date, now, ACTOR, rates.get(state.accountId));
    if (plan !== undefined) plans.push({ state, plan });
  }
  let bookedMinor = 0n;
  let commits = 0;
  let batch: typeof plans = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const totals = new Map<string, bigint>();
    for (const { plan, state } of batch)
      totals.set(state.currency, (totals.get(state.currency) ?? 0n) + plan.bookedMinor);
    const ops: WriteOp[] = [...batch.flatMap(({ plan }) => plan.ops), ...accrualGlOps(totals)];
    commits += 1;
    const result = await deps.ledger.commit(ops);
    if (result.committed) {
      bookedMinor += batch.reduce((sum, { plan }) => sum + plan.bookedMinor, 0n);
    } else {
      // One account moved under us (or the index was behind): each on its own, re-read.
      for (const { state } of batch) {
        const one = await accrueOne(deps, state.accountId, date);
        bookedMinor += one.bookedMinor;
        commits += one.commits;
      }
    }
    batch = [];
  };
  let writes = 0;
  for (const entry of plans) {
    const size = entry.plan.ops.length;
    if (writes + size + 4 > MAX_WRITES_PER_COMMIT) {
      await flush();
      writes = 0;
    }
    batch.push(entry);
    writes += size;
  }
  await flush();
  // A gap longer than one commit's days leaves accounts short of the date: go again.
  const behind = plans.filter(
    ({ plan }) => compareDates(plan.after.accruedThrough ?? date, date) < 0,
  );
  for (const { state } of behind) {
    const one = await accrueOne(deps, state.accountId, date);
    bookedMinor += one.bookedMinor;
    commits += one.commits;
  }
  return { bookedMinor, commits };
}

/** One account up to `date` from strongly consistent reads, retried on conflicts. */
async function accrueOne(
  deps: EodDeps,
  accountId: string,
  date: BusinessDate,
): Promise<{ bookedMinor: bigint; commits: number }> {
  let bookedMinor = 0n;
  let commits = 0;
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt += 1) {
    const state = await deps.interest.getInterestState(accountId);
    const account = (await deps.ledger.loadAccounts([accountId])).accounts.get(accountId);
    if (state === undefined || account === undefined) return { bookedMinor, commits };
    const rate = (await productRates(deps, [state])).get(accountId);
    const plan = planAccrual(state, account, date, deps.clock.now().toISOString(), ACTOR, rate);
    if (plan === undefined) return { bookedMinor, commits };
    commits += 1;
    const result = await deps.ledger.commit([
      ...plan.ops,
      ...accrualGlOps(new Map([[state.currency, plan.bookedMinor]])),
    ]);
    if (result.committed) {
      bookedMinor += plan.bookedMinor;
      attempt = 0; // Caught up one chunk of days; continue with the next, if any.
      continue;
    }
    await deps.retry.sleep(Math.min(deps.retry.maxDelayMs, deps.retry.baseDelayMs * attempt));
  }
  throw new Error(`Accrual of account ${accountId} kept conflicting`);
}

/** Posts interest at a period end for one account, retried on conflicts. */
export async function postOne(
  deps: EodDeps,
  accountId: string,
  date: BusinessDate,
  known?: InterestState,
): Promise<bigint> {
  let state = known;
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt += 1) {
    state ??= await deps.interest.getInterestState(accountId);
    const account = (await deps.ledger.loadAccounts([accountId])).accounts.get(accountId);
    if (state === undefined || account === undefined) return 0n;
    const plan = planPosting(deps, state, account, date, ACTOR);
    if (plan === undefined) return 0n;
    const result = await deps.ledger.commit(plan.ops);
    if (result.committed) return plan.postedMinor;
    state = undefined;
    await deps.retry.sleep(Math.min(deps.retry.maxDelayMs, deps.retry.baseDelayMs * attempt));
  }
  throw new Error(`Interest posting of account ${accountId} kept conflicting`);
}

export const accrueStep: EndOfDayStep = {
  name: 'accrue',
  run: async (deps, date, segment, after, progress) => ({
    accounts: await forEachPage(deps, segment, after, progress, async (states) => {
      await accruePage(deps, states, date);
    }),
  }),
};

export const postStep: EndOfDayStep = {
  name: 'post',
  run: async (deps, date, segment, after, progress) => ({
    accounts: await forEachPage(deps, segment, after, progress, async (states) => {
      for (const state of states) await postOne(deps, state.accountId, date, state);
    }),
  }),
};

/**
 * The deposit side of the pipeline, in order. Loans' steps go after `post`; products add the
 * month-end maintenance fees and term deposit events (payouts, maturities, rollovers).
 */
export const depositSteps: readonly EndOfDayStep[] = [
  accrueStep,
  postStep,
  maintenanceFeeStep,
  termDepositStep,
];

/**
 * The whole pipeline, in order: deposits accrue and post, maintenance fees and term deposits, then
 * every active loan's day.
 */
export const endOfDaySteps: readonly EndOfDayStep[] = [...depositSteps, loanStep];

/** Runs a step over every segment for a date, outside an EOD run (the admin accrue/post routes). */
export async function runStepForDate(
  deps: EodDeps,
  step: EndOfDayStep,
  date: BusinessDate,
): Promise<Result<{ accounts: number }, DomainError>> {
  const business = await currentBusinessDate(deps);
  if (compareDates(date, business.date) > 0) {
    return err({
      code: 'BUSINESS_DATE_NOT_ALLOWED',
      detail: `${date} is after the business date ${business.date}: batch work never runs for a future date`,
    });
  }
  let accounts = 0;
  for (let segment = 0; segment < INTEREST_SEGMENTS; segment += 1) {
    accounts += (await step.run(deps, date, segment, undefined, async () => {})).accounts;
  }
  return ok({ accounts });
}

/** Starts a run for `date`, which must be the business date. */
export async function startEndOfDay(
  deps: EodDeps,
  date: BusinessDate,
  steps: readonly EndOfDayStep[] = endOfDaySteps,
): Promise<Result<EodRun, DomainError>> {
  const business = await currentBusinessDate(deps);
  if (date !== business.date) {
    return err({
      code: 'BUSINESS_DATE_NOT_ALLOWED',
      detail: `End of day runs for the business date ${business.date}, not ${date}`,
    });
  }
  const run: EodRun = {
    id: deps.ids.next(),
    businessDate: date,
    status: 'RUNNING',
    steps: steps.map((step) => step.name),
    segments: [],
    startedAt: deps.clock.now().toISOString(),
    finishedAt: undefined,
    advancedTo: undefined,
    error: undefined,
  };
  await deps.interest.putRun(run);
  return ok(run);
}

export interface SegmentOptions {
  /**
   * Asked after every page and between steps: true stops the segment there (before a Lambda's
   * deadline), its checkpoint left PENDING, and `runSegment` returns it for the caller to call
   * again (the state machine loops on it).
   */
  readonly shouldPause?: () => boolean;
}

class SegmentPaused extends Error {
  constructor() {
    super('segment paused at a checkpoint');
  }
}

/**
 * One segment of a run, resumed from its checkpoint: each step not yet done runs from the last
 * account the checkpoint names; the checkpoint moves after every page. One attempt: a failure is
 * recorded on the checkpoint and rethrown for the caller (Step Functions or `runEndOfDay`) to retry.
 */
export async function runSegment(
  deps: EodDeps,
  run: Pick<EodRun, 'id' | 'businessDate'>,
  segment: number,
  steps: readonly EndOfDayStep[] = endOfDaySteps,
  options: SegmentOptions = {},
): Promise<EodCheckpoint> {
  let checkpoint: EodCheckpoint = (await deps.interest.getCheckpoint(run.id, segment)) ?? {
    runId: run.id,
    segment,
    stepsDone: [],
    step: undefined,
    afterAccountId: undefined,
    accounts: 0,
    status: 'PENDING',
    attempts: 0,
    error: undefined,
  };
  if (checkpoint.status === 'DONE') return checkpoint;
  checkpoint = { ...checkpoint, attempts: checkpoint.attempts + 1, status: 'PENDING' };
  await deps.interest.putCheckpoint(checkpoint);
  try {
    for (const step of steps) {
      if (checkpoint.stepsDone.includes(step.name)) continue;
      const resumeAfter = checkpoint.step === step.name ? checkpoint.afterAccountId : undefined;
      const base = checkpoint.accounts;
      await step.run(deps, run.businessDate, segment, resumeAfter, async (after, accounts) => {
        checkpoint = {
          ...checkpoint,
          step: step.name,
          afterAccountId: after,
          accounts: base + accounts,
        };
        await deps.interest.putCheckpoint(checkpoint);
        if (options.shouldPause?.() === true) throw new SegmentPaused();
      });
      checkpoint = {
        ...checkpoint,
        stepsDone: [...checkpoint.stepsDone, step.name],
        step: undefined,
        afterAccountId: undefined,
      };
      await deps.interest.putCheckpoint(checkpoint);
      const more = steps.some((next) => !checkpoint.stepsDone.includes(next.name));
      if (more && options.shouldPause?.() === true) return checkpoint;
    }
    checkpoint = { ...checkpoint, status: 'DONE', error: undefined };
    await deps.interest.putCheckpoint(checkpoint);
    return checkpoint;
  } catch (error) {
    // Out of time: the checkpoint already names the last page done; the caller comes back.
    if (error instanceof SegmentPaused) return checkpoint;
    const message = error instanceof Error ? error.message : String(error);
    checkpoint = { ...checkpoint, status: 'FAILED', error: message.slice(0, 500) };
    await deps.interest.putCheckpoint(checkpoint);
    throw error;
  }
}

/**
 * Closes a run once its segments are done: advances the business date by one day (audited, in
 * one conditional write) and marks the run SUCCEEDED; a segment still failing fails the run and
 * leaves the date where it is.
 */
export async function finishEndOfDay(deps: EodDeps, runId: string): Promise<EodRun> {
  const run = await describeRun(deps, runId);
  if (run === undefined) throw new Error(`Run ${runId} does not exist`);
  if (run.status !== 'RUNNING') return run;
  const failed = run.segments.filter((segment) => segment.status !== 'DONE');
  const now = deps.clock.now().toISOString();
  if (failed.length > 0) {
    const finished: EodRun = {
      ...run,
      status: 'FAILED',
      finishedAt: now,
      error: `Segments not done: ${failed.map((segment) => segment.segment).join(', ')}`,
    };
    await deps.interest.putRun(finished);
    return finished;
  }
  const before = await deps.interest.getBusinessDate();
  const next = addDays(run.businessDate, 1);
  if (before?.date !== next) {
    const change = businessDateChange(deps, before, next, `system:eod:${run.id}`, `EOD ${run.id}`);
    if (!change.ok) throw new Error(`The business date moved during run ${run.id}`);
    const result = await deps.ledger.commit(change.value.ops);
    if (!result.committed) throw new Error(`The business date changed during run ${run.id}`);
  }
  const finished: EodRun = { ...run, status: 'SUCCEEDED', finishedAt: now, advancedTo: next };
  await deps.interest.putRun(finished);
  return finished;
}

/** The run with its segments' reports, from their checkpoints. */
export async function describeRun(deps: EodDeps, runId: string): Promise<EodRun | undefined> {
  const run = await deps.interest.getRun(runId);
  if (run === undefined) return undefined;
  const checkpoints = await Promise.all(
    Array.from({ length: INTEREST_SEGMENTS }, (_, segment) =>
      deps.interest.getCheckpoint(runId, segment),
    ),
  );
  const segments: EodSegmentReport[] = checkpoints.map((checkpoint, segment) => ({
    segment,
    status: checkpoint?.status ?? 'PENDING',
    attempts: checkpoint?.attempts ?? 0,
    accounts: checkpoint?.accounts ?? 0,
    ...(checkpoint?.error === undefined ? {} : { error: checkpoint.error }),
  }));
  return { ...run, segments };
}

export interface RunOptions {
  readonly steps?: readonly EndOfDayStep[];
  /** Segments worked on at once (the Map state's MaxConcurrency in AWS). */
  readonly concurrency?: number;
  /** Attempts per segment; each resumes from the segment's checkpoint. */
  readonly maxAttempts?: number;
  readonly onSegment?: (checkpoint: EodCheckpoint) => void;
}

/**
 * The whole pipeline in one process (local `npm run eod`, POST /admin/eod locally and in tests):
 * segments in parallel, each retried from its checkpoint, then the business date advances.
 */
export async function runEndOfDay(
  deps: EodDeps,
  run: EodRun,
  options: RunOptions = {},
): Promise<EodRun> {
  const steps = options.steps ?? endOfDaySteps;
  const maxAttempts = options.maxAttempts ?? 3;
  const queue = Array.from({ length: INTEREST_SEGMENTS }, (_, segment) => segment);
  const worker = async () => {
    for (let segment = queue.shift(); segment !== undefined; segment = queue.shift()) {
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        try {
          // Evaluated first: `f?.(await x)` would skip `x` when there is no `f`.
          const checkpoint = await runSegment(deps, run, segment, steps);
          options.onSegment?.(checkpoint);
          break;
        } catch (error) {
          deps.logger.warn('end-of-day segment failed', {
            runId: run.id,
            segment,
            attempt,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return finishEndOfDay(deps, run.id);
}
