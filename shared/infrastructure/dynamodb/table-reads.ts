import {
  BatchGetCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Item } from './ledger-items';

/** BatchGetItem takes at most this many keys per call. */
const BATCH_GET_LIMIT = 100;

/**
 * Strongly consistent reads of `wanted` keys in as few BatchGetItem calls as DynamoDB allows
 * (100 keys a call), re-asking for unprocessed keys with a short capped backoff. `onCall` is
 * told of each call (store metrics).
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  wanted: readonly Record<string, string>[],
  onCall: () => void = () => undefined,
): Promise<Item[]> {
  const found: Item[] = [];
  for (let i = 0; i < wanted.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, string>[] = wanted.slice(i, i + BATCH_GET_LIMIT);
    for (let round = 0; pending.length > 0; round += 1) {
      if (round > 8) throw new Error('BatchGetItem kept returning unprocessed keys');
      if (round > 0) await new Promise((wake) => setTimeout(wake, Math.min(200, 10 * 2 ** round)));
      const output = await client.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      onCall();
      found.push(...(output.Responses?.[tableName] ?? []));
      pending = (output.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, string>[];
    }
  }
  return found;
}

/** Every item a query matches, following LastEvaluatedKey to the end. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const output = await client.send(
      new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: start }),
    );
    items.push(...(output.Items ?? []));
    start = output.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
