import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  OutboxDispatcher,
  defaultDispatcherOptions,
} from '../../../shared/application/events/dispatcher';
import type { Clock } from '../../../shared/application/ports';
import type { CloudEvent } from '../../../shared/contracts/events/cloud-event';
import { createTestApi, type TestApi } from '../../support/api-client';
import { postings } from '../../support/outbox-events';

describe('the local outbox dispatcher on DynamoDB Local', () => {
  let api: TestApi;
  let now = new Date();
  const clock: Clock = { now: () => now };
  const dispatcher = () =>
    new OutboxDispatcher(
      { outbox: api.deps.outbox, clock, logger: api.deps.logger },
      { ...defaultDispatcherOptions('demo'), maxAttempts: 3, baseDelayMs: 1_000 },
    );

  beforeAll(async () => {
    api = await createTestApi('events-dispatcher');
  });
  afterAll(async () => api.close());

  it('delivers every event to every subscriber in per-aggregate order and marks it published', async () => {
    const { accountId, transactionIds } = await postings(api, 2);
    for (const action of ['freeze', 'unfreeze', 'freeze']) {
      const changed = await api.call('POST', `/accounts/${accountId}/${action}`, {
        body: { reason: 'test' },
      });
      expect(changed.status).toBe(200);
    }
    const seen: CloudEvent[] = [];
    const alsoSeen: string[] = [];
    const subject = dispatcher();
    subject.subscribe(async (event) => {
      seen.push(event);
    });
    const unsubscribe = subject.subscribe(async (event) => {
      alsoSeen.push(event.id);
    });

    const first = await subject.pollOnce();
    expect(first.failed).toBe(0);
    expect(alsoSeen).toEqual(seen.map((e) => e.id));
    const accountEvents = seen.filter((e) => e.subject === `account/${accountId}`);
    // The account's version is its sequence: postings bump it too, so it has gaps but rises.
    expect(accountEvents.map((e) => e.type)).toEqual([
      'nexum.account.opened',
      'nexum.account.frozen',
      'nexum.account.unfrozen',
      'nexum.account.frozen',
    ]);
    const sequences = accountEvents.map((e) => Number(e.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(4);
    expect(seen.filter((e) => e.type === 'nexum.transaction.posted').map((e) => e.subject)).toEqual(
      transactionIds.map((id) => `transaction/${id}`),
    );
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen.every((e) => e.source === 'nexum/demo')).toBe(true);

    // Published: the next round finds nothing, the status shows no lag.
    unsubscribe();
    expect(await subject.pollOnce()).toEqual({ delivered: 0, failed: 0, deadLettered: 0 });
    expect(seen).toHaveLength(first.delivered);
    expect((await api.deps.outbox.status()).unpublishedCount).toBe(0);
  });

  it('retries a failing delivery with backoff, holding later events of that aggregate, then dead-letters it', async () => {
    const { accountId } = await postings(api, 0);
    await api.call('POST', `/accounts/${accountId}/freeze`, { body: { reason: 'test' } });
    const delivered: string[] = [];
    const subject = dispatcher();
    let attempts = 0;
    subject.subscribe(async (event) => {
      if (event.type === 'nexum.account.opened' && event.subject === `account/${accountId}`) {
        attempts += 1;
        throw new Error('consumer down');
      }
      if (event.subject === `account/${accountId}`) delivered.push(event.type);
    });

    now = new Date();
    expect(await subject.pollOnce()).toMatchObject({ failed: 1, deadLettered: 0 });
    // The frozen event waits behind the failed opened event of the same account.
    expect(delivered).toEqual([]);
    let status = await api.deps.outbox.status();
    expect(status).toMatchObject({ unpublishedCount: 2, failingCount: 1 });

    // Within the backoff nothing is tried again.
    expect(await subject.pollOnce()).toMatchObject({ failed: 0, delivered: 0 });
    expect(attempts).toBe(1);

    now = new Date(now.getTime() + 1_001);
    expect(await subject.pollOnce()).toMatchObject({ failed: 1, deadLettered: 0 });
    now = new Date(now.getTime() + 2_001);
    expect(await subject.pollOnce()).toMatchObject({ failed: 1, deadLettered: 1, delivered: 1 });
    expect(attempts).toBe(3);
    expect(delivered).toEqual(['nexum.account.frozen']);
    status = await api.deps.outbox.status();
    expect(status).toMatchObject({ unpublishedCount: 0, failingCount: 0, deadLetteredCount: 1 });
  });

  it('runs on its own timer and stops cleanly', async () => {
    const { transactionIds } = await postings(api, 1);
    now = new Date();
    const subject = new OutboxDispatcher(
      { outbox: api.deps.outbox, clock: api.deps.clock, logger: api.deps.logger },
      { ...defaultDispatcherOptions('demo'), intervalMs: 50 },
    );
    const got: string[] = [];
    subject.subscribe(async (event) => {
      got.push(event.subject);
    });
    subject.start();
    const deadline = Date.now() + 5_000;
    while (!got.includes(`transaction/${transactionIds[0]}`) && Date.now() < deadline) {
      await new Promise((wake) => setTimeout(wake, 20));
    }
    await subject.stop();
    expect(got).toContain(`transaction/${transactionIds[0]}`);
  });
});
