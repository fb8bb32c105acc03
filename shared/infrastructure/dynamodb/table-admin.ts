import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import type { IndexDefinition, TableDefinition } from '../../contracts/tables';

/**
 * Creates a table from its definition, or adds the indexes a newer definition has. Used by the
 * local runtime and the tests; in AWS, CDK builds the same definition. Never deletes anything.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  definition: TableDefinition,
): Promise<'created' | 'updated' | 'unchanged'> {
  const existing = await describe(client, tableName);
  if (existing === undefined) {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributesOf(definition, definition.globalIndexes),
        KeySchema: [
          { AttributeName: definition.partitionKey, KeyType: 'HASH' },
          { AttributeName: definition.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: definition.globalIndexes.map(indexOf),
        StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      }),
    );
    return 'created';
  }
  const present = new Set(existing.GlobalSecondaryIndexes?.map((index) => index.IndexName));
  const missing = definition.globalIndexes.filter((index) => !present.has(index.indexName));
  // DynamoDB creates one index per UpdateTable call.
  for (const index of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributesOf(definition, [index]),
        GlobalSecondaryIndexUpdates: [{ Create: indexOf(index) }],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  }
  return missing.length > 0 ? 'updated' : 'unchanged';
}

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw new Error(`Describing table ${tableName} failed`, { cause: error });
  }
}

function attributesOf(
  definition: TableDefinition,
  indexes: readonly IndexDefinition[],
): AttributeDefinition[] {
  const names = new Set([definition.partitionKey, definition.sortKey]);
  for (const index of indexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
}

function indexOf(index: IndexDefinition): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  };
}
