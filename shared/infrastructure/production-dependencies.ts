import { KMSClient } from '@aws-sdk/client-kms';
import { SFNClient } from '@aws-sdk/client-sfn';
import type {
  BackgroundJobs,
  BlindIndex,
  FieldCipher,
  PiiVault,
} from '../application/field-cipher';
import { KmsDataKeys, LocalKeyringDataKeys } from './crypto/data-key-sources';
import { EnvelopeVault } from './crypto/envelope-vault';
import {
  DynamoDbCustomerStore,
  DynamoDbKeyVersionRegistry,
} from './dynamodb/dynamodb-customer-store';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from '../observability/logger';
import { KmsBlindIndex, LocalBlindIndex } from './crypto/blind-index';
import type { TokenService } from '../application/identity/ports';
import { KeyedMutex } from '../application/ledger/keyed-mutex';
import { CommitGroups } from '../application/ledger/group-commit';
import { PostingCache } from '../application/ledger/posting-cache';
import { directoryPrincipalResolver } from '../application/identity/principal-resolver';
import type { Dependencies, RetryPolicy } from '../application/ports';
import { JoseTokenService, localSigningKeys } from './identity/jose-token-service';
import { KmsTokenService } from './identity/kms-token-service';
import { ScryptPasswordHasher } from './identity/scrypt-hasher';
import { createLogger } from '../observability/logger';
import { KmsFieldCipher } from './crypto/kms-field-cipher';
import { LocalKeyringCipher } from './crypto/local-keyring-cipher';
import { createDocumentClient } from './dynamodb/document-client';
import { DynamoDbLedgerStore, type StoreMetrics } from './dynamodb/dynamodb-ledger-store';
import { DynamoDbSystemStore } from './dynamodb/dynamodb-system-store';
import { DynamoDbInterestStore } from './dynamodb/dynamodb-interest-store';
import { DynamoDbOutboxStore } from './dynamodb/dynamodb-outbox-store';
import { parseEnvironment, type Environment } from './environment';
import { StepFunctionsEndOfDayStarter } from './aws/step-functions-end-of-day';
import { systemClock } from './system-clock';
import { outboxContract } from '../application/events/outbox-contract';
import { disabledFraudScorer, type FraudScorer } from '../application/fraud/fraud-scoring';
import { BastionFraudScorer } from './fraud/bastion-client';
import type { NotificationServices } from '../application/notifications/ports';
import { DynamoDbNotificationStore } from './dynamodb/dynamodb-notification-store';
import { awsMessageChannels, FileMessageSink } from './notifications/message-channels';
import { HttpWebhookTransport } from './notifications/http-webhook-transport';
import { RETRY_BASE_MS } from '../domain/notifications';
import { ulidGenerator } from './ulid-generator';

/** The dependencies of a function, plus the settings its HTTP edge needs. */
export interface Runtime {
  readonly environment: Environment;
  readonly dependencies: Dependencies;
}

/** Builds the real adapters for the given settings. */
export function createRuntime(
  environment: Environment,
  options: { metrics?: StoreMetrics } = {},
): Runtime {
  const client = createDocumentClient({
    region: environment.region,
    endpoint: environment.dynamodbEndpoint,
  });
  const logger = createLogger({
    level: environment.logLevel,
    base: { service: 'nexum', tenant: environment.tenant },
  });
  const ledger = new DynamoDbLedgerStore(
    client,
    environment.tableName,
    options.metrics,
    outboxContract(environment.eventValidation, logger),
  );
  const principals = directoryPrincipalResolver(
    { ledger, clock: systemClock },
    { ttlMs: environment.principalCacheTtlSeconds * 1000 },
  );
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
      ledger,
      customers: { exists: async (id) => (await ledger.getCustomer(id)) !== undefined },
      cipher: lazyCipher(environment),
      vault: lazyVault(environment, client),
      blindIndex: lazyBlindIndex(environment),
      customerStore: new DynamoDbCustomerStore(client, environment.tableName),
      jobs: inProcessJobs(logger),
      tokens: lazyTokens(environment),
      principals,
      passwords: new ScryptPasswordHasher(),
      lockout: environment.lockout,
      retry: retryPolicy(environment.conflictBudgetMs),
      locks: new KeyedMutex(),
      postingCache: new PostingCache(),
      commitGroups: new CommitGroups(),
      interest: new DynamoDbInterestStore(client, environment.tableName, options.metrics),
      // POST /admin/eod starts the EndOfDay state machine when the function is given its ARN.
      endOfDay:
        environment.endOfDayStateMachineArn === undefined
          ? undefined
          : new StepFunctionsEndOfDayStarter(
              new SFNClient({ region: environment.region }),
              environment.endOfDayStateMachineArn,
            ),
      outbox: new DynamoDbOutboxStore(client, environment.tableName),
      fraud: fraudScorer(environment, logger),
      notifications: notificationServices(environment, client),
    },
  };
}

/**
 * Notification state in the tenant's table; email, SMS and push to the local file sink when one is
 * configured (npm start sets it), else SES and SNS.
 */
export function notificationServices(
  environment: Environment,
  client: DynamoDBDocumentClient,
): NotificationServices {
  const { sinkPath, emailFrom, pushTopicArn, allowLocalhostWebhooks } = environment.notifications;
  return {
    store: new DynamoDbNotificationStore(client, environment.tableName),
    messages:
      sinkPath !== undefined
        ? new FileMessageSink(sinkPath)
        : awsMessageChannels(environment.region, { emailFrom, pushTopicArn }),
    webhooks: new HttpWebhookTransport({ allowLocalhost: allowLocalhostWebhooks }),
    retryBaseMs: RETRY_BASE_MS,
  };
}

/** Bastion when a URL is configured; otherwise scoring is off and every movement approved. */
export function fraudScorer(environment: Environment, logger: Logger): FraudScorer {
  const { url, ...settings } = environment.bastion;
  return url === undefined
    ? disabledFraudScorer
    : new BastionFraudScorer({ url, ...settings }, logger);
}

/**
 * Full-jitter exponential backoff from 10 ms up to 1 s: a conflict on a quiet account clears at
 * once, while a burst on one hot account spreads out instead of colliding on every round.
 */
export function retryPolicy(budgetMs: number): RetryPolicy {
  return {
    maxAttempts: 100,
    baseDelayMs: 10,
    maxDelayMs: 1_000,
    budgetMs,
    sleep: (ms) => new Promise((wake) => setTimeout(wake, ms)),
    random: Math.random,
  };
}

/**
 * The PII cipher, built on first use: functions that never touch personal data need no key, and
 * one that does fails with the missing setting named.
 */
function lazyCipher(environment: Environment): FieldCipher {
  let cipher: FieldCipher | undefined;
  const resolve = (): FieldCipher => {
    if (cipher !== undefined) return cipher;
    if (environment.piiKmsKeyId !== undefined) {
      cipher = new KmsFieldCipher(
        new KMSClient({ region: environment.region }),
        environment.piiKmsKeyId,
        environment.tenant,
      );
    } else if (environment.keyringPath !== undefined) {
      cipher = new LocalKeyringCipher(environment.tenant, environment.keyringPath);
    } else {
      throw new Error(
        'No PII key configured: set NEXUM_PII_KMS_KEY_ID (AWS) or NEXUM_KEYRING_PATH (local)',
      );
    }
    return cipher;
  };
  return {
    seal: (recordId, fields) => resolve().seal(recordId, fields),
    open: (recordId, sealed) => resolve().open(recordId, sealed),
  };
}

/**
 * The subject-key vault, built on first use: data keys from the tenant's KMS key (versions
 * recorded in the table) or from the local keyring's keys.
 */
function lazyVault(environment: Environment, client: DynamoDBDocumentClient): PiiVault {
  let vault: PiiVault | undefined;
  const resolve = (): PiiVault => {
    if (vault !== undefined) return vault;
    if (environment.piiKmsKeyId !== undefined) {
      vault = new EnvelopeVault(
        new KmsDataKeys(
          new KMSClient({ region: environment.region }),
          environment.piiKmsKeyId,
          environment.tenant,
          new DynamoDbKeyVersionRegistry(client, environment.tableName),
        ),
      );
    } else if (environment.keyringPath !== undefined) {
      vault = new EnvelopeVault(
        new LocalKeyringDataKeys(environment.tenant, environment.keyringPath),
      );
    } else {
      throw new Error(
        'No PII key configured: set NEXUM_PII_KMS_KEY_ID (AWS) or NEXUM_KEYRING_PATH (local)',
      );
    }
    return vault;
  };
  return {
    newSubject: (subjectId) => resolve().newSubject(subjectId),
    unlock: (subjectId, key) => resolve().unlock(subjectId, key),
    rewrap: (subjectId, key) => resolve().rewrap(subjectId, key),
    keyVersions: () => resolve().keyVersions(),
    rotate: () => resolve().rotate(),
  };
}

/**
 * Background work in this process: started after the response is built, logged when it fails,
 * awaitable (tests, graceful shutdown). In Lambda the container may freeze after the response,
 * so there the job must also be resumable (it is: re-running it continues where it stopped).
 */
export function inProcessJobs(logger: Logger): BackgroundJobs {
  const running = new Set<Promise<void>>();
  return {
    start: (name, job) => {
      const promise = job()
        .catch((error: unknown) => logger.error('background job failed', { job: name, error }))
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    idle: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

/** The blind index, keyed in KMS (AWS) or by a key file beside the local keyring. */
function lazyBlindIndex(environment: Environment): BlindIndex {
  let index: BlindIndex | undefined;
  return {
    indexOf: async (field, value) => {
      if (index === undefined) {
        if (environment.blindIndexKmsKeyId !== undefined) {
          index = new KmsBlindIndex(
            new KMSClient({ region: environment.region }),
            environment.blindIndexKmsKeyId,
          );
        } else if (environment.keyringPath !== undefined) {
          index = new LocalBlindIndex(`${environment.keyringPath}.blind-index-key`);
        } else {
          throw new Error(
            'No blind-index key: set NEXUM_BLIND_INDEX_KMS_KEY_ID (AWS) or NEXUM_KEYRING_PATH (local)',
          );
        }
      }
      return index.indexOf(field, value);
    },
  };
}

/**
 * The access-token service, its key loaded on first use: KMS in AWS, a key file locally. Without
 * either, every protected route answers 401 and the log names the missing setting.
 */
function lazyTokens(environment: Environment): TokenService {
  let service: Promise<TokenService> | undefined;
  const settings = {
    issuer: `nexum:${environment.tenant}`,
    audience: `nexum-api:${environment.tenant}`,
    ttlSeconds: environment.accessTokenTtlSeconds,
  };
  const resolve = (): Promise<TokenService> => {
    service ??= (async (): Promise<TokenService> => {
      if (environment.jwtKmsKeyId !== undefined) {
        return new KmsTokenService(
          new KMSClient({ region: environment.region }),
          environment.jwtKmsKeyId,
          settings,
        );
      }
      if (environment.jwtKeyPath !== undefined) {
        return new JoseTokenService(await localSigningKeys(environment.jwtKeyPath), settings);
      }
      throw new Error(
        'No token key configured: set NEXUM_JWT_KMS_KEY_ID (AWS) or NEXUM_JWT_KEY_PATH (local)',
      );
    })();
    return service;
  };
  return {
    issue: async (claims) => (await resolve()).issue(claims),
    verify: async (token) => (await resolve()).verify(token),
  };
}

/**
 * The composition root of a Lambda: parses `NEXUM_*` once per cold start. A bad configuration
 * throws here, so the function fails at initialisation with the variable named.
 */
export function productionRuntime(): Runtime {
  return createRuntime(parseEnvironment());
}
