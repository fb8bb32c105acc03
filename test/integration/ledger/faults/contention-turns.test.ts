import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyedMutex } from '../../../../shared/application/ledger/keyed-mutex';
import { withdraw } from '../../../../shared/application/ledger/move-money';
import { CommitGroups } from '../../../../shared/application/ledger/group-commit';
import { PostingCache } from '../../../../shared/application/ledger/posting-cache';
import { TURN_STALL_MS } from '../../../../shared/application/ledger/run-command';
import type { Dependencies } from '../../../../shared/application/ports';
import { Money } from '../../../../shared/domain/money';
import { anAccount, createTestApi, type TestApi } from '../../../support/api-client';
import { everyItem, injectFaults } from './fault-api';

// Once a command has lost a race it queues on the accounts it moves (run-command.ts): a ticket
// per account, served in order, the turn handed on by the holder's own commit.
describe('the turn queue of contended accounts', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('turns');
  });
  afterAll(async () => api.close());

  it('draws tickets in order and moves the turn only from the ticket being served', async () => {
    // Prepare
    const ledger = api.deps.ledger;

    // Act
    const tickets = [await ledger.takeTicket('Q1'), await ledger.takeTicket('Q1')];
    const servingAtFirst = await ledger.servingTurn('Q1');
    const passedByHolder = await ledger.passTurn('Q1', 0);
    const passedTwice = await ledger.passTurn('Q1', 0);
    const passedOutOfTurn = await ledger.passTurn('Q1', 5);
    const servingAfter = await ledger.servingTurn('Q1');
    const otherQueue = [await ledger.takeTicket('Q2'), await ledger.servingTurn('Q2')];

    // Assess
    expect(tickets).toEqual([0, 1]);
    expect(servingAtFirst).toBe(0);
    expect([passedByHolder, passedTwice, passedOutOfTurn]).toEqual([true, false, false]);
    expect(servingAfter).toBe(1);
    expect(otherQueue).toEqual([0, 0]);
  });

  it('passes on a turn whose holder vanished, then serves the waiting command and hands its turn on in its commit', async () => {
    // Prepare: a container drew the first ticket on the account and died before its turn ended;
    // the next deposit loses one race, so it queues behind that ticket.
    const account = await anAccount(api, { deposit: '10.00' });
    const vanished = await api.deps.ledger.takeTicket(account);
    const faults = injectFaults(api);
    faults.arm({ kind: 'cancel', reasons: everyItem('TransactionConflict') }, 1);
    const startedAt = Date.now();

    // Act
    const response = await api.call('POST', '/transactions/deposit', {
      body: { accountId: account, amount: '1.00', currency: 'USD' },
    });

    // Assess
    expect(vanished).toBe(0);
    expect(response.status).toBe(201);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(TURN_STALL_MS - 100);
    // Ticket 0 was passed on as stalled, ticket 1 (the deposit's) passed on by its commit.
    expect(await api.deps.ledger.servingTurn(account)).toBe(2);
    const balance = await api.call<{ balance: { amount: string } }>('GET', `/accounts/${account}`);
    expect(balance.body.balance.amount).toBe('11.00');
  });

  it('serves 24 containers withdrawing from one account in turn: no request fails for contention and none overdraws', async () => {
    // Prepare: each container has its own locks and posting state, as Lambda containers do; they
    // share only the table. What is tested is who gets served, not how fast: a loaded machine
    // slows DynamoDB Local down, so the time budget is generous.
    const account = await anAccount(api, { deposit: '150.00' });
    const containers: Dependencies[] = Array.from({ length: 24 }, () => ({
      ...api.deps,
      locks: new KeyedMutex(),
      postingCache: new PostingCache(),
      commitGroups: new CommitGroups(),
      retry: { ...api.deps.retry, budgetMs: 60_000 },
    }));
    const render = () => ({ status: 201, body: '', headers: {} });

    // Act
    const outcomes = await Promise.all(
      containers.map(async (deps) => {
        const result = await withdraw(
          deps,
          { accountId: account, amount: Money.of('10.00', 'USD') },
          { actor: 'test', idempotency: undefined, render },
        );
        return result.ok ? 'posted' : result.error.code;
      }),
    );

    // Assess
    const tally: Record<string, number> = {};
    for (const outcome of outcomes) tally[outcome] = (tally[outcome] ?? 0) + 1;
    expect(tally).toEqual({ posted: 15, INSUFFICIENT_FUNDS: 9 });
    const after = await api.call<{ balance: { amount: string } }>('GET', `/accounts/${account}`);
    expect(after.body.balance.amount).toBe('0.00');
  });
});
