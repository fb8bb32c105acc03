import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { TableDefinition } from '../../shared/contracts/tables';

export interface LedgerTableProps {
  readonly tenant: string;
  /** The key design, shared with DynamoDB Local and the tests (shared/contracts/tables.ts). */
  readonly definition: TableDefinition;
  readonly encryptionKey: kms.IKey;
}

const streamViewTypes = {
  NEW_IMAGE: dynamodb.StreamViewType.NEW_IMAGE,
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
} as const satisfies Record<TableDefinition['stream'], dynamodb.StreamViewType>;

/**
 * A tenant's single table, built from its contract definition so the deployed key design is the
 * tested one. It cannot be lost by accident: deletion protection, RETAIN, and point-in-time
 * recovery. Access is granted through the named methods below, each the smallest set of actions a
 * use needs, never `dynamodb:*`.
 */
export class LedgerTable extends Construct {
  readonly table: dynamodb.Table;
  readonly encryptionKey: kms.IKey;
  private readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: LedgerTableProps) {
    super(scope, id);
    const { definition } = props;
    this.encryptionKey = props.encryptionKey;
    this.indexNames = definition.globalIndexes.map((index) => index.indexName);

    this.table = new dynamodb.Table(this, 'Table', {
      // A physical name makes a replacement impossible (CloudFormation cannot create a second
      // table with the same name), which is what we want for the ledger.
      tableName: `nexum-${props.tenant}-${definition.logicalName}`,
      partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      stream: streamViewTypes[definition.stream],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
    });
    for (const index of definition.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /**
   * GetItem and BatchGetItem on the base table, optionally only for items whose partition key is
   * one of `partitionKeys` (IAM's dynamodb:LeadingKeys), e.g. the health check reading the system
   * marker.
   */
  grantPointReads(
    grantee: iam.IGrantable,
    options: { readonly partitionKeys?: readonly string[] } = {},
  ): iam.Grant {
    this.grantKeyUse(grantee, ['kms:Decrypt', 'kms:DescribeKey']);
    return this.grantItemActions(grantee, ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], options);
  }

  /**
   * PutItem and GetItem: enough to create items under a condition (attribute_not_exists) and read
   * back the winner of a race, as the tenant seed does. No update, delete or scan.
   */
  grantCreateItems(
    grantee: iam.IGrantable,
    options: { readonly partitionKeys?: readonly string[] } = {},
  ): iam.Grant {
    this.grantKeyUse(grantee, [
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
    return this.grantItemActions(grantee, ['dynamodb:PutItem', 'dynamodb:GetItem'], options);
  }

  /**
   * Reads of the ledger store: point reads, and queries on the table and on each of its indexes
   * (named one by one, not `index/*`).
   */
  grantLedgerReads(grantee: iam.IGrantable): iam.Grant {
    this.grantKeyUse(grantee, ['kms:Decrypt', 'kms:DescribeKey']);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
      resourceArns: [this.table.tableArn, ...this.indexArns],
    });
  }

  /**
   * Writes of the ledger store, which go through TransactWriteItems (authorised per contained
   * action). No DeleteItem: the ledger is append-only (STYLE 9), and IAM enforces it too.
   */
  grantLedgerWrites(grantee: iam.IGrantable): iam.Grant {
    this.grantKeyUse(grantee, [
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      resourceArns: [this.table.tableArn],
    });
  }

  /**
   * Deletes of customer lookup entries only (`CUSTOMERINDEX#…` partitions, IAM's
   * dynamodb:LeadingKeys): an update or erasure moves or removes a customer's blind-index
   * entries, while every other item stays append-only.
   */
  grantCustomerLookupDeletes(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:DeleteItem'],
      resourceArns: [this.table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUSTOMERINDEX#*'] },
      },
    });
  }

  /**
   * A filtered scan of the table (not its indexes): only the PII re-encryption job's one-off
   * migration of customers sealed before subject keys, which no index can find.
   */
  grantLegacyCustomerScan(grantee: iam.IGrantable): iam.Grant {
    this.grantKeyUse(grantee, ['kms:Decrypt', 'kms:DescribeKey']);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Scan'],
      resourceArns: [this.table.tableArn],
    });
  }

  /**
   * The outbox publisher: reads the change stream and records publishing state on outbox items
   * only (`OUTBOX#…` partitions, UpdateItem).
   */
  grantOutboxPublishing(grantee: iam.IGrantable): void {
    this.grantKeyUse(grantee, [
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*'] } },
    });
    // The stream, named rather than `*` (grantStreamRead would add ListStreams on `*`).
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
      ],
      resourceArns: [`${this.table.tableArn}/stream/*`],
    });
  }

  private get indexArns(): string[] {
    return this.indexNames.map((name) => `${this.table.tableArn}/index/${name}`);
  }

  private grantItemActions(
    grantee: iam.IGrantable,
    actions: string[],
    options: { readonly partitionKeys?: readonly string[] },
  ): iam.Grant {
    const partitionKeys = options.partitionKeys;
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.table.tableArn],
      ...(partitionKeys === undefined
        ? {}
        : {
            conditions: {
              'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...partitionKeys] },
            },
          }),
    });
  }

  /**
   * DynamoDB uses the table key on the caller's behalf, so the caller needs the key too, but only
   * by way of DynamoDB (kms:ViaService): the grant cannot be used to call KMS directly.
   */
  private grantKeyUse(grantee: iam.IGrantable, actions: string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.encryptionKey.keyArn],
      conditions: {
        StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` },
      },
    });
  }
}
