/**
 * Fraud scoring of money movements (Bastion). The port is what the posting path needs: one
 * decision per movement, always answered — a scorer that is down, slow or confused answers with
 * its configured fallback instead of failing the payment.
 */
export type FraudAction = 'APPROVE' | 'REVIEW' | 'BLOCK';

/** Where a decision came from: Bastion itself, or the fallback (and why). */
export type FraudDecisionSource = 'BASTION' | 'FALLBACK' | 'CIRCUIT_OPEN' | 'DISABLED';

export interface FraudDecision {
  readonly action: FraudAction;
  /** Bastion's risk score (0–1) as it sent it; undefined for a fallback. */
  readonly score: number | undefined;
  /** Rule names, e.g. `high_amount`; `bastion_unavailable` for a fallback. Never personal data. */
  readonly reasons: readonly string[];
  readonly source: FraudDecisionSource;
}

/** One movement as Bastion sees it: ids, amount and channel, no personal data. */
export interface FraudScoreRequest {
  readonly transactionId: string;
  /** The paying customer's id (Bastion's `cif_id`). */
  readonly customerId: string;
  /** Decimal string at the currency's scale. */
  readonly amount: string;
  readonly currency: string;
  readonly type: 'DEPOSIT' | 'WITHDRAWAL' | 'TRANSFER' | 'FX_TRANSFER';
  readonly channel: string | undefined;
  readonly fromAccountId: string | undefined;
  readonly toAccountId: string | undefined;
  readonly at: Date;
}

export interface FraudScorerStatus {
  readonly enabled: boolean;
  readonly circuit: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
  readonly consecutiveFailures: number;
  readonly calls: number;
  readonly failures: number;
  readonly fallbacks: number;
  readonly decisions: Readonly<Record<FraudAction, number>>;
}

export interface FraudScorer {
  score(request: FraudScoreRequest): Promise<FraudDecision>;
  status(): FraudScorerStatus;
}

/** The scorer when no Bastion URL is configured: every movement approved, nothing called. */
export const disabledFraudScorer: FraudScorer = {
  score: () =>
    Promise.resolve({
      action: 'APPROVE',
      score: undefined,
      reasons: ['fraud_scoring_disabled'],
      source: 'DISABLED',
    }),
  status: () => ({
    enabled: false,
    circuit: 'CLOSED',
    consecutiveFailures: 0,
    calls: 0,
    failures: 0,
    fallbacks: 0,
    decisions: { APPROVE: 0, REVIEW: 0, BLOCK: 0 },
  }),
};
