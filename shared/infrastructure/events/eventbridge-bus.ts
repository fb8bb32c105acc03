import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { CloudEvent } from '../../contracts/events/cloud-event';
import type { EntryOutcome, EventBusPort } from '../../application/events/ports';

/** PutEvents limits: entries per request and bytes per request (EventBridge quotas). */
export const EVENTBRIDGE_MAX_ENTRIES = 10;
export const EVENTBRIDGE_MAX_BATCH_BYTES = 256 * 1024;

/**
 * The tenant's EventBridge bus. Each CloudEvent is one entry: `Source` = its source,
 * `DetailType` = its type, `Detail` = the whole CloudEvent JSON (rules match `detail.data.*`).
 */
export class EventBridgeBus implements EventBusPort {
  readonly maxEntries = EVENTBRIDGE_MAX_ENTRIES;
  readonly maxBatchBytes = EVENTBRIDGE_MAX_BATCH_BYTES;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  /** EventBridge's size rule: 14 bytes for Time plus the UTF-8 bytes of Source, DetailType, Detail. */
  entrySize(event: CloudEvent): number {
    return (
      14 +
      Buffer.byteLength(event.source) +
      Buffer.byteLength(event.type) +
      Buffer.byteLength(JSON.stringify(event))
    );
  }

  async putEntries(events: readonly CloudEvent[]): Promise<readonly EntryOutcome[]> {
    const output = await this.client.send(
      new PutEventsCommand({
        Entries: events.map((event) => ({
          EventBusName: this.busName,
          Source: event.source,
          DetailType: event.type,
          Detail: JSON.stringify(event),
          Time: new Date(event.time),
        })),
      }),
    );
    const entries = output.Entries ?? [];
    return events.map((_, index): EntryOutcome => {
      const entry = entries[index];
      if (entry !== undefined && entry.EventId !== undefined && entry.ErrorCode === undefined) {
        return { ok: true };
      }
      return {
        ok: false,
        code: entry?.ErrorCode ?? 'NO_RESULT',
        message: entry?.ErrorMessage ?? 'EventBridge returned no result for the entry',
      };
    });
  }
}
