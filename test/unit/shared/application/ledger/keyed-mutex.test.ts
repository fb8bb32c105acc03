import { describe, expect, it } from '@jest/globals';
import { KeyedMutex } from '../../../../../shared/application/ledger/keyed-mutex';

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** Holds `keys` until the returned function is called; resolves once they are held. */
async function hold(mutex: KeyedMutex, keys: string[]): Promise<() => void> {
  let release: () => void = () => undefined;
  let held: () => void = () => undefined;
  const isHeld = new Promise<void>((resolve) => {
    held = resolve;
  });
  void mutex.withLocks(keys, async () => {
    held();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  await isHeld;
  return release;
}

describe('KeyedMutex', () => {
  it('runs callers on one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const run = (name: string, ms: number) =>
      mutex.withLocks(['A'], async () => {
        order.push(`${name} in`);
        await sleep(ms);
        order.push(`${name} out`);
        return name;
      });

    const results = await Promise.all([run('first', 20), run('second', 1), run('third', 1)]);

    expect(results).toEqual(['first', 'second', 'third']);
    expect(order).toEqual([
      'first in',
      'first out',
      'second in',
      'second out',
      'third in',
      'third out',
    ]);
  });

  it('gives up a wait at its time and hands the place on, so those behind are not held up', async () => {
    const mutex = new KeyedMutex();
    const release = await hold(mutex, ['A', 'B']);
    let ranLate = false;

    const late = mutex.withLocksUntil(
      ['B', 'A'],
      async () => {
        ranLate = true;
        return 'late';
      },
      { until: Date.now() + 30 },
    );
    const behind = mutex.withLocks(['A'], async () => 'behind');
    const gaveUp = await late;
    release();

    expect(gaveUp).toEqual({ gaveUp: true });
    expect(await behind).toBe('behind');
    expect(ranLate).toBe(false);
    // Nothing is left held: a new caller gets both keys at once.
    expect(
      await mutex.withLocksUntil(['A', 'B'], async () => 'free', { until: Date.now() }),
    ).toEqual({ gaveUp: false, value: 'free' });
  });

  it('keeps waiting past its time while it may not give up, and stops as soon as it may', async () => {
    const mutex = new KeyedMutex();
    const release = await hold(mutex, ['A']);
    let mayGiveUp = false;
    const asked: number[] = [];
    const startedAt = Date.now();

    const waiting = mutex.withLocksUntil(['A'], async () => 'ran', {
      until: startedAt + 20,
      mayGiveUp: () => {
        asked.push(Date.now() - startedAt);
        return mayGiveUp;
      },
    });
    await sleep(100);
    mayGiveUp = true;
    const outcome = await waiting;
    release();

    expect(outcome).toEqual({ gaveUp: true });
    expect(asked.length).toBeGreaterThan(2);
    expect(asked[0]).toBeGreaterThanOrEqual(15);
    expect(asked.at(-1)).toBeGreaterThanOrEqual(100);
  });

  it('runs the work when the place comes in time, and releases it after', async () => {
    const mutex = new KeyedMutex();
    const release = await hold(mutex, ['A']);

    const waiting = mutex.withLocksUntil(['A'], async () => 'ran', { until: Date.now() + 1_000 });
    await sleep(10);
    release();

    expect(await waiting).toEqual({ gaveUp: false, value: 'ran' });
    expect(await mutex.withLocks(['A'], async () => 'next')).toBe('next');
  });
});
