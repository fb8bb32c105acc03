import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type {
  EodCheckpoint,
  EodRun,
  InterestPage,
  InterestState,
  InterestStore,
  LoanSegmentPage,
  StoredBusinessDate,
} from '../../application/interest/ports';
import { loanSegmentKey } from '../../application/lending/loan-records';
import { documentOf, type StoreMetrics } from './dynamodb-ledger-store';
import {
  businessDateOf,
  checkpointItem,
  checkpointOf,
  interestKeys,
  interestSegmentKey,
  interestStateOf,
  runItem,
  runOf,
} from './interest-items';
import type { Item } from './ledger-items';

/**
 * The interest module's reads and its operational records. Ledger state (accrual state, markers,
 * the business date) is written only through `LedgerStore.commit`; runs and checkpoints are
 * bookkeeping of the batch itself and are put directly.
 */
export class DynamoDbInterestStore implements InterestStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly metrics?: StoreMetrics,
  ) {}

  async getBusinessDate(): Promise<StoredBusinessDate | undefined> {
    const item = await this.get(interestKeys.businessDate());
    return item === undefined ? undefined : businessDateOf(item);
  }

  async getInterestState(accountId: string): Promise<InterestState | undefined> {
    const item = await this.get(interestKeys.state(accountId));
    return item === undefined ? undefined : interestStateOf(item);
  }

  async listSegment(
    segment: number,
    afterAccountId: string | undefined,
    limit: number,
  ): Promise<InterestPage> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression:
          afterAccountId === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND gsi3sk > :after',
        ExpressionAttributeValues: {
          ':pk': interestSegmentKey(segment),
          ...(afterAccountId === undefined ? {} : { ':after': afterAccountId }),
        },
        Limit: limit,
      }),
    );
    this.metrics?.onCall('Query');
    const items = (output.Items ?? []).map(interestStateOf);
    return {
      items,
      lastAccountId: output.LastEvaluatedKey === undefined ? undefined : items.at(-1)?.accountId,
    };
  }

  async listLoanSegment(
    segment: number,
    afterLoanId: string | undefined,
    limit: number,
  ): Promise<LoanSegmentPage> {
    return this.listSparseDocuments(loanSegmentKey(segment), afterLoanId, limit);
  }

  async listSparseDocuments(
    partition: string,
    afterLoanId: string | undefined,
    limit: number,
  ): Promise<LoanSegmentPage> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression:
          afterLoanId === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND gsi3sk > :after',
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(afterLoanId === undefined ? {} : { ':after': afterLoanId }),
        },
        Limit: limit,
      }),
    );
    this.metrics?.onCall('Query');
    const items = (output.Items ?? []).map(documentOf);
    return {
      items,
      lastLoanId: output.LastEvaluatedKey === undefined ? undefined : items.at(-1)?.id,
    };
  }

  async putRun(run: EodRun): Promise<void> {
    await this.put(runItem(run));
  }

  async getRun(runId: string): Promise<EodRun | undefined> {
    const item = await this.get(interestKeys.run(runId));
    return item === undefined ? undefined : runOf(item);
  }

  async putCheckpoint(checkpoint: EodCheckpoint): Promise<void> {
    await this.put(checkpointItem(checkpoint));
  }

  async getCheckpoint(runId: string, segment: number): Promise<EodCheckpoint | undefined> {
    const item = await this.get(interestKeys.checkpoint(runId, segment));
    return item === undefined ? undefined : checkpointOf(item);
  }

  private async put(item: Item): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
    this.metrics?.onCall('PutItem');
  }

  private async get(key: Record<string, string>): Promise<Item | undefined> {
    const output = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    this.metrics?.onCall('GetItem');
    return output.Item;
  }
}
