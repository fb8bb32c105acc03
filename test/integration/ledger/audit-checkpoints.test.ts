import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashOf } from '../../../shared/application/audit/audit-chain';
import { auditOf } from '../../../shared/infrastructure/dynamodb/ledger-items';
import { anAccount, createTestApi, type TestApi } from '../../support/api-client';

type Verification = {
  valid: boolean;
  checked: number;
  firstInvalid?: { chainId: string; seq: number; reason: string };
};

describe('audit checkpoints', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('checkpoints');
  });
  afterAll(async () => api.close());

  it('detect a chain rewritten with consistent hashes after the checkpoint', async () => {
    // Prepare: an account with history, and a checkpoint of every chain head.
    const accountId = await anAccount(api, { deposit: '10.00' });
    await api.call('POST', '/transactions/deposit', {
      body: { accountId, amount: '5.00', currency: 'USD' },
    });
    const checkpoint = await api.call<{ root: string; chainCount: number }>(
      'POST',
      '/audit/checkpoints',
    );
    expect(checkpoint.status).toBe(201);
    expect(checkpoint.body.chainCount).toBeGreaterThanOrEqual(2);
    expect((await api.call<Verification>('GET', '/audit/verify')).body.valid).toBe(true);

    // Act: an insider rewrites the account's chain, re-hashing every record and the head.
    const chainId = `ACCOUNT#${accountId}`;
    const { Items = [] }: { Items?: Record<string, unknown>[] | undefined } =
      await api.table.client.send(
        new QueryCommand({
          TableName: api.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seq)',
          ExpressionAttributeValues: { ':pk': `AUDIT#${chainId}`, ':seq': 'SEQ#' },
        }),
      );
    let prevHash = '0'.repeat(64);
    for (const item of Items) {
      const record = auditOf(item);
      const data = record.seq === 2 ? { ...record.data, amountMinor: '100000' } : record.data;
      const { hash: _original, ...unsigned } = { ...record, data, prevHash };
      const rehashed = hashOf(unsigned);
      await api.table.client.send(
        new UpdateCommand({
          TableName: api.table.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #data = :data, prevHash = :prev, #hash = :hash',
          ExpressionAttributeNames: { '#data': 'data', '#hash': 'hash' },
          ExpressionAttributeValues: { ':data': data, ':prev': prevHash, ':hash': rehashed },
        }),
      );
      prevHash = rehashed;
    }
    await api.table.client.send(
      new UpdateCommand({
        TableName: api.table.tableName,
        Key: { pk: chainId, sk: 'ACCOUNT' },
        UpdateExpression: 'SET auditHash = :hash',
        ExpressionAttributeValues: { ':hash': prevHash },
      }),
    );

    // Assess: the chain alone is self-consistent, but it contradicts the checkpoint.
    const alone = await api.call<Verification>(
      'GET',
      `/audit/verify?chainId=${encodeURIComponent(chainId)}`,
    );
    const verified = await api.call<Verification>('GET', '/audit/verify');
    expect(alone.body.valid).toBe(true);
    expect(verified.body.valid).toBe(false);
    expect(verified.body.firstInvalid).toMatchObject({ chainId, reason: 'CHECKPOINT_MISMATCH' });
  });
});
