import { startDynamoDbLocal, type DynamoDbLocal } from '../../shared/local/dynamodb-local';

declare global {
  var nexumDynamoDbLocal: DynamoDbLocal | undefined;
}

/**
 * Jest global setup of the integration tier: one in-memory DynamoDB Local for the whole run.
 * Workers find it through NEXUM_TEST_DYNAMODB_ENDPOINT; each test file creates its own tables.
 */
export default async function setup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamo = await startDynamoDbLocal({});
  globalThis.nexumDynamoDbLocal = dynamo;
  process.env.NEXUM_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  // Even if jest is killed mid-run, the JVM must not outlive it.
  process.once('exit', () => {
    try {
      process.kill(-dynamo.pid, 'SIGKILL');
    } catch {
      // Already stopped by the teardown.
    }
  });
}
