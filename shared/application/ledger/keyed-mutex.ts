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
    const outcome = await this.withLocksUntil(keys, work, { until: Number.POSITIVE_INFINITY });
    if (outcome.gaveUp) throw new Error('An unbounded wait gave up');
    return outcome.value;
  }

  /**
   * As `withLocks`, but a caller still waiting at epoch ms `until` stops waiting (`gaveUp`) as
   * soon as `mayGiveUp()` agrees (asked then, and every RECHECK_MS after). A place given up is
   * handed on at once when it comes, so the callers behind it are not held up.
   */
  async withLocksUntil<T>(
    keys: readonly string[],
    work: () => Promise<T>,
    options: { readonly until: number; readonly mayGiveUp?: () => boolean },
  ): Promise<{ readonly gaveUp: true } | { readonly gaveUp: false; readonly value: T }> {
    const releases: (() => void)[] = [];
    const releaseAll = () => {
      for (const release of releases.reverse()) release();
    };
    const acquired = (async () => {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
    })();
    let until = options.until;
    while (!(await arrivesBy(acquired, until))) {
      if (options.mayGiveUp?.() ?? true) {
        // The place is handed on as soon as it comes, so those behind it are not held up.
        void acquired.then(releaseAll);
        return { gaveUp: true };
      }
      until = Date.now() + RECHECK_MS;
    }
    try {
      return { gaveUp: false, value: await work() };
    } finally {
      releaseAll();
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

/** How often a caller past its time that may not give up yet asks again. */
const RECHECK_MS = 20;

/** Whether `promise` settles before epoch ms `until` (no timer left behind either way). */
async function arrivesBy(promise: Promise<unknown>, until: number): Promise<boolean> {
  if (until === Number.POSITIVE_INFINITY) {
    await promise;
    return true;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, until - Date.now()));
  });
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
