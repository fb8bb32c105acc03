import { KafkaJsProducer } from '@shared/infrastructure/events/kafka-producer';
import { parseEventSettings } from '@shared/infrastructure/events/event-settings';
import { kafkaBridge } from './bridge';

const settings = parseEventSettings();
if (settings.kafkaBrokers === undefined) throw new Error('The bridge needs KAFKA_BROKERS');
const region = process.env.AWS_REGION ?? 'us-east-1';

export const handler = kafkaBridge(
  new KafkaJsProducer({
    brokers: settings.kafkaBrokers,
    clientId: `nexum-${process.env.NEXUM_TENANT ?? 'tenant'}-bridge`,
    iamRegion: settings.kafkaIam ? region : undefined,
  }),
  settings.kafkaTopicPrefix,
);
