import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, queryAll } from '../../../../shared/infrastructure/dynamodb/table-reads';
import { freshTable, type TestTable } from '../../../support/dynamodb';

describe('table reads on DynamoDB Local', () => {
  let table: TestTable;
  const keys = Array.from({ length: 250 }, (_, i) => ({
    pk: 'READS',
    sk: `ITEM#${String(i).padStart(3, '0')}`,
  }));

  beforeAll(async () => {
    table = await freshTable('reads');
    for (let i = 0; i < keys.length; i += 25) {
      await table.client.send(
        new BatchWriteCommand({
          RequestItems: {
            [table.tableName]: keys.slice(i, i + 25).map((key) => ({
              PutRequest: { Item: { ...key, n: key.sk } },
            })),
          },
        }),
      );
    }
  });
  afterAll(async () => table.drop());

  it('reads more keys than one BatchGetItem takes, in calls of at most 100', async () => {
    let calls = 0;
    const missing = { pk: 'READS', sk: 'ITEM#none' };

    const items = await batchGetAll(table.client, table.tableName, [...keys, missing], () => {
      calls += 1;
    });

    expect(items.map((item) => String(item.sk)).sort()).toEqual(keys.map((key) => key.sk));
    expect(calls).toBe(3);
  });

  it('follows a query to its last page', async () => {
    const items = await queryAll(table.client, table.tableName, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'READS' },
      Limit: 40,
    });

    expect(items).toHaveLength(250);
  });
});
