import type { CloudEvent } from '../../contracts/events/cloud-event';
import { aggregateOf } from '../../contracts/events/catalogue';

/** One Kafka record in CloudEvents binary mode: data as the value, attributes as headers. */
export interface KafkaRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Produces records to Kafka (kafkajs against MSK in AWS; a recording fake in tests). */
export interface KafkaProducerPort {
  send(record: KafkaRecord): Promise<void>;
}

/**
 * The Kafka form of an event: topic `<prefix>.<aggregate>`, key = the aggregate id (so one
 * account's events land on one partition, in order), CloudEvents binary-mode headers.
 */
export function toKafkaRecord(event: CloudEvent, topicPrefix: string): KafkaRecord {
  const slash = event.subject.indexOf('/');
  const key = slash === -1 ? event.subject : event.subject.slice(slash + 1);
  return {
    topic: `${topicPrefix}.${aggregateOf(event.type)}`,
    key,
    value: JSON.stringify(event.data),
    headers: {
      ce_specversion: event.specversion,
      ce_id: event.id,
      ce_source: event.source,
      ce_type: event.type,
      ce_subject: event.subject,
      ce_time: event.time,
      ce_sequence: event.sequence,
      'content-type': event.datacontenttype,
    },
  };
}

/** An event to bridge, with the id its transport reports failures by (the SQS message id). */
export interface BridgeItem {
  readonly itemId: string;
  readonly event: CloudEvent | undefined;
}

/**
 * Produces each item in order; returns the ids that failed. An item whose aggregate already
 * failed in this batch fails too without being sent, so a retry keeps the aggregate's order.
 * An item that does not parse (event undefined) fails: it goes to the queue's DLQ after its
 * receive count.
 */
export async function bridgeToKafka(
  producer: KafkaProducerPort,
  items: readonly BridgeItem[],
  topicPrefix: string,
): Promise<{ readonly sent: number; readonly failedItemIds: string[] }> {
  const failedKeys = new Set<string>();
  const failedItemIds: string[] = [];
  let sent = 0;
  for (const item of items) {
    if (item.event === undefined) {
      failedItemIds.push(item.itemId);
      continue;
    }
    const record = toKafkaRecord(item.event, topicPrefix);
    const orderKey = `${record.topic}|${record.key}`;
    if (failedKeys.has(orderKey)) {
      failedItemIds.push(item.itemId);
      continue;
    }
    try {
      await producer.send(record);
      sent += 1;
    } catch {
      failedKeys.add(orderKey);
      failedItemIds.push(item.itemId);
    }
  }
  return { sent, failedItemIds };
}
