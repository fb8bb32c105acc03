import { describe, expect, it } from '@jest/globals';
import { rateLimitHeaders, SlidingWindowRateLimiter } from '../../../../shared/local/rate-limiter';

function limiterAt(limit: number) {
  const clock = { now: 1_700_000_000_000 };
  return { clock, limiter: new SlidingWindowRateLimiter(limit, () => clock.now) };
}

describe('SlidingWindowRateLimiter', () => {
  it('admits the limit within a minute and refuses the next, telling when to retry', () => {
    const { clock, limiter } = limiterAt(60);
    for (let i = 0; i < 60; i += 1) {
      const decision = limiter.admit('10.0.0.1');
      expect(decision.allowed).toBe(true);
      expect(decision.remaining).toBe(59 - i);
      clock.now += 500; // 60 requests over 30 s
    }
    const refused = limiter.admit('10.0.0.1');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 60 });
    // The first request was admitted 30 s ago: a slot frees in 30 s.
    expect(refused.retryAfterSeconds).toBe(30);
    expect(rateLimitHeaders(refused)['Retry-After']).toBe('30');
  });

  it('slides: a slot frees exactly when the oldest request leaves the window', () => {
    const { clock, limiter } = limiterAt(2);
    limiter.admit('a');
    clock.now += 10_000;
    limiter.admit('a');
    clock.now += 49_999;
    expect(limiter.admit('a').allowed).toBe(false);
    clock.now += 2; // 60.001 s after the first
    expect(limiter.admit('a').allowed).toBe(true);
    expect(limiter.admit('a').allowed).toBe(false);
  });

  it('refused requests do not extend the wait', () => {
    const { clock, limiter } = limiterAt(1);
    limiter.admit('a');
    for (let i = 0; i < 100; i += 1) {
      clock.now += 500;
      expect(limiter.admit('a').allowed).toBe(false);
    }
    clock.now += 10_001; // 60.001 s after the only admitted request
    expect(limiter.admit('a').allowed).toBe(true);
  });

  it('keeps clients apart and forgets quiet ones', () => {
    const { clock, limiter } = limiterAt(1);
    expect(limiter.admit('a').allowed).toBe(true);
    expect(limiter.admit('b').allowed).toBe(true);
    expect(limiter.admit('a').allowed).toBe(false);
    expect(limiter.trackedClients).toBe(2);
    clock.now += 61_000;
    expect(limiter.admit('c').allowed).toBe(true);
    expect(limiter.trackedClients).toBe(1);
  });

  it('rejects a nonsensical limit', () => {
    expect(() => new SlidingWindowRateLimiter(0)).toThrow(/positive integer/);
    expect(() => new SlidingWindowRateLimiter(1.5)).toThrow(/positive integer/);
  });
});
