import { SQSClient } from '@aws-sdk/client-sqs';
import { httpHandler } from '@shared/http/http-handler';
import { edgeSettingsOf } from '@shared/infrastructure/edge-settings';
import { parseEventSettings } from '@shared/infrastructure/events/event-settings';
import { SqsDeadLetters } from '@shared/infrastructure/events/sqs-dead-letters';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';
import { eventRoutes } from './routes';

// Built once per cold start and reused by every invocation in this container.
const { environment, dependencies } = productionRuntime();
const dlqUrl = parseEventSettings().deadLetterQueueUrl;
const deps = {
  ...dependencies,
  eventDeadLetters:
    dlqUrl === undefined
      ? undefined
      : new SqsDeadLetters(new SQSClient({ region: environment.region }), dlqUrl),
};

export const handler = httpHandler({
  group: 'events',
  settings: edgeSettingsOf(environment, deps),
  implementations: eventRoutes(deps),
});
