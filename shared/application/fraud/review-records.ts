import type { Account } from '../../domain/ledger/account';
import { availableMinor } from '../../domain/ledger/account';
import type { CurrencyCode } from '../../domain/money';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { PostingRequest } from '../ledger/build-posting';
import { placeHoldOps } from '../ledger/accounts';
import type { ChainHead } from '../../domain/ledger/account';
import type {
  FraudMark,
  Hold,
  OutboxEvent,
  StoredDocument,
  TransactionRecord,
  WriteOp,
} from '../ledger/records';
import type { Dependencies } from '../ports';

/**
 * Fraud decisions that stop a movement, kept as documents (collection `fraud-decision`, id = the
 * transaction id Bastion was told): a BLOCK (final), or a REVIEW waiting for a reviewer, then
 * APPROVED (posted under that id) or REJECTED. Each has its own audit chain `FRAUD#<id>` and its
 * own event stream (aggregate `fraud`, subject `fraud/<id>`, sequence = the document's version):
 * `nexum.fraud.flagged` (1), then `nexum.fraud.review_approved` or `review_rejected` (2).
 */
export const FRAUD_COLLECTION = 'fraud-decision';

export type FraudDecisionStatus = 'BLOCKED' | 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED';
export type ScreenedType = 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER' | 'FX_TRANSFER';

export interface FraudCase {
  readonly transactionId: string;
  readonly status: FraudDecisionStatus;
  readonly type: ScreenedType;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly fromAccountId: string | undefined;
  readonly toAccountId: string | undefined;
  readonly description: string | undefined;
  readonly reference: string | undefined;
  readonly channel: string | undefined;
  readonly valueDate: string | undefined;
  /** The paying customer (the receiving one for a deposit), as Bastion was told. */
  readonly customerId: string | undefined;
  readonly decision: FraudMark;
  /** The hold on the paying account while in review (none for a deposit). */
  readonly hold: { readonly id: string; readonly accountId: string } | undefined;
  readonly createdAt: string;
  readonly resolvedAt: string | undefined;
  readonly resolvedBy: string | undefined;
  /** The entry an approval booked. */
  readonly journalEntryId: string | undefined;
  readonly audit: ChainHead;
  readonly version: number;
}

export const fraudChainOf = (transactionId: string) => `FRAUD#${transactionId}`;

/** The movements fraud screening may stop. */
export const screenedTypes: ReadonlySet<string> = new Set<ScreenedType>([
  'DEPOSIT',
  'WITHDRAWAL',
  'TRANSFER',
  'FX_TRANSFER',
]);

export function fraudCaseOf(document: StoredDocument): FraudCase {
  const data = document.data as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const decision = data.decision as Record<string, unknown>;
  const hold = data.hold as Record<string, unknown> | undefined;
  const audit = data.audit as Record<string, unknown>;
  return {
    transactionId: String(data.transactionId),
    status: String(data.status) as FraudDecisionStatus,
    type: String(data.type) as ScreenedType,
    amountMinor: BigInt(String(data.amountMinor)),
    currency: String(data.currency) as CurrencyCode,
    fromAccountId: text(data.fromAccountId),
    toAccountId: text(data.toAccountId),
    description: text(data.description),
    reference: text(data.reference),
    channel: text(data.channel),
    valueDate: text(data.valueDate),
    customerId: text(data.customerId),
    decision: {
      action: String(decision.action) as FraudMark['action'],
      score: text(decision.score),
      reasons: (decision.reasons as unknown[]).map(String),
      source: String(decision.source),
    },
    hold:
      hold === undefined ? undefined : { id: String(hold.id), accountId: String(hold.accountId) },
    createdAt: String(data.createdAt),
    resolvedAt: text(data.resolvedAt),
    resolvedBy: text(data.resolvedBy),
    journalEntryId: text(data.journalEntryId),
    audit: { seq: Number(audit.seq), hash: String(audit.hash) },
    version: document.version,
  };
}

export function fraudCaseDocument(fraudCase: FraudCase): StoredDocument {
  const { amountMinor, version, ...rest } = fraudCase;
  return {
    collection: FRAUD_COLLECTION,
    id: fraudCase.transactionId,
    version,
    // JSON keeps no undefined and no bigint: optional fields drop out, the amount is text.
    data: JSON.parse(JSON.stringify({ ...rest, amountMinor: amountMinor.toString() })) as Record<
      string,
      unknown
    >,
    index: {
      partition: fraudCasesWith(fraudCase.status),
      sort: `${fraudCase.createdAt}#${fraudCase.transactionId}`,
    },
  };
}

/** The index partition listing the cases in one status, oldest first. */
export const fraudCasesWith = (status: FraudDecisionStatus) => `FRAUDCASES#${status}`;

/**
 * A case that is (or was) in review, as the transactions API shows it: PENDING_REVIEW or
 * REJECTED with nothing booked. An approved one is read as the posted transaction itself.
 */
export function transactionOfCase(fraudCase: FraudCase): TransactionRecord {
  return {
    id: fraudCase.transactionId,
    type: fraudCase.type,
    status: fraudCase.status === 'REJECTED' ? 'REJECTED' : 'PENDING_REVIEW',
    amountMinor: fraudCase.amountMinor,
    currency: fraudCase.currency,
    fromAccountId: fraudCase.fromAccountId,
    toAccountId: fraudCase.toAccountId,
    journalEntryId: undefined,
    description: fraudCase.description,
    reference: fraudCase.reference,
    channel: fraudCase.channel,
    valueDate: fraudCase.valueDate ?? fraudCase.createdAt.slice(0, 10),
    bookingDate: fraudCase.createdAt.slice(0, 10),
    createdAt: fraudCase.createdAt,
    reversalOf: undefined,
    reversedBy: undefined,
    fx: undefined,
    fraud: fraudCase.decision,
  };
}

/** A screening's decision and what it decided about (from the posting request). */
export interface Decided {
  readonly transactionId: string;
  readonly mark: FraudMark;
  readonly request: PostingRequest;
  readonly customerId: string | undefined;
}

/**
 * The writes of a movement Bastion (or the fallback) sent to REVIEW: nothing is booked; the
 * amount is held on the paying account (so it cannot be spent twice while a reviewer looks),
 * the case is recorded PENDING_REVIEW and audited, and `nexum.fraud.flagged` announces it, all
 * in one transaction. The value is the pending transaction the API answers with (202).
 */
export function reviewOps(
  deps: Pick<Dependencies, 'ids' | 'clock'>,
  decided: Decided,
): { readonly ops: WriteOp[]; readonly transaction: TransactionRecord } {
  const { request } = decided;
  const now = deps.clock.now().toISOString();
  const payer =
    request.type === 'DEPOSIT' || request.fromAccountId === undefined
      ? undefined
      : request.accounts.get(request.fromAccountId);
  const held = payer === undefined ? undefined : holdOps(deps, decided, payer, now);
  const fraudCase = newCase(decided, 'PENDING_REVIEW', now, held?.hold);
  const { ops: caseOps, audited } = openCase(fraudCase, 'FRAUD_REVIEW_OPENED', request.actor, now);
  return {
    ops: [
      ...(held?.ops ?? []),
      ...caseOps,
      { kind: 'putEvent', event: flaggedEvent(deps, audited, now) },
    ],
    transaction: transactionOfCase(audited),
  };
}

/** The writes of a BLOCK: nothing moves; the case is recorded BLOCKED, audited and announced. */
export function blockedOps(deps: Pick<Dependencies, 'ids' | 'clock'>, decided: Decided): WriteOp[] {
  const now = deps.clock.now().toISOString();
  const { ops, audited } = openCase(
    newCase(decided, 'BLOCKED', now, undefined),
    'FRAUD_BLOCKED',
    decided.request.actor,
    now,
  );
  return [...ops, { kind: 'putEvent', event: flaggedEvent(deps, audited, now) }];
}

function newCase(
  decided: Decided,
  status: FraudDecisionStatus,
  now: string,
  hold: Hold | undefined,
): FraudCase {
  const { request } = decided;
  return {
    transactionId: decided.transactionId,
    status,
    type: request.type as ScreenedType,
    amountMinor: request.amountMinor,
    currency: request.currency,
    fromAccountId: request.fromAccountId,
    toAccountId: request.toAccountId,
    description: request.description,
    reference: request.reference,
    channel: request.channel,
    valueDate: request.valueDate,
    customerId: decided.customerId,
    decision: decided.mark,
    hold: hold === undefined ? undefined : { id: hold.id, accountId: hold.accountId },
    createdAt: now,
    resolvedAt: undefined,
    resolvedBy: undefined,
    journalEntryId: undefined,
    audit: GENESIS,
    version: 1,
  };
}

/** The case's document, its audit chain started (registered, first record, head). */
function openCase(
  fraudCase: FraudCase,
  action: string,
  actor: string,
  now: string,
): { readonly ops: WriteOp[]; readonly audited: FraudCase } {
  const chainId = fraudChainOf(fraudCase.transactionId);
  const audited = appendToChain(GENESIS, {
    chainId,
    at: now,
    entityType: 'FRAUD_DECISION',
    entityId: fraudCase.transactionId,
    action,
    actor,
    data: caseAuditData(fraudCase),
  });
  const withHead: FraudCase = { ...fraudCase, audit: audited.head };
  return {
    ops: [
      { kind: 'putDocument', document: fraudCaseDocument(withHead) },
      {
        kind: 'registerChain',
        chainId,
        entityType: 'FRAUD_DECISION',
        entityId: fraudCase.transactionId,
      },
      { kind: 'appendAudit', record: audited.record },
      { kind: 'putChainHead', chainId, before: GENESIS, after: audited.head },
    ],
    audited: withHead,
  };
}

/**
 * The case moved to APPROVED or REJECTED by `actor`: the document at its next version (written
 * only if still at the version read, so two reviewers cannot both decide), the audit record,
 * and the event (sequence 2).
 */
export function resolveCaseOps(
  deps: Pick<Dependencies, 'ids'>,
  fraudCase: FraudCase,
  resolution: {
    readonly status: 'APPROVED' | 'REJECTED';
    readonly actor: string;
    readonly at: string;
    readonly reason?: string | undefined;
    readonly journalEntryId?: string | undefined;
  },
): WriteOp[] {
  const chainId = fraudChainOf(fraudCase.transactionId);
  const audited = appendToChain(fraudCase.audit, {
    chainId,
    at: resolution.at,
    entityType: 'FRAUD_DECISION',
    entityId: fraudCase.transactionId,
    action: resolution.status === 'APPROVED' ? 'FRAUD_REVIEW_APPROVED' : 'FRAUD_REVIEW_REJECTED',
    actor: resolution.actor,
    data: {
      ...(resolution.reason === undefined ? {} : { reason: resolution.reason }),
      ...(resolution.journalEntryId === undefined
        ? {}
        : { journalEntryId: resolution.journalEntryId }),
    },
  });
  const after: FraudCase = {
    ...fraudCase,
    status: resolution.status,
    resolvedAt: resolution.at,
    resolvedBy: resolution.actor,
    journalEntryId: resolution.journalEntryId,
    audit: audited.head,
    version: fraudCase.version + 1,
  };
  const event: OutboxEvent = {
    id: deps.ids.next(),
    type:
      resolution.status === 'APPROVED'
        ? 'nexum.fraud.review_approved'
        : 'nexum.fraud.review_rejected',
    aggregateType: 'fraud',
    aggregateId: fraudCase.transactionId,
    sequence: after.version,
    occurredAt: resolution.at,
    data:
      resolution.status === 'APPROVED'
        ? { ...screenedData(after), journalEntryId: resolution.journalEntryId }
        : {
            ...screenedData(after),
            ...(after.hold === undefined ? {} : { holdId: after.hold.id }),
          },
  };
  return [
    {
      kind: 'putDocument',
      document: fraudCaseDocument(after),
      expectedVersion: fraudCase.version,
    },
    { kind: 'appendAudit', record: audited.record },
    { kind: 'putChainHead', chainId, before: fraudCase.audit, after: audited.head },
    { kind: 'putEvent', event },
  ];
}

/** The hold of a movement in review on the paying account, written with the account. */
function holdOps(
  deps: Pick<Dependencies, 'ids'>,
  decided: Decided,
  account: Account,
  now: string,
): { readonly hold: Hold; readonly ops: WriteOp[] } {
  const amountMinor = decided.request.amountMinor;
  if (availableMinor(account) < amountMinor) {
    // The movement was judged against these funds a moment ago: this is a bug, not a refusal.
    throw new Error(`Account ${account.id} cannot hold the amount under review`);
  }
  const hold: Hold = {
    id: deps.ids.next(),
    accountId: account.id,
    amountMinor,
    currency: account.currency,
    reason: `Fraud review of transaction ${decided.transactionId}`,
    status: 'ACTIVE',
    expiresAt: undefined,
    createdAt: now,
    releasedAt: undefined,
  };
  return {
    hold,
    ops: placeHoldOps(account, hold, decided.request.actor, now, {
      transactionId: decided.transactionId,
    }),
  };
}

/** `nexum.fraud.flagged`: the first event of the case's stream. Ids and amounts only. */
function flaggedEvent(
  deps: Pick<Dependencies, 'ids'>,
  fraudCase: FraudCase,
  now: string,
): OutboxEvent {
  const { decision } = fraudCase;
  return {
    id: deps.ids.next(),
    type: 'nexum.fraud.flagged',
    aggregateType: 'fraud',
    aggregateId: fraudCase.transactionId,
    sequence: fraudCase.version,
    occurredAt: now,
    data: {
      ...screenedData(fraudCase),
      action: decision.action,
      outcome: fraudCase.status === 'BLOCKED' ? 'REFUSED' : 'HELD_FOR_REVIEW',
      ...(decision.score === undefined ? {} : { score: decision.score }),
      reasons: [...decision.reasons],
      source: decision.source,
      ...(fraudCase.hold === undefined ? {} : { holdId: fraudCase.hold.id }),
    },
  };
}

function screenedData(fraudCase: FraudCase): Record<string, unknown> {
  return {
    transactionId: fraudCase.transactionId,
    transactionType: fraudCase.type,
    amountMinor: fraudCase.amountMinor.toString(),
    currency: fraudCase.currency,
    ...(fraudCase.fromAccountId === undefined ? {} : { fromAccountId: fraudCase.fromAccountId }),
    ...(fraudCase.toAccountId === undefined ? {} : { toAccountId: fraudCase.toAccountId }),
    ...(fraudCase.customerId === undefined ? {} : { customerId: fraudCase.customerId }),
  };
}

function caseAuditData(fraudCase: FraudCase): Record<string, string> {
  const { decision } = fraudCase;
  return {
    action: decision.action,
    source: decision.source,
    ...(decision.score === undefined ? {} : { score: decision.score }),
    reasons: decision.reasons.join(','),
    transactionType: fraudCase.type,
    amountMinor: fraudCase.amountMinor.toString(),
    currency: fraudCase.currency,
    ...(fraudCase.hold === undefined ? {} : { holdId: fraudCase.hold.id }),
  };
}
