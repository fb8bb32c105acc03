import { currentBusinessDate, setBusinessDate } from '@shared/application/interest/business-date';
import {
  accrueStep,
  describeRun,
  postStep,
  runEndOfDay,
  runStepForDate,
  startEndOfDay,
  type EndOfDayStep,
} from '@shared/application/interest/end-of-day';
import { launchEndOfDay } from '@shared/application/interest/end-of-day-launch';
import type { EodRun } from '@shared/application/interest/ports';
import type { Dependencies } from '@shared/application/ports';
import { businessDate } from '@shared/domain/interest/business-date';
import { apiErrorFrom } from '@shared/http/error-responses';
import type { GroupImplementations } from '@shared/http/http-handler';
import { valueOrThrow } from '@shared/http/commands';

/**
 * How a started run is carried out locally: in this process after answering 202 (the local
 * server, tests). With `deps.endOfDay` (AWS) the route starts the state machine instead.
 */
export type EodLauncher = (run: EodRun) => Promise<void>;

const runWire = (run: EodRun) => ({
  id: run.id,
  businessDate: run.businessDate,
  status: run.status,
  steps: [...run.steps],
  segments: run.segments.map((segment) => ({ ...segment })),
  startedAt: run.startedAt,
  finishedAt: run.finishedAt ?? null,
  advancedTo: run.advancedTo ?? null,
  error: run.error ?? null,
});

/** The admin group: business date, interest accrual and posting, end-of-day runs. */
export function adminRoutes(
  deps: Dependencies,
  launch: EodLauncher = inProcessLauncher(deps),
): GroupImplementations<'admin'> {
  const step = async (which: EndOfDayStep, asOfDate: string) => {
    const date = businessDate(asOfDate);
    const result = valueOrThrow(await runStepForDate(deps, which, date));
    return { body: { asOfDate: date as string, step: which.name, accounts: result.accounts } };
  };
  return {
    getBusinessDate: async () => {
      const view = await currentBusinessDate(deps);
      return { body: { ...view, updatedAt: view.updatedAt ?? null } };
    },
    setBusinessDate: async (request) => {
      const actor = request.principal?.userId ?? 'anonymous';
      const view = valueOrThrow(
        await setBusinessDate(deps, businessDate(request.body.date), actor),
      );
      return { body: { ...view, updatedAt: view.updatedAt ?? null } };
    },
    accrueInterest: async ({ body }) => step(accrueStep, body.asOfDate),
    accrueInterestDaily: async ({ body }) => step(accrueStep, body.asOfDate),
    postInterest: async ({ body }) => step(postStep, body.asOfDate),
    postInterestMonthly: async ({ body }) => step(postStep, body.asOfDate),
    startEndOfDay: async ({ body }) => {
      if (deps.endOfDay !== undefined) {
        // AWS: the EndOfDay state machine carries the day out (its start task opens the run).
        const started = valueOrThrow(
          await launchEndOfDay(deps, deps.endOfDay, businessDate(body.date)),
        );
        return { status: 202, body: { ...started, status: 'STARTED' as const } };
      }
      const run = valueOrThrow(await startEndOfDay(deps, body.date));
      await launch(run);
      return { status: 202, body: runWire((await describeRun(deps, run.id)) ?? run) };
    },
    getEndOfDayRun: async ({ params }) => {
      const run = await describeRun(deps, params.runId);
      if (run === undefined)
        throw apiErrorFrom({ code: 'NOT_FOUND', entity: 'end-of-day run', id: params.runId });
      return { body: runWire(run) };
    },
  };
}

/** Runs the pipeline in this process, after the reply; failures end up on the run record. */
export function inProcessLauncher(deps: Dependencies): EodLauncher {
  return async (run) => {
    setImmediate(() => {
      runEndOfDay(deps, run).catch((error: unknown) => {
        deps.logger.error('end-of-day run failed', {
          runId: run.id,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    });
  };
}
