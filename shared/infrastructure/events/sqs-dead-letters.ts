import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { CloudEvent } from '../../contracts/events/cloud-event';
import type { DeadLetterPort } from '../../application/events/ports';

/** The publisher's dead-letter queue: one message per CloudEvent, sent 10 at a time. */
export class SqsDeadLetters implements DeadLetterPort {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(events: readonly CloudEvent[], reason: string): Promise<void> {
    for (let start = 0; start < events.length; start += 10) {
      const chunk = events.slice(start, start + 10);
      const output = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((event, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(event),
            MessageAttributes: {
              reason: { DataType: 'String', StringValue: reason.slice(0, 256) },
              type: { DataType: 'String', StringValue: event.type },
            },
          })),
        }),
      );
      if ((output.Failed ?? []).length > 0) {
        throw new Error(`The dead-letter queue refused ${output.Failed?.length} events`);
      }
    }
  }

  async depth(): Promise<number | undefined> {
    const output = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    const value = output.Attributes?.ApproximateNumberOfMessages;
    return value === undefined ? undefined : Number(value);
  }
}
