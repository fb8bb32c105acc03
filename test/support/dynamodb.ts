import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainTable } from '../../shared/contracts/tables';
import { createDocumentClient } from '../../shared/infrastructure/dynamodb/document-client';
import { ensureTable } from '../../shared/infrastructure/dynamodb/table-admin';
import { parseEnvironment, type Environment } from '../../shared/infrastructure/environment';

/** The run's DynamoDB Local, started by the integration tier's global setup. */
export function testEndpoint(): string {
  const endpoint = process.env.NEXUM_TEST_DYNAMODB_ENDPOINT;
  if (endpoint === undefined) {
    throw new Error('NEXUM_TEST_DYNAMODB_ENDPOINT is unset: run through the integration project');
  }
  return endpoint;
}

export function adminClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: testEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** A unique table name, so test files never see each other's data. */
export function uniqueTableName(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`;
}

export interface TestTable {
  readonly tableName: string;
  readonly client: DynamoDBDocumentClient;
  readonly environment: Environment;
  drop(): Promise<void>;
}

/** Creates a fresh main table on DynamoDB Local, with the environment a function would have. */
export async function freshTable(label: string): Promise<TestTable> {
  const tableName = uniqueTableName(label);
  const admin = adminClient();
  await ensureTable(admin, tableName, mainTable);
  const environment = testEnvironment(tableName);
  return {
    tableName,
    client: createDocumentClient({ region: 'us-east-1', endpoint: testEndpoint() }),
    environment,
    drop: async () => {
      await admin.send(new DeleteTableCommand({ TableName: tableName }));
      admin.destroy();
    },
  };
}

/** The environment of a function pointed at `tableName` on the test DynamoDB Local. */
export function testEnvironment(
  tableName: string,
  overrides: Record<string, string> = {},
): Environment {
  return parseEnvironment({
    NEXUM_TENANT: 'test',
    NEXUM_TABLE_NAME: tableName,
    NEXUM_DYNAMODB_ENDPOINT: testEndpoint(),
    AWS_REGION: 'us-east-1',
    NEXUM_VALIDATE_RESPONSES: 'true',
    // Every event a test makes must match the catalogue: a producer bug fails its command.
    NEXUM_EVENT_VALIDATION: 'strict',
    NEXUM_CORS_ORIGINS: 'https://console.example.com',
    NEXUM_KEYRING_PATH: join(tmpdir(), `nexum-test-keyring-${process.pid}.json`),
    NEXUM_JWT_KEY_PATH: join(tmpdir(), `nexum-test-jwt-${process.pid}.json`),
    NEXUM_NOTIFICATION_SINK_PATH: join(tmpdir(), `nexum-test-notifications-${tableName}.jsonl`),
    NEXUM_WEBHOOK_ALLOW_LOCALHOST: 'true',
    ...overrides,
  });
}
