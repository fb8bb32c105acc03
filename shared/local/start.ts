/**
 * `npm start`: the API on this machine, with no AWS. DynamoDB Local (persisting to
 * NEXUM_DATA_DIR) plays DynamoDB, the local server plays API Gateway, and the Lambda handlers are
 * the very modules CDK deploys. This is the local composition root, so it may import functions/.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resolve } from 'node:path';
import * as z from 'zod';
import { groupHandlers } from '../../functions/registry';
import { ensureAdministrator } from '../application/identity/auth';
import { seedSystem } from '../application/seed-system';
import { mainTable } from '../contracts/tables';
import { ensureTable } from '../infrastructure/dynamodb/table-admin';
import { parseEnvironment } from '../infrastructure/environment';
import { createRuntime } from '../infrastructure/production-dependencies';
import { killGroup, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { SlidingWindowRateLimiter } from './rate-limiter';
import { startLocalEvents } from './events';
import { createLocalServer } from './server';

const LocalSettingsSchema = z.object({
  NEXUM_PORT: z.coerce.number().int().min(1).max(65_535).default(8090),
  NEXUM_HOST: z.string().min(1).optional(),
  NEXUM_DATA_DIR: z.string().min(1).default('.nexum/data'),
  NEXUM_TENANT: z.string().default('demo'),
  NEXUM_DYNAMODB_ENDPOINT: z.url().optional(),
  /** Per-client requests per minute at the local gateway (API.md default 60); 0 turns it off. */
  NEXUM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
});

async function main(): Promise<void> {
  // Lambda runs Node 22; on a Node 20 workstation the SDK's upgrade notice is noise, not news.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const parsed = LocalSettingsSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(
      `Invalid local settings:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`,
    );
  }
  const local = parsed.data;
  const dataDir = resolve(local.NEXUM_DATA_DIR);
  let dynamo: DynamoDbLocal | undefined;
  const running: { events?: ReturnType<typeof startLocalEvents> } = {};
  const stopAll = async (): Promise<void> => {
    await running.events?.stop();
    await dynamo?.stop();
  };
  // Whatever ends this process, the JVM must not outlive it.
  process.on('exit', () => {
    if (dynamo !== undefined) killGroup(dynamo.pid, 'SIGKILL');
  });

  const endpoint =
    local.NEXUM_DYNAMODB_ENDPOINT ?? (dynamo = await startDynamoDbLocal({ dataDir })).endpoint;
  const tableName = `nexum-${local.NEXUM_TENANT}-main`;
  // The handlers read their configuration from the environment exactly as they do in Lambda.
  Object.assign(process.env, {
    NEXUM_TENANT: local.NEXUM_TENANT,
    NEXUM_TABLE_NAME: tableName,
    NEXUM_DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    NEXUM_VALIDATE_RESPONSES: process.env.NEXUM_VALIDATE_RESPONSES ?? 'true',
    // KMS's stand-in: a keyring beside the data (mode 0600), created on first use.
    NEXUM_KEYRING_PATH: process.env.NEXUM_KEYRING_PATH ?? resolve(dataDir, 'keyring.json'),
    // KMS's stand-in for token signing: an ES256 key beside the data, created on first use.
    NEXUM_JWT_KEY_PATH: process.env.NEXUM_JWT_KEY_PATH ?? resolve(dataDir, 'jwt-signing-key.json'),
    // Email, SMS and push land in one readable JSON-lines file; webhooks may target localhost.
    NEXUM_NOTIFICATION_SINK_PATH:
      process.env.NEXUM_NOTIFICATION_SINK_PATH ?? resolve(dataDir, 'notifications.jsonl'),
    NEXUM_WEBHOOK_ALLOW_LOCALHOST: process.env.NEXUM_WEBHOOK_ALLOW_LOCALHOST ?? 'true',
  });
  const environment = parseEnvironment();

  const tableAdmin = new DynamoDBClient({
    endpoint,
    region: environment.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const table = await ensureTable(tableAdmin, tableName, mainTable);
  tableAdmin.destroy();
  const { dependencies } = createRuntime(environment);
  const seeded = await seedSystem(dependencies);
  const admin = await ensureAdministrator(dependencies, process.env.NEXUM_ADMIN_PASSWORD);
  // The outbox → in-process bus dispatcher (EventBridge's stand-in), and Kafka if configured.
  const events = startLocalEvents(dependencies);
  running.events = events;

  const server = createLocalServer({
    handlers: groupHandlers,
    corsOrigins: environment.corsOrigins,
    rateLimiter:
      local.NEXUM_RATE_LIMIT_PER_MINUTE === 0
        ? undefined
        : new SlidingWindowRateLimiter(local.NEXUM_RATE_LIMIT_PER_MINUTE),
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(local.NEXUM_PORT, local.NEXUM_HOST, () => listening());
  });

  const url = `http://localhost:${local.NEXUM_PORT}`;
  const dataState = seeded.created
    ? 'new, seeded now'
    : `existing data, initialised ${seeded.marker.initializedAt}`;
  process.stdout.write(
    [
      '',
      `Nexum ${environment.version} (tenant ${environment.tenant}) is running`,
      `  API       ${url}`,
      `  Docs      ${url}/docs   (OpenAPI: ${url}/openapi.json)`,
      `  Health    ${url}/health`,
      `  Limit     ${local.NEXUM_RATE_LIMIT_PER_MINUTE === 0 ? 'no rate limit' : `${local.NEXUM_RATE_LIMIT_PER_MINUTE} requests/minute per client (NEXUM_RATE_LIMIT_PER_MINUTE)`}`,
      `  Data      ${local.NEXUM_DYNAMODB_ENDPOINT === undefined ? dataDir : '(external DynamoDB)'} (${dataState}; table ${tableName} ${table})`,
      `  Events    outbox dispatcher every 500 ms → in-process bus${events.kafka === undefined ? '' : ` + Kafka ${events.kafka}`} (GET ${url}/events)`,
      `  DynamoDB  ${endpoint}${dynamo === undefined ? '' : ` (DynamoDB Local, pid ${dynamo.pid})`}`,
      `  Log in    POST ${url}/auth/login {"username":"admin","password":…} (${adminNote(admin)})`,
      '            then send "Authorization: Bearer <accessToken>"',
      '  Ctrl-C stops the server and DynamoDB Local.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping\n`);
    server.close();
    server.closeAllConnections();
    void stopAll().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function adminNote(admin: { created: boolean; generatedPassword?: string }): string {
  if (admin.generatedPassword !== undefined) {
    return `password, shown once: ${admin.generatedPassword}`;
  }
  return admin.created
    ? 'password from NEXUM_ADMIN_PASSWORD'
    : 'the admin password you set earlier';
}

main().catch((error: unknown) => {
  process.stderr.write(`nexum: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && error.cause !== undefined) {
    process.stderr.write(
      `  cause: ${error.cause instanceof Error ? error.cause.message : JSON.stringify(error.cause)}\n`,
    );
  }
  process.exit(1);
});
