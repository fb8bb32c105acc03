import type {
  EodCheckpoint,
  EodRun,
  InterestState,
  StoredBusinessDate,
} from '../../application/interest/ports';
import type { BusinessDate } from '../../domain/interest/business-date';
import type { CurrencyCode } from '../../domain/money';
import { bigintOf, intOf, type Item } from './ledger-items';

/** Keys of the interest module's items (docs/end-of-day.md). */
export const interestKeys = {
  state: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'INTEREST' }),
  marker: (accountId: string, marker: string, date: string) => ({
    pk: `ACCOUNT#${accountId}`,
    sk: `${marker}#${date}`,
  }),
  businessDate: () => ({ pk: 'SYSTEM', sk: 'BUSINESSDATE' }),
  run: (runId: string) => ({ pk: `EODRUN#${runId}`, sk: 'RUN' }),
  checkpoint: (runId: string, segment: number) => ({
    pk: `EODRUN#${runId}`,
    sk: `SEGMENT#${String(segment).padStart(4, '0')}`,
  }),
} as const;

/** The sparse GSI3 partition of a segment of interest-bearing accounts. */
export const interestSegmentKey = (segment: number): string => `INTEREST#${segment}`;

const optDate = (value: unknown): BusinessDate | undefined =>
  typeof value === 'string' ? (value as BusinessDate) : undefined;

export function interestStateItem(state: InterestState): Item {
  return {
    ...interestKeys.state(state.accountId),
    type: 'InterestState',
    accountId: state.accountId,
    currency: state.currency,
    rate: state.rate,
    dayCount: state.dayCount,
    postingFrequency: state.postingFrequency,
    ...(state.productId === undefined
      ? {}
      : { productId: state.productId, productVersion: state.productVersion }),
    segment: state.segment,
    exact: state.exact,
    bookedMinor: state.bookedMinor,
    postedMinor: state.postedMinor,
    ...(state.accruedThrough === undefined ? {} : { accruedThrough: state.accruedThrough }),
    ...(state.postedThrough === undefined ? {} : { postedThrough: state.postedThrough }),
    version: state.version,
    auditSeq: state.audit.seq,
    auditHash: state.audit.hash,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    gsi3pk: interestSegmentKey(state.segment),
    gsi3sk: state.accountId,
  };
}

export function interestStateOf(item: Item): InterestState {
  return {
    accountId: String(item.accountId),
    currency: String(item.currency) as CurrencyCode,
    rate: String(item.rate),
    dayCount: String(item.dayCount) as InterestState['dayCount'],
    postingFrequency: String(item.postingFrequency) as InterestState['postingFrequency'],
    ...(typeof item.productId === 'string'
      ? { productId: item.productId, productVersion: intOf(item.productVersion) }
      : {}),
    segment: intOf(item.segment),
    exact: String(item.exact),
    bookedMinor: bigintOf(item.bookedMinor),
    postedMinor: bigintOf(item.postedMinor),
    accruedThrough: optDate(item.accruedThrough),
    postedThrough: optDate(item.postedThrough),
    version: intOf(item.version),
    audit: { seq: intOf(item.auditSeq), hash: String(item.auditHash) },
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

export function businessDateItem(stored: StoredBusinessDate): Item {
  return {
    ...interestKeys.businessDate(),
    type: 'BusinessDate',
    date: stored.date,
    version: stored.version,
    auditSeq: stored.audit.seq,
    auditHash: stored.audit.hash,
    updatedAt: stored.updatedAt,
  };
}

export function businessDateOf(item: Item): StoredBusinessDate {
  return {
    date: String(item.date) as BusinessDate,
    version: intOf(item.version),
    audit: { seq: intOf(item.auditSeq), hash: String(item.auditHash) },
    updatedAt: String(item.updatedAt),
  };
}

export function runItem(run: EodRun): Item {
  return {
    ...interestKeys.run(run.id),
    type: 'EodRun',
    id: run.id,
    businessDate: run.businessDate,
    status: run.status,
    steps: [...run.steps],
    segments: JSON.stringify(run.segments),
    startedAt: run.startedAt,
    ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
    ...(run.advancedTo === undefined ? {} : { advancedTo: run.advancedTo }),
    ...(run.error === undefined ? {} : { error: run.error }),
  };
}

export function runOf(item: Item): EodRun {
  return {
    id: String(item.id),
    businessDate: String(item.businessDate) as BusinessDate,
    status: String(item.status) as EodRun['status'],
    steps: (item.steps as string[]).map(String),
    segments: JSON.parse(String(item.segments)) as EodRun['segments'],
    startedAt: String(item.startedAt),
    finishedAt: typeof item.finishedAt === 'string' ? item.finishedAt : undefined,
    advancedTo: optDate(item.advancedTo),
    error: typeof item.error === 'string' ? item.error : undefined,
  };
}

export function checkpointItem(checkpoint: EodCheckpoint): Item {
  return {
    ...interestKeys.checkpoint(checkpoint.runId, checkpoint.segment),
    type: 'EodCheckpoint',
    runId: checkpoint.runId,
    segment: checkpoint.segment,
    stepsDone: [...checkpoint.stepsDone],
    ...(checkpoint.step === undefined ? {} : { step: checkpoint.step }),
    ...(checkpoint.afterAccountId === undefined
      ? {}
      : { afterAccountId: checkpoint.afterAccountId }),
    accounts: checkpoint.accounts,
    status: checkpoint.status,
    attempts: checkpoint.attempts,
    ...(checkpoint.error === undefined ? {} : { error: checkpoint.error }),
  };
}

export function checkpointOf(item: Item): EodCheckpoint {
  return {
    runId: String(item.runId),
    segment: intOf(item.segment),
    stepsDone: (item.stepsDone as string[]).map(String),
    step: typeof item.step === 'string' ? item.step : undefined,
    afterAccountId: typeof item.afterAccountId === 'string' ? item.afterAccountId : undefined,
    accounts: intOf(item.accounts),
    status: String(item.status) as EodCheckpoint['status'],
    attempts: intOf(item.attempts),
    error: typeof item.error === 'string' ? item.error : undefined,
  };
}
