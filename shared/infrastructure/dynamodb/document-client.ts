import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoConnection {
  readonly region: string;
  readonly endpoint?: string | undefined;
}

/**
 * The one configured DynamoDB client. Numbers come back wrapped (`wrapNumbers`) so an amount in
 * minor units never passes through a float; undefined attributes are dropped, not sent as NULL.
 */
export function createDocumentClient(connection: DynamoConnection): DynamoDBDocumentClient {
  const local = connection.endpoint !== undefined;
  const client = new DynamoDBClient({
    region: connection.region,
    ...(local
      ? {
          endpoint: connection.endpoint,
          // DynamoDB Local accepts any credentials; fixed ones keep developers' own out of it.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    // DynamoDB Local on a loaded machine now and then drops a connection ("socket hang up"):
    // more attempts there. Writes are safe to retry: a transaction carries its client token.
    maxAttempts: local ? 6 : 3,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: true },
  });
}
