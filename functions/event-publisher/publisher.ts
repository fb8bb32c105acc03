import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import {
  publishOutboxEvents,
  type PublisherDeps,
  type PublisherOptions,
  type PublishReport,
} from '@shared/application/events/publisher';
import { outboxEventOf } from '@shared/infrastructure/dynamodb/dynamodb-outbox-store';

/**
 * The stream consumer: the event source mapping already keeps only inserts of outbox items
 * (filter on `eventName` and `NewImage.type`); this checks again, publishes them and reports a
 * partial batch failure from the first record when publishing itself fails (the mapping then
 * bisects and retries; its on-failure destination keeps what never succeeds).
 */
export function streamPublisher(deps: PublisherDeps, options: PublisherOptions) {
  return async (
    event: DynamoDBStreamEvent,
  ): Promise<DynamoDBBatchResponse & { report?: PublishReport }> => {
    const records = event.Records.filter(
      (record) =>
        record.eventName === 'INSERT' && record.dynamodb?.NewImage?.type?.S === 'OutboxEvent',
    );
    if (records.length === 0) return { batchItemFailures: [] };
    const outboxEvents = records.map((record) =>
      outboxEventOf(
        unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>) as Record<
          string,
          unknown
        >,
      ),
    );
    try {
      const report = await publishOutboxEvents(deps, outboxEvents, options);
      return { batchItemFailures: [], report };
    } catch (error) {
      deps.logger.error('outbox publishing failed', {
        error: error instanceof Error ? error.message : String(error),
      });
      const first = records[0]?.dynamodb?.SequenceNumber;
      return { batchItemFailures: first === undefined ? [] : [{ itemIdentifier: first }] };
    }
  };
}
