import { ConditionalCheckFailedException, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../application/ledger/ledger-store';
import type {
  NotificationRecord,
  NotificationStore,
  NotificationTemplate,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../application/notifications/ports';
import type {
  NotificationChannel,
  NotificationPreferences,
  NotificationStatus,
} from '../../domain/notifications';
import { decodeCursor, encodeCursor } from './cursor';

/**
 * Notification items in the tenant's table. Each record is kept whole as JSON in `doc` beside
 * its keys (nothing in it is money or an address), and written by one conditional put:
 * create-once, or at the version read.
 *
 * | pk | sk | indexes |
 * |---|---|---|
 * | `NTEMPLATE#<id>` | `NTEMPLATE` | GSI2 `NTEMPLATES` (list), GSI3 `NTEMPLATEFOR#<type>#<channel>` |
 * | `NPREFS#<customerId>` | `NPREFS` | |
 * | `NOTIF#<id>` | `NOTIF` | GSI1 `NRECIPIENT#<customerId>` by time, GSI3 `NSTATUS#<status>` by due time |
 * | `WEBHOOK#<id>` | `WEBHOOK` | GSI2 `WEBHOOKS` (live endpoints only) |
 * | `WEBHOOK#<id>` | `DELIVERY#<eventId>` | GSI3 `WHDELIVERY#<status>` by due time |
 */
export class DynamoDbNotificationStore implements NotificationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  putTemplate(template: NotificationTemplate, expectedVersion?: number): Promise<boolean> {
    return this.put(
      {
        pk: `NTEMPLATE#${template.id}`,
        sk: 'NTEMPLATE',
        gsi2pk: 'NTEMPLATES',
        gsi2sk: template.id,
        ...(template.active
          ? { gsi3pk: `NTEMPLATEFOR#${template.type}#${template.channel}`, gsi3sk: template.id }
          : {}),
      },
      template,
      expectedVersion,
    );
  }

  getTemplate(id: string): Promise<NotificationTemplate | undefined> {
    return this.get(`NTEMPLATE#${id}`, 'NTEMPLATE');
  }

  listTemplates(page: PageRequest): Promise<Page<NotificationTemplate>> {
    return this.page(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :p',
        ExpressionAttributeValues: { ':p': 'NTEMPLATES' },
      },
      page,
    );
  }

  async templatesFor(
    type: string,
    channel: NotificationChannel,
  ): Promise<readonly NotificationTemplate[]> {
    const found = await this.page<NotificationTemplate>(
      {
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :p',
        ExpressionAttributeValues: { ':p': `NTEMPLATEFOR#${type}#${channel}` },
      },
      { limit: 200 },
    );
    return found.items.filter((template) => template.active);
  }

  getPreferences(customerId: string): Promise<NotificationPreferences | undefined> {
    return this.get(`NPREFS#${customerId}`, 'NPREFS');
  }

  async putPreferences(preferences: NotificationPreferences): Promise<void> {
    await this.put({ pk: `NPREFS#${preferences.customerId}`, sk: 'NPREFS' }, preferences, null);
  }

  putNotification(record: NotificationRecord, expectedVersion?: number): Promise<boolean> {
    return this.put(
      {
        pk: `NOTIF#${record.id}`,
        sk: 'NOTIF',
        gsi1pk: `NRECIPIENT#${record.recipientId}`,
        gsi1sk: `${record.createdAt}#${record.id}`,
        gsi3pk: `NSTATUS#${record.status}`,
        gsi3sk: `${record.nextAttemptAt ?? record.updatedAt}#${record.id}`,
        channel: record.channel,
        ...(record.readAt === undefined ? {} : { readAt: record.readAt }),
      },
      record,
      expectedVersion,
    );
  }

  getNotification(id: string): Promise<NotificationRecord | undefined> {
    return this.get(`NOTIF#${id}`, 'NOTIF');
  }

  listForRecipient(
    recipientId: string,
    filter: { status?: NotificationStatus | undefined; channel?: NotificationChannel | undefined },
    page: PageRequest,
  ): Promise<Page<NotificationRecord>> {
    const conditions: string[] = [];
    const values: Record<string, string> = { ':p': `NRECIPIENT#${recipientId}` };
    if (filter.status !== undefined) {
      conditions.push('begins_with(gsi3pk, :s)');
      values[':s'] = `NSTATUS#${filter.status}`;
    }
    if (filter.channel !== undefined) {
      conditions.push('channel = :c');
      values[':c'] = filter.channel;
    }
    return this.page(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        ...(conditions.length === 0 ? {} : { FilterExpression: conditions.join(' AND ') }),
      },
      page,
    );
  }

  async countUnread(recipientId: string): Promise<number> {
    return this.count({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: 'channel = :c AND attribute_not_exists(readAt)',
      ExpressionAttributeValues: { ':p': `NRECIPIENT#${recipientId}`, ':c': 'IN_APP' },
    });
  }

  async dueNotifications(
    status: 'FAILED' | 'DEFERRED',
    dueBy: string,
    limit: number,
  ): Promise<readonly NotificationRecord[]> {
    const found = await this.page<NotificationRecord>(
      {
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :p AND gsi3sk <= :due',
        ExpressionAttributeValues: { ':p': `NSTATUS#${status}`, ':due': `${dueBy}#~` },
      },
      { limit },
    );
    return found.items;
  }

  async countByStatus(): Promise<Readonly<Record<NotificationStatus, number>>> {
    const statuses: NotificationStatus[] = [
      'PENDING',
      'DEFERRED',
      'SENT',
      'FAILED',
      'DEAD_LETTER',
      'SKIPPED',
    ];
    const counts = await Promise.all(
      statuses.map((status) =>
        this.count({
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :p',
          ExpressionAttributeValues: { ':p': `NSTATUS#${status}` },
        }),
      ),
    );
    return Object.fromEntries(statuses.map((status, i) => [status, counts[i] ?? 0])) as Record<
      NotificationStatus,
      number
    >;
  }

  putWebhook(endpoint: WebhookEndpoint, expectedVersion?: number): Promise<boolean> {
    return this.put(
      {
        pk: `WEBHOOK#${endpoint.id}`,
        sk: 'WEBHOOK',
        ...(endpoint.deletedAt === undefined ? { gsi2pk: 'WEBHOOKS', gsi2sk: endpoint.id } : {}),
      },
      endpoint,
      expectedVersion,
    );
  }

  getWebhook(id: string): Promise<WebhookEndpoint | undefined> {
    return this.get(`WEBHOOK#${id}`, 'WEBHOOK');
  }

  listWebhooks(page: PageRequest): Promise<Page<WebhookEndpoint>> {
    return this.page(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :p',
        ExpressionAttributeValues: { ':p': 'WEBHOOKS' },
        ScanIndexForward: false,
      },
      page,
    );
  }

  putDelivery(delivery: WebhookDelivery, expectedVersion?: number): Promise<boolean> {
    return this.put(
      {
        pk: `WEBHOOK#${delivery.endpointId}`,
        sk: `DELIVERY#${delivery.eventId}`,
        ...(delivery.status === 'FAILED'
          ? {
              gsi3pk: 'WHDELIVERY#FAILED',
              gsi3sk: `${delivery.nextAttemptAt ?? delivery.updatedAt}#${delivery.endpointId}#${delivery.eventId}`,
            }
          : {}),
      },
      delivery,
      expectedVersion,
    );
  }

  listDeliveries(endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    return this.page(
      {
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :d)',
        ExpressionAttributeValues: { ':p': `WEBHOOK#${endpointId}`, ':d': 'DELIVERY#' },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      page,
    );
  }

  async dueDeliveries(dueBy: string, limit: number): Promise<readonly WebhookDelivery[]> {
    const found = await this.page<WebhookDelivery>(
      {
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :p AND gsi3sk <= :due',
        ExpressionAttributeValues: { ':p': 'WHDELIVERY#FAILED', ':due': `${dueBy}#~` },
      },
      { limit },
    );
    return found.items;
  }

  /**
   * Writes `doc` under `keys`: create-once when `expectedVersion` is undefined, at that version
   * when given, unconditionally for null. False when the condition fails.
   */
  private async put(
    keys: Record<string, string>,
    doc: object & { readonly version?: number },
    expectedVersion: number | undefined | null,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...keys,
            type: 'Notification',
            version: doc.version ?? 0,
            doc: JSON.stringify(doc),
          },
          ...(expectedVersion === null
            ? {}
            : expectedVersion === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'version = :v',
                  ExpressionAttributeValues: { ':v': expectedVersion },
                }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private async get<T>(pk: string, sk: string): Promise<T | undefined> {
    const output = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }),
    );
    const doc: unknown = output.Item?.doc;
    return typeof doc === 'string' ? (JSON.parse(doc) as T) : undefined;
  }

  private async page<T>(
    input: Omit<
      QueryCommandInput,
      'TableName' | 'Limit' | 'ExclusiveStartKey' | 'ExpressionAttributeValues'
    > & {
      ExpressionAttributeValues: Record<string, string>;
    },
    page: PageRequest,
  ): Promise<Page<T>> {
    const items: T[] = [];
    let startKey = page.cursor === undefined ? undefined : decodeCursor(page.cursor).key;
    // A filter may drop items: keep reading until the page is full or the index ends.
    for (;;) {
      const output = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.table,
          Limit: page.limit - items.length,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of output.Items ?? []) {
        if (typeof item.doc === 'string') items.push(JSON.parse(item.doc) as T);
      }
      startKey = output.LastEvaluatedKey as Record<string, unknown> | undefined;
      if (startKey === undefined || items.length >= page.limit) break;
    }
    return {
      items,
      nextCursor: startKey === undefined ? null : encodeCursor({ key: startKey }),
    };
  }

  private async count(
    input: Omit<QueryCommandInput, 'TableName' | 'Select' | 'ExpressionAttributeValues'> & {
      ExpressionAttributeValues: Record<string, string>;
    },
  ): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.table,
          Select: 'COUNT',
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      total += output.Count ?? 0;
      startKey = output.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (startKey !== undefined);
    return total;
  }
}
