import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { anAccount, createTestApi, type TestApi } from '../../../support/api-client';

/*
 * Someone with write access to the table edits or deletes audit items directly, bypassing the
 * application. GET /audit/verify recomputes the chains and must name the first broken record.
 */

type Verification = {
  valid: boolean;
  checked: number;
  firstInvalid?: { chainId: string; seq: number; reason: string };
};

describe('audit chains tampered with in DynamoDB', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('tamper');
  });
  afterAll(async () => api.close());

  const auditKey = (chainId: string, seq: number) => ({
    pk: `AUDIT#${chainId}`,
    sk: `SEQ#${String(seq).padStart(12, '0')}`,
  });
  const verify = async (chainId?: string) =>
    (
      await api.call<Verification>(
        'GET',
        chainId === undefined
          ? '/audit/verify'
          : `/audit/verify?chainId=${encodeURIComponent(chainId)}`,
      )
    ).body;
  const chainLength = async (chainId: string) =>
    (
      await api.table.client.send(
        new QueryCommand({
          TableName: api.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seq)',
          ExpressionAttributeValues: { ':pk': `AUDIT#${chainId}`, ':seq': 'SEQ#' },
          ConsistentRead: true,
        }),
      )
    ).Items?.length ?? 0;

  /** An account with a few postings: its chain has opened, credited, debited… records. */
  async function anAuditedAccount(): Promise<string> {
    const account = await anAccount(api, { deposit: '100.00' });
    await api.call('POST', '/transactions/withdraw', {
      body: { accountId: account, amount: '10.00', currency: 'USD' },
    });
    await api.call('POST', '/transactions/deposit', {
      body: { accountId: account, amount: '5.00', currency: 'USD' },
    });
    return account;
  }

  it('is valid before anyone touches it', async () => {
    await anAuditedAccount();

    expect(await verify()).toMatchObject({ valid: true });
  });

  it('reports an edited data field of a record as a hash mismatch at that record', async () => {
    // Prepare
    const account = await anAuditedAccount();
    const chainId = `ACCOUNT#${account}`;

    // Act: the deposit's record (seq 2) now claims another amount.
    await api.table.client.send(
      new UpdateCommand({
        TableName: api.table.tableName,
        Key: auditKey(chainId, 2),
        UpdateExpression: 'SET #data.#amount = :forged',
        ExpressionAttributeNames: { '#data': 'data', '#amount': 'amountMinor' },
        ExpressionAttributeValues: { ':forged': '1' },
      }),
    );

    // Assess
    const verdict = await verify();
    expect(verdict.valid).toBe(false);
    expect(verdict.firstInvalid).toEqual({ chainId, seq: 2, reason: 'HASH_MISMATCH' });
    expect(await verify(chainId)).toMatchObject({
      valid: false,
      firstInvalid: { chainId, seq: 2 },
    });
  });

  it('reports a deleted record in the middle of a chain as a sequence gap', async () => {
    // Prepare
    const account = await anAuditedAccount();
    const chainId = `ACCOUNT#${account}`;

    // Act
    await api.table.client.send(
      new DeleteCommand({ TableName: api.table.tableName, Key: auditKey(chainId, 2) }),
    );

    // Assess
    expect(await verify(chainId)).toMatchObject({
      valid: false,
      firstInvalid: { chainId, seq: 3, reason: 'SEQUENCE_GAP' },
    });
  });

  it('reports a deleted tail against the head the account carries', async () => {
    // Prepare
    const account = await anAuditedAccount();
    const chainId = `ACCOUNT#${account}`;
    const last = await chainLength(chainId);

    // Act
    await api.table.client.send(
      new DeleteCommand({ TableName: api.table.tableName, Key: auditKey(chainId, last) }),
    );

    // Assess
    expect(last).toBeGreaterThanOrEqual(4);
    expect(await verify(chainId)).toMatchObject({
      valid: false,
      firstInvalid: { chainId, seq: last, reason: 'HEAD_MISMATCH' },
    });
  });

  it("reports a customer's deleted only record against the head the customer carries", async () => {
    // Prepare
    const customer = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
    });
    const chainId = `CUSTOMER#${customer.body.id}`;
    expect(await verify(chainId)).toMatchObject({ valid: true, checked: 1 });

    // Act
    await api.table.client.send(
      new DeleteCommand({ TableName: api.table.tableName, Key: auditKey(chainId, 1) }),
    );

    // Assess
    expect(await verify(chainId)).toMatchObject({
      valid: false,
      firstInvalid: { chainId, seq: 1, reason: 'HEAD_MISMATCH' },
    });
  });
});
