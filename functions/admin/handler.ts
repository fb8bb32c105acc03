import { httpHandler } from '@shared/http/http-handler';
import { edgeSettingsOf } from '@shared/infrastructure/edge-settings';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';
import { adminRoutes } from './routes';

// Built once per cold start and reused by every invocation in this container.
const { environment, dependencies } = productionRuntime();

export const handler = httpHandler({
  group: 'admin',
  settings: edgeSettingsOf(environment, dependencies),
  implementations: adminRoutes(dependencies),
});
