import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { MessageChannels, OutboundMessage } from '../../application/notifications/ports';

/**
 * Local email, SMS and push: one JSON line per message in a file of the data directory, which a
 * developer can `tail -f`. It holds the address, like a real mailbox would; logs never do.
 */
export class FileMessageSink implements MessageChannels {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly path: string) {}

  async send(message: OutboundMessage): Promise<void> {
    this.ready ??= mkdir(dirname(this.path), { recursive: true });
    await this.ready;
    const line = JSON.stringify({ at: new Date().toISOString(), ...message });
    await appendFile(this.path, `${line}\n`, { encoding: 'utf8', mode: 0o600 });
  }
}

/**
 * AWS: email through SES (v2), SMS straight to the number through SNS, push as an SNS message to
 * the tenant's push topic with the customer id as an attribute (the bank's app backend fans out to
 * devices). Errors propagate: the engine records the try FAILED and schedules a retry.
 */
export class AwsMessageChannels implements MessageChannels {
  constructor(
    private readonly ses: SESv2Client,
    private readonly sns: SNSClient,
    private readonly settings: {
      readonly emailFrom: string | undefined;
      readonly pushTopicArn: string | undefined;
    },
  ) {}

  async send(message: OutboundMessage): Promise<void> {
    switch (message.channel) {
      case 'EMAIL': {
        if (this.settings.emailFrom === undefined) {
          throw new Error('NEXUM_NOTIFICATION_EMAIL_FROM is not set');
        }
        await this.ses.send(
          new SendEmailCommand({
            FromEmailAddress: this.settings.emailFrom,
            Destination: { ToAddresses: [message.address] },
            Content: {
              Simple: {
                Subject: { Data: message.subject ?? 'Notification', Charset: 'UTF-8' },
                Body: { Text: { Data: message.body, Charset: 'UTF-8' } },
              },
            },
          }),
        );
        return;
      }
      case 'SMS':
        await this.sns.send(
          new PublishCommand({
            PhoneNumber: message.address,
            Message: message.body,
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            },
          }),
        );
        return;
      case 'PUSH': {
        if (this.settings.pushTopicArn === undefined) {
          throw new Error('NEXUM_NOTIFICATION_PUSH_TOPIC_ARN is not set');
        }
        await this.sns.send(
          new PublishCommand({
            TopicArn: this.settings.pushTopicArn,
            Message: JSON.stringify({ title: message.subject, body: message.body }),
            MessageAttributes: {
              customerId: { DataType: 'String', StringValue: message.recipientId },
              notificationId: { DataType: 'String', StringValue: message.notificationId },
            },
          }),
        );
        return;
      }
    }
  }
}

export const awsMessageChannels = (
  region: string,
  settings: { emailFrom: string | undefined; pushTopicArn: string | undefined },
): AwsMessageChannels =>
  new AwsMessageChannels(new SESv2Client({ region }), new SNSClient({ region }), settings);
