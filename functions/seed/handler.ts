import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readSecretString } from '@shared/infrastructure/aws/secret-string';
import { productionRuntime } from '@shared/infrastructure/production-dependencies';
import { seedHandler } from './seed';

const { environment, dependencies } = productionRuntime();
const secretArn = environment.adminSecretArn;

export const handler = seedHandler(dependencies, async () =>
  secretArn === undefined
    ? undefined
    : readSecretString(new SecretsManagerClient({ region: environment.region }), secretArn),
);
