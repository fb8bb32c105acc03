import { handleDomainEvent } from '../application/notifications/handle-domain-event';
import { bridgeToKafka } from '../application/events/kafka-bridge';
import { OutboxDispatcher, defaultDispatcherOptions } from '../application/events/dispatcher';
import type { Dependencies } from '../application/ports';
import { parseEventSettings } from '../infrastructure/events/event-settings';
import { KafkaJsProducer } from '../infrastructure/events/kafka-producer';

/**
 * The local event path of `npm start`: the outbox dispatcher (polling every 500 ms) with the
 * in-process bus's subscribers: the notification engine and webhooks (handleDomainEvent), plus a
 * Kafka bridge subscriber when KAFKA_BROKERS is set.
 */
export function startLocalEvents(deps: Dependencies): {
  readonly dispatcher: OutboxDispatcher;
  readonly kafka: string | undefined;
  stop(): Promise<void>;
} {
  const dispatcher = new OutboxDispatcher(
    { outbox: deps.outbox, clock: deps.clock, logger: deps.logger },
    defaultDispatcherOptions(deps.settings.tenant),
  );
  const settings = parseEventSettings();
  let producer: KafkaJsProducer | undefined;
  if (settings.kafkaBrokers !== undefined) {
    const kafka = new KafkaJsProducer({
      brokers: settings.kafkaBrokers,
      clientId: `nexum-${deps.settings.tenant}-local`,
    });
    producer = kafka;
    dispatcher.subscribe(async (event) => {
      const { failedItemIds } = await bridgeToKafka(
        kafka,
        [{ itemId: event.id, event }],
        settings.kafkaTopicPrefix,
      );
      if (failedItemIds.length > 0) throw new Error('Kafka did not take the event');
    });
  }
  // Notifications and webhooks react to every event (they never throw; they dedupe by id).
  dispatcher.subscribe((event) => handleDomainEvent(deps, event));
  dispatcher.start();
  return {
    dispatcher,
    kafka: settings.kafkaBrokers?.join(','),
    stop: async () => {
      await dispatcher.stop();
      await producer?.disconnect();
    },
  };
}
