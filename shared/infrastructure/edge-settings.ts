import type { Dependencies } from '../application/ports';
import type { EdgeSettings } from '../http/edge-settings';
import type { Environment } from './environment';

/** The HTTP edge's settings from the parsed environment and the function's dependencies. */
export function edgeSettingsOf(
  environment: Environment,
  dependencies: Pick<Dependencies, 'logger' | 'tokens' | 'principals'>,
): EdgeSettings {
  return {
    corsOrigins: environment.corsOrigins,
    maxBodyBytes: environment.maxBodyBytes,
    validateResponses: environment.validateResponses,
    logger: dependencies.logger,
    // The token proves who signed in; the directory says what they may do now (cached briefly).
    authenticate: async (token) =>
      dependencies.principals.resolve(await dependencies.tokens.verify(token)),
  };
}
