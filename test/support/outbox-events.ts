import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { TestApi } from './api-client';
import { anAccount } from './api-client';

/** Deposits `count` times into a new account; returns the account and transaction ids. */
export async function postings(
  api: TestApi,
  count: number,
): Promise<{ accountId: string; transactionIds: string[] }> {
  const accountId = await anAccount(api);
  const transactionIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const deposit = await api.call('POST', '/transactions/deposit', {
      body: { accountId, amount: `${i + 1}.00`, currency: 'USD' },
    });
    if (deposit.status !== 201) throw new Error(`deposit failed: ${deposit.raw}`);
    transactionIds.push(String(deposit.body.id));
  }
  return { accountId, transactionIds };
}

/** The pending outbox events of these aggregates (other tests' events left aside). */
export async function pendingOf(api: TestApi, aggregateIds: readonly string[]) {
  const wanted = new Set(aggregateIds);
  return (await api.deps.outbox.listPending(1_000)).filter((e) => wanted.has(e.aggregateId));
}

/** A DynamoDB stream batch with the INSERT records of these outbox items, as Lambda gets it. */
export async function streamBatch(
  api: TestApi,
  eventIds: readonly string[],
): Promise<DynamoDBStreamEvent> {
  const Records: DynamoDBRecord[] = [];
  let sequence = 1000;
  for (const id of eventIds) {
    const item = await api.table.client.send(
      new GetCommand({ TableName: api.table.tableName, Key: { pk: `OUTBOX#${id}`, sk: 'EVENT' } }),
    );
    if (item.Item === undefined) throw new Error(`no outbox item ${id}`);
    sequence += 1;
    Records.push({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: marshall({ pk: String(item.Item.pk), sk: String(item.Item.sk) }) as never,
        NewImage: marshall(item.Item as Record<string, unknown>, {
          removeUndefinedValues: true,
        }) as never,
        SequenceNumber: String(sequence),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  }
  return { Records };
}
