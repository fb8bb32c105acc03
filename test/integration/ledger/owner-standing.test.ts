import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommitGroups } from '../../../shared/application/ledger/group-commit';
import { KeyedMutex } from '../../../shared/application/ledger/keyed-mutex';
import type { LedgerStore } from '../../../shared/application/ledger/ledger-store';
import { deposit as depositUseCase } from '../../../shared/application/ledger/move-money';
import { PostingCache } from '../../../shared/application/ledger/posting-cache';
import type { Dependencies } from '../../../shared/application/ports';
import { Money } from '../../../shared/domain/money';
import {
  anAccount,
  aVerifiedCustomer,
  balanceOf,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

/** What the postings asked the ledger store to read besides their accounts. */
interface OwnerReads {
  /** The owners read in the accounts' own batch, per load. */
  readonly batched: string[][];
  /** Owners read on their own (GetItem). */
  readonly alone: string[];
}

/** The store, recording the owners a posting reads with its accounts and on their own. */
function recordingOwnerReads(ledger: LedgerStore, reads: OwnerReads): LedgerStore {
  return new Proxy(ledger, {
    get(target, property, receiver) {
      if (property === 'loadAccounts') {
        return (...args: Parameters<LedgerStore['loadAccounts']>) => {
          reads.batched.push([...(args[2] ?? [])]);
          return target.loadAccounts(...args);
        };
      }
      if (property === 'getCustomer') {
        return (customerId: string) => {
          reads.alone.push(customerId);
          return target.getCustomer(customerId);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

// A posting judges KYC limits by the owner's standing, which the account item carries as its last
// posting found it (Account.ownerKyc); the transaction checks the owner's version, so a standing
// that moved is caught by the write itself, never believed.
describe("the owner's KYC standing kept on the account", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('ownerkyc');
  });
  afterAll(async () => api.close());

  /**
   * A deposit through the use case in a container of its own that has never seen the account
   * (its own locks, posting cache and commit groups), its owner reads recorded.
   */
  async function depositCold(accountId: string, amount: string) {
    const reads: OwnerReads = { batched: [], alone: [] };
    const container: Dependencies = {
      ...api.deps,
      ledger: recordingOwnerReads(api.deps.ledger, reads),
      locks: new KeyedMutex(),
      postingCache: new PostingCache(),
      commitGroups: new CommitGroups(),
    };
    const result = await depositUseCase(
      container,
      { accountId, amount: Money.of(amount, 'USD') },
      {
        actor: 'test',
        idempotency: undefined,
        render: () => ({ status: 201, body: '', headers: {} }),
      },
    );
    return { outcome: result.ok ? 'posted' : result.error.code, reads };
  }
  /** The owner's standing on the account item, as the store reads it back. */
  const standingOn = async (accountId: string) =>
    (await api.deps.ledger.loadAccounts([accountId])).accounts.get(accountId)?.ownerKyc;
  const customerVersion = async (customerId: string) =>
    (await api.deps.ledger.getCustomer(customerId))?.version;

  it('is written by the first posting, after which a posting reads nothing but its accounts', async () => {
    // Prepare
    const customerId = await aVerifiedCustomer(api, 2);
    const account = await anAccount(api, { customerId });

    // Act
    const first = await depositCold(account, '10.00');
    const standing = await standingOn(account);
    const second = await depositCold(account, '20.00');

    // Assess
    expect([first.outcome, second.outcome]).toEqual(['posted', 'posted']);
    expect(first.reads).toEqual({ batched: [[]], alone: [customerId] });
    expect(standing).toEqual({
      customerVersion: await customerVersion(customerId),
      kycStatus: 'VERIFIED',
      kycTier: 2,
    });
    expect(second.reads).toEqual({ batched: [[]], alone: [] });
    expect(await balanceOf(api, account)).toBe('30.00');
  });

  it('fails the write when the standing moved since, and the retry judges by the owner as read', async () => {
    // Prepare: the account carries tier 3; the owner is then lowered to tier 1 (single 1,000).
    const customerId = await aVerifiedCustomer(api, 3);
    const account = await anAccount(api, { customerId, deposit: '10.00' });
    await api.call('PUT', `/customers/${customerId}/kyc`, {
      body: { status: 'VERIFIED', tier: 1 },
    });

    // Act
    const refused = await depositCold(account, '2000.00');
    const allowed = await depositCold(account, '500.00');

    // Assess: planned from tier 3, the write failed on the owner's version; read again, tier 1.
    expect(refused.outcome).toBe('KYC_LIMIT_EXCEEDED');
    expect(refused.reads).toEqual({ batched: [[], [customerId]], alone: [] });
    expect(allowed.outcome).toBe('posted');
    expect(await balanceOf(api, account)).toBe('510.00');
    expect(await standingOn(account)).toEqual({
      customerVersion: await customerVersion(customerId),
      kycStatus: 'VERIFIED',
      kycTier: 1,
    });
  });

  it('never believes a refusal from the standing on the account: the owner is read first', async () => {
    // Prepare: the account carries tier 0 (KYC pending); the owner is then verified at tier 2.
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Pat', lastName: 'Pending', email: 'pat.pending@example.com' },
    });
    const customerId = created.body.id;
    const account = await anAccount(api, { customerId, deposit: '50.00' });
    const before = await standingOn(account);
    await api.call('PUT', `/customers/${customerId}/kyc`, {
      body: { status: 'VERIFIED', tier: 2 },
    });

    // Act: above tier 0's single limit of 100.00, within tier 2's.
    const posted = await depositCold(account, '500.00');

    // Assess
    expect(before).toMatchObject({ kycStatus: 'PENDING', kycTier: 0 });
    expect(posted.outcome).toBe('posted');
    expect(posted.reads).toEqual({ batched: [[]], alone: [customerId] });
    expect(await standingOn(account)).toMatchObject({ kycStatus: 'VERIFIED', kycTier: 2 });
    expect(await balanceOf(api, account)).toBe('550.00');
  });
});
