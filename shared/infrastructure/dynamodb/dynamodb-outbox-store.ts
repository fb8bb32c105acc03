import {
  NumberValue,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  EventFilter,
  OutboxStore,
  PublisherStatus,
  StoredOutboxEvent,
} from '../../application/events/ports';
import type { Page, PageRequest } from '../../application/ledger/ledger-store';
import { decodeCursor, encodeCursor } from './cursor';
import { OUTBOX_SHARDS, keys } from './keys';

type Item = Record<string, unknown>;

/** The outbox item (written by ledger-writes `putEvent`) as an event with its publishing state. */
export function outboxEventOf(item: Item): StoredOutboxEvent {
  const optional = (name: string): string | undefined =>
    typeof item[name] === 'string' ? item[name] : undefined;
  return {
    id: String(item.id),
    type: String(item.eventType),
    aggregateType: String(item.aggregateType),
    aggregateId: String(item.aggregateId),
    sequence: Number(item.sequence),
    occurredAt: String(item.occurredAt),
    data: plainNumbers(item.data ?? {}) as Record<string, unknown>,
    publishAttempts: Number(item.publishAttempts ?? 0),
    publishedAt: optional('publishedAt'),
    lastError: optional('lastError'),
    nextAttemptAt: optional('nextAttemptAt'),
    deadLetteredAt: optional('deadLetteredAt'),
  };
}

/**
 * Event data as written: the document client wraps numbers (`wrapNumbers`, for exact amounts),
 * while event data holds only small numbers (tiers, versions) and amounts as strings.
 */
function plainNumbers(value: unknown): unknown {
  if (value instanceof NumberValue) return Number(value.toString());
  if (Array.isArray(value)) return value.map(plainNumbers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, plainNumbers(inner)]),
    );
  }
  return value;
}

const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);
/** Requests per shard for one page before it answers with what it found. */
const MAX_FILTERED_READS = 10;

/**
 * The outbox on the main table. Pending events sit in a sparse GSI2 partition per shard
 * (`OUTBOXPENDING#<shard>`, sorted by id) until published; dead-lettered ones move to
 * `OUTBOXDEAD#<shard>`. All events stay in GSI3 (`OUTBOX#<shard>`) until their 7-day TTL.
 */
export class DynamoDbOutboxStore implements OutboxStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listPending(limit: number): Promise<readonly StoredOutboxEvent[]> {
    const perShard = await Promise.all(
      shards.map((shard) =>
        this.queryAll(
          {
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk',
            ExpressionAttributeValues: { ':pk': `OUTBOXPENDING#${shard}` },
            ScanIndexForward: true,
          },
          limit,
        ),
      ),
    );
    return perShard
      .flat()
      .map(outboxEventOf)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  async markPublished(ids: readonly string[], at: string): Promise<void> {
    await inParallel(ids, 16, (id) =>
      this.update(id, 'SET publishedAt = :at REMOVE gsi2pk, gsi2sk, nextAttemptAt', {
        ':at': at,
      }),
    );
  }

  async recordFailure(
    id: string,
    failure: { error: string; nextAttemptAt: string },
  ): Promise<number> {
    const output = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.outbox(id),
        UpdateExpression: 'SET lastError = :error, nextAttemptAt = :next ADD publishAttempts :one',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(publishedAt)',
        ExpressionAttributeValues: {
          ':error': failure.error.slice(0, 1_000),
          ':next': failure.nextAttemptAt,
          ':one': 1,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(output.Attributes?.publishAttempts ?? 0);
  }

  async markDeadLettered(
    ids: readonly string[],
    failure: { at: string; error: string; attempts: number },
  ): Promise<void> {
    await inParallel(ids, 16, (id) => {
      const dead = keys.outboxDead(id);
      return this.update(
        id,
        'SET deadLetteredAt = :at, lastError = :error, publishAttempts = :attempts, gsi2pk = :pk, gsi2sk = :sk REMOVE nextAttemptAt',
        {
          ':at': failure.at,
          ':error': failure.error.slice(0, 1_000),
          ':attempts': failure.attempts,
          ':pk': dead.gsi2pk,
          ':sk': dead.gsi2sk,
        },
      );
    });
  }

  /**
   * Newest first: a k-way merge of the GSI3 shards; the cursor is the last id returned (ULIDs
   * order globally), so each page re-queries each shard strictly below it.
   */
  async listEvents(filter: EventFilter, page: PageRequest): Promise<Page<StoredOutboxEvent>> {
    const before = page.cursor === undefined ? undefined : decodeCursor(page.cursor).before;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conditions: string[] = [];
    if (filter.type !== undefined) {
      names['#eventType'] = 'eventType';
      values[':type'] = filter.type;
      conditions.push('#eventType = :type');
    }
    if (filter.subject !== undefined) {
      const slash = filter.subject.indexOf('/');
      values[':aggregateType'] = slash === -1 ? filter.subject : filter.subject.slice(0, slash);
      values[':aggregateId'] = slash === -1 ? '' : filter.subject.slice(slash + 1);
      conditions.push('aggregateType = :aggregateType AND aggregateId = :aggregateId');
    }
    const perShard = await Promise.all(
      shards.map((shard) =>
        this.queryPages(
          {
            IndexName: 'gsi3',
            KeyConditionExpression:
              before === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND gsi3sk < :before',
            ExpressionAttributeValues: {
              ':pk': `OUTBOX#${shard}`,
              ...(before === undefined ? {} : { ':before': before }),
              ...values,
            },
            ...(Object.keys(names).length === 0 ? {} : { ExpressionAttributeNames: names }),
            ...(conditions.length === 0 ? {} : { FilterExpression: conditions.join(' AND ') }),
            ScanIndexForward: false,
          },
          page.limit + 1,
          conditions.length === 0 ? page.limit + 1 : 100,
          MAX_FILTERED_READS,
        ),
      ),
    );
    // A shard read only down to id P (not exhausted) hides what lies below P: answer only with
    // events at or above the highest such P, so the next page (ids below the cursor) misses none.
    const floor = perShard
      .map((shard) => shard.readDownTo)
      .filter((id): id is string => id !== undefined)
      .sort()
      .at(-1);
    const merged = perShard
      .flatMap((shard) => shard.items)
      .map(outboxEventOf)
      .filter((event) => floor === undefined || event.id >= floor)
      .sort((a, b) => (a.id > b.id ? -1 : 1));
    const items = merged.slice(0, page.limit);
    const last = items.at(-1);
    if (merged.length > page.limit && last !== undefined) {
      return { items, nextCursor: encodeCursor({ before: last.id }) };
    }
    return { items, nextCursor: floor === undefined ? null : encodeCursor({ before: floor }) };
  }

  async status(): Promise<PublisherStatus> {
    const [pending, dead] = await Promise.all([
      Promise.all(shards.map((shard) => this.partitionFacts(`OUTBOXPENDING#${shard}`))),
      Promise.all(shards.map((shard) => this.partitionFacts(`OUTBOXDEAD#${shard}`))),
    ]);
    const oldest = pending
      .map((facts) => facts.oldestAt)
      .filter((at): at is string => at !== undefined)
      .sort()[0];
    return {
      unpublishedCount: pending.reduce((sum, facts) => sum + facts.count, 0),
      oldestUnpublishedAt: oldest ?? null,
      failingCount: pending.reduce((sum, facts) => sum + facts.failing, 0),
      deadLetteredCount: dead.reduce((sum, facts) => sum + facts.count, 0),
    };
  }

  /** Count, failing count and oldest occurrence of one GSI2 partition (projects few attributes). */
  private async partitionFacts(
    pk: string,
  ): Promise<{ count: number; failing: number; oldestAt: string | undefined }> {
    const items = await this.queryAll(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'occurredAt, publishAttempts',
        ScanIndexForward: true,
      },
      Number.POSITIVE_INFINITY,
    );
    return {
      count: items.length,
      failing: items.filter((item) => Number(item.publishAttempts ?? 0) > 0).length,
      oldestAt: items
        .map((item) => String(item.occurredAt))
        .sort()
        .at(0),
    };
  }

  private async update(id: string, expression: string, values: Record<string, unknown>) {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.outbox(id),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Queries page after page (`pageSize` items evaluated per request) until `want` matches, the
   * end, or `maxReads` requests; `readDownTo` is the sort key of the last evaluated item when
   * the partition was not read to its end.
   */
  private async queryPages(
    input: Omit<QueryCommandInput, 'TableName'>,
    want: number,
    pageSize: number,
    maxReads: number,
  ): Promise<{ items: Item[]; readDownTo: string | undefined }> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    let reads = 0;
    do {
      const output = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          Limit: pageSize,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((output.Items ?? []) as Item[]));
      startKey = output.LastEvaluatedKey;
      reads += 1;
    } while (startKey !== undefined && items.length < want && reads < maxReads);
    return {
      items,
      readDownTo: startKey === undefined ? undefined : String(startKey.gsi3sk),
    };
  }

  /** Queries page after page until `want` items or the end (or `maxReads` requests). */
  private async queryAll(
    input: Omit<QueryCommandInput, 'TableName'>,
    want: number,
    maxReads = Number.POSITIVE_INFINITY,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    let reads = 0;
    do {
      const output = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ...(Number.isFinite(want) ? { Limit: Math.max(1, want - items.length) } : {}),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((output.Items ?? []) as Item[]));
      startKey = output.LastEvaluatedKey;
      reads += 1;
    } while (startKey !== undefined && items.length < want && reads < maxReads);
    return items;
  }
}

async function inParallel<T>(
  values: readonly T[],
  width: number,
  run: (value: T) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < values.length; start += width) {
    await Promise.all(values.slice(start, start + width).map(run));
  }
}
