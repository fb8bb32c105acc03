import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbOutboxStore } from '@shared/infrastructure/dynamodb/dynamodb-outbox-store';
import { createDocumentClient } from '@shared/infrastructure/dynamodb/document-client';
import { EventBridgeBus } from '@shared/infrastructure/events/eventbridge-bus';
import { parseEventSettings } from '@shared/infrastructure/events/event-settings';
import { SqsDeadLetters } from '@shared/infrastructure/events/sqs-dead-letters';
import { parseEnvironment } from '@shared/infrastructure/environment';
import { systemClock } from '@shared/infrastructure/system-clock';
import { createLogger } from '@shared/observability/logger';
import { streamPublisher } from './publisher';

const environment = parseEnvironment();
const settings = parseEventSettings();
if (settings.busName === undefined || settings.deadLetterQueueUrl === undefined) {
  throw new Error('The publisher needs NEXUM_EVENT_BUS_NAME and NEXUM_EVENTS_DLQ_URL');
}
const client = createDocumentClient({
  region: environment.region,
  endpoint: environment.dynamodbEndpoint,
});

export const handler = streamPublisher(
  {
    bus: new EventBridgeBus(
      new EventBridgeClient({ region: environment.region }),
      settings.busName,
    ),
    deadLetters: new SqsDeadLetters(
      new SQSClient({ region: environment.region }),
      settings.deadLetterQueueUrl,
    ),
    outbox: new DynamoDbOutboxStore(client, environment.tableName),
    clock: systemClock,
    logger: createLogger({
      level: environment.logLevel,
      base: { service: 'nexum-event-publisher', tenant: environment.tenant },
    }),
  },
  {
    tenant: environment.tenant,
    maxAttempts: settings.maxAttempts,
    baseDelayMs: settings.baseDelayMs,
    maxDelayMs: 5_000,
    sleep: (ms) => new Promise((wake) => setTimeout(wake, ms)),
  },
);
