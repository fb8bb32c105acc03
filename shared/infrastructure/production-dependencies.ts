import type { Dependencies } from '../application/ports';
import { createLogger } from '../observability/logger';
import { createDocumentClient } from './dynamodb/document-client';
import { DynamoDbSystemStore } from './dynamodb/dynamodb-system-store';
import { parseEnvironment, type Environment } from './environment';
import { systemClock } from './system-clock';
import { ulidGenerator } from './ulid-generator';

/** The dependencies of a function, plus the settings its HTTP edge needs. */
export interface Runtime {
  readonly environment: Environment;
  readonly dependencies: Dependencies;
}

/** Builds the real adapters for the given settings. */
export function createRuntime(environment: Environment): Runtime {
  const client = createDocumentClient({
    region: environment.region,
    endpoint: environment.dynamodbEndpoint,
  });
  const logger = createLogger({
    level: environment.logLevel,
    base: { service: 'nexum', tenant: environment.tenant },
  });
  return {
    environment,
    dependencies: {
      clock: systemClock,
      ids: ulidGenerator(),
      logger,
      settings: {
        tenant: environment.tenant,
        version: environment.version,
        baseCurrency: environment.baseCurrency,
      },
      system: new DynamoDbSystemStore(client, environment.tableName),
    },
  };
}

/**
 * The composition root of a Lambda: parses `NEXUM_*` once per cold start. A bad configuration
 * throws here, so the function fails at initialisation with the variable named.
 */
export function productionRuntime(): Runtime {
  return createRuntime(parseEnvironment());
}
