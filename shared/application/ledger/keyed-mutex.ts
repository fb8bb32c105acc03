/**
 * In-process mutual exclusion per key (account id). Not a correctness guard: the conditional
 * write is. It keeps one process that serves concurrent requests (the local server, a long-lived
 * worker) from racing itself on one account, so a burst is served in order instead of by a storm
 * of optimistic retries. A Lambda container serves one request at a time, so in AWS the backoff
 * in runCommand is what spreads a burst (docs/ledger.md, hot customer accounts).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` holding every key; keys are taken in sorted order, so two callers cannot deadlock. */
  async withLocks<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // The last holder leaves no trace, so the map does not grow with every account ever seen.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
