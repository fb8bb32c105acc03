import { httpHandler } from '@shared/http/http-handler';
import { edgeSettingsOf } from '@shared/infrastructure/edge-settings';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';
import { notificationRoutes } from './routes';

// Built once per cold start and reused by every invocation in this container.
const { environment, dependencies } = productionRuntime();

export const handler = httpHandler({
  group: 'notifications',
  settings: edgeSettingsOf(environment, dependencies),
  implementations: notificationRoutes(dependencies),
});
