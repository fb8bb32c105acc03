import type { EdgeSettings } from '../http/edge-settings';
import type { Logger } from '../observability/logger';
import type { Environment } from './environment';

/** The HTTP edge's settings from the parsed environment. */
export function edgeSettingsOf(environment: Environment, logger: Logger): EdgeSettings {
  return {
    corsOrigins: environment.corsOrigins,
    maxBodyBytes: environment.maxBodyBytes,
    validateResponses: environment.validateResponses,
    logger,
  };
}
