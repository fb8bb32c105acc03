import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { streamPublisher } from '../../../functions/event-publisher/publisher';
import type { OutboxStore } from '../../../shared/application/events/ports';
import {
  publishOutboxEvents,
  type PublisherDeps,
  type PublisherOptions,
} from '../../../shared/application/events/publisher';
import type { CloudEvent } from '../../../shared/contracts/events/cloud-event';
import { EventBridgeBus } from '../../../shared/infrastructure/events/eventbridge-bus';
import { SqsDeadLetters } from '../../../shared/infrastructure/events/sqs-dead-letters';
import { createTestApi, type TestApi } from '../../support/api-client';
import { pendingOf, postings, streamBatch } from '../../support/outbox-events';

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);

/** The CloudEvents of every PutEvents call so far, one array per call. */
const putCalls = (): CloudEvent[][] =>
  eventBridge
    .commandCalls(PutEventsCommand)
    .map((call) =>
      (call.args[0].input.Entries ?? []).map(
        (entry: PutEventsRequestEntry) => JSON.parse(entry.Detail ?? '{}') as CloudEvent,
      ),
    );

/** EventBridge accepting every entry except those whose id `fail` picks, per call. */
function eventBridgeAnswers(fail: (id: string, call: number) => boolean): void {
  let call = 0;
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    call += 1;
    const entries = input.Entries.map((entry) => {
      const id = (JSON.parse(entry.Detail ?? '{}') as CloudEvent).id;
      return fail(id, call)
        ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }
        : { EventId: `eb-${id}` };
    });
    return {
      FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length,
      Entries: entries,
    };
  });
}

describe('the outbox publisher (EventBridge) on DynamoDB Local', () => {
  let api: TestApi;
  const sleeps: number[] = [];
  const options: PublisherOptions = {
    tenant: 'demo',
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  const deps = (outbox?: OutboxStore): PublisherDeps => ({
    bus: new EventBridgeBus(new EventBridgeClient({ region: 'us-east-1' }), 'nexum-demo'),
    deadLetters: new SqsDeadLetters(
      new SQSClient({ region: 'us-east-1' }),
      'https://sqs.us-east-1.amazonaws.com/123456789012/nexum-demo-events-dlq',
    ),
    outbox: outbox ?? api.deps.outbox,
    clock: api.deps.clock,
    logger: api.deps.logger,
  });

  beforeAll(async () => {
    api = await createTestApi('events-publisher');
  });
  afterAll(async () => api.close());
  afterEach(() => {
    eventBridge.reset();
    sqs.reset();
    sleeps.length = 0;
  });

  it('publishes a posting once, as a CloudEvent, even when the publisher crashes before marking it and reruns', async () => {
    const { transactionIds } = await postings(api, 1);
    const [event] = await pendingOf(api, transactionIds);
    expect(event).toBeDefined();
    const batch = await streamBatch(api, [event!.id]);
    eventBridgeAnswers(() => false);

    // First run: EventBridge takes the event, then marking the outbox fails (a crash).
    let crash = true;
    const crashing: OutboxStore = {
      ...api.deps.outbox,
      listPending: (limit) => api.deps.outbox.listPending(limit),
      listEvents: (filter, page) => api.deps.outbox.listEvents(filter, page),
      status: () => api.deps.outbox.status(),
      recordFailure: (id, failure) => api.deps.outbox.recordFailure(id, failure),
      markDeadLettered: (ids, failure) => api.deps.outbox.markDeadLettered(ids, failure),
      markPublished: async (ids, at) => {
        if (crash) throw new Error('container froze');
        await api.deps.outbox.markPublished(ids, at);
      },
    };
    const handler = streamPublisher(deps(crashing), options);
    const first = await handler(batch);
    expect(first.batchItemFailures).toEqual([
      { itemIdentifier: batch.Records[0]?.dynamodb?.SequenceNumber },
    ]);
    expect(await pendingOf(api, transactionIds)).toHaveLength(1);

    // The mapping retries the batch: the same event id goes out again and is marked this time.
    crash = false;
    const second = await handler(batch);
    expect(second.batchItemFailures).toEqual([]);
    expect(await pendingOf(api, transactionIds)).toEqual([]);

    const published = putCalls().flat();
    expect(published.map((e) => e.id)).toEqual([event!.id, event!.id]);
    // Consumers dedupe by id: exactly one business change, exactly one event.
    expect(new Set(published.map((e) => e.id)).size).toBe(1);
    expect(published[0]).toEqual({
      specversion: '1.0',
      id: event!.id,
      source: 'nexum/demo',
      type: 'nexum.transaction.posted',
      subject: `transaction/${transactionIds[0]}`,
      time: event!.occurredAt,
      datacontenttype: 'application/json',
      sequence: '1',
      data: expect.objectContaining({
        transactionId: transactionIds[0],
        type: 'DEPOSIT',
        amount: '100',
        currency: 'USD',
      }),
    });
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'nexum-demo',
      Source: 'nexum/demo',
      DetailType: 'nexum.transaction.posted',
    });

    // A later run (a MODIFY would be filtered out; an INSERT replay) does not find it pending.
    const listed = await api.call<{ items: Array<{ id: string; publication: { state: string } }> }>(
      'GET',
      `/events?subject=transaction/${transactionIds[0]}`,
    );
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        id: event!.id,
        publication: expect.objectContaining({ state: 'PUBLISHED' }),
      }),
    ]);
  });

  it('ignores stream records that are not outbox inserts', async () => {
    const response = await streamPublisher(
      deps(),
      options,
    )({
      Records: [{ eventName: 'MODIFY', dynamodb: { NewImage: { type: { S: 'OutboxEvent' } } } }],
    });
    expect(response.batchItemFailures).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sends batches of at most 10 entries and retries only the entries that failed', async () => {
    const { transactionIds } = await postings(api, 13);
    const events = await pendingOf(api, transactionIds);
    expect(events).toHaveLength(13);
    const failOnce = new Set([events[1]!.id, events[4]!.id, events[11]!.id]);
    eventBridgeAnswers((id, call) => failOnce.has(id) && call !== 2 && call !== 4);

    const report = await publishOutboxEvents(deps(), events, options);

    const calls = putCalls().map((call) => call.map((e) => e.id));
    expect(calls.map((call) => call.length)).toEqual([10, 2, 3, 1]);
    expect(calls[1]).toEqual([events[1]!.id, events[4]!.id]);
    expect(calls[3]).toEqual([events[11]!.id]);
    expect(sleeps).toEqual([100, 100]);
    expect(report).toEqual({ published: 13, batches: 2, retriedEntries: 3, deadLettered: 0 });
    expect(await pendingOf(api, transactionIds)).toEqual([]);
  });

  it('backs off exponentially and dead-letters what still fails after the last attempt', async () => {
    const { transactionIds } = await postings(api, 3);
    const events = await pendingOf(api, transactionIds);
    const doomed = events[1]!.id;
    eventBridgeAnswers((id) => id === doomed);
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: 'x' }], Failed: [] });

    const report = await publishOutboxEvents(deps(), events, options);

    expect(report).toMatchObject({ published: 2, deadLettered: 1 });
    expect(putCalls().map((call) => call.length)).toEqual([3, 1, 1]);
    expect(sleeps).toEqual([100, 200]);
    const sent = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(sent.map((m) => (JSON.parse(m.MessageBody ?? '{}') as CloudEvent).id)).toEqual([doomed]);
    expect(sent[0]?.MessageAttributes?.reason?.StringValue).toContain('ThrottlingException');

    expect(await pendingOf(api, transactionIds)).toEqual([]);
    const dead = await api.call<{ items: Array<{ publication: Record<string, unknown> }> }>(
      'GET',
      `/events?subject=transaction/${events[1]!.aggregateId}`,
    );
    expect(dead.body.items[0]?.publication).toMatchObject({ state: 'DEAD_LETTERED', attempts: 3 });
    const status = await api.call('GET', '/events/status');
    expect(status.body.deadLetteredCount).toBe(1);
  });

  it('retries a whole batch when the PutEvents call itself fails', async () => {
    const { transactionIds } = await postings(api, 2);
    const events = await pendingOf(api, transactionIds);
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }, { EventId: 'b' }] });
    const report = await publishOutboxEvents(deps(), events, options);
    expect(report).toMatchObject({ published: 2, retriedEntries: 2, deadLettered: 0 });
    expect(putCalls().map((call) => call.length)).toEqual([2, 2]);
  });
});
