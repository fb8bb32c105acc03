import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LedgerStore } from '../../../../shared/application/ledger/ledger-store';
import type { WriteOp } from '../../../../shared/application/ledger/records';
import {
  anAccount,
  callAsClient,
  createTestApi,
  tally,
  type TestApi,
} from '../../../support/api-client';

/*
 * The clients retry a 409 CONFLICT as API.md asks (a loaded machine can keep a long in-process
 * queue past the deadline). Group commit: requests queued in one runtime on the same accounts are written together, one
 * transaction for several postings. Every request must still get exactly the answer some serial
 * order gives, with its own entry, history line, audit record and event.
 */

type WireMoney = { amount: string; currency: string };
type HistoryLine = { side: 'DEBIT' | 'CREDIT'; amount: WireMoney; balanceAfter: WireMoney };

/**
 * The ledger with a record of each transaction written: how many postings went in each, and why
 * each refused one was refused.
 */
function countingLedger(
  ledger: LedgerStore,
  postingsPerCommit: number[],
  refusals: string[],
): LedgerStore {
  return new Proxy(ledger, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'commit' || typeof value !== 'function') {
        return typeof value === 'function' ? (value.bind(target) as unknown) : value;
      }
      return async (ops: readonly WriteOp[]) => {
        const result = await (value as LedgerStore['commit']).call(target, ops);
        const postings = ops.filter((op) => op.kind === 'putTransaction').length;
        if (result.committed && postings > 0) postingsPerCommit.push(postings);
        if (!result.committed) refusals.push(result.reason);
        return result;
      };
    },
  });
}

describe('group commit of queued postings on one account', () => {
  let api: TestApi;
  const postingsPerCommit: number[] = [];
  const refusals: string[] = [];
  beforeAll(async () => {
    api = await createTestApi('group-commit', {
      overrides: (base) => ({ ledger: countingLedger(base.ledger, postingsPerCommit, refusals) }),
    });
  });
  afterAll(async () => api.close());

  const history = async (accountId: string) =>
    (
      await api.call<{ items: HistoryLine[] }>(
        'GET',
        `/accounts/${accountId}/transactions?limit=200`,
      )
    ).body.items;

  it('books 60 concurrent withdrawals on 45.00 in a few transactions, exactly as in series', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '45.00' });
    postingsPerCommit.length = 0;

    // Act
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        callAsClient<{ id: string; code?: string }>(api, 'POST', '/transactions/withdraw', {
          body: { accountId: account, amount: '1.00', currency: 'USD' },
          headers: { 'Idempotency-Key': `group-${account}-${i}` },
        }),
      ),
    );

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(tally(responses)).toEqual({ '201': 45, '422 INSUFFICIENT_FUNDS': 15 });
    // 45 postings, several to a transaction: far fewer round trips than postings.
    expect(postingsPerCommit.reduce((sum, n) => sum + n, 0)).toBe(45);
    expect(Math.max(...postingsPerCommit)).toBeGreaterThan(1);
    expect(postingsPerCommit.length).toBeLessThan(45);
    // Each posting has its own history line, chained balance after balance.
    const lines = await history(account);
    expect(lines).toHaveLength(46);
    expect(new Set(lines.map((line) => line.balanceAfter.amount)).size).toBe(46);
    // Each answer is its own, and a retry replays it rather than posting again.
    const ids = responses.filter((r) => r.status === 201).map((r) => r.body.id);
    expect(new Set(ids).size).toBe(45);
    const index = statuses.indexOf(201);
    const replay = await api.call<{ id: string }>('POST', '/transactions/withdraw', {
      body: { accountId: account, amount: '1.00', currency: 'USD' },
      headers: { 'Idempotency-Key': `group-${account}-${index}` },
    });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(responses[index]?.body.id);
    const balance = await api.call<{ balance: WireMoney }>('GET', `/accounts/${account}`);
    expect(balance.body.balance.amount).toBe('0.00');
  }, 120_000);

  it('keeps the audit chain, the trial balance and every event whole', async () => {
    // Prepare
    // Enough on each side that no order of the 60 (a loaded machine reorders retries) overdraws.
    const a = await anAccount(api, { deposit: '50.00' });
    const b = await anAccount(api, { deposit: '50.00' });
    postingsPerCommit.length = 0;

    // Act: transfers both ways and deposits on the same pair, all at once
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        callAsClient(api, 'POST', '/transactions/transfer', {
          body: { fromAccountId: a, toAccountId: b, amount: '2.00', currency: 'USD' },
        }),
        callAsClient(api, 'POST', '/transactions/transfer', {
          body: { fromAccountId: b, toAccountId: a, amount: '1.50', currency: 'USD' },
        }),
        callAsClient(api, 'POST', '/transactions/deposit', {
          body: { accountId: i % 2 === 0 ? a : b, amount: '0.25', currency: 'USD' },
        }),
      ]).flat(),
    );

    // Assess
    const refused = responses.filter((response) => response.status !== 201);
    expect(refused.map((response) => [response.status, response.body])).toEqual([]);
    expect(postingsPerCommit.reduce((sum, n) => sum + n, 0)).toBe(60);
    const [accountA, accountB] = await Promise.all(
      [a, b].map(
        async (id) =>
          (await api.call<{ balance: WireMoney }>('GET', `/accounts/${id}`)).body.balance.amount,
      ),
    );
    // a: 50 − 20 × 2.00 + 20 × 1.50 + 10 × 0.25; b the other way round
    expect(accountA).toBe('42.50');
    expect(accountB).toBe('62.50');
    expect((await history(a)).length + (await history(b)).length).toBe(2 + 40 + 40 + 20);
    const trial = await api.call<{ balanced: boolean }>('GET', '/ledger/trial-balance');
    expect(trial.body.balanced).toBe(true);
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(verify.body.valid).toBe(true);
    // One transaction.posted event per posting, in the same transaction as the posting.
    for (const response of responses) {
      const { id } = response.body as { id: string };
      const events = await api.call<{ items: { type: string }[] }>(
        'GET',
        `/events?subject=transaction/${id}`,
      );
      expect(events.body.items.map((event) => event.type)).toEqual(['nexum.transaction.posted']);
    }
  }, 120_000);

  it('books exactly the concurrent transfers that fit a payee KYC daily limit and refuses the rest', async () => {
    // Prepare: tier 1 may receive 1,000.00 a day
    const account = await anAccount(api, { kycTier: 1 });
    const payer = await anAccount(api, { deposit: '5000.00' });
    postingsPerCommit.length = 0;
    refusals.length = 0;

    // Act: 30 transfers of 100.00 at once, 3,000.00 in all
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        callAsClient<{ code?: string }>(api, 'POST', '/transactions/transfer', {
          body: { fromAccountId: payer, toAccountId: account, amount: '100.00', currency: 'USD' },
        }),
      ),
    );

    // Assess
    expect(tally(responses)).toEqual({ '201': 10, '422 KYC_LIMIT_EXCEEDED': 20 });
    expect(postingsPerCommit.reduce((sum, n) => sum + n, 0)).toBe(10);
    // The first refused write brings back the day's total: the other refusals write nothing,
    // and the groups after it stop short of the limit.
    expect(refusals.filter((reason) => reason === 'kyc-limit')).toHaveLength(1);
    const balance = await api.call<{ balance: WireMoney }>('GET', `/accounts/${account}`);
    expect(balance.body.balance.amount).toBe('1000.00');
  }, 60_000);
});
