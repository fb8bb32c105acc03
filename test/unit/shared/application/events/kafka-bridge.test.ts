import { describe, expect, it } from '@jest/globals';
import type { SQSRecord } from 'aws-lambda';
import { kafkaBridge } from '../../../../../functions/kafka-bridge/bridge';
import { toKafkaRecord } from '../../../../../shared/application/events/kafka-bridge';
import type { CloudEvent } from '../../../../../shared/contracts/events/cloud-event';
import { RecordingKafkaProducer } from '../../../../support/recording-kafka';

const event = (id: string, subject: string, type = 'nexum.account.frozen'): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'nexum/demo',
  type,
  subject,
  time: '2026-01-02T03:04:05.000Z',
  datacontenttype: 'application/json',
  sequence: '2',
  data: { accountId: subject.split('/')[1] },
});

/** An SQS record as the bus rule delivers it: the EventBridge envelope with the CloudEvent. */
const sqsRecord = (messageId: string, body: unknown): SQSRecord =>
  ({
    messageId,
    body:
      typeof body === 'string'
        ? body
        : JSON.stringify({
            version: '0',
            id: `eb-${messageId}`,
            'detail-type': (body as CloudEvent).type,
            source: 'nexum/demo',
            detail: body,
          }),
  }) as SQSRecord;

describe('the Kafka bridge', () => {
  it('maps a CloudEvent to a binary-mode record: topic per aggregate, key = aggregate id', () => {
    const record = toKafkaRecord(event('01A', 'account/ACC1'), 'bank.events');
    expect(record).toEqual({
      topic: 'bank.events.account',
      key: 'ACC1',
      value: JSON.stringify({ accountId: 'ACC1' }),
      headers: {
        ce_specversion: '1.0',
        ce_id: '01A',
        ce_source: 'nexum/demo',
        ce_type: 'nexum.account.frozen',
        ce_subject: 'account/ACC1',
        ce_time: '2026-01-02T03:04:05.000Z',
        ce_sequence: '2',
        'content-type': 'application/json',
      },
    });
    expect(
      toKafkaRecord(event('01B', 'transaction/T9', 'nexum.transaction.posted'), 'nexum').topic,
    ).toBe('nexum.transaction');
  });

  it('produces every SQS message and reports none failed', async () => {
    const producer = new RecordingKafkaProducer();
    const response = await kafkaBridge(
      producer,
      'nexum',
    )({
      Records: [
        sqsRecord('m1', event('01A', 'account/A')),
        sqsRecord('m2', event('01B', 'account/B')),
      ],
    });
    expect(response.batchItemFailures).toEqual([]);
    expect(producer.records.map((r) => [r.topic, r.key, r.headers.ce_id])).toEqual([
      ['nexum.account', 'A', '01A'],
      ['nexum.account', 'B', '01B'],
    ]);
  });

  it('reports failed and unparseable messages, and holds back later events of a failed key', async () => {
    const producer = new RecordingKafkaProducer();
    producer.failKeys.add('A');
    const response = await kafkaBridge(
      producer,
      'nexum',
    )({
      Records: [
        sqsRecord('m1', event('01A', 'account/A')),
        sqsRecord('m2', event('01B', 'account/B')),
        sqsRecord('m3', 'not json'),
        sqsRecord('m4', { ...event('01C', 'account/C'), specversion: '0.3' }),
        sqsRecord('m5', event('01D', 'account/A')),
      ],
    });
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm1' },
      { itemIdentifier: 'm3' },
      { itemIdentifier: 'm4' },
      { itemIdentifier: 'm5' },
    ]);
    expect(producer.records.map((r) => r.headers.ce_id)).toEqual(['01B']);
  });
});
