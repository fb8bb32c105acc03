import type { BusinessDate } from '../../domain/interest/business-date';
import type { DomainError } from '../../domain/errors';
import { err, ok, type Result } from '../../domain/result';
import { currentBusinessDate } from './business-date';
import type { EndOfDayStarter } from './ports';
import type { EodDeps } from './end-of-day';

/** An end-of-day workflow started for a business date (POST /admin/eod in AWS). */
export interface EndOfDayExecution {
  readonly executionId: string;
  readonly businessDate: BusinessDate;
  readonly startedAt: string;
}

/**
 * Starts the end-of-day workflow for `date`, which must be the business date (the workflow's own
 * start task opens the run). One execution per date: a request while that date's execution is
 * running with the same input is answered with it again (Step Functions' own idempotency); once
 * it exists otherwise (finished, say), 409 CONFLICT names it.
 */
export async function launchEndOfDay(
  deps: Pick<EodDeps, 'interest' | 'clock'>,
  starter: EndOfDayStarter,
  date: BusinessDate,
): Promise<Result<EndOfDayExecution, DomainError>> {
  const business = await currentBusinessDate(deps);
  if (date !== business.date) {
    return err({
      code: 'BUSINESS_DATE_NOT_ALLOWED',
      detail: `End of day runs for the business date ${business.date}, not ${date}`,
    });
  }
  const started = await starter.start(date);
  if (started.kind === 'ALREADY_EXISTS') {
    return err({
      code: 'CONFLICT',
      detail: `The end of day of ${date} was started already (execution ${started.executionId})`,
    });
  }
  return ok({ executionId: started.executionId, businessDate: date, startedAt: started.startedAt });
}
