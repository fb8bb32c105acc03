import { Money } from '../../domain/money';
import type { Dependencies } from '../ports';
import type { PostingRequest } from '../ledger/build-posting';
import type { FraudMark, OutboxEvent, WriteOp } from '../ledger/records';
import type { FraudDecision } from './fraud-scoring';

export const FRAUD_FLAGGED = 'nexum.fraud.flagged';

/** A movement's screening: its decision and the transaction id Bastion was told. */
export interface Screened {
  readonly transactionId: string;
  readonly decision: FraudDecision;
  readonly request: Pick<PostingRequest, 'type' | 'amountMinor' | 'currency'> & {
    readonly fromAccountId: string | undefined;
    readonly toAccountId: string | undefined;
    readonly customerId: string | undefined;
  };
  readonly at: string;
  /** What the posting takes from the screening: the id, and the mark of a REVIEW. */
  readonly posting: { readonly transactionId: string; readonly fraud?: FraudMark };
}

type Deps = Pick<Dependencies, 'fraud' | 'ids' | 'clock' | 'logger' | 'ledger'>;

/**
 * Scores a validated movement before it posts. The paying customer is Bastion's `cif_id` (the
 * receiving one for a deposit). The scorer always answers (fallback when Bastion is down), and a
 * scorer that throws regardless is treated as its own fallback-less approve: screening must never
 * turn into a 500 on the payment path.
 */
export async function screenMovement(deps: Deps, request: PostingRequest): Promise<Screened> {
  const transactionId = deps.ids.next();
  const at = deps.clock.now();
  const payerAccountId = request.fromAccountId ?? request.toAccountId;
  const payer = payerAccountId === undefined ? undefined : request.accounts.get(payerAccountId);
  const type =
    request.type === 'DEPOSIT' || request.type === 'WITHDRAWAL' || request.type === 'FX_TRANSFER'
      ? request.type
      : 'TRANSFER';
  let decision: FraudDecision;
  try {
    decision = await deps.fraud.score({
      transactionId,
      customerId: payer?.customerId ?? 'unknown',
      amount: Money.fromMinor(request.amountMinor, request.currency).toString(),
      currency: request.currency,
      type,
      channel: request.channel,
      fromAccountId: request.fromAccountId,
      toAccountId: request.toAccountId,
      at,
    });
  } catch (error) {
    deps.logger.error('fraud scorer threw; movement approved unscreened', { error, transactionId });
    decision = {
      action: 'APPROVE',
      score: undefined,
      reasons: ['scorer_error'],
      source: 'FALLBACK',
    };
  }
  const mark: FraudMark = {
    score: decision.score === undefined ? undefined : String(decision.score),
    action: decision.action,
    reasons: decision.reasons,
    source: decision.source,
  };
  return {
    transactionId,
    decision,
    at: at.toISOString(),
    request: {
      type: request.type,
      amountMinor: request.amountMinor,
      currency: request.currency,
      fromAccountId: request.fromAccountId,
      toAccountId: request.toAccountId,
      customerId: payer?.customerId,
    },
    posting: { transactionId, ...(decision.action === 'REVIEW' ? { fraud: mark } : {}) },
  };
}

/** The `nexum.fraud.flagged` event of a REVIEW, committed with the posting itself. */
export function fraudOps(deps: Pick<Dependencies, 'ids'>, screened: Screened): WriteOp[] {
  if (screened.decision.action !== 'REVIEW') return [];
  // Sequence 2: the posting's own `nexum.transaction.posted` is the transaction's first event.
  return [{ kind: 'putEvent', event: flaggedEvent(deps, screened, 2) }];
}

/**
 * A BLOCK posts nothing, so its event is committed on its own. Recording it must not change the
 * answer (422 FRAUD_BLOCKED): a failure here is logged and the refusal stands.
 */
export async function recordBlocked(deps: Deps, screened: Screened): Promise<void> {
  try {
    const result = await deps.ledger.commit([
      { kind: 'putEvent', event: flaggedEvent(deps, screened, 1) },
    ]);
    if (!result.committed) {
      deps.logger.warn('fraud block event not recorded', {
        transactionId: screened.transactionId,
        reason: result.reason,
      });
    }
  } catch (error) {
    deps.logger.error('fraud block event not recorded', {
      transactionId: screened.transactionId,
      error,
    });
  }
}

function flaggedEvent(
  deps: Pick<Dependencies, 'ids'>,
  screened: Screened,
  sequence: number,
): OutboxEvent {
  const { request, decision } = screened;
  return {
    id: deps.ids.next(),
    type: FRAUD_FLAGGED,
    aggregateType: 'transaction',
    aggregateId: screened.transactionId,
    sequence,
    occurredAt: screened.at,
    data: {
      transactionId: screened.transactionId,
      action: decision.action,
      ...(decision.score === undefined ? {} : { score: String(decision.score) }),
      reasons: [...decision.reasons],
      source: decision.source,
      posted: decision.action !== 'BLOCK',
      transactionType: request.type,
      amountMinor: request.amountMinor.toString(),
      currency: request.currency,
      ...(request.fromAccountId === undefined ? {} : { fromAccountId: request.fromAccountId }),
      ...(request.toAccountId === undefined ? {} : { toAccountId: request.toAccountId }),
      ...(request.customerId === undefined ? {} : { customerId: request.customerId }),
    },
  };
}
