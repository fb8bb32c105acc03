import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Batch, CustomerStore, PiiRotation } from '../../application/customer-store';
import type { KeyVersions } from '../../application/field-cipher';
import type { Page, PageRequest } from '../../application/ledger/ledger-store';
import type { StoredCustomer } from '../../application/ledger/records';
import type { LookupField } from '../../domain/customer';
import type { KeyVersionRegistry } from '../crypto/data-key-sources';
import { decodeCursor, encodeCursor } from './cursor';
import { PIIKEY_SHARDS, keys } from './keys';
import { batchGetAll, queryAll } from './table-reads';
import {
  CUSTOMER_LIST_PARTITION,
  customerOf,
  intOf,
  piiKeyPartition,
  type Item,
} from './ledger-items';

const ROTATIONS_PK = 'PIIROTATION';
const legacyFilter =
  '#type = :customer AND attribute_exists(pii) AND attribute_not_exists(subjectKey)';

/** Customer lookups, listings and rotation state on the tenant's table. */
export class DynamoDbCustomerStore implements CustomerStore {
  readonly keyVersionShards = PIIKEY_SHARDS;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async findByLookup(field: LookupField, value: string): Promise<readonly StoredCustomer[]> {
    const [entries, legacy] = await Promise.all([
      this.queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `CUSTOMERINDEX#${field}#${value}` },
        ConsistentRead: true,
      }),
      // Customers sealed before subject keys carry their email index on GSI2 until migrated.
      field === 'email'
        ? this.queryAll({
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': `CUSTOMERINDEX#email#${value}` },
          })
        : Promise.resolve([]),
    ]);
    const ids = new Set([
      ...entries.map((entry) => String(entry.customerId)),
      ...legacy.map((item) => String(item.id)),
    ]);
    const customers = await this.batchGet([...ids].map((id) => keys.customer(id)));
    return customers.map(customerOf).sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  async list(page: PageRequest): Promise<Page<StoredCustomer>> {
    const start = page.cursor === undefined ? undefined : decodeCursor(page.cursor).key;
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': CUSTOMER_LIST_PARTITION },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: start,
      }),
    );
    return {
      items: (output.Items ?? []).map(customerOf),
      nextCursor:
        output.LastEvaluatedKey === undefined
          ? null
          : encodeCursor({ key: output.LastEvaluatedKey as Record<string, string> }),
    };
  }

  async listByKeyVersion(
    keyVersion: string,
    shard: number,
    limit: number,
    cursor: string | undefined,
  ): Promise<Batch<StoredCustomer>> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': piiKeyPartition(keyVersion, shard) },
        Limit: limit,
        ExclusiveStartKey: cursor === undefined ? undefined : decodeCursor(cursor).key,
      }),
    );
    return {
      items: (output.Items ?? []).map(customerOf),
      cursor:
        output.LastEvaluatedKey === undefined
          ? undefined
          : encodeCursor({ key: output.LastEvaluatedKey as Record<string, string> }),
    };
  }

  async countByKeyVersion(keyVersion: string): Promise<number> {
    let total = 0;
    for (let shard = 0; shard < PIIKEY_SHARDS; shard += 1) {
      let start: Record<string, unknown> | undefined;
      do {
        const output = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi3',
            KeyConditionExpression: 'gsi3pk = :pk',
            ExpressionAttributeValues: { ':pk': piiKeyPartition(keyVersion, shard) },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        total += output.Count ?? 0;
        start = output.LastEvaluatedKey;
      } while (start !== undefined);
    }
    return total;
  }

  async listLegacy(limit: number, cursor: string | undefined): Promise<Batch<StoredCustomer>> {
    const output = await this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        FilterExpression: legacyFilter,
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':customer': 'Customer' },
        Limit: limit,
        ConsistentRead: true,
        ExclusiveStartKey: cursor === undefined ? undefined : decodeCursor(cursor).key,
      }),
    );
    return {
      items: (output.Items ?? []).map(customerOf),
      cursor:
        output.LastEvaluatedKey === undefined
          ? undefined
          : encodeCursor({ key: output.LastEvaluatedKey as Record<string, string> }),
    };
  }

  async countLegacy(): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const output = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: legacyFilter,
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':customer': 'Customer' },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      total += output.Count ?? 0;
      start = output.LastEvaluatedKey;
    } while (start !== undefined);
    return total;
  }

  async putRotation(rotation: PiiRotation): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: ROTATIONS_PK,
          sk: rotation.id,
          type: 'PiiRotation',
          id: rotation.id,
          keyVersion: rotation.keyVersion,
          actor: rotation.actor,
          startedAt: rotation.startedAt,
          rewrapped: rotation.rewrapped,
          failed: rotation.failed,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async addRotationProgress(rotationId: string, rewrapped: number, failed: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: ROTATIONS_PK, sk: rotationId },
        UpdateExpression: 'ADD rewrapped :rewrapped, failed :failed',
        ExpressionAttributeValues: { ':rewrapped': rewrapped, ':failed': failed },
      }),
    );
  }

  async completeRotation(rotationId: string, completedAt: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: ROTATIONS_PK, sk: rotationId },
        UpdateExpression: 'SET completedAt = :at',
        ExpressionAttributeValues: { ':at': completedAt },
      }),
    );
  }

  async markLegacyMigrated(rotationId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: ROTATIONS_PK, sk: rotationId },
        UpdateExpression: 'SET legacyMigrated = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
  }

  async legacyMigrated(): Promise<boolean> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'legacyMigrated = :yes',
      ExpressionAttributeValues: { ':pk': ROTATIONS_PK, ':yes': true },
      ConsistentRead: true,
    });
    return items.length > 0;
  }

  async latestRotation(): Promise<PiiRotation | undefined> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': ROTATIONS_PK },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = output.Items?.[0];
    if (item === undefined) return undefined;
    return {
      id: String(item.id),
      keyVersion: String(item.keyVersion),
      actor: String(item.actor),
      startedAt: String(item.startedAt),
      completedAt: typeof item.completedAt === 'string' ? item.completedAt : undefined,
      rewrapped: intOf(item.rewrapped),
      failed: intOf(item.failed),
    };
  }

  private queryAll(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
  ): Promise<Item[]> {
    return queryAll(this.client, this.tableName, input);
  }

  private batchGet(wanted: readonly Record<string, string>[]): Promise<Item[]> {
    return batchGetAll(this.client, this.tableName, wanted);
  }
}

/** The KMS key's logical versions, in one item of the tenant's table. */
export class DynamoDbKeyVersionRegistry implements KeyVersionRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(): Promise<KeyVersions | undefined> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: 'SYSTEM', sk: 'PIIKEYVERSIONS' },
        ConsistentRead: true,
      }),
    );
    if (output.Item === undefined) return undefined;
    return { current: String(output.Item.current), all: output.Item.all as string[] };
  }

  async advance(previous: KeyVersions, next: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: 'SYSTEM',
            sk: 'PIIKEYVERSIONS',
            type: 'PiiKeyVersions',
            current: next,
            all: [...previous.all, next],
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #current = :previous',
          ExpressionAttributeNames: { '#current': 'current' },
          ExpressionAttributeValues: { ':previous': previous.current },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
