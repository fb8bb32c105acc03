import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { KeyedMutex } from '../../../../shared/application/ledger/keyed-mutex';
import { withdraw } from '../../../../shared/application/ledger/move-money';
import { CommitGroups } from '../../../../shared/application/ledger/group-commit';
import { PostingCache } from '../../../../shared/application/ledger/posting-cache';
import { TURN_STALL_MS } from '../../../../shared/application/ledger/run-command';
import type { LedgerStore } from '../../../../shared/application/ledger/ledger-store';
import type { Dependencies } from '../../../../shared/application/ports';
import type { TurnQueue } from '../../../../shared/application/ledger/records';
import { Money } from '../../../../shared/domain/money';
import { keys } from '../../../../shared/infrastructure/dynamodb/keys';
import { CONTENDED_FOR_SECONDS } from '../../../../shared/infrastructure/dynamodb/ledger-writes';
import { anAccount, balanceOf, createTestApi, type TestApi } from '../../../support/api-client';
import { injectFaults, type TransactWriteFaults } from './fault-api';

/**
 * Waits until `tickets` have been drawn in `queue`: a command sent a moment ago has joined it.
 * A loaded machine may take far longer than usual to get there, so this waits for the fact.
 */
async function untilDrawn(ledger: LedgerStore, queue: TurnQueue, tickets: number): Promise<void> {
  const giveUpAt = Date.now() + 60_000;
  while (((await ledger.servingTurn(queue)).issued ?? 0) < tickets) {
    if (Date.now() > giveUpAt) throw new Error(`fewer than ${tickets} tickets drawn`);
    await new Promise((wake) => setTimeout(wake, 10));
  }
}

/** Two accounts with 10.00 each, in key order (the order a command queues on them). */
async function twoAccounts(api: TestApi): Promise<[string, string]> {
  const pair = [
    await anAccount(api, { deposit: '10.00' }),
    await anAccount(api, { deposit: '10.00' }),
  ];
  return pair.sort() as [string, string];
}

// Once a command has lost a race it queues on the accounts it moves (run-command.ts): a ticket
// per account, served in order, the turn handed on by the holder's own commit.
describe('the turn queue of contended accounts', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('turns');
  });
  afterAll(async () => api.close());

  /** A ticket drawn directly; nothing else writes these queues, so the draw never finds them busy. */
  async function drawn(queue: TurnQueue) {
    const ticket = await api.deps.ledger.takeTicket(queue);
    if (ticket === undefined) throw new Error('The queue was busy');
    return ticket;
  }

  it('draws tickets in order and moves the turn only from the ticket being served', async () => {
    // Prepare
    const ledger = api.deps.ledger;

    // Act
    const q1 = { key: 'Q1' };
    const q2 = { key: 'Q2' };
    const tickets = [(await drawn(q1)).ticket, (await drawn(q1)).ticket];
    const servingAtFirst = (await ledger.servingTurn(q1)).serving;
    const passedByHolder = await ledger.passTurn(q1, 0);
    const passedTwice = await ledger.passTurn(q1, 0);
    const passedOutOfTurn = await ledger.passTurn(q1, 5);
    const servingAfter = (await ledger.servingTurn(q1)).serving;
    const otherQueue = [(await drawn(q2)).ticket, (await ledger.servingTurn(q2)).serving];

    // Assess
    expect(tickets).toEqual([0, 1]);
    expect(servingAtFirst).toBe(0);
    expect([passedByHolder, passedTwice, passedOutOfTurn]).toEqual([true, false, false]);
    expect(servingAfter).toBe(1);
    expect(otherQueue).toEqual([0, 0]);
  });

  it('keeps an account queue on the account item, without touching its version, and only for an account that exists', async () => {
    // Prepare
    const account = await anAccount(api, { deposit: '10.00' });
    const queue = { account };
    const before = await api.call<{ version: number }>('GET', `/accounts/${account}`);

    // Act
    const first = await drawn(queue);
    const tickets = [first.ticket, (await drawn(queue)).ticket];
    const passed = [
      await api.deps.ledger.passTurn(queue, 1),
      await api.deps.ledger.passTurn(queue, 0),
      await api.deps.ledger.passTurn(queue, 1),
    ];
    const { serving } = await api.deps.ledger.servingTurn(queue);
    const after = await api.call<{ version: number }>('GET', `/accounts/${account}`);
    const ghost = api.deps.ledger.takeTicket({ account: 'NO-SUCH-ACCOUNT' });

    // Assess
    expect(tickets).toEqual([0, 1]);
    // The draw says whose turn it is and hands back the account as it is: a free queue needs no read.
    expect(first).toMatchObject({ serving: 0, givenUp: false, account: { id: account } });
    expect(passed).toEqual([false, true, true]);
    expect(serving).toBe(2);
    expect(after.body.version).toBe(before.body.version);
    await expect(ghost).rejects.toThrow();
  });

  it('does not let a write that skips the queue overtake the command whose turn it is', async () => {
    // Prepare: another container holds the turn on the account (ticket 0 drawn, being served).
    const account = await anAccount(api, { deposit: '10.00' });
    const holder = (await drawn({ account })).ticket;

    // Act: a deposit from a container that was never refused (no queue of its own in mind).
    const deposit = api.call('POST', '/transactions/deposit', {
      body: { accountId: account, amount: '1.00', currency: 'USD' },
    });
    await untilDrawn(api.deps.ledger, { account }, 2);
    const whileHeld = await balanceOf(api, account);
    const handedOn = await api.deps.ledger.passTurn({ account }, holder);
    const response = await deposit;

    // Assess: it queued behind the holder (ticket 1) and wrote only once the turn was handed on.
    expect(holder).toBe(0);
    expect(whileHeld).toBe('10.00');
    expect(handedOn).toBe(true);
    expect(response.status).toBe(201);
    expect((await api.deps.ledger.servingTurn({ account })).serving).toBe(2);
    expect(await balanceOf(api, account)).toBe('11.00');
  });

  it('passes on at once a turn whose waiter gave up before it came, and marks nothing once the turn has gone past', async () => {
    // Prepare: ticket 0 is being served; the waiter with ticket 1 gives up.
    const account = await anAccount(api, { deposit: '10.00' });
    const queue = { account };
    const ledger = api.deps.ledger;
    const [holding, gaveUp] = [(await drawn(queue)).ticket, (await drawn(queue)).ticket];
    await ledger.abandonTicket(queue, gaveUp);
    await ledger.abandonTicket(queue, holding - 1); // Already served: refused quietly.
    const startedAt = Date.now();

    // Act: the holder hands on its turn, and a deposit arrives.
    const whileHeld = await ledger.servingTurn(queue);
    await ledger.passTurn(queue, holding);
    const atGivenUp = await ledger.servingTurn(queue);
    const response = await api.call('POST', '/transactions/deposit', {
      body: { accountId: account, amount: '1.00', currency: 'USD' },
    });

    // Assess: the deposit queued (ticket 2), passed the given-up ticket 1 without waiting for it
    // to look stalled, and handed its own turn on.
    expect(whileHeld).toMatchObject({ serving: 0, givenUp: false });
    expect(atGivenUp).toMatchObject({ serving: 1, givenUp: true });
    expect(response.status).toBe(201);
    expect(Date.now() - startedAt).toBeLessThan(TURN_STALL_MS);
    expect(await ledger.servingTurn(queue)).toMatchObject({ serving: 3, givenUp: false });
  });

  it('passes on a turn whose holder vanished, then serves the waiting command and hands its turn on in its commit', async () => {
    // Prepare: a container drew the first ticket on the account and died before its turn ended;
    // the next deposit finds the queue on the account, so it queues behind that ticket.
    const account = await anAccount(api, { deposit: '10.00' });
    const vanished = (await drawn({ account })).ticket;
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
    expect((await api.deps.ledger.servingTurn({ account })).serving).toBe(2);
    expect(await balanceOf(api, account)).toBe('11.00');
  });

  it('does not remember, for planning the next posting, accounts it wrote after waiting in their queue', async () => {
    // Prepare: another container holds the turn on the transfer's first account (in key order).
    const [first, second] = await twoAccounts(api);
    const body = (amount: string) => ({
      body: { fromAccountId: first, toAccountId: second, amount, currency: 'USD' },
    });
    const uncontended = await api.call('POST', '/transactions/transfer', body('1.00'));
    const holder = (await drawn({ account: first })).ticket;
    const cache = api.deps.postingCache;
    const rememberedBefore = cache.read([first, second], 0) !== undefined;

    // Act: the transfer queues on the first account; the holder hands its turn on.
    const transfer = api.call('POST', '/transactions/transfer', body('2.50'));
    await untilDrawn(api.deps.ledger, { account: first }, 2);
    await api.deps.ledger.passTurn({ account: first }, holder);
    const response = await transfer;

    // Assess: served in turn on its first account (ticket 1, handed on by its commit); the
    // second, where nobody queued, was written without a ticket.
    expect([uncontended.status, response.status]).toEqual([201, 201]);
    expect((await api.deps.ledger.servingTurn({ account: first })).serving).toBe(2);
    expect(await api.deps.ledger.servingTurn({ account: second })).toMatchObject({
      serving: 0,
      issued: 0,
    });
    expect([await balanceOf(api, first), await balanceOf(api, second)]).toEqual(['6.50', '13.50']);
    // Others queue on these accounts: what the transfer wrote is not remembered to plan from.
    expect(rememberedBefore).toBe(true);
    expect(cache.read([first], 0)).toBeUndefined();
    expect(cache.read([second], 0)).toBeUndefined();
  });

  it('marks an account contended when a turn is handed on to others waiting; the next command then queues at once, and writes straight away once it has been quiet', async () => {
    // Prepare: another container holds the turn (ticket 0); a deposit queues behind it (ticket
    // 1), and a third container behind the deposit (ticket 2).
    const account = await anAccount(api, { deposit: '10.00' });
    const queue = { account };
    const ledger = api.deps.ledger;
    const deposit = () =>
      api.call('POST', '/transactions/deposit', {
        body: { accountId: account, amount: '1.00', currency: 'USD' },
      });
    const contendedAt = async () => {
      const { Item } = await api.table.client.send(
        new GetCommand({ TableName: api.table.tableName, Key: keys.account(account) }),
      );
      // The table's client hands numbers back wrapped (NumberValue).
      return Item?.contendedAt === undefined ? undefined : Number(String(Item.contendedAt));
    };
    const holder = (await drawn(queue)).ticket;
    const queuedDeposit = deposit();
    await untilDrawn(ledger, queue, 2);
    const behind = (await drawn(queue)).ticket;

    // Act: the holder hands on; the deposit is served with the third one waiting behind it;
    // the third one passes its turn. Then a deposit on the empty queue, and another after the
    // account has been quiet for a while (its mark set back instead of waited for).
    await ledger.passTurn(queue, holder);
    const served = await queuedDeposit;
    const markedAt = await contendedAt();
    await ledger.passTurn(queue, behind);
    const afterContended = await deposit();
    const servingAfterContended = (await ledger.servingTurn(queue)).serving;
    await api.table.client.send(
      new UpdateCommand({
        TableName: api.table.tableName,
        Key: keys.account(account),
        UpdateExpression: 'SET contendedAt = contendedAt - :quiet',
        ExpressionAttributeValues: { ':quiet': CONTENDED_FOR_SECONDS + 2 },
      }),
    );
    const quiet = await deposit();

    // Assess: the queued deposit's hand-over marked the account; the next deposit drew ticket 3
    // (served at once, handed on by its commit) rather than race with a write; its own hand-over,
    // with nobody behind, did not renew the mark; the last wrote without a ticket.
    expect([holder, behind]).toEqual([0, 2]);
    expect([served.status, afterContended.status, quiet.status]).toEqual([201, 201, 201]);
    expect(markedAt).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 10);
    expect(servingAfterContended).toBe(4);
    expect((await ledger.servingTurn(queue)).serving).toBe(4);
    expect(await contendedAt()).toBe(markedAt! - CONTENDED_FOR_SECONDS - 2);
    expect(await balanceOf(api, account)).toBe('13.00');
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
    expect(await balanceOf(api, account)).toBe('0.00');
  });
});

describe('a container whose last turn on accounts came with others queued behind it', () => {
  let api: TestApi;
  const calls: string[] = [];
  beforeAll(async () => {
    api = await createTestApi('turns-first', { metrics: { onCall: (op) => calls.push(op) } });
  });
  afterAll(async () => api.close());

  it('queues its next command on them before reading, and reads first again once its turn came with nobody behind', async () => {
    // Prepare: another container holds the turn (ticket 0); this container's deposit queues
    // behind it (ticket 1), and a third container behind the deposit (ticket 2), which then
    // passes its turn without writing.
    const account = await anAccount(api, { deposit: '10.00' });
    const queue = { account };
    const ledger = api.deps.ledger;
    const deposit = async () => {
      calls.length = 0;
      const response = await api.call('POST', '/transactions/deposit', {
        body: { accountId: account, amount: '1.00', currency: 'USD' },
      });
      return { status: response.status, calls: [...calls] };
    };
    const holder = (await ledger.takeTicket(queue))!.ticket;
    const queued = deposit();
    await untilDrawn(ledger, queue, 2);
    const behind = (await ledger.takeTicket(queue))!.ticket;
    await ledger.passTurn(queue, holder);
    const first = await queued;
    await ledger.passTurn(queue, behind);

    // Act: two more deposits from the same container, one after the other.
    const next = await deposit();
    const afterIt = await deposit();

    // Assess: the first deposit's turn came with ticket 2 behind it, so the next one drew its
    // ticket (3, served at once) and wrote from the account the draw handed back: no read. Its
    // own turn came with nobody behind: the one after it read first (and, the account still
    // marked contended, queued from what it read: ticket 4).
    expect([holder, behind]).toEqual([0, 2]);
    expect([first.status, next.status, afterIt.status]).toEqual([201, 201, 201]);
    expect(next.calls).toEqual(['UpdateItem', 'TransactWriteItems']);
    expect(afterIt.calls[0]).toBe('BatchGetItem');
    expect((await ledger.servingTurn(queue)).serving).toBe(5);
    expect(await balanceOf(api, account)).toBe('13.00');
  });
});

const transactionInProgress = () =>
  new TransactionConflictException({ message: 'injected', $metadata: {} });

// The DynamoDB client counts the transactions and fails chosen updates.
describe('the turn queue, seen from the DynamoDB client', () => {
  let api: TestApi;
  let faults: TransactWriteFaults;
  beforeAll(async () => {
    api = await createTestApi('turns-client');
    faults = injectFaults(api);
  });
  afterAll(async () => api.close());

  // On DynamoDB an UpdateItem on an item in the middle of a transaction fails (TransactionConflict):
  // a hot account's item is often busy, and the queue's own updates live on it.
  describe('on an account item busy with transactions', () => {
    it('draws its ticket again until the item comes free, then is served in turn', async () => {
      // Prepare: a vanished holder keeps a queue on the account; the next ten queue updates meet a
      // transaction in progress (more than the store's own tries, so the command draws again).
      const account = await anAccount(api, { deposit: '10.00' });
      const ticket = await api.deps.ledger.takeTicket({ account });
      faults.reset();
      faults.failUpdates(10, transactionInProgress);

      // Act
      const response = await api.call('POST', '/transactions/deposit', {
        body: { accountId: account, amount: '1.00', currency: 'USD' },
      });

      // Assess
      expect(ticket?.ticket).toBe(0);
      expect(response.status).toBe(201);
      expect(faults.updatesFailed).toBe(10);
      expect(await api.deps.ledger.servingTurn({ account })).toMatchObject({ serving: 2 });
      expect(await balanceOf(api, account)).toBe('11.00');
    }, 30_000);

    it('treats a turn it cannot pass on while the item stays busy as not passed, not as an error', async () => {
      // Prepare
      const account = await anAccount(api, { deposit: '10.00' });
      const ticket = await api.deps.ledger.takeTicket({ account });
      faults.reset();
      faults.failUpdates(20, transactionInProgress);

      // Act
      const passed = await api.deps.ledger.passTurn({ account }, ticket?.ticket ?? -1);
      const failedWhileBusy = faults.updatesFailed;
      faults.reset();
      const passedOnceFree = await api.deps.ledger.passTurn({ account }, ticket?.ticket ?? -1);

      // Assess
      expect(passed).toBe(false);
      expect(failedWhileBusy).toBeGreaterThan(1);
      expect(passedOnceFree).toBe(true);
    }, 30_000);
  });

  // A transfer queues on its first account only, and on the second where it finds others queued
  // there: in its read, or in the look that finds its turn on the first (which reads the second).
  describe('of a transfer between two accounts', () => {
    it.each([
      ['its read finds both queued on', true],
      ['the look that finds its turn on the first shows the second queued on', false],
    ])(
      'queues on its second account too, in key order, before it writes, when %s',
      async (_case, secondQueuedFirst) => {
        // Prepare: another container holds the turn on the transfer's first account, and maybe
        // one on the second; this container has not posted to the accounts since.
        const ledger = api.deps.ledger;
        const [first, second] = await twoAccounts(api);
        api.deps.postingCache.forget([first, second]);
        const onFirst = (await ledger.takeTicket({ account: first }))?.ticket ?? -1;
        let onSecond = secondQueuedFirst
          ? ((await ledger.takeTicket({ account: second }))?.ticket ?? -1)
          : -1;
        faults.reset();

        // Act: the transfer queues; otherwise a command from another container queues on the
        // second while the transfer waits on the first; then the turns are handed on.
        const transfer = api.call('POST', '/transactions/transfer', {
          body: { fromAccountId: second, toAccountId: first, amount: '4.00', currency: 'USD' },
        });
        await untilDrawn(ledger, { account: first }, 2);
        const secondWhileQueued = await ledger.servingTurn({ account: second });
        if (!secondQueuedFirst)
          onSecond = (await ledger.takeTicket({ account: second }))?.ticket ?? -1;
        await ledger.passTurn({ account: first }, onFirst);
        await untilDrawn(ledger, { account: second }, 2);
        const whileWaiting = await balanceOf(api, second);
        await ledger.passTurn({ account: second }, onSecond);
        const response = await transfer;

        // Assess: ticket 1 on each, the second drawn only once it was found queued on; one
        // transaction in all (its commit, which handed both turns on): no write failed.
        expect([onFirst, onSecond]).toEqual([0, 0]);
        expect(secondWhileQueued.issued).toBe(secondQueuedFirst ? 1 : 0);
        expect(whileWaiting).toBe('10.00');
        expect(response.status).toBe(201);
        expect(faults.attempts).toBe(1);
        expect((await ledger.servingTurn({ account: first })).serving).toBe(2);
        expect((await ledger.servingTurn({ account: second })).serving).toBe(2);
        expect([await balanceOf(api, first), await balanceOf(api, second)]).toEqual([
          '14.00',
          '6.00',
        ]);
      },
    );
  });
});
