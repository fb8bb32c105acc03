import * as z from 'zod';
import {
  describeRun,
  endOfDaySteps,
  finishEndOfDay,
  runSegment,
  startEndOfDay,
  type EndOfDayStep,
  type EodDeps,
} from '@shared/application/interest/end-of-day';
import { currentBusinessDate } from '@shared/application/interest/business-date';
import { INTEREST_SEGMENTS } from '@shared/application/interest/ports';
import { compareDates, type BusinessDate } from '@shared/domain/interest/business-date';

/**
 * The end-of-day Lambda's three tasks, called by the state machine (infra/constructs/end-of-day.ts):
 * `start` opens a run for the business date, `segment` works on one segment from its checkpoint
 * until it is done or the invocation runs short of time (`done: false`: the state machine calls
 * it again), `finish` closes the run (advances the business date, or records the failure).
 */
const BusinessDateText = z.iso.date();
export const EndOfDayTaskEvent = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('start') }),
  z.strictObject({
    action: z.literal('segment'),
    runId: z.string().min(1).max(64),
    businessDate: BusinessDateText,
    segment: z
      .number()
      .int()
      .min(0)
      .max(INTEREST_SEGMENTS - 1),
  }),
  z.strictObject({ action: z.literal('finish'), runId: z.string().min(1).max(64) }),
]);
export type EndOfDayTaskEvent = z.infer<typeof EndOfDayTaskEvent>;

export type StartOutput =
  | {
      readonly skipped: false;
      readonly runId: string;
      readonly businessDate: string;
      readonly segments: readonly number[];
    }
  | { readonly skipped: true; readonly reason: string; readonly businessDate: string };

export interface SegmentOutput {
  readonly runId: string;
  readonly businessDate: string;
  readonly segment: number;
  readonly done: boolean;
  readonly accounts: number;
}

export interface FinishOutput {
  readonly runId: string;
  readonly status: string;
  readonly advancedTo: string | null;
  readonly error: string | null;
}

/** The part of Lambda's context the tasks use. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export interface EndOfDayTaskSettings {
  /** The tenant's time zone: the business date is never after its calendar day there. */
  readonly timeZone: string;
  /** A segment stops when less than this is left of the invocation (one page must fit). */
  readonly marginMs: number;
  readonly steps?: readonly EndOfDayStep[];
}

/** Today's calendar date in `timeZone` (en-CA formats as YYYY-MM-DD). */
export function calendarDate(now: Date, timeZone: string): BusinessDate {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now) as BusinessDate;
}

export function endOfDayTask(deps: EodDeps, settings: EndOfDayTaskSettings) {
  const steps = settings.steps ?? endOfDaySteps;
  return async (
    input: unknown,
    context: InvocationContext,
  ): Promise<StartOutput | SegmentOutput | FinishOutput> => {
    const event = EndOfDayTaskEvent.parse(input);
    switch (event.action) {
      case 'start': {
        const business = await currentBusinessDate(deps);
        const today = calendarDate(deps.clock.now(), settings.timeZone);
        // A second trigger on the same day finds the date already moved to tomorrow: not yet.
        if (compareDates(business.date, today) > 0) {
          return {
            skipped: true,
            reason: `The business date ${business.date} is after today (${today}) in ${settings.timeZone}`,
            businessDate: business.date,
          };
        }
        const started = await startEndOfDay(deps, business.date, steps);
        if (!started.ok) throw new Error(`End of day refused: ${started.error.code}`);
        return {
          skipped: false,
          runId: started.value.id,
          businessDate: started.value.businessDate,
          segments: Array.from({ length: INTEREST_SEGMENTS }, (_, segment) => segment),
        };
      }
      case 'segment': {
        const checkpoint = await runSegment(
          deps,
          { id: event.runId, businessDate: event.businessDate as BusinessDate },
          event.segment,
          steps,
          { shouldPause: () => context.getRemainingTimeInMillis() < settings.marginMs },
        );
        return {
          runId: event.runId,
          businessDate: event.businessDate,
          segment: event.segment,
          done: checkpoint.status === 'DONE',
          accounts: checkpoint.accounts,
        };
      }
      case 'finish': {
        const run = await finishEndOfDay(deps, event.runId);
        const described = (await describeRun(deps, run.id)) ?? run;
        deps.logger.info('end-of-day run finished', {
          runId: run.id,
          status: run.status,
          businessDate: run.businessDate,
          segments: described.segments.map((segment) => segment.status).join(','),
        });
        return {
          runId: run.id,
          status: run.status,
          advancedTo: run.advancedTo ?? null,
          error: run.error ?? null,
        };
      }
    }
  };
}
