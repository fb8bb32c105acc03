/**
 * DynamoDB table definitions as plain data. CDK builds the tables from them and the local runtime
 * and the test suite create (or update) the same tables on DynamoDB Local, so the key design that
 * is tested is the one that is deployed. docs/architecture.md explains the key design.
 */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDefinition {
  /** Logical name; the physical name is chosen per tenant (CDK) or per run (tests). */
  readonly logicalName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Overloaded global secondary indexes, all string-keyed and projecting all attributes. */
  readonly globalIndexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry (idempotency records, expired holds…). */
  readonly timeToLiveAttribute: string;
  /** The change stream feeds the outbox publisher (events issue); images carry the new item. */
  readonly stream: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

/**
 * The one table of a tenant. Single-table design: every aggregate, its history, audit chain,
 * outbox and idempotency records live here so one TransactWriteItems can cover them all.
 */
export const mainTable: TableDefinition = {
  logicalName: 'main',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
};

/** The key of the item that marks a seeded system; the health check reads it. */
export const systemMarkerKey = { pk: 'SYSTEM', sk: 'META' } as const;

export const tableDefinitions = [mainTable] as const;
