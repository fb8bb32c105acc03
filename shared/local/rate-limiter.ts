/**
 * The local stand-in for the gateway's per-client rate limit (a WAF rate-based rule per source IP
 * in AWS): at most `requestsPerMinute` requests in any sliding 60-second window per client. A
 * refused request is told when its next request would be admitted (`Retry-After`, whole seconds,
 * rounded up). Memory is bounded: one timestamp per admitted request in the window, and clients
 * that have gone quiet are forgotten.
 */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until a slot frees up (0 when allowed with room to spare). */
  readonly retryAfterSeconds: number;
  /** Epoch seconds at which the window holds a free slot again. */
  readonly resetEpochSeconds: number;
}

const WINDOW_MS = 60_000;

export class SlidingWindowRateLimiter {
  private readonly clients = new Map<string, number[]>();
  private sweptAt = 0;

  constructor(
    readonly requestsPerMinute: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1) {
      throw new Error(`requestsPerMinute must be a positive integer, got ${requestsPerMinute}`);
    }
  }

  /** Counts a request from `client` if the window has room, and says whether it may proceed. */
  admit(client: string): RateDecision {
    const now = this.nowMs();
    this.sweep(now);
    const since = now - WINDOW_MS;
    const recent = this.clients.get(client) ?? [];
    // Admission times are in order, so the expired ones are a prefix.
    let expired = 0;
    while (expired < recent.length && (recent[expired] ?? now) <= since) expired += 1;
    if (expired > 0) recent.splice(0, expired);
    const limit = this.requestsPerMinute;
    if (recent.length >= limit) {
      this.clients.set(client, recent);
      // The oldest admitted request in the window leaves it first.
      const freesAt = (recent[0] ?? now) + WINDOW_MS;
      return {
        allowed: false,
        limit,
        remaining: 0,
        retryAfterSeconds: Math.max(1, Math.ceil((freesAt - now) / 1000)),
        resetEpochSeconds: Math.ceil(freesAt / 1000),
      };
    }
    recent.push(now);
    this.clients.set(client, recent);
    const freesAt = (recent[0] ?? now) + WINDOW_MS;
    return {
      allowed: true,
      limit,
      remaining: limit - recent.length,
      retryAfterSeconds: 0,
      resetEpochSeconds: Math.ceil(freesAt / 1000),
    };
  }

  /** How many clients are tracked (for tests of the memory bound). */
  get trackedClients(): number {
    return this.clients.size;
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < WINDOW_MS) return;
    this.sweptAt = now;
    for (const [client, times] of this.clients) {
      const last = times[times.length - 1];
      if (last === undefined || last <= now - WINDOW_MS) this.clients.delete(client);
    }
  }
}

/** The response headers that tell a client where it stands (draft IETF RateLimit fields, legacy names). */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(decision.resetEpochSeconds),
    ...(decision.allowed ? {} : { 'Retry-After': String(decision.retryAfterSeconds) }),
  };
}
