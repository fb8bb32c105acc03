import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The current string value of a Secrets Manager secret (a generated password, not JSON). */
export async function readSecretString(
  client: SecretsManagerClient,
  secretId: string,
): Promise<string> {
  const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (output.SecretString === undefined || output.SecretString.length === 0) {
    throw new Error(`Secret ${secretId} holds no string value`);
  }
  return output.SecretString;
}
