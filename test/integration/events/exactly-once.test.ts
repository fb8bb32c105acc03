import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  OutboxDispatcher,
  defaultDispatcherOptions,
} from '../../../shared/application/events/dispatcher';
import type {
  EntryOutcome,
  EventBusPort,
  OutboxStore,
} from '../../../shared/application/events/ports';
import { publishOutboxEvents } from '../../../shared/application/events/publisher';
import type { CloudEvent } from '../../../shared/contracts/events/cloud-event';
import { createTestApi, type TestApi } from '../../support/api-client';
import { pendingOf, postings } from '../../support/outbox-events';

class ContainerCrash extends Error {}

/** A consumer that deduplicates by event id, as the catalogue tells consumers to. */
function dedupingConsumer() {
  const seen = new Map<string, CloudEvent>();
  let received = 0;
  return {
    take(event: CloudEvent) {
      received += 1;
      if (!seen.has(event.id)) seen.set(event.id, event);
    },
    get received() {
      return received;
    },
    /** Business changes seen: one per transaction (the subject), each once. */
    subjects: () => [...seen.values()].map((event) => event.subject).sort(),
  };
}

/**
 * The "exactly once per business change even when the publisher crashes mid-batch and
 * reruns": delivery is at-least-once with stable ids, so a consumer deduplicating by id sees each
 * business change once, and nothing stays behind.
 */
describe('events exactly once per business change across a crash mid-batch', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('events-exactly-once');
  });
  afterAll(async () => api.close());

  it('publisher: EventBridge took some batches, the container died in the next; the rerun publishes all and marks them', async () => {
    const { transactionIds } = await postings(api, 25);
    const events = await pendingOf(api, transactionIds);
    expect(events).toHaveLength(25);
    const consumer = dedupingConsumer();
    let calls = 0;
    let crashAt: number | undefined = 3;
    // The bus: delivers each accepted entry to the consumer. In the third call half the batch is
    // accepted, then the container dies (during the backoff before retrying the other half).
    const bus: EventBusPort = {
      maxEntries: 10,
      maxBatchBytes: 256 * 1024,
      entrySize: (event) => JSON.stringify(event).length,
      putEntries: (batch) => {
        calls += 1;
        const partial = calls === crashAt;
        return Promise.resolve(
          batch.map((event, index): EntryOutcome => {
            if (partial && index >= batch.length / 2) {
              return { ok: false, code: 'ThrottlingException', message: 'Rate exceeded' };
            }
            consumer.take(event);
            return { ok: true };
          }),
        );
      },
    };
    const deps = {
      bus,
      deadLetters: { send: () => Promise.reject(new Error('nothing is dead-lettered')) },
      outbox: api.deps.outbox,
      clock: api.deps.clock,
      logger: api.deps.logger,
    };
    const options = (crash: boolean) => ({
      tenant: 'test',
      maxAttempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 100,
      sleep: () => (crash ? Promise.reject(new ContainerCrash('frozen')) : Promise.resolve()),
    });

    await expect(publishOutboxEvents(deps, events, options(true))).rejects.toThrow(ContainerCrash);
    // Batches of 10, 10 and 5: the first two and 3 of the third went out, nothing was marked.
    expect(await pendingOf(api, transactionIds)).toHaveLength(25);
    expect(consumer.received).toBe(23);

    crashAt = undefined;
    const rerun = await publishOutboxEvents(
      deps,
      await pendingOf(api, transactionIds),
      options(false),
    );

    expect(rerun).toMatchObject({ published: 25, deadLettered: 0 });
    expect(await pendingOf(api, transactionIds)).toEqual([]);
    expect(consumer.received).toBe(48); // At least once on the wire, once per change after dedup.
    expect(consumer.subjects()).toEqual(transactionIds.map((id) => `transaction/${id}`).sort());
  });

  it('local dispatcher: a poll that dies before marking redelivers; the consumer sees each once', async () => {
    const { transactionIds } = await postings(api, 12);
    const consumer = dedupingConsumer();
    let crash = true;
    const crashing: OutboxStore = {
      ...api.deps.outbox,
      listPending: (limit) => api.deps.outbox.listPending(limit),
      listEvents: (filter, page) => api.deps.outbox.listEvents(filter, page),
      status: () => api.deps.outbox.status(),
      recordFailure: (id, failure) => api.deps.outbox.recordFailure(id, failure),
      markDeadLettered: (ids, failure) => api.deps.outbox.markDeadLettered(ids, failure),
      markPublished: async (ids, at) => {
        if (crash) throw new ContainerCrash('killed before marking');
        await api.deps.outbox.markPublished(ids, at);
      },
    };
    const dispatcher = new OutboxDispatcher(
      { outbox: crashing, clock: api.deps.clock, logger: api.deps.logger },
      defaultDispatcherOptions('test'),
    );
    const ours = new Set(transactionIds.map((id) => `transaction/${id}`));
    dispatcher.subscribe(async (event) => {
      if (ours.has(event.subject)) consumer.take(event);
    });

    await expect(dispatcher.pollOnce()).rejects.toThrow(ContainerCrash);
    crash = false;
    for (let round = 0; round < 10; round += 1) {
      if ((await pendingOf(api, transactionIds)).length === 0) break;
      await dispatcher.pollOnce();
    }

    expect(await pendingOf(api, transactionIds)).toEqual([]);
    expect(consumer.received).toBe(24); // Delivered by the poll that died, then again.
    expect(consumer.subjects()).toEqual([...ours].sort());
  });
});
