import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PostingCache } from '../../../../shared/application/ledger/posting-cache';
import { anAccount, createTestApi, type TestApi } from '../../../support/api-client';
import {
  everyItem,
  idempotencyKeyTaken,
  injectFaults,
  sdkError,
  type TransactWriteFaults,
} from './fault-api';

/*
 * DynamoDB Local serialises transactions and never cancels one for TransactionConflict, so the
 * contention paths of the unit of work are reached by injecting cancellations at the client:
 * the use case, the store's classification and the HTTP edge all run for real.
 */

type WireMoney = { amount: string; currency: string };
type HistoryPage = { items: { amount: WireMoney; balanceAfter: WireMoney }[] };
type TrialBalance = {
  balanced: boolean;
  currencies: { currency: string; debits: string; credits: string }[];
};

/** What a client can observe of an account and the books: compared before and after a fault. */
async function snapshot(api: TestApi, accountId: string) {
  const [account, history, trialBalance] = await Promise.all([
    api.call<{ balance: WireMoney; availableBalance: WireMoney; version: number }>(
      'GET',
      `/accounts/${accountId}`,
    ),
    api.call<HistoryPage>('GET', `/accounts/${accountId}/transactions?limit=200`),
    api.call<TrialBalance>('GET', '/ledger/trial-balance'),
  ]);
  return {
    balance: account.body.balance.amount,
    available: account.body.availableBalance.amount,
    version: account.body.version,
    lines: history.body.items.length,
    trialBalance: trialBalance.body.currencies,
  };
}

const deposit = (api: TestApi, accountId: string, amount: string, key?: string) =>
  api.call<{ id: string }>('POST', '/transactions/deposit', {
    body: { accountId, amount, currency: 'USD' },
    ...(key === undefined ? {} : { headers: { 'Idempotency-Key': key } }),
  });

describe('transient cancellations are retried until the write lands, once', () => {
  let api: TestApi;
  let faults: TransactWriteFaults;
  beforeAll(async () => {
    api = await createTestApi('faults-retry');
    faults = injectFaults(api);
  });
  afterAll(async () => api.close());
  beforeEach(() => faults.reset());

  it('books a deposit exactly once after three TransactionConflict cancellations', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const before = await snapshot(api, account);
    faults.reset();
    faults.arm({ kind: 'cancel', reasons: everyItem('TransactionConflict') }, 3);

    // Act
    const response = await deposit(api, account, '2.50');

    // Assess
    expect(response.status).toBe(201);
    expect(faults.attempts).toBe(4);
    const after = await snapshot(api, account);
    expect(after).toMatchObject({
      balance: '12.50',
      lines: before.lines + 1,
      version: before.version + 1,
    });
    const history = await api.call<HistoryPage>('GET', `/accounts/${account}/transactions`);
    expect(history.body.items[0]).toMatchObject({
      amount: { amount: '2.50' },
      balanceAfter: { amount: '12.50' },
    });
    expect((await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body.balanced).toBe(true);
  });

  it.each(['ThrottlingError', 'ProvisionedThroughputExceeded'])(
    'treats a %s cancellation as contention and retries it',
    async (code) => {
      // Prepare
      const account = await anAccount(api, { deposit: '10.00' });
      faults.reset();
      faults.arm({ kind: 'cancel', reasons: everyItem(code) }, 2);

      // Act
      const response = await api.call('POST', '/transactions/withdraw', {
        body: { accountId: account, amount: '4.00', currency: 'USD' },
      });

      // Assess
      expect(response.status).toBe(201);
      expect(faults.attempts).toBe(3);
      expect(await snapshot(api, account)).toMatchObject({ balance: '6.00', lines: 2 });
    },
  );

  it('replays, and does not retry, when the idempotency record was taken by a write that committed', async () => {
    // Prepare: the write lands, but the caller sees ConditionalCheckFailed on its idempotency
    // record, exactly as when a concurrent duplicate with the same key committed first. The
    // container's posting state is new, so it plans from what it remembers of the account (the
    // opening deposit), as a container that has been writing alone does.
    Object.assign(api.deps, { postingCache: new PostingCache() });
    const account = await anAccount(api, { deposit: '10.00' });
    const key = `lost-answer-${account}`;
    faults.reset();
    faults.arm({ kind: 'commitThenCancel', reasons: idempotencyKeyTaken });

    // Act
    const first = await deposit(api, account, '3.00', key);
    const attemptsOfFirst = faults.attempts;
    const retried = await deposit(api, account, '3.00', key);

    // Assess: the retry read the account and the stored answer instead of planning from the
    // state remembered before the lost answer, so it wrote nothing.
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBe('true');
    expect(attemptsOfFirst).toBe(1);
    expect(faults.attempts).toBe(1);
    expect(retried.status).toBe(201);
    expect(retried.raw).toBe(first.raw);
    expect(await snapshot(api, account)).toMatchObject({ balance: '13.00', lines: 2 });
  });

  it('refuses a different request whose key was taken meanwhile, as IDEMPOTENCY_KEY_REUSED', async () => {
    // Prepare: a deposit under the key commits; a withdrawal under the same key then loses the
    // create-once race on it (its own write is cancelled for the taken key).
    const account = await anAccount(api, { deposit: '10.00' });
    const key = `raced-${account}`;
    expect((await deposit(api, account, '1.00', key)).status).toBe(201);
    const before = await snapshot(api, account);
    faults.reset();
    faults.arm({ kind: 'cancel', reasons: idempotencyKeyTaken });

    // Act
    const refused = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: account, amount: '1.00', currency: 'USD' },
      headers: { 'Idempotency-Key': key },
    });

    // Assess
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await snapshot(api, account)).toEqual(before);
  });

  it('does not retry a cancellation it cannot explain, and writes nothing', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const before = await snapshot(api, account);
    faults.reset();
    faults.arm({ kind: 'cancel', reasons: everyItem('ValidationError') });

    // Act
    const response = await deposit(api, account, '1.00');

    // Assess
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL' });
    expect(faults.attempts).toBe(1);
    expect(await snapshot(api, account)).toEqual(before);
  });
});

describe('a write that conflicts on every attempt', () => {
  describe('with an attempt limit', () => {
    let api: TestApi;
    let faults: TransactWriteFaults;
    beforeAll(async () => {
      api = await createTestApi('faults-attempts');
      faults = injectFaults(api, {
        retry: { maxAttempts: 5, budgetMs: 60_000, sleep: async () => undefined },
      });
    });
    afterAll(async () => api.close());

    it('answers 409 CONFLICT after the last attempt and writes nothing, not even its key', async () => {
      // Prepare
      const account = await anAccount(api, { deposit: '10.00' });
      const before = await snapshot(api, account);
      const key = `conflicted-${account}`;
      faults.reset();
      faults.arm(
        { kind: 'cancel', reasons: everyItem('TransactionConflict') },
        Number.POSITIVE_INFINITY,
      );

      // Act
      const response = await deposit(api, account, '5.00', key);

      // Assess
      expect(response.status).toBe(409);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body).toMatchObject({ code: 'CONFLICT', status: 409 });
      expect(faults.attempts).toBe(5);
      faults.reset();
      expect(await snapshot(api, account)).toEqual(before);
      // The key was not stored either: the same request afterwards executes, it is no replay.
      const retried = await deposit(api, account, '5.00', key);
      expect(retried.status).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(await snapshot(api, account)).toMatchObject({
        balance: '15.00',
        lines: before.lines + 1,
      });
    });
  });

  describe('with a time budget', () => {
    const budgetMs = 300;
    let api: TestApi;
    let faults: TransactWriteFaults;
    beforeAll(async () => {
      api = await createTestApi('faults-budget');
      faults = injectFaults(api, { retry: { budgetMs } });
    });
    afterAll(async () => api.close());

    it('answers 409 CONFLICT once the budget is spent, after backing off between attempts', async () => {
      // Prepare
      const account = await anAccount(api, { deposit: '10.00' });
      const destination = await anAccount(api);
      const before = await snapshot(api, account);
      faults.reset();
      faults.arm(
        { kind: 'cancel', reasons: everyItem('TransactionConflict') },
        Number.POSITIVE_INFINITY,
      );
      const startedAt = Date.now();

      // Act
      const response = await api.call('POST', '/transactions/transfer', {
        body: { fromAccountId: account, toAccountId: destination, amount: '1.00', currency: 'USD' },
      });

      // Assess
      const elapsedMs = Date.now() - startedAt;
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'CONFLICT' });
      expect(elapsedMs).toBeGreaterThanOrEqual(budgetMs);
      expect(faults.attempts).toBeGreaterThan(1);
      faults.reset();
      expect(await snapshot(api, account)).toEqual(before);
    });
  });
});

/*
 * The functions run with a 10 s timeout and retry conflicts for up to 8 s. When storage is slow
 * (a throttled table, SDK retries inside one send), an attempt started inside the budget can
 * still be running at the deadline.
 */
describe('a write whose attempts are slow near the Lambda deadline', () => {
  let api: TestApi;
  let faults: TransactWriteFaults;
  beforeAll(async () => {
    api = await createTestApi('faults-deadline');
    faults = injectFaults(api); // The deployed policy and a 10 s timeout.
  });
  afterAll(async () => api.close());

  it('answers 409 CONFLICT in time and books nothing, rather than a 500 for a write that lands', async () => {
    // Prepare: each attempt takes 3.5 s; the first two conflict, the third would commit.
    const account = await anAccount(api, { deposit: '10.00' });
    faults.reset();
    for (let i = 0; i < 3; i += 1) {
      void faults.delayNext((command) => command instanceof TransactWriteCommand, 3_500);
    }
    faults.arm({ kind: 'cancel', reasons: everyItem('TransactionConflict') }, 2);

    // Act
    const response = await deposit(api, account, '2.50');
    await new Promise((wake) => setTimeout(wake, 3_000)); // Let an attempt still in flight land.

    // Assess: whatever the answer, it must tell the truth about what was booked.
    const after = await snapshot(api, account);
    const answer = { status: response.status, code: (response.body as { code?: string }).code };
    expect({ ...answer, balance: after.balance }).toEqual(
      response.status === 201
        ? { status: 201, code: undefined, balance: '12.50' }
        : { status: 409, code: 'CONFLICT', balance: '10.00' },
    );
  }, 30_000);
});

describe('a transaction that fails without a verdict is sent again with its token', () => {
  let api: TestApi;
  let faults: TransactWriteFaults;
  beforeAll(async () => {
    api = await createTestApi('faults-unknown');
    faults = injectFaults(api);
  });
  afterAll(async () => api.close());
  beforeEach(() => faults.reset());

  it('books a deposit once when its answer is lost after it landed (TransactionInProgress)', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const before = await snapshot(api, account);
    faults.reset();
    faults.arm({
      kind: 'throw',
      landed: true,
      error: () => sdkError('TransactionInProgressException', 400),
    });

    // Act
    const response = await deposit(api, account, '2.50', `lost-${account}`);

    // Assess: the second send carried the first's token, so DynamoDB did not apply it again.
    expect(response.status).toBe(201);
    expect(faults.attempts).toBe(2);
    expect(new Set(faults.tokens).size).toBe(1);
    expect(faults.tokens[0]).toEqual(expect.any(String));
    expect(await snapshot(api, account)).toMatchObject({
      balance: '12.50',
      lines: before.lines + 1,
      version: before.version + 1,
    });
  });

  it('sends it again after dropped connections and server faults that wrote nothing', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    faults.reset();
    faults.arm({ kind: 'throw', landed: false, error: () => sdkError('TimeoutError') });
    faults.arm({ kind: 'throw', landed: false, error: () => sdkError('InternalServerError', 500) });

    // Act
    const response = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: account, amount: '4.00', currency: 'USD' },
    });

    // Assess
    expect(response.status).toBe(201);
    expect(faults.attempts).toBe(3);
    expect(new Set(faults.tokens).size).toBe(1);
    expect(await snapshot(api, account)).toMatchObject({ balance: '6.00', lines: 2 });
  });

  it('books each of a group of concurrent postings once when the group commit loses its answer', async () => {
    // Prepare: the first withdrawal's commit is held back while the others queue behind it, so
    // the second transaction is a group, and its answer is lost after it landed.
    const account = await anAccount(api, { deposit: '30.00' });
    faults.reset();
    void faults.delayNext((command) => command instanceof TransactWriteCommand, 300);
    faults.arm({ kind: 'none' });
    faults.arm({
      kind: 'throw',
      landed: true,
      error: () => sdkError('TransactionInProgressException', 400),
    });

    // Act
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api.call<{ id: string }>('POST', '/transactions/withdraw', {
          body: { accountId: account, amount: '2.00', currency: 'USD' },
          headers: { 'Idempotency-Key': `group-lost-${account}-${i}` },
        }),
      ),
    );

    // Assess: the lost transaction carried several postings, and each was booked exactly once.
    expect(faults.faultedSizes).toHaveLength(1);
    expect(faults.faultedSizes[0]).toBeGreaterThan(12);
    expect(responses.map((response) => response.status)).toEqual(Array(12).fill(201));
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(12);
    expect(await snapshot(api, account)).toMatchObject({ balance: '6.00', lines: 13 });
    expect((await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body.balanced).toBe(true);
  });

  it('answers 503 SERVICE_UNAVAILABLE when no send gets a verdict, and the retry under its key books it once', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const before = await snapshot(api, account);
    const key = `unconfirmed-${account}`;
    faults.reset();
    faults.arm(
      { kind: 'throw', landed: false, error: () => sdkError('InternalServerError', 500) },
      Number.POSITIVE_INFINITY,
    );

    // Act
    const unconfirmed = await deposit(api, account, '1.00', key);
    const sends = faults.attempts;
    faults.reset();
    const retried = await deposit(api, account, '1.00', key);

    // Assess
    expect(unconfirmed.status).toBe(503);
    expect(unconfirmed.headers['retry-after']).toBe('1');
    expect(unconfirmed.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(sends).toBe(7);
    expect(retried.status).toBe(201);
    expect(await snapshot(api, account)).toMatchObject({
      balance: '11.00',
      lines: before.lines + 1,
    });
  });

  it('does not send again a request DynamoDB refused outright', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const before = await snapshot(api, account);
    faults.reset();
    faults.arm({ kind: 'throw', landed: false, error: () => sdkError('ValidationException', 400) });

    // Act
    const response = await deposit(api, account, '1.00');

    // Assess
    expect(response.status).toBe(500);
    expect(faults.attempts).toBe(1);
    expect(await snapshot(api, account)).toEqual(before);
  });
});

describe('requests that wait in their process past the deadline', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('faults-waiting'); // The deployed policy and a 10 s timeout.
  });
  afterAll(async () => api.close());

  it('answer 409 CONFLICT before the timeout, write nothing later, and go through when sent again', async () => {
    // Prepare: something in this process holds the account for longer than the invocation lasts.
    const account = await anAccount(api, { deposit: '10.00' });
    let release: () => void = () => undefined;
    const held = api.deps.locks.withLocks([account], () => new Promise<void>((r) => (release = r)));
    const startedAt = Date.now();

    // Act
    const waited = await Promise.all(
      Array.from({ length: 5 }, (_, i) => deposit(api, account, '1.00', `waited-${account}-${i}`)),
    );
    const answeredAfterMs = Date.now() - startedAt;
    release();
    await held;
    await new Promise((wake) => setTimeout(wake, 300)); // Anything still queued would land now.
    const untouched = await snapshot(api, account);
    const sentAgain = await Promise.all(
      Array.from({ length: 5 }, (_, i) => deposit(api, account, '1.00', `waited-${account}-${i}`)),
    );

    // Assess
    expect(
      waited.map((response) => [response.status, (response.body as { code?: string }).code]),
    ).toEqual(Array(5).fill([409, 'CONFLICT']));
    expect(answeredAfterMs).toBeLessThan(10_000);
    expect(untouched).toMatchObject({ balance: '10.00', lines: 1 });
    expect(sentAgain.map((response) => response.status)).toEqual(Array(5).fill(201));
    expect(await snapshot(api, account)).toMatchObject({ balance: '15.00', lines: 6 });
  }, 30_000);
});
