import { httpHandler } from '@shared/http/http-handler';
import { edgeSettingsOf } from '@shared/infrastructure/edge-settings';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';
import { productRoutes } from './routes';

// Built once per cold start and reused by every invocation in this container.
const { environment, dependencies } = productionRuntime();

export const handler = httpHandler({
  group: 'products',
  settings: edgeSettingsOf(environment, dependencies),
  implementations: productRoutes(dependencies),
});
