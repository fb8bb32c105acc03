import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  anAccount,
  callAsClient,
  createTestApi,
  tally,
  type TestApi,
} from '../../../support/api-client';
import type { CommandContext } from '../../../../shared/application/ledger/accounts';
import { transfer, withdraw } from '../../../../shared/application/ledger/move-money';
import type { TransactionRecord } from '../../../../shared/application/ledger/records';
import type { Dependencies } from '../../../../shared/application/ports';
import { Money } from '../../../../shared/domain/money';

/*
 * Concurrent requests against the same accounts, all in flight at once through the real
 * handlers. Optimistic concurrency (conditional writes on the account version and available
 * funds) must make the outcome exactly what some serial order would give.
 */

type WireMoney = { amount: string; currency: string };
type WireAccount = { balance: WireMoney; availableBalance: WireMoney };
type HistoryLine = { side: 'DEBIT' | 'CREDIT'; amount: WireMoney; balanceAfter: WireMoney };

function cents(text: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(text);
  if (match === null) throw new Error(`Not a USD amount: ${text}`);
  const value = BigInt(match[2] ?? '0') * 100n + BigInt(match[3] ?? '0');
  return match[1] === '-' ? -value : value;
}

const accountOf = async (api: TestApi, accountId: string) =>
  (await api.call<WireAccount>('GET', `/accounts/${accountId}`)).body;
const historyOf = async (api: TestApi, accountId: string) =>
  (await api.call<{ items: HistoryLine[] }>('GET', `/accounts/${accountId}/transactions?limit=200`))
    .body.items;

/** Newest first: each line's balance after, minus its own movement, is the next line's. */
function expectConsistentHistory(lines: readonly HistoryLine[], balance: string): void {
  let after = cents(balance);
  for (const line of lines) {
    expect(cents(line.balanceAfter.amount)).toBe(after);
    after -= line.side === 'CREDIT' ? cents(line.amount.amount) : -cents(line.amount.amount);
  }
  expect(after).toBe(0n);
}

async function expectTrialBalanceBalanced(api: TestApi): Promise<void> {
  const trialBalance = await api.call<{
    balanced: boolean;
    currencies: { debits: string; credits: string }[];
  }>('GET', '/ledger/trial-balance');
  expect(trialBalance.body.balanced).toBe(true);
  for (const currency of trialBalance.body.currencies)
    expect(currency.debits).toBe(currency.credits);
}

/** 100 withdrawals of 1.00 at once against 50.00: exactly 50 succeed, and the money is exact. */
async function expectFiftyOfHundredWithdrawals(api: TestApi): Promise<void> {
  // Prepare
  const account = await anAccount(api, { deposit: '50.00' });

  // Act
  const responses = await Promise.all(
    Array.from({ length: 100 }, () =>
      callAsClient(api, 'POST', '/transactions/withdraw', {
        body: { accountId: account, amount: '1.00', currency: 'USD' },
      }),
    ),
  );

  // Assess
  expect(tally(responses)).toEqual({ '201': 50, '422 INSUFFICIENT_FUNDS': 50 });
  const after = await accountOf(api, account);
  expect(after.balance.amount).toBe('0.00');
  expect(after.availableBalance.amount).toBe('0.00');
  const history = await historyOf(api, account);
  expect(history).toHaveLength(51);
  expectConsistentHistory(history, after.balance.amount);
  await expectTrialBalanceBalanced(api);
}

/** 40 transfers of 1.00 each way at once between two accounts: the sum never changes. */
async function expectTransfersBothWaysConserveMoney(api: TestApi): Promise<void> {
  // Prepare
  const a = await anAccount(api, { deposit: '20.00' });
  const b = await anAccount(api, { deposit: '15.00' });
  const transfer = (from: string, to: string) =>
    callAsClient(api, 'POST', '/transactions/transfer', {
      body: { fromAccountId: from, toAccountId: to, amount: '1.00', currency: 'USD' },
    });

  // Act
  const responses = await Promise.all(
    Array.from({ length: 40 }, () => [transfer(a, b), transfer(b, a)]).flat(),
  );

  // Assess
  const counts = tally(responses);
  const unexpected = Object.entries(counts).filter(
    ([key]) => key !== '201' && key !== '422 INSUFFICIENT_FUNDS',
  );
  expect(Object.fromEntries(unexpected)).toEqual({});
  const [afterA, afterB] = await Promise.all([accountOf(api, a), accountOf(api, b)]);
  expect(cents(afterA.balance.amount) + cents(afterB.balance.amount)).toBe(3_500n);
  expect(cents(afterA.balance.amount)).toBeGreaterThanOrEqual(0n);
  expect(cents(afterB.balance.amount)).toBeGreaterThanOrEqual(0n);
  const [historyA, historyB] = await Promise.all([historyOf(api, a), historyOf(api, b)]);
  // Every transfer answered 201 booked one line on each side, and no other request did.
  expect({ linesBooked: historyA.length + historyB.length - 2 }).toEqual({
    linesBooked: 2 * (counts['201'] ?? 0),
  });
  expectConsistentHistory(historyA, afterA.balance.amount);
  expectConsistentHistory(historyB, afterB.balance.amount);
  await expectTrialBalanceBalanced(api);
}

// The clients here retry a 409 CONFLICT as API.md asks (nothing was changed; a loaded machine can
// leave a long in-process queue past the 10 s deadline): what is asserted is what they end up with.
describe('concurrent requests through the functions as deployed (8 s retry budget, 10 s timeout)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('concurrency');
  });
  afterAll(async () => api.close());

  it('lets exactly 50 of 100 concurrent 1.00 withdrawals through an account holding 50.00', async () => {
    await expectFiftyOfHundredWithdrawals(api);
  }, 120_000);

  it('keeps the sum of two accounts under 40 concurrent transfers in each direction', async () => {
    await expectTransfersBothWaysConserveMoney(api);
  }, 120_000);

  it('executes a deposit sent 20 times at once with one Idempotency-Key exactly once', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const key = `deposit-${account}`;

    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.call<{ id: string }>('POST', '/transactions/deposit', {
          body: { accountId: account, amount: '7.25', currency: 'USD' },
          headers: { 'Idempotency-Key': key },
        }),
      ),
    );

    // Assess
    expect(responses.map((response) => response.status)).toEqual(
      Array.from({ length: 20 }, () => 201),
    );
    expect(new Set(responses.map((response) => response.raw)).size).toBe(1);
    expect(
      responses.filter((response) => response.headers['idempotent-replayed'] === 'true'),
    ).toHaveLength(19);
    expect(
      responses.filter((response) => response.headers['idempotent-replayed'] === undefined),
    ).toHaveLength(1);
    expect((await accountOf(api, account)).balance.amount).toBe('17.25');
    const history = await historyOf(api, account);
    expect(history).toHaveLength(2);
    expect(history[0]?.amount.amount).toBe('7.25');
    await expectTrialBalanceBalanced(api);
  }, 120_000);

  it('refuses the same Idempotency-Key with another body and changes nothing', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const key = `reused-${account}`;
    const first = await api.call('POST', '/transactions/deposit', {
      body: { accountId: account, amount: '1.00', currency: 'USD' },
      headers: { 'Idempotency-Key': key },
    });

    // Act
    const reused = await api.call('POST', '/transactions/deposit', {
      body: { accountId: account, amount: '2.00', currency: 'USD' },
      headers: { 'Idempotency-Key': key },
    });
    const otherOperation = await api.call('POST', '/transactions/withdraw', {
      body: { accountId: account, amount: '1.00', currency: 'USD' },
      headers: { 'Idempotency-Key': key },
    });

    // Assess
    expect(first.status).toBe(201);
    expect(reused.status).toBe(422);
    expect(reused.headers['content-type']).toBe('application/problem+json');
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(otherOperation.status).toBe(422);
    expect(otherOperation.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await accountOf(api, account)).balance.amount).toBe('11.00');
    expect(await historyOf(api, account)).toHaveLength(2);
  });

  it('reverses a transaction once when 10 reversals race', async () => {
    // Prepare
    const a = await anAccount(api, { deposit: '30.00' });
    const b = await anAccount(api);
    const original = await api.call<{ id: string }>('POST', '/transactions/transfer', {
      body: { fromAccountId: a, toAccountId: b, amount: '12.00', currency: 'USD' },
    });

    // Act
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.call('POST', `/transactions/${original.body.id}/reverse`, {
          body: { reason: 'duplicate payment' },
        }),
      ),
    );

    // Assess
    expect(tally(responses)).toEqual({ '201': 1, '409 TRANSACTION_ALREADY_REVERSED': 9 });
    const [afterA, afterB] = await Promise.all([accountOf(api, a), accountOf(api, b)]);
    expect(afterA.balance.amount).toBe('30.00');
    expect(afterB.balance.amount).toBe('0.00');
    expect(await historyOf(api, a)).toHaveLength(3);
    expect(await historyOf(api, b)).toHaveLength(2);
    await expectTrialBalanceBalanced(api);
  }, 120_000);

  it('keeps every audit chain verifiable after the races', async () => {
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');

    expect(verify.body).toMatchObject({ valid: true });
  });
});

/*
 * DynamoDB Local runs one transaction at a time, each taking tens of milliseconds, so a burst of
 * 100 writers on one account queues for seconds; the deployed budget is sized for DynamoDB,
 * where a conflicting transaction fails fast. Through the use cases, with a budget and backoff
 * the local engine can meet (and no Lambda deadline), the same races must still end with
 * exactly the serial outcome.
 */
describe('the same races through the use cases, with a retry budget DynamoDB Local can meet', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('concurrency-patient');
  });
  afterAll(async () => api.close());

  const patient = (): Dependencies => ({
    ...api.deps,
    retry: {
      ...api.deps.retry,
      maxAttempts: 10_000,
      baseDelayMs: 50,
      maxDelayMs: 3_000,
      budgetMs: 150_000,
    },
  });
  const context: CommandContext<TransactionRecord> = {
    actor: 'concurrency-test',
    idempotency: undefined,
    render: () => ({ status: 201, body: '', headers: {} }),
  };
  const outcomes = (results: readonly Awaited<ReturnType<typeof withdraw>>[]) => {
    const counts: Record<string, number> = {};
    for (const result of results) {
      const key = result.ok ? 'POSTED' : result.error.code;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  };

  it('lets exactly 50 of 100 concurrent 1.00 withdrawals through an account holding 50.00', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '50.00' });
    const deps = patient();

    // Act
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        withdraw(deps, { accountId: account, amount: Money.of('1.00', 'USD') }, context),
      ),
    );

    // Assess
    expect(outcomes(results)).toEqual({ POSTED: 50, INSUFFICIENT_FUNDS: 50 });
    const after = await accountOf(api, account);
    expect(after.balance.amount).toBe('0.00');
    const history = await historyOf(api, account);
    expect(history).toHaveLength(51);
    expectConsistentHistory(history, after.balance.amount);
    await expectTrialBalanceBalanced(api);
  }, 180_000);

  it('keeps the sum of two accounts under 40 concurrent transfers in each direction', async () => {
    // Prepare
    const a = await anAccount(api, { deposit: '20.00' });
    const b = await anAccount(api, { deposit: '15.00' });
    const deps = patient();
    const move = (from: string, to: string) =>
      transfer(
        deps,
        { fromAccountId: from, toAccountId: to, amount: Money.of('1.00', 'USD') },
        context,
      );

    // Act
    const results = await Promise.all(
      Array.from({ length: 40 }, () => [move(a, b), move(b, a)]).flat(),
    );

    // Assess
    const counts = outcomes(results);
    expect(
      Object.keys(counts).filter((key) => key !== 'POSTED' && key !== 'INSUFFICIENT_FUNDS'),
    ).toEqual([]);
    const [afterA, afterB] = await Promise.all([accountOf(api, a), accountOf(api, b)]);
    expect(cents(afterA.balance.amount) + cents(afterB.balance.amount)).toBe(3_500n);
    expect(cents(afterA.balance.amount)).toBeGreaterThanOrEqual(0n);
    expect(cents(afterB.balance.amount)).toBeGreaterThanOrEqual(0n);
    const [historyA, historyB] = await Promise.all([historyOf(api, a), historyOf(api, b)]);
    expect(historyA.length + historyB.length - 2).toBe(2 * (counts.POSTED ?? 0));
    expectConsistentHistory(historyA, afterA.balance.amount);
    expectConsistentHistory(historyB, afterB.balance.amount);
    await expectTrialBalanceBalanced(api);
  }, 180_000);
});
