import { describe, expect, it } from '@jest/globals';
import { CommitGroups, mergeWrites } from '../../../../../shared/application/ledger/group-commit';
import type { WriteOp } from '../../../../../shared/application/ledger/records';
import { accountRecord } from '../../../../support/ledger-records';
import type { CurrencyCode } from '../../../../../shared/domain/money';

const USD = 'USD' as CurrencyCode;
const account = (version: number, balanceMinor: bigint) => accountRecord(version, balanceMinor);
const update = (from: number, to: number, fromMinor: bigint, toMinor: bigint): WriteOp => ({
  kind: 'updateAccount',
  before: account(from, fromMinor),
  after: account(to, toMinor),
  requireAvailableMinor: fromMinor - toMinor,
});
const gl = (debitMinor: bigint, creditMinor: bigint): WriteOp => ({
  kind: 'moveGl',
  movement: { code: '1000', currency: USD, debitMinor, creditMinor },
});
const kyc = (amountMinor: bigint, limitMinor = 100_000n): WriteOp => ({
  kind: 'addKycVolume',
  customerId: 'cus-1',
  currency: USD,
  period: 'DAY',
  periodKey: '2026-11-26',
  amountMinor,
  limitMinor,
  tier: 2,
});
const idempotency = (key: string): WriteOp => ({
  kind: 'putIdempotency',
  record: {
    key,
    operation: 'withdraw',
    requestHash: 'h',
    status: 201,
    body: '{}',
    headers: {},
    createdAt: '2026-11-26T00:00:00.000Z',
    expiresAtEpochSeconds: 0,
  },
});

describe('mergeWrites: several postings as one transaction', () => {
  it('writes a chained account once, from the first state (its conditions) to the last', () => {
    const merged = mergeWrites([update(4, 5, 1000n, 900n), update(5, 6, 900n, 750n)]);
    expect(merged).toHaveLength(1);
    const [only] = merged ?? [];
    expect(only).toMatchObject({ kind: 'updateAccount', requireAvailableMinor: 100n });
    if (only?.kind !== 'updateAccount') throw new Error('not an account update');
    expect(only.before.version).toBe(4);
    expect(only.after).toMatchObject({ version: 6, balanceMinor: 750n });
  });

  it('refuses an account update that was not planned on the one before it', () => {
    expect(mergeWrites([update(4, 5, 1000n, 900n), update(4, 5, 1000n, 800n)])).toBeUndefined();
    expect(mergeWrites([update(4, 5, 1000n, 900n), update(6, 7, 900n, 800n)])).toBeUndefined();
  });

  it('adds GL movements and KYC period volumes on the same item', () => {
    const merged = mergeWrites([gl(100n, 0n), kyc(100n), gl(250n, 5n), kyc(250n)]);
    expect(merged).toEqual([
      { kind: 'moveGl', movement: expect.objectContaining({ debitMinor: 350n, creditMinor: 5n }) },
      expect.objectContaining({ kind: 'addKycVolume', amountMinor: 350n, limitMinor: 100_000n }),
    ]);
  });

  it('refuses KYC volumes checked against different limits', () => {
    expect(mergeWrites([kyc(100n, 1_000n), kyc(100n, 2_000n)])).toBeUndefined();
  });

  it('refuses KYC volumes that together pass their limit, whatever the period total', () => {
    expect(mergeWrites([kyc(600n, 1_000n), kyc(400n, 1_000n)])).toEqual([kyc(1_000n, 1_000n)]);
    expect(mergeWrites([kyc(600n, 1_000n), kyc(401n, 1_000n)])).toBeUndefined();
  });

  it('refuses two writes of one idempotency key, and any write it does not know', () => {
    expect(mergeWrites([idempotency('k-1'), idempotency('k-2')])).toHaveLength(2);
    expect(mergeWrites([idempotency('k-1'), idempotency('k-1')])).toBeUndefined();
    expect(
      mergeWrites([
        gl(1n, 0n),
        { kind: 'markReversed', transactionId: 'txn-1', reversedBy: 'txn-2' },
      ]),
    ).toBeUndefined();
  });

  it('keeps every write in the order it first appears', () => {
    const merged = mergeWrites([update(1, 2, 10n, 9n), gl(1n, 0n), update(2, 3, 9n, 8n)]);
    expect(merged?.map((op) => op.kind)).toEqual(['updateAccount', 'moveGl']);
  });
});

describe('CommitGroups time allowance', () => {
  it('is the floor until units of work run slow, then one and a half of the slowest, fading by half every 10 s', () => {
    const groups = new CommitGroups();
    const at = 1_000_000;

    const fresh = groups.allowanceMs(1_500, at);
    groups.noteDuration(200, at);
    const afterFast = groups.allowanceMs(1_500, at);
    groups.noteDuration(2_000, at);
    groups.noteDuration(300, at + 1);
    const afterSlow = groups.allowanceMs(1_500, at + 1);
    const tenSecondsLater = groups.allowanceMs(1_500, at + 10_000);
    const minuteLater = groups.allowanceMs(1_500, at + 60_000);

    expect([fresh, afterFast]).toEqual([1_500, 1_500]);
    expect(afterSlow).toBe(3_000);
    expect(tenSecondsLater).toBe(1_500);
    expect(groups.allowanceMs(1_000, at + 10_000)).toBe(1_500);
    expect(minuteLater).toBe(1_500);
  });
});
