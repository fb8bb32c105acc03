import type { ScheduledEvent } from 'aws-lambda';
import { resumePendingRewrap } from '@shared/application/encryption';
import { httpHandler, type LambdaHttpHandler } from '@shared/http/http-handler';
import { edgeSettingsOf } from '@shared/infrastructure/edge-settings';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';
import { customerRoutes } from './routes';

// Built once per cold start and reused by every invocation in this container.
const { environment, dependencies } = productionRuntime();

const http = httpHandler({
  group: 'customers',
  settings: edgeSettingsOf(environment, dependencies),
  implementations: customerRoutes(dependencies),
});

/** Time kept back from the invocation's deadline to record progress and return. */
const SAFETY_MS = 5_000;

/**
 * The customers function serves its routes and, on its schedule (an EventBridge rule, CDK),
 * finishes a PII key rotation whose re-wrap job was cut short: it works until shortly before
 * its deadline and the next tick continues.
 */
export const handler: LambdaHttpHandler = async (event, context) => {
  const scheduled: unknown = event;
  if (isScheduled(scheduled)) {
    const resumed = await resumePendingRewrap(
      dependencies,
      () => context.getRemainingTimeInMillis() < SAFETY_MS,
    );
    dependencies.logger.info('pii re-wrap tick', { ...resumed });
    // EventBridge ignores the result; the shape keeps one handler type for the function.
    return { statusCode: 200, body: JSON.stringify(resumed) };
  }
  return http(event, context);
};

function isScheduled(event: unknown): event is ScheduledEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Partial<ScheduledEvent>).source === 'aws.events' &&
    (event as Partial<ScheduledEvent>)['detail-type'] === 'Scheduled Event'
  );
}
