import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import {
  bridgeToKafka,
  type BridgeItem,
  type KafkaProducerPort,
} from '@shared/application/events/kafka-bridge';
import type { CloudEvent } from '@shared/contracts/events/cloud-event';

const CloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^nexum\.[a-z_]+\.[a-z_]+$/),
  subject: z.string().min(1),
  time: z.string().min(1),
  datacontenttype: z.literal('application/json'),
  sequence: z.string().regex(/^\d+$/),
  data: z.record(z.string(), z.unknown()),
});

/** An SQS body from the bus rule: the EventBridge envelope whose `detail` is the CloudEvent. */
export function cloudEventOfMessage(body: string): CloudEvent | undefined {
  try {
    const envelope = JSON.parse(body) as { detail?: unknown };
    const parsed = CloudEventSchema.safeParse(envelope.detail ?? envelope);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** SQS → Kafka: reports the messages that failed (partial batch response); the rest are done. */
export function kafkaBridge(producer: KafkaProducerPort, topicPrefix: string) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const items: BridgeItem[] = event.Records.map((record) => ({
      itemId: record.messageId,
      event: cloudEventOfMessage(record.body),
    }));
    const { failedItemIds } = await bridgeToKafka(producer, items, topicPrefix);
    return { batchItemFailures: failedItemIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
