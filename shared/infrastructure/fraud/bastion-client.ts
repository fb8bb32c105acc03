import * as z from 'zod';
import type {
  FraudAction,
  FraudDecision,
  FraudScoreRequest,
  FraudScorer,
  FraudScorerStatus,
} from '../../application/fraud/fraud-scoring';
import type { Logger } from '../../observability/logger';

export interface BastionSettings {
  /** Base URL; `POST {url}/score`. */
  readonly url: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  /** The decision when Bastion is down, slow, answers garbage, or the circuit is open. */
  readonly fallback: FraudAction;
  /** Consecutive failures that open the circuit. */
  readonly breakerFailures: number;
  /** How long an open circuit answers with the fallback before one trial call. */
  readonly breakerOpenMs: number;
}

/** Bastion's answer; anything else is garbage and gets the fallback. */
const ScoreResponseSchema = z.object({
  risk_score: z.number().min(0).max(1),
  action: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(['APPROVE', 'REVIEW', 'BLOCK'])),
  reasons: z.array(z.string().max(200)).max(50).default([]),
});

/**
 * Bastion's `/score` over HTTP with a timeout and a circuit breaker: after `breakerFailures`
 * consecutive failures the circuit opens and every movement gets the fallback without a call, so
 * an outage does not add the timeout to each payment; after `breakerOpenMs` one call is let
 * through (half-open) and its outcome closes or re-opens the circuit.
 */
export class BastionFraudScorer implements FraudScorer {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly counters = {
    calls: 0,
    failures: 0,
    fallbacks: 0,
    decisions: { APPROVE: 0, REVIEW: 0, BLOCK: 0 } as Record<FraudAction, number>,
  };

  constructor(
    private readonly settings: BastionSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async score(request: FraudScoreRequest): Promise<FraudDecision> {
    const gate = this.gate();
    if (gate === 'reject') return this.fallback('CIRCUIT_OPEN', 'circuit_open');
    const trial = gate === 'trial';
    if (trial) this.trialInFlight = true;
    this.counters.calls += 1;
    const startedAt = this.now();
    try {
      const decision = await this.call(request);
      this.consecutiveFailures = 0;
      this.openedAt = undefined;
      this.counters.decisions[decision.action] += 1;
      return decision;
    } catch (error) {
      this.counters.failures += 1;
      this.consecutiveFailures += 1;
      if (trial || this.consecutiveFailures >= this.settings.breakerFailures) {
        this.openedAt = this.now();
      }
      this.logger.warn('fraud scoring failed; using the fallback', {
        transactionId: request.transactionId,
        reason: error instanceof Error ? error.message : 'unknown',
        latencyMs: this.now() - startedAt,
        consecutiveFailures: this.consecutiveFailures,
        circuit: this.openedAt === undefined ? 'CLOSED' : 'OPEN',
      });
      return this.fallback('FALLBACK', 'bastion_unavailable');
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  status(): FraudScorerStatus {
    return {
      enabled: true,
      circuit: this.circuit(),
      consecutiveFailures: this.consecutiveFailures,
      calls: this.counters.calls,
      failures: this.counters.failures,
      fallbacks: this.counters.fallbacks,
      decisions: { ...this.counters.decisions },
    };
  }

  private circuit(): FraudScorerStatus['circuit'] {
    if (this.openedAt === undefined) return 'CLOSED';
    return this.now() - this.openedAt >= this.settings.breakerOpenMs ? 'HALF_OPEN' : 'OPEN';
  }

  /** Whether this call may go to Bastion: always when closed, one trial at a time when half-open. */
  private gate(): 'call' | 'trial' | 'reject' {
    switch (this.circuit()) {
      case 'CLOSED':
        return 'call';
      case 'OPEN':
        return 'reject';
      case 'HALF_OPEN':
        return this.trialInFlight ? 'reject' : 'trial';
    }
  }

  private fallback(source: 'FALLBACK' | 'CIRCUIT_OPEN', reason: string): FraudDecision {
    this.counters.fallbacks += 1;
    this.counters.decisions[this.settings.fallback] += 1;
    return { action: this.settings.fallback, score: undefined, reasons: [reason], source };
  }

  private async call(request: FraudScoreRequest): Promise<FraudDecision> {
    const response = await fetch(`${this.settings.url.replace(/\/+$/, '')}/score`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(this.settings.apiKey === undefined
          ? {}
          : { Authorization: `Bearer ${this.settings.apiKey}` }),
      },
      body: JSON.stringify({
        transaction_id: request.transactionId,
        cif_id: request.customerId,
        // A decimal string, never a float: Bastion parses it exactly.
        amount: request.amount,
        currency: request.currency,
        merchant_id: null,
        merchant_category: null,
        channel: request.channel ?? 'API',
        country: null,
        timestamp: request.at.toISOString(),
        metadata: {
          transaction_type: request.type,
          ...(request.fromAccountId === undefined
            ? {}
            : { from_account_id: request.fromAccountId }),
          ...(request.toAccountId === undefined ? {} : { to_account_id: request.toAccountId }),
        },
      }),
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`Bastion answered HTTP ${response.status}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error('Bastion answered malformed JSON');
    }
    const parsed = ScoreResponseSchema.safeParse(json);
    if (!parsed.success) throw new Error('Bastion answered an unexpected shape');
    return {
      action: parsed.data.action,
      score: parsed.data.risk_score,
      reasons: parsed.data.reasons,
      source: 'BASTION',
    };
  }
}
