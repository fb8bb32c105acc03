import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  BastionFraudScorer,
  type BastionSettings,
} from '../../../shared/infrastructure/fraud/bastion-client';
import type { FraudScorer } from '../../../shared/application/fraud/fraud-scoring';
import { anAccount, createTestApi, type TestApi } from '../../support/api-client';
import { startFakeBastion, type FakeBastion } from '../../support/fake-bastion';
import { capturedLogger } from '../../support/log-capture';

interface Money {
  amount: string;
  currency: string;
}
interface TransactionBody {
  id: string;
  type: string;
  status: string;
  amount: Money;
  journalEntryId?: string;
  fraud?: { score?: number; action: string; reasons: string[] };
  fx?: { convertedAmount: Money };
}
interface AccountBody {
  balance: Money;
  availableBalance: Money;
  holdsTotal: Money;
}
interface EventItem {
  type: string;
  sequence: string;
  subject: string;
  data: Record<string, unknown>;
}

/**
 * REVIEW decisions hold the movement for a reviewer (the issue's `POST /transactions/{id}/approve
 * | reject`): approval books it and releases the hold in one transaction, rejection only releases
 * the hold. Bastion is a real local HTTP stub.
 */
describe('fraud review: approve and reject held movements', () => {
  let api: TestApi;
  let bastion: FakeBastion;
  const logs = capturedLogger();
  const settings: BastionSettings = {
    url: '',
    apiKey: 'review-test-key',
    timeoutMs: 1_000,
    fallback: 'REVIEW',
    breakerFailures: 5,
    breakerOpenMs: 30_000,
  };
  let scorer: BastionFraudScorer;
  const delegating: FraudScorer = {
    score: (request) => scorer.score(request),
    status: () => scorer.status(),
  };

  beforeAll(async () => {
    bastion = await startFakeBastion();
    scorer = new BastionFraudScorer({ ...settings, url: bastion.url }, logs.logger);
    api = await createTestApi('fraud-review', {
      overrides: { fraud: delegating },
      logger: logs.logger,
    });
  });
  afterAll(async () => {
    await api.close();
    await bastion.close();
  });
  beforeEach(() => {
    bastion.mode = { kind: 'answer', action: 'APPROVE', score: 0.1, reasons: [] };
  });

  const review = () => {
    bastion.mode = { kind: 'answer', action: 'REVIEW', score: 0.62, reasons: ['velocity'] };
  };
  const account = async (id: string) =>
    (await api.call<AccountBody>('GET', `/accounts/${id}`)).body;
  const eventsOf = async (subject: string) =>
    (
      await api.call<{ items: EventItem[] }>(
        'GET',
        `/events?subject=${encodeURIComponent(subject)}&limit=50`,
      )
    ).body.items.reverse();
  const transfer = (from: string, to: string, amount: string) =>
    api.call<TransactionBody>('POST', '/transactions/transfer', {
      body: { fromAccountId: from, toAccountId: to, amount, currency: 'USD' },
    });
  const approve = (id: string, headers: Record<string, string> = {}) =>
    api.call<TransactionBody & { code?: string }>('POST', `/transactions/${id}/approve`, {
      headers,
    });
  const reject = (id: string, reason = 'customer confirmed it was not them') =>
    api.call<TransactionBody & { code?: string }>('POST', `/transactions/${id}/reject`, {
      body: { reason },
    });

  it('approval books the held transfer under its id, releases the hold and announces both', async () => {
    const from = await anAccount(api, { deposit: '500.00' });
    const to = await anAccount(api);
    review();
    const held = await transfer(from, to, '200.00');
    expect([held.status, held.body.status]).toEqual([202, 'PENDING_REVIEW']);
    expect(await account(from)).toMatchObject({
      balance: { amount: '500.00' },
      availableBalance: { amount: '300.00' },
      holdsTotal: { amount: '200.00' },
    });
    const pending = await api.call<{ items: Array<{ transactionId: string; holdId: string }> }>(
      'GET',
      '/fraud/reviews?status=PENDING_REVIEW&limit=200',
    );
    expect(pending.body.items.map((item) => item.transactionId)).toContain(held.body.id);

    const approved = await approve(held.body.id);

    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({
      id: held.body.id,
      type: 'TRANSFER',
      status: 'POSTED',
      amount: { amount: '200.00', currency: 'USD' },
      journalEntryId: expect.any(String),
      fraud: { action: 'REVIEW', score: 0.62, reasons: ['velocity'] },
    });
    expect(await account(from)).toMatchObject({
      balance: { amount: '300.00' },
      availableBalance: { amount: '300.00' },
      holdsTotal: { amount: '0.00' },
    });
    expect((await account(to)).balance.amount).toBe('200.00');
    const read = await api.call<TransactionBody>('GET', `/transactions/${held.body.id}`);
    expect(read.body.status).toBe('POSTED');
    // The case's stream: flagged (1), review_approved (2); the transaction's: posted.
    const fraudEvents = await eventsOf(`fraud/${held.body.id}`);
    expect(fraudEvents.map((e) => [e.type, e.sequence])).toEqual([
      ['nexum.fraud.flagged', '1'],
      ['nexum.fraud.review_approved', '2'],
    ]);
    expect(fraudEvents[1]?.data).toMatchObject({
      transactionId: held.body.id,
      journalEntryId: approved.body.journalEntryId,
    });
    expect((await eventsOf(`transaction/${held.body.id}`)).map((e) => e.type)).toEqual([
      'nexum.transaction.posted',
    ]);
    const score = await api.call('GET', `/transactions/${held.body.id}/fraud-score`);
    expect(score.body).toMatchObject({
      action: 'REVIEW',
      case: { status: 'APPROVED', resolvedBy: expect.any(String) },
    });
    const audit = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(audit.body.valid).toBe(true);
  });

  it('approval spends the held funds even when they are all the account has', async () => {
    const accountId = await anAccount(api, { deposit: '300.00' });
    review();
    const held = await api.call<TransactionBody>('POST', '/transactions/withdraw', {
      body: { accountId, amount: '300.00', currency: 'USD' },
    });
    expect((await account(accountId)).availableBalance.amount).toBe('0.00');

    const approved = await approve(held.body.id);

    expect(approved.status).toBe(201);
    expect(await account(accountId)).toMatchObject({
      balance: { amount: '0.00' },
      availableBalance: { amount: '0.00' },
      holdsTotal: { amount: '0.00' },
    });
  });

  it('rejection books nothing, releases the hold and cannot be undone or approved after', async () => {
    const from = await anAccount(api, { deposit: '500.00' });
    const to = await anAccount(api);
    review();
    const held = await transfer(from, to, '120.00');

    const rejected = await reject(held.body.id);

    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ id: held.body.id, status: 'REJECTED' });
    expect(rejected.body).not.toHaveProperty('journalEntryId');
    expect(await account(from)).toMatchObject({
      balance: { amount: '500.00' },
      availableBalance: { amount: '500.00' },
      holdsTotal: { amount: '0.00' },
    });
    expect((await account(to)).balance.amount).toBe('0.00');
    const read = await api.call<TransactionBody>('GET', `/transactions/${held.body.id}`);
    expect(read.body.status).toBe('REJECTED');
    const events = await eventsOf(`fraud/${held.body.id}`);
    expect(events.map((e) => e.type)).toEqual([
      'nexum.fraud.flagged',
      'nexum.fraud.review_rejected',
    ]);
    // The reviewer's free-text reason stays in the audit trail, out of the event.
    expect(JSON.stringify(events)).not.toContain('not them');
    expect(await eventsOf(`transaction/${held.body.id}`)).toEqual([]);

    const again = await reject(held.body.id);
    const late = await approve(held.body.id);
    expect([again.status, again.body.code]).toEqual([409, 'TRANSACTION_NOT_IN_REVIEW']);
    expect([late.status, late.body.code]).toEqual([409, 'TRANSACTION_NOT_IN_REVIEW']);
    expect((await api.call<{ valid: boolean }>('GET', '/audit/verify')).body.valid).toBe(true);
  });

  it('an approval replays under its Idempotency-Key; a second approval is refused', async () => {
    const from = await anAccount(api, { deposit: '100.00' });
    const to = await anAccount(api);
    review();
    const held = await transfer(from, to, '40.00');

    const first = await approve(held.body.id, { 'Idempotency-Key': `approve-${held.body.id}` });
    const replay = await approve(held.body.id, { 'Idempotency-Key': `approve-${held.body.id}` });
    const second = await approve(held.body.id);

    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect([second.status, second.body.code]).toEqual([409, 'TRANSACTION_NOT_IN_REVIEW']);
    expect((await account(to)).balance.amount).toBe('40.00');
  });

  it('concurrent approve and reject: exactly one wins and the money agrees with it', async () => {
    const from = await anAccount(api, { deposit: '100.00' });
    const to = await anAccount(api);
    review();
    const held = await transfer(from, to, '60.00');

    const [approved, rejected] = await Promise.all([approve(held.body.id), reject(held.body.id)]);

    const approvedWon = approved.status === 201;
    expect(approvedWon ? rejected.status : approved.status).toBe(409);
    expect(approvedWon ? approved.status : rejected.status).toBe(approvedWon ? 201 : 200);
    expect(await account(from)).toMatchObject({
      balance: { amount: approvedWon ? '40.00' : '100.00' },
      holdsTotal: { amount: '0.00' },
    });
    expect((await account(to)).balance.amount).toBe(approvedWon ? '60.00' : '0.00');
  });

  it('an approval refused by the accounts as they are now leaves the movement in review', async () => {
    const accountId = await anAccount(api, { deposit: '100.00' });
    review();
    const held = await api.call<TransactionBody>('POST', '/transactions/withdraw', {
      body: { accountId, amount: '25.00', currency: 'USD' },
    });
    await api.call('POST', `/accounts/${accountId}/freeze`, { body: { reason: 'checking' } });

    const refused = await approve(held.body.id);

    expect([refused.status, refused.body.code]).toEqual([422, 'ACCOUNT_FROZEN']);
    expect((await api.call('GET', `/transactions/${held.body.id}`)).body.status).toBe(
      'PENDING_REVIEW',
    );
    await api.call('POST', `/accounts/${accountId}/unfreeze`, { body: {} });
    expect((await approve(held.body.id)).status).toBe(201);
    expect((await account(accountId)).balance.amount).toBe('75.00');
  });

  it('a deposit in review credits nothing until approved; an FX transfer is priced at approval', async () => {
    const accountId = await anAccount(api);
    review();
    const deposit = await api.call<TransactionBody>('POST', '/transactions/deposit', {
      body: { accountId, amount: '80.00', currency: 'USD' },
    });
    expect(deposit.status).toBe(202);
    expect((await account(accountId)).balance.amount).toBe('0.00');
    expect((await approve(deposit.body.id)).status).toBe(201);
    expect((await account(accountId)).balance.amount).toBe('80.00');

    const eur = await anAccount(api, { currency: 'EUR' });
    await api.call('PUT', '/fx/rates', { body: { base: 'USD', quote: 'EUR', rate: '0.90' } });
    review();
    const fx = await api.call<TransactionBody>('POST', '/transactions/fx-transfer', {
      body: { fromAccountId: accountId, toAccountId: eur, amount: '50.00', currency: 'USD' },
    });
    expect([fx.status, fx.body.status]).toEqual([202, 'PENDING_REVIEW']);
    await api.call('PUT', '/fx/rates', { body: { base: 'USD', quote: 'EUR', rate: '0.80' } });
    const approved = await approve(fx.body.id);
    expect(approved.status).toBe(201);
    expect(approved.body.fx?.convertedAmount).toEqual({ amount: '40.00', currency: 'EUR' });
    expect((await account(eur)).balance.amount).toBe('40.00');
    expect((await account(accountId)).balance.amount).toBe('30.00');
  });

  it('approval needs APPROVE_TRANSACTION within the approval limit', async () => {
    const from = await anAccount(api, { deposit: '500.00' });
    const to = await anAccount(api);
    review();
    const held = await transfer(from, to, '300.00');
    const role = await api.call<{ id: string }>('POST', '/rbac/roles', {
      body: {
        name: `REVIEWER_${Date.now()}`,
        permissions: ['APPROVE_TRANSACTION'],
        approvalLimits: [{ amount: '100.00', currency: 'USD' }],
      },
    });
    const capped = await api.tokenFor([role.body.id]);
    const teller = await api.tokenFor(['TELLER']);

    const byTeller = await api.call('POST', `/transactions/${held.body.id}/approve`, {
      token: teller,
    });
    const overLimit = await api.call('POST', `/transactions/${held.body.id}/approve`, {
      token: capped,
    });

    expect([byTeller.status, byTeller.body.code]).toEqual([403, 'FORBIDDEN']);
    expect([overLimit.status, overLimit.body.code]).toEqual([403, 'AMOUNT_LIMIT_EXCEEDED']);
    expect((await api.call('GET', `/transactions/${held.body.id}`)).body.status).toBe(
      'PENDING_REVIEW',
    );
  });

  it('GET /fraud/status reports the client, its counters and the reviews waiting', async () => {
    const status = await api.call('GET', '/fraud/status');

    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      enabled: true,
      circuit: 'CLOSED',
      scope: 'container',
      decisions: { REVIEW: expect.any(Number) },
    });
    expect(Number(status.body.pendingReviews)).toBeGreaterThanOrEqual(1);
    expect(Number((status.body.decisions as Record<string, number>).REVIEW)).toBeGreaterThan(5);
  });

  it('refuses unknown transactions (404) and ones never held (409)', async () => {
    const missing = await approve('01ZZZZZZZZZZZZZZZZZZZZZZZZ');
    expect([missing.status, missing.body.code]).toEqual([404, 'TRANSACTION_NOT_FOUND']);
    const accountId = await anAccount(api, { deposit: '10.00' });
    const lines = await api.call<{ items: Array<{ transactionId: string }> }>(
      'GET',
      `/accounts/${accountId}/transactions`,
    );
    const approvedDeposit = lines.body.items[0]?.transactionId ?? '';
    // Scored APPROVE: the decision is kept for the score endpoint but not shown on the transaction.
    const score = await api.call('GET', `/transactions/${approvedDeposit}/fraud-score`);
    expect(score.body).toMatchObject({ action: 'APPROVE', source: 'BASTION' });
    expect(score.body).not.toHaveProperty('case');
    const notHeld = await approve(approvedDeposit);
    expect([notHeld.status, notHeld.body.code]).toEqual([409, 'TRANSACTION_NOT_IN_REVIEW']);
  });
});
