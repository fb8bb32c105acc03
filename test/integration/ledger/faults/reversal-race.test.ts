import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { anAccount, createTestApi, type TestApi } from '../../../support/api-client';
import { injectFaults, type TransactWriteFaults } from './fault-api';

/*
 * Two reversals of one transaction, with the first held back between reading the transaction
 * and reading the accounts, so the second completes in that gap: a forced interleaving of the
 * race that concurrent reversals run into by chance.
 */

type WireMoney = { amount: string; currency: string };

describe('a reversal that loses the race to another reversal', () => {
  let api: TestApi;
  let faults: TransactWriteFaults;
  beforeAll(async () => {
    api = await createTestApi('reversal-race');
    faults = injectFaults(api);
  });
  afterAll(async () => api.close());

  const readsJournalEntry = (command: unknown) =>
    command instanceof GetCommand && String(command.input.Key?.pk).startsWith('ENTRY#');

  it('is told the transaction is already reversed, not that funds are missing', async () => {
    // Prepare: the reversal must take back all of B's money, so only one can ever succeed.
    const a = await anAccount(api, { deposit: '30.00' });
    const b = await anAccount(api);
    const original = await api.call<{ id: string }>('POST', '/transactions/transfer', {
      body: { fromAccountId: a, toAccountId: b, amount: '12.00', currency: 'USD' },
    });
    const reverse = () =>
      api.call('POST', `/transactions/${original.body.id}/reverse`, {
        body: { reason: 'duplicate' },
      });
    faults.reset();
    const held = faults.delayNext(readsJournalEntry, 1_500);

    // Act: the first reads the transaction as POSTED, then waits; the second runs to the end.
    const late = reverse();
    await held;
    const early = await reverse();
    const lost = await late;

    // Assess
    expect(early.status).toBe(201);
    expect({ status: lost.status, code: (lost.body as { code?: string }).code }).toEqual({
      status: 409,
      code: 'TRANSACTION_ALREADY_REVERSED',
    });
    const balances = await Promise.all(
      [a, b].map(
        async (id) =>
          (await api.call<{ balance: WireMoney }>('GET', `/accounts/${id}`)).body.balance.amount,
      ),
    );
    expect(balances).toEqual(['30.00', '0.00']);
  });

  it('is told the same when the reversal it lost to left enough funds', async () => {
    // Prepare: B keeps money after the reversal, so the late one gets as far as its write.
    const a = await anAccount(api, { deposit: '30.00' });
    const b = await anAccount(api, { deposit: '50.00' });
    const original = await api.call<{ id: string }>('POST', '/transactions/transfer', {
      body: { fromAccountId: a, toAccountId: b, amount: '12.00', currency: 'USD' },
    });
    const reverse = () =>
      api.call('POST', `/transactions/${original.body.id}/reverse`, {
        body: { reason: 'duplicate' },
      });
    faults.reset();
    const held = faults.delayNext(readsJournalEntry, 1_500);

    // Act
    const late = reverse();
    await held;
    const early = await reverse();
    const lost = await late;

    // Assess
    expect(early.status).toBe(201);
    expect({ status: lost.status, code: (lost.body as { code?: string }).code }).toEqual({
      status: 409,
      code: 'TRANSACTION_ALREADY_REVERSED',
    });
    const balances = await Promise.all(
      [a, b].map(
        async (id) =>
          (await api.call<{ balance: WireMoney }>('GET', `/accounts/${id}`)).body.balance.amount,
      ),
    );
    expect(balances).toEqual(['30.00', '50.00']);
  });
});
