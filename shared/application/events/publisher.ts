import type { CloudEvent } from '../../contracts/events/cloud-event';
import type { Logger } from '../../observability/logger';
import type { Clock } from '../ports';
import type { OutboxEvent } from '../ledger/records';
import { inDeliveryOrder, toCloudEvent } from './cloud-events';
import type { DeadLetterPort, EventBusPort, OutboxStore } from './ports';

export interface PublisherOptions {
  readonly tenant: string;
  /** Attempts per entry, the first included, before it goes to the dead-letter queue. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface PublishReport {
  readonly published: number;
  readonly batches: number;
  /** Entries sent again after a failure (each retry of each entry counts once). */
  readonly retriedEntries: number;
  readonly deadLettered: number;
}

export interface PublisherDeps {
  readonly bus: EventBusPort;
  readonly deadLetters: DeadLetterPort;
  readonly outbox: OutboxStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Splits events into bus batches within both limits (entries and bytes), keeping their order.
 * An event bigger than a whole batch is returned apart: no batch can ever carry it.
 */
export function splitIntoBatches(
  events: readonly CloudEvent[],
  limits: Pick<EventBusPort, 'maxEntries' | 'maxBatchBytes' | 'entrySize'>,
): { readonly batches: CloudEvent[][]; readonly oversized: CloudEvent[] } {
  const batches: CloudEvent[][] = [];
  const oversized: CloudEvent[] = [];
  let current: CloudEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = limits.entrySize(event);
    if (size > limits.maxBatchBytes) {
      oversized.push(event);
      continue;
    }
    if (current.length >= limits.maxEntries || bytes + size > limits.maxBatchBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
}

/**
 * Publishes outbox events to the bus: CloudEvents in batches within the bus's limits, retrying
 * only the entries that failed, with exponential backoff, up to `maxAttempts`; what still fails
 * goes to the dead-letter queue. Published and dead-lettered states are recorded on the outbox
 * items. At-least-once: a crash before the outbox is marked publishes the same ids again.
 */
export async function publishOutboxEvents(
  deps: PublisherDeps,
  events: readonly OutboxEvent[],
  options: PublisherOptions,
): Promise<PublishReport> {
  const cloudEvents = inDeliveryOrder(events).map((event) => toCloudEvent(event, options.tenant));
  const { batches, oversized } = splitIntoBatches(cloudEvents, deps.bus);
  const published: string[] = [];
  const dead: Array<{ event: CloudEvent; reason: string }> = oversized.map((event) => ({
    event,
    reason: `ENTRY_TOO_LARGE: ${deps.bus.entrySize(event)} bytes`,
  }));
  let retriedEntries = 0;
  for (const batch of batches) {
    let pending = batch;
    let lastReason = '';
    for (let attempt = 1; attempt <= options.maxAttempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) {
        retriedEntries += pending.length;
        const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 2));
        await options.sleep(delay);
      }
      const outcomes = await putSafely(deps.bus, pending);
      const failed: CloudEvent[] = [];
      pending.forEach((event, index) => {
        const outcome = outcomes[index];
        if (outcome?.ok === true) {
          published.push(event.id);
        } else {
          failed.push(event);
          lastReason = outcome === undefined ? 'NO_RESULT' : `${outcome.code}: ${outcome.message}`;
        }
      });
      if (failed.length > 0) {
        deps.logger.warn('event bus entries failed', {
          attempt,
          failed: failed.length,
          reason: lastReason,
        });
      }
      pending = failed;
    }
    for (const event of pending) dead.push({ event, reason: lastReason });
  }
  const now = deps.clock.now().toISOString();
  if (published.length > 0) await deps.outbox.markPublished(published, now);
  if (dead.length > 0) {
    const reason = dead.map((d) => d.reason).find((r) => r !== '') ?? 'FAILED';
    await deps.deadLetters.send(
      dead.map((d) => d.event),
      reason,
    );
    await deps.outbox.markDeadLettered(
      dead.map((d) => d.event.id),
      { at: now, error: reason, attempts: options.maxAttempts },
    );
    deps.logger.error('events dead-lettered', { count: dead.length, reason });
  }
  return {
    published: published.length,
    batches: batches.length,
    retriedEntries,
    deadLettered: dead.length,
  };
}

/** A thrown client error fails every entry of the batch (they are retried like entry errors). */
async function putSafely(
  bus: EventBusPort,
  events: readonly CloudEvent[],
): Promise<readonly EntryOutcome[]> {
  try {
    return await bus.putEntries(events);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof Error ? error.name : 'Error';
    return events.map(() => ({ ok: false as const, code, message }));
  }
}

type EntryOutcome = Awaited<ReturnType<EventBusPort['putEntries']>>[number];
