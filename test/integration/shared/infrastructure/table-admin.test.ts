import { afterAll, describe, expect, it } from '@jest/globals';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { mainTable } from '../../../../shared/contracts/tables';
import { ensureTable } from '../../../../shared/infrastructure/dynamodb/table-admin';
import { adminClient, uniqueTableName } from '../../../support/dynamodb';

describe('ensureTable on DynamoDB Local', () => {
  const client = adminClient();
  const created: string[] = [];

  afterAll(async () => {
    for (const TableName of created) await client.send(new DeleteTableCommand({ TableName }));
    client.destroy();
  });

  it('creates the table of the definition with its indexes, stream and TTL', async () => {
    const tableName = uniqueTableName('admin');
    created.push(tableName);

    const outcome = await ensureTable(client, tableName, mainTable);

    expect(outcome).toBe('created');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'gsi1',
      'gsi2',
      'gsi3',
    ]);
    expect(Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiresAt');
  });

  it('leaves an up-to-date table alone and adds indexes a newer definition declares', async () => {
    const tableName = uniqueTableName('admin');
    created.push(tableName);
    const older = { ...mainTable, globalIndexes: mainTable.globalIndexes.slice(0, 1) };
    await ensureTable(client, tableName, older);

    const again = await ensureTable(client, tableName, older);
    const upgraded = await ensureTable(client, tableName, mainTable);

    expect(again).toBe('unchanged');
    expect(upgraded).toBe('updated');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'gsi1',
      'gsi2',
      'gsi3',
    ]);
  });
});
