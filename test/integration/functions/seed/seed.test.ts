import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { seedHandler } from '../../../../functions/seed/seed';
import { login } from '../../../../shared/application/identity/auth';
import { readSecretString } from '../../../../shared/infrastructure/aws/secret-string';
import { createRuntime } from '../../../../shared/infrastructure/production-dependencies';
import { freshTable, type TestTable } from '../../../support/dynamodb';
import { capturedLogger } from '../../../support/log-capture';

const event = (RequestType: 'Create' | 'Update' | 'Delete') =>
  ({ RequestType }) as unknown as CloudFormationCustomResourceEvent;

describe('the tenant seed (CloudFormation custom resource)', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await freshTable('seed');
  });
  afterAll(async () => table.drop());

  it('creates admin from the secret on an empty tenant, once, and never logs the password', async () => {
    const secrets = mockClient(SecretsManagerClient);
    const password = 'Generated-Secret-Passw0rd!';
    secrets
      .on(GetSecretValueCommand, { SecretId: 'arn:aws:secretsmanager:eu:1:secret:admin' })
      .resolves({
        SecretString: password,
      });
    const { dependencies } = createRuntime(table.environment);
    const { logger, lines } = capturedLogger();
    const handler = seedHandler({ ...dependencies, logger }, () =>
      readSecretString(
        new SecretsManagerClient({ region: 'eu-west-1' }),
        'arn:aws:secretsmanager:eu:1:secret:admin',
      ),
    );

    const first = await handler(event('Create'));
    const second = await handler(event('Update'));
    const removed = await handler(event('Delete'));
    const signedIn = await login(dependencies, { username: 'admin', password });

    expect(first.Data).toMatchObject({ created: 'true', adminCreated: 'true' });
    expect(second.Data).toMatchObject({ created: 'false', adminCreated: 'false' });
    expect(removed.Data).toEqual({});
    expect(first.PhysicalResourceId).toBe(second.PhysicalResourceId);
    expect(signedIn.ok).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(password);
    secrets.restore();
  });

  it('creates no administrator when no secret is configured', async () => {
    const empty = await freshTable('seed-nosecret');
    try {
      const { dependencies } = createRuntime(empty.environment);
      const seeded = await seedHandler(dependencies, () => Promise.resolve(undefined))(
        event('Create'),
      );

      expect(seeded.Data).toMatchObject({ created: 'true', adminCreated: 'false' });
      expect(await dependencies.ledger.getUser('admin')).toBeUndefined();
    } finally {
      await empty.drop();
    }
  });

  it('fails loudly on an empty secret', async () => {
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '' });
    await expect(
      readSecretString(new SecretsManagerClient({ region: 'eu-west-1' }), 'arn:aws:x'),
    ).rejects.toThrow(/holds no string value/);
    secrets.restore();
  });
});
