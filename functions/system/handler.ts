import { httpHandler } from '@shared/http/http-handler';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';
import { edgeSettingsOf } from '@shared/infrastructure/edge-settings';
import { systemRoutes } from './routes';

// Built once per cold start and reused by every invocation in this container.
const { environment, dependencies } = productionRuntime();

export const handler = httpHandler({
  group: 'system',
  settings: edgeSettingsOf(environment, dependencies),
  implementations: systemRoutes(dependencies),
});
