import type { CloudEvent } from '../../contracts/events/cloud-event';
import type { Page, PageRequest } from '../ledger/ledger-store';
import type { OutboxEvent } from '../ledger/records';

/** An outbox record with its publishing state. */
export interface StoredOutboxEvent extends OutboxEvent {
  /** When the publisher delivered it (undefined while pending or dead-lettered). */
  readonly publishedAt?: string | undefined;
  /** Failed publishing attempts so far. */
  readonly publishAttempts: number;
  readonly lastError?: string | undefined;
  /** Not before this instant (backoff after a failure). */
  readonly nextAttemptAt?: string | undefined;
  /** Gave up after the maximum attempts: sent to the dead-letter queue. */
  readonly deadLetteredAt?: string | undefined;
}

export interface EventFilter {
  readonly type?: string | undefined;
  /** `<aggregateType>/<aggregateId>` */
  readonly subject?: string | undefined;
}

export interface PublisherStatus {
  readonly unpublishedCount: number;
  readonly oldestUnpublishedAt: string | null;
  /** Pending events that failed at least once and wait for another attempt. */
  readonly failingCount: number;
  /** Events given up on and sent to the dead-letter queue (or the local dead state). */
  readonly deadLetteredCount: number;
}

/** The outbox as the publisher, the dispatcher and the events API see it. */
export interface OutboxStore {
  /** Up to `limit` unpublished events (oldest first), whatever their backoff. */
  listPending(limit: number): Promise<readonly StoredOutboxEvent[]>;
  markPublished(ids: readonly string[], at: string): Promise<void>;
  recordFailure(id: string, failure: { error: string; nextAttemptAt: string }): Promise<number>;
  /** Gives up on these events after `attempts` failed attempts (they went to the DLQ). */
  markDeadLettered(
    ids: readonly string[],
    failure: { at: string; error: string; attempts: number },
  ): Promise<void>;
  /** Recent events, newest first. */
  listEvents(filter: EventFilter, page: PageRequest): Promise<Page<StoredOutboxEvent>>;
  status(): Promise<PublisherStatus>;
}

/** The outcome of one entry of a bus batch: same order as the entries sent. */
export type EntryOutcome =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

/** An event bus that takes batches (EventBridge in AWS). */
export interface EventBusPort {
  readonly maxEntries: number;
  readonly maxBatchBytes: number;
  /** The size the bus counts for one entry (EventBridge: UTF-8 bytes of its fields). */
  entrySize(event: CloudEvent): number;
  putEntries(events: readonly CloudEvent[]): Promise<readonly EntryOutcome[]>;
}

/** Where events go that still fail after the last attempt (an SQS queue in AWS). */
export interface DeadLetterPort {
  send(events: readonly CloudEvent[], reason: string): Promise<void>;
  /** Messages waiting in the queue, when the adapter can tell. */
  depth?(): Promise<number | undefined>;
}

/** A consumer of published events (the notification engine, the local Kafka bridge…). */
export type EventHandler = (event: CloudEvent) => Promise<void>;
