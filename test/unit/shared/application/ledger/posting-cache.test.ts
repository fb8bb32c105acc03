import { describe, expect, it } from '@jest/globals';
import { PostingCache } from '../../../../../shared/application/ledger/posting-cache';
import type { CommitResult, WriteOp } from '../../../../../shared/application/ledger/records';
import type { CurrencyCode } from '../../../../../shared/domain/money';
import { accountRecord } from '../../../../support/ledger-records';

const state = (version: number) => ({
  accounts: new Map([['acc-1', accountRecord(version)]]),
});
const USD = 'USD' as CurrencyCode;
const volume = (amountMinor: bigint): WriteOp => ({
  kind: 'addKycVolume',
  customerId: 'cus-1',
  currency: USD,
  period: 'DAY',
  periodKey: '2026-11-27',
  amountMinor,
  limitMinor: 100_000n,
  tier: 1,
});
const refusedAt = (totalMinor: bigint | undefined): CommitResult => ({
  committed: false,
  reason: 'kyc-limit',
  customerId: 'cus-1',
  period: 'DAY',
  periodKey: '2026-11-27',
  limitMinor: 100_000n,
  currency: USD,
  tier: 1,
  ...(totalMinor === undefined ? {} : { totalMinor }),
});
/** A draw that never picks an exploring read. */
const NO_EXPLORE = 0.99;

describe('PostingCache: the state a container remembers is trusted while it proves fresh', () => {
  it('returns the newest remembered state of known accounts and nothing for unknown ones', () => {
    const cache = new PostingCache();
    cache.remember(state(3));
    cache.remember(state(2)); // An older report arriving late does not win.

    expect(cache.read(['acc-1'], NO_EXPLORE)?.accounts.get('acc-1')?.version).toBe(3);
    expect(cache.read(['acc-1', 'acc-2'], NO_EXPLORE)).toBeUndefined();
  });

  it('stops using remembered state once most writes planned from it found it stale, and trusts it again as it proves fresh', () => {
    const cache = new PostingCache();
    cache.remember(state(1));
    for (let i = 0; i < 3; i += 1) cache.proved(false); // 1 → 0.75 → 0.56 → 0.42: below half.

    const distrusted = cache.read(['acc-1'], NO_EXPLORE);
    const explored = cache.read(['acc-1'], 0.05); // One draw in ten still tries it.
    cache.proved(true); // 0.42 → 0.57: above half again.
    const trustedAgain = cache.read(['acc-1'], NO_EXPLORE);

    expect(distrusted).toBeUndefined();
    expect(explored?.accounts.get('acc-1')?.version).toBe(1);
    expect(trustedAgain?.accounts.get('acc-1')?.version).toBe(1);
  });

  it('always uses the state a group commit staged for the next command of its group', () => {
    const cache = new PostingCache();
    for (let i = 0; i < 20; i += 1) cache.proved(false);
    cache.remember(state(5), true);

    expect(cache.read(['acc-1'], NO_EXPLORE)?.accounts.get('acc-1')?.version).toBe(5);
    cache.remember(state(6)); // The group's write committed: an ordinary entry again.
    expect(cache.read(['acc-1'], NO_EXPLORE)).toBeUndefined();
  });

  it('forgets accounts', () => {
    const cache = new PostingCache();
    cache.remember(state(1));
    cache.forget(['acc-1']);

    expect(cache.read(['acc-1'], NO_EXPLORE)).toBeUndefined();
  });
  it('says an account had others queued behind its last turn here until the time given, or until a turn comes with nobody behind', () => {
    const cache = new PostingCache();
    cache.queuedBehind(['acc-1', 'acc-2'], true, 2_000);

    const [soon, later, otherAccount] = [
      cache.queuedLately(['acc-2', 'acc-9'], 1_999),
      cache.queuedLately(['acc-1'], 2_000),
      cache.queuedLately(['acc-9'], 0),
    ];
    cache.queuedBehind(['acc-1'], false, 5_000);

    expect([soon, later, otherAccount]).toEqual([true, false, false]);
    expect(cache.queuedLately(['acc-1'], 1_000)).toBe(false);
    expect(cache.queuedLately(['acc-2'], 1_000)).toBe(true);
  });

  it('keeps the highest KYC period total a refused write brought back, and adds what commits after it', () => {
    const cache = new PostingCache();
    const total = () => cache.kycTotal('cus-1', USD, 'DAY', '2026-11-27');

    const unknownGrowth = cache.learnKycTotals([volume(10_000n)], { committed: true });
    const unknownAfterCommit = total();
    const raised = cache.learnKycTotals([volume(10_000n)], refusedAt(90_000n));
    const lower = cache.learnKycTotals([volume(10_000n)], refusedAt(80_000n)); // An older answer.
    const noTotal = cache.learnKycTotals([volume(10_000n)], refusedAt(undefined));
    cache.learnKycTotals([volume(5_000n)], { committed: true });

    expect([unknownGrowth, raised, lower, noTotal]).toEqual([false, true, false, false]);
    expect(unknownAfterCommit).toBeUndefined();
    expect(total()).toBe(95_000n);
    expect(cache.kycTotal('cus-1', USD, 'DAY', '2026-11-28')).toBeUndefined();
    expect(cache.fitsKycTotals([volume(5_000n)])).toBe(true);
    expect(cache.fitsKycTotals([volume(5_001n)])).toBe(false);
  });
});
