import type { CloudEvent } from '../../contracts/events/cloud-event';
import type { OutboxEvent } from '../ledger/records';

/** The CloudEvents 1.0 form of an outbox record; its id is the outbox id, so it never changes. */
export function toCloudEvent(event: OutboxEvent, tenant: string): CloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: `nexum/${tenant}`,
    type: event.type,
    subject: `${event.aggregateType}/${event.aggregateId}`,
    time: event.occurredAt,
    datacontenttype: 'application/json',
    sequence: String(event.sequence),
    data: { ...event.data },
  };
}

/**
 * Orders events for delivery: by id (ULIDs order by creation), and within one subject by the
 * aggregate's sequence, so each aggregate's consumers see its events in order.
 */
export function inDeliveryOrder<E extends OutboxEvent>(events: readonly E[]): E[] {
  const byId = [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const slots = new Map<string, number[]>();
  byId.forEach((event, index) => {
    const subject = `${event.aggregateType}/${event.aggregateId}`;
    slots.set(subject, [...(slots.get(subject) ?? []), index]);
  });
  const ordered = [...byId];
  for (const indexes of slots.values()) {
    const sorted = indexes
      .map((i) => byId[i] as E)
      .sort((a, b) => a.sequence - b.sequence || (a.id < b.id ? -1 : 1));
    indexes.forEach((slot, k) => {
      ordered[slot] = sorted[k] as E;
    });
  }
  return ordered;
}
