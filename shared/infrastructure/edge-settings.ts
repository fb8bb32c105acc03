import { principalOf } from '../application/identity/auth';
import type { Dependencies } from '../application/ports';
import type { EdgeSettings } from '../http/edge-settings';
import type { Environment } from './environment';

/** The HTTP edge's settings from the parsed environment and the function's dependencies. */
export function edgeSettingsOf(
  environment: Environment,
  dependencies: Pick<Dependencies, 'logger' | 'tokens'>,
): EdgeSettings {
  return {
    corsOrigins: environment.corsOrigins,
    maxBodyBytes: environment.maxBodyBytes,
    validateResponses: environment.validateResponses,
    logger: dependencies.logger,
    authenticate: async (token) => principalOf(await dependencies.tokens.verify(token)),
  };
}
