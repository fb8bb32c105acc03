import { addDays, compareDates, type BusinessDate } from '../../domain/interest/business-date';
import type { DomainError } from '../../domain/errors';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { WriteOp } from '../ledger/records';
import { runCommand } from '../ledger/run-command';
import type { Dependencies } from '../ports';
import type { StoredBusinessDate } from './ports';

/** The business date's audit chain; its head lives on the `SYSTEM` / `BUSINESSDATE` item. */
export const BUSINESS_DATE_CHAIN = 'BUSINESSDATE';

type Deps = Pick<
  Dependencies,
  'ledger' | 'retry' | 'clock' | 'logger' | 'locks' | 'interest' | 'ids'
>;

export interface BusinessDateView {
  readonly date: BusinessDate;
  /** False until the first PUT: the date shown is then the clock's calendar day (UTC). */
  readonly initialized: boolean;
  readonly updatedAt: string | undefined;
}

/** The calendar day of the clock, UTC. */
export function calendarDay(deps: Pick<Dependencies, 'clock'>): BusinessDate {
  return deps.clock.now().toISOString().slice(0, 10) as BusinessDate;
}

export async function currentBusinessDate(
  deps: Pick<Dependencies, 'clock' | 'interest'>,
): Promise<BusinessDateView> {
  const stored = await deps.interest.getBusinessDate();
  return stored === undefined
    ? { date: calendarDay(deps), initialized: false, updatedAt: undefined }
    : { date: stored.date, initialized: true, updatedAt: stored.updatedAt };
}

/**
 * The ops that move the business date from `before` to `date` (audited on its own chain), after
 * the rules: the first setting may be any date up to today's calendar day; after that the date only
 * moves forward, exactly one day at a time.
 */
export function businessDateChange(
  deps: Pick<Dependencies, 'clock'>,
  before: StoredBusinessDate | undefined,
  date: BusinessDate,
  actor: string,
  reason: string,
): Result<{ ops: WriteOp[]; after: StoredBusinessDate }, DomainError> {
  if (before === undefined) {
    if (compareDates(date, calendarDay(deps)) > 0) {
      return err({
        code: 'BUSINESS_DATE_NOT_ALLOWED',
        detail: `The business date starts at or before today's calendar day (${calendarDay(deps)}), not ${date}`,
      });
    }
  } else if (date !== addDays(before.date, 1)) {
    return err({
      code: 'BUSINESS_DATE_NOT_ALLOWED',
      detail: `The business date is ${before.date}; it only moves forward one day, to ${addDays(before.date, 1)}`,
    });
  }
  const now = deps.clock.now().toISOString();
  const audited = appendToChain(before?.audit ?? GENESIS, {
    chainId: BUSINESS_DATE_CHAIN,
    at: now,
    entityType: 'BUSINESS_DATE',
    entityId: BUSINESS_DATE_CHAIN,
    action: before === undefined ? 'BUSINESS_DATE_INITIALIZED' : 'BUSINESS_DATE_ADVANCED',
    actor,
    data: { from: before?.date ?? '', to: date, reason },
  });
  const after: StoredBusinessDate = {
    date,
    version: (before?.version ?? 0) + 1,
    audit: audited.head,
    updatedAt: now,
  };
  const ops: WriteOp[] = [
    { kind: 'putBusinessDate', before, after },
    { kind: 'appendAudit', record: audited.record },
    ...(before === undefined
      ? [
          {
            kind: 'registerChain',
            chainId: BUSINESS_DATE_CHAIN,
            entityType: 'BUSINESS_DATE',
            entityId: BUSINESS_DATE_CHAIN,
          } as const,
        ]
      : []),
  ];
  return ok({ ops, after });
}

/** PUT /admin/business-date: initialise, or advance by exactly one day. */
export async function setBusinessDate(
  deps: Deps,
  date: BusinessDate,
  actor: string,
): Promise<Result<BusinessDateView, DomainError>> {
  const outcome = await runCommand(
    deps,
    {
      idempotency: undefined,
      render: () => ({ status: 200, body: '', headers: {} }),
      lockKeys: [BUSINESS_DATE_CHAIN],
    },
    async () => {
      const before = await deps.interest.getBusinessDate();
      // Setting the date it already has is a no-op (a retried PUT), not an error.
      if (before?.date === date) return ok({ ops: [], value: before });
      const change = businessDateChange(deps, before, date, actor, 'PUT /admin/business-date');
      if (!change.ok) return change;
      return ok({ ops: change.value.ops, value: change.value.after });
    },
  );
  if (!outcome.ok) return outcome;
  if (outcome.value.replayed) throw new Error('No idempotency key was given');
  const stored = outcome.value.value;
  return ok({ date: stored.date, initialized: true, updatedAt: stored.updatedAt });
}
