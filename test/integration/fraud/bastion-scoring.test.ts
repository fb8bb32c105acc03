import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { FraudScorer } from '../../../shared/application/fraud/fraud-scoring';
import {
  BastionFraudScorer,
  type BastionSettings,
} from '../../../shared/infrastructure/fraud/bastion-client';
import { anAccount, balanceOf, createTestApi, type TestApi } from '../../support/api-client';
import { startFakeBastion, type FakeBastion } from '../../support/fake-bastion';
import { capturedLogger } from '../../support/log-capture';

const API_KEY = 'bastion-test-key-do-not-log';

interface TransactionBody {
  id: string;
  status: string;
  fraud?: { score?: number; action: string; reasons: string[] };
}

describe('Bastion fraud scoring in the posting path', () => {
  let api: TestApi;
  let bastion: FakeBastion;
  const logs = capturedLogger();
  let scorer: BastionFraudScorer;
  const scorerWith = (settings: Partial<BastionSettings> = {}) =>
    new BastionFraudScorer(
      {
        url: bastion.url,
        apiKey: API_KEY,
        timeoutMs: 300,
        fallback: 'REVIEW',
        breakerFailures: 3,
        breakerOpenMs: 400,
        ...settings,
      },
      logs.logger,
    );
  // The API's scorer delegates to the one each test sets up.
  const delegating: FraudScorer = {
    score: (request) => scorer.score(request),
    status: () => scorer.status(),
  };

  beforeAll(async () => {
    bastion = await startFakeBastion();
    scorer = scorerWith();
    api = await createTestApi('fraud', { overrides: { fraud: delegating }, logger: logs.logger });
  });
  afterAll(async () => {
    await api.close();
    await bastion.close();
  });
  beforeEach(() => {
    scorer = scorerWith();
    bastion.mode = { kind: 'answer', action: 'APPROVE', score: 0.1, reasons: [] };
  });

  const withdraw = (accountId: string, amount: string) =>
    api.call<TransactionBody>('POST', '/transactions/withdraw', {
      body: { accountId, amount, currency: 'USD' },
    });
  const flaggedEvents = async (transactionId: string) => {
    const output = await api.table.client.send(
      new ScanCommand({
        TableName: api.table.tableName,
        FilterExpression: '#type = :t AND eventType = :e AND aggregateId = :id',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':t': 'OutboxEvent',
          ':e': 'nexum.fraud.flagged',
          ':id': transactionId,
        },
      }),
    );
    return (output.Items ?? []) as { sequence: unknown; data: Record<string, unknown> }[];
  };

  it('APPROVE posts; Bastion gets the documented request with the bearer key', async () => {
    const accountId = await anAccount(api, { deposit: '500.00' });
    const before = bastion.calls.length;

    const response = await withdraw(accountId, '40.25');

    expect(response.status).toBe(201);
    expect(response.body.fraud).toBeUndefined();
    expect(bastion.calls).toHaveLength(before + 1);
    const call = bastion.calls.at(-1);
    expect(call?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const account = await api.call<{ customerId: string }>('GET', `/accounts/${accountId}`);
    expect(call?.body).toMatchObject({
      transaction_id: response.body.id,
      cif_id: account.body.customerId,
      amount: '40.25',
      currency: 'USD',
      metadata: { transaction_type: 'WITHDRAWAL', from_account_id: accountId },
    });
    expect(await balanceOf(api, accountId)).toBe('459.75');
  });

  it('REVIEW books nothing: the amount is held, the transaction PENDING_REVIEW, nexum.fraud.flagged emitted', async () => {
    const from = await anAccount(api, { deposit: '900.00' });
    const to = await anAccount(api);
    bastion.mode = { kind: 'answer', action: 'review', score: 0.55, reasons: ['large_amount'] };

    const response = await api.call<TransactionBody>('POST', '/transactions/transfer', {
      body: { fromAccountId: from, toAccountId: to, amount: '300.00', currency: 'USD' },
    });

    expect(response.status).toBe(202);
    expect(response.body.status).toBe('PENDING_REVIEW');
    expect(response.body).not.toHaveProperty('journalEntryId');
    expect(response.body.fraud).toEqual({
      score: 0.55,
      action: 'REVIEW',
      reasons: ['large_amount'],
    });
    const read = await api.call<TransactionBody>('GET', `/transactions/${response.body.id}`);
    expect(read.body).toMatchObject({ status: 'PENDING_REVIEW', fraud: { action: 'REVIEW' } });
    expect(await balanceOf(api, to)).toBe('0.00');
    const payer = await api.call<{
      balance: { amount: string };
      availableBalance: { amount: string };
    }>('GET', `/accounts/${from}`);
    expect(payer.body.balance.amount).toBe('900.00');
    expect(payer.body.availableBalance.amount).toBe('600.00');
    const events = await flaggedEvents(response.body.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.sequence).toEqual({ value: '1' }); // Numbers come back wrapped (no floats).
    expect(events[0]?.data).toMatchObject({
      action: 'REVIEW',
      outcome: 'HELD_FOR_REVIEW',
      amountMinor: '30000',
      score: '0.55',
      holdId: expect.any(String),
    });
  });

  it('BLOCK answers 422 FRAUD_BLOCKED, posts nothing and emits nexum.fraud.flagged', async () => {
    const accountId = await anAccount(api, { deposit: '500.00' });
    bastion.mode = { kind: 'answer', action: 'BLOCK', score: 0.91, reasons: ['high_amount'] };

    const response = await withdraw(accountId, '450.00');

    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'FRAUD_BLOCKED' });
    expect(await balanceOf(api, accountId)).toBe('500.00');
    const blockedId = String(bastion.calls.at(-1)?.body.transaction_id);
    expect((await api.call('GET', `/transactions/${blockedId}`)).status).toBe(404);
    const events = await flaggedEvents(blockedId);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ action: 'BLOCK', outcome: 'REFUSED' });
    const score = await api.call('GET', `/transactions/${blockedId}/fraud-score`);
    expect(score.status).toBe(200);
    expect(score.body).toMatchObject({
      transactionId: blockedId,
      action: 'BLOCK',
      score: 0.91,
      reasons: ['high_amount'],
      source: 'BASTION',
      case: { status: 'BLOCKED', amount: { amount: '450.00', currency: 'USD' } },
    });
  });

  it('scores deposits but never reversals', async () => {
    const accountId = await anAccount(api);
    const before = bastion.calls.length;
    const deposited = await api.call<TransactionBody>('POST', '/transactions/deposit', {
      body: { accountId, amount: '20.00', currency: 'USD' },
    });
    expect(bastion.calls).toHaveLength(before + 1);
    expect(bastion.calls.at(-1)?.body.metadata).toMatchObject({ transaction_type: 'DEPOSIT' });

    const reversed = await api.call('POST', `/transactions/${deposited.body.id}/reverse`, {
      body: { reason: 'test' },
    });

    expect(reversed.status).toBe(201);
    expect(bastion.calls).toHaveLength(before + 1);
  });

  it.each([
    ['a timeout', { kind: 'slow', delayMs: 3_000 } as const],
    ['HTTP 500', { kind: 'status', status: 500 } as const],
    ['malformed JSON', { kind: 'garbage', body: '{"risk_score": 0.2, "act' } as const],
    ['an unexpected shape', { kind: 'garbage', body: '{"risk_score": "high"}' } as const],
  ])('falls back to the configured decision on %s', async (_name, mode) => {
    const accountId = await anAccount(api, { deposit: '100.00' });
    bastion.mode = mode;
    const startedAt = Date.now();

    const response = await withdraw(accountId, '10.00');

    // The fallback (REVIEW here) holds the movement for a reviewer.
    expect(response.status).toBe(202);
    expect(response.body.fraud).toEqual({ action: 'REVIEW', reasons: ['bastion_unavailable'] });
    expect(Date.now() - startedAt).toBeLessThan(2_500); // The 300 ms timeout, not Bastion's 3 s.
    expect(scorer.status().fallbacks).toBe(1);
  });

  it('falls back when Bastion is down (nothing listens on its port)', async () => {
    const accountId = await anAccount(api, { deposit: '100.00' });
    const gone = await startFakeBastion();
    await gone.close();
    scorer = scorerWith({ url: gone.url });

    const response = await withdraw(accountId, '10.00');

    expect(response.status).toBe(202);
    expect(response.body.fraud).toEqual({ action: 'REVIEW', reasons: ['bastion_unavailable'] });
    expect(gone.calls).toHaveLength(0);
    expect(scorer.status()).toMatchObject({ failures: 1, fallbacks: 1 });
  });

  it('a BLOCK fallback refuses while Bastion is down', async () => {
    scorer = scorerWith({ fallback: 'BLOCK' });
    const accountId = await anAccount(api, { deposit: '100.00' });
    bastion.mode = { kind: 'status', status: 503 };

    const response = await withdraw(accountId, '10.00');

    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'FRAUD_BLOCKED' });
    expect(await balanceOf(api, accountId)).toBe('100.00');
  });

  it('opens the circuit after consecutive failures, calls nothing while open, then half-opens', async () => {
    // Open long enough that a slow, shared machine cannot reach half-open mid-test.
    scorer = scorerWith({ breakerOpenMs: 2_000 });
    const accountId = await anAccount(api, { deposit: '100.00' });
    bastion.mode = { kind: 'status', status: 500 };
    const before = bastion.calls.length;
    for (let i = 0; i < 3; i += 1) expect((await withdraw(accountId, '1.00')).status).toBe(202);
    expect(bastion.calls).toHaveLength(before + 3);
    expect(scorer.status().circuit).toBe('OPEN');

    const whileOpen = await withdraw(accountId, '1.00');

    expect(whileOpen.status).toBe(202);
    expect(whileOpen.body.fraud?.reasons).toEqual(['circuit_open']);
    expect(bastion.calls).toHaveLength(before + 3); // No call while open.

    await new Promise((wake) => setTimeout(wake, 2_050));
    expect(scorer.status().circuit).toBe('HALF_OPEN');
    bastion.mode = { kind: 'answer', action: 'APPROVE', score: 0.05, reasons: [] };
    const trial = await withdraw(accountId, '1.00');

    expect(trial.status).toBe(201);
    expect(trial.body.fraud).toBeUndefined();
    expect(bastion.calls).toHaveLength(before + 4);
    expect(scorer.status()).toMatchObject({ circuit: 'CLOSED', consecutiveFailures: 0 });
  });

  it('a failed half-open trial opens the circuit again', async () => {
    scorer = scorerWith({ breakerFailures: 1, breakerOpenMs: 1_500 });
    const accountId = await anAccount(api, { deposit: '100.00' });
    bastion.mode = { kind: 'status', status: 500 };
    await withdraw(accountId, '1.00');
    expect(scorer.status().circuit).toBe('OPEN');
    await new Promise((wake) => setTimeout(wake, 1_550));

    const before = bastion.calls.length;
    await withdraw(accountId, '1.00'); // The trial, which fails.
    await withdraw(accountId, '1.00'); // Open again: no call.

    expect(bastion.calls).toHaveLength(before + 1);
    expect(scorer.status().circuit).toBe('OPEN');
  });

  it('never logs the API key', () => {
    expect(logs.lines.join('\n')).not.toContain(API_KEY);
    expect(logs.lines.some((line) => line.includes('fraud scoring failed'))).toBe(true);
  });
});
