import type { CloudEvent } from '../../contracts/events/cloud-event';
import type { Logger } from '../../observability/logger';
import type { Clock } from '../ports';
import { inDeliveryOrder, toCloudEvent } from './cloud-events';
import type { EventHandler, OutboxStore } from './ports';

export interface DispatcherOptions {
  readonly tenant: string;
  readonly intervalMs: number;
  /** Pending events read per poll. */
  readonly batchSize: number;
  /** Delivery attempts before an event is dead-lettered (its state in the outbox). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface PollReport {
  readonly delivered: number;
  readonly failed: number;
  readonly deadLettered: number;
}

export const defaultDispatcherOptions = (tenant: string): DispatcherOptions => ({
  tenant,
  intervalMs: 500,
  batchSize: 100,
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
});

/**
 * The local stand-in for the stream → publisher → EventBridge path: polls the outbox's pending
 * index, delivers each event as a CloudEvent to every subscriber (the in-process bus), in
 * per-aggregate order, and marks it published. A failing subscriber makes the event retry with
 * backoff (every subscriber sees it again: at-least-once, consumers dedupe by id) and holds back
 * the later events of the same aggregate; after `maxAttempts` it is dead-lettered.
 */
export class OutboxDispatcher {
  private readonly handlers = new Set<EventHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly deps: { outbox: OutboxStore; clock: Clock; logger: Logger },
    private readonly options: DispatcherOptions,
  ) {}

  /** Adds a subscriber; returns a function that removes it. */
  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** One round: reads pending events, delivers them in order and records the outcome. */
  async pollOnce(): Promise<PollReport> {
    const pending = await this.deps.outbox.listPending(this.options.batchSize);
    const now = this.deps.clock.now();
    const blocked = new Set<string>();
    const delivered: string[] = [];
    let failed = 0;
    let deadLettered = 0;
    for (const event of inDeliveryOrder(pending)) {
      const subject = `${event.aggregateType}/${event.aggregateId}`;
      if (blocked.has(subject)) continue;
      if (event.nextAttemptAt !== undefined && event.nextAttemptAt > now.toISOString()) {
        blocked.add(subject);
        continue;
      }
      const cloudEvent = toCloudEvent(event, this.options.tenant);
      const error = await this.deliver(cloudEvent);
      if (error === undefined) {
        delivered.push(event.id);
        continue;
      }
      failed += 1;
      const attempts = event.publishAttempts + 1;
      if (attempts >= this.options.maxAttempts) {
        await this.deps.outbox.markDeadLettered([event.id], {
          at: now.toISOString(),
          error,
          attempts,
        });
        deadLettered += 1;
        this.deps.logger.error('event dead-lettered', { eventId: event.id, type: event.type });
        continue;
      }
      const delay = Math.min(
        this.options.maxDelayMs,
        this.options.baseDelayMs * 2 ** (attempts - 1),
      );
      await this.deps.outbox.recordFailure(event.id, {
        error,
        nextAttemptAt: new Date(now.getTime() + delay).toISOString(),
      });
      blocked.add(subject);
    }
    if (delivered.length > 0) await this.deps.outbox.markPublished(delivered, now.toISOString());
    return { delivered: delivered.length, failed, deadLettered };
  }

  /** Polls every `intervalMs` until stopped; a failed round is logged and the next one runs. */
  start(): void {
    if (this.timer !== undefined) return;
    const tick = (): void => {
      this.running = this.pollOnce()
        .catch((error: unknown) =>
          this.deps.logger.error('outbox poll failed', {
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async deliver(event: CloudEvent): Promise<string | undefined> {
    for (const handler of this.handlers) {
      try {
        await handler(event);
      } catch (error) {
        return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
    return undefined;
  }
}
