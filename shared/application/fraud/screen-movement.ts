import { Money } from '../../domain/money';
import type { Dependencies } from '../ports';
import type { PostingRequest } from '../ledger/build-posting';
import type { FraudMark, TransactionRecord, WriteOp } from '../ledger/records';
import type { FraudDecision } from './fraud-scoring';
import { blockedOps, reviewOps, type Decided } from './review-records';

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
  /** The decision as recorded (on the transaction, or on the fraud case). */
  readonly mark: FraudMark;
  /**
   * What an approved posting takes from the screening: the id Bastion was told, and the mark
   * (kept for GET /transactions/{id}/fraud-score; none when scoring is off).
   */
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
    mark,
    posting: { transactionId, ...(decision.source === 'DISABLED' ? {} : { fraud: mark }) },
  };
}

/**
 * A BLOCK posts nothing, so its case (document, audit, `nexum.fraud.flagged`) is committed on its
 * own. Recording it must not change the answer (422 FRAUD_BLOCKED): a failure here is logged and
 * the refusal stands.
 */
export async function recordBlocked(
  deps: Deps,
  screened: Screened,
  request: PostingRequest,
): Promise<void> {
  try {
    const result = await deps.ledger.commit(blockedOps(deps, decidedOf(screened, request)));
    if (!result.committed) {
      deps.logger.warn('fraud block not recorded', {
        transactionId: screened.transactionId,
        reason: result.reason,
      });
    }
  } catch (error) {
    deps.logger.error('fraud block not recorded', {
      transactionId: screened.transactionId,
      error,
    });
  }
}

/** The REVIEW path of a posting: the movement held for a reviewer instead of booked. */
export function heldForReview(
  deps: Pick<Dependencies, 'ids' | 'clock'>,
  screened: Screened,
  request: PostingRequest,
): { readonly ops: WriteOp[]; readonly transaction: TransactionRecord } {
  return reviewOps(deps, decidedOf(screened, request));
}

function decidedOf(screened: Screened, request: PostingRequest): Decided {
  return {
    transactionId: screened.transactionId,
    mark: screened.mark,
    request,
    customerId: screened.request.customerId,
  };
}
