import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { bridgeToKafka } from '../../../shared/application/events/kafka-bridge';
import {
  OutboxDispatcher,
  defaultDispatcherOptions,
} from '../../../shared/application/events/dispatcher';
import type { CloudEvent } from '../../../shared/contracts/events/cloud-event';
import { KafkaJsProducer } from '../../../shared/infrastructure/events/kafka-producer';
import { createTestApi, type TestApi } from '../../support/api-client';
import { postings } from '../../support/outbox-events';
import { RecordingKafkaProducer } from '../../support/recording-kafka';

describe('the local Kafka bridge on DynamoDB Local (recording producer)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('events-kafka');
  });
  afterAll(async () => api.close());

  it('produces each published event once, keyed by aggregate, in per-account order', async () => {
    const { accountId, transactionIds } = await postings(api, 3);
    await api.call('POST', `/accounts/${accountId}/freeze`, { body: { reason: 'kafka' } });
    const producer = new RecordingKafkaProducer();
    const dispatcher = new OutboxDispatcher(
      { outbox: api.deps.outbox, clock: api.deps.clock, logger: api.deps.logger },
      defaultDispatcherOptions('test'),
    );
    dispatcher.subscribe(async (event) => {
      const { failedItemIds } = await bridgeToKafka(
        producer,
        [{ itemId: event.id, event }],
        'bank',
      );
      if (failedItemIds.length > 0) throw new Error('not produced');
    });
    await dispatcher.pollOnce();
    await dispatcher.pollOnce();

    const ofAccount = producer.records.filter((r) => r.key === accountId);
    expect(ofAccount.map((r) => [r.topic, r.headers.ce_type])).toEqual([
      ['bank.account', 'nexum.account.opened'],
      ['bank.account', 'nexum.account.frozen'],
    ]);
    const posted = producer.records.filter((r) => r.topic === 'bank.transaction');
    expect(posted.map((r) => r.key)).toEqual(transactionIds);
    expect(new Set(producer.records.map((r) => r.headers.ce_id)).size).toBe(
      producer.records.length,
    );
    expect(JSON.parse(posted[0]?.value ?? '{}')).toMatchObject({
      toAccountId: accountId,
      currency: 'USD',
    });
  });
});

const brokers = process.env.KAFKA_BROKERS?.split(',').filter((b) => b.trim() !== '');
if (brokers === undefined || brokers.length === 0) {
  process.stdout.write(
    'kafka-bridge: KAFKA_BROKERS is not set, so the real-broker round trip is not registered\n',
  );
} else {
  describe('the Kafka bridge against a real broker (KAFKA_BROKERS)', () => {
    it('produces a CloudEvent in binary mode that a consumer reads back with its headers', async () => {
      const prefix = `nexum-it-${randomUUID().slice(0, 8)}`;
      const kafka = new Kafka({ clientId: 'nexum-it', brokers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: `${prefix}.account`, numPartitions: 1 }] });
      await admin.disconnect();
      const producer = new KafkaJsProducer({ brokers, clientId: 'nexum-it-producer' });
      const event: CloudEvent = {
        specversion: '1.0',
        id: randomUUID(),
        source: 'nexum/it',
        type: 'nexum.account.opened',
        subject: 'account/ACC-IT',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        sequence: '1',
        data: { accountId: 'ACC-IT' },
      };
      const { failedItemIds } = await bridgeToKafka(producer, [{ itemId: 'm1', event }], prefix);
      await producer.disconnect();
      expect(failedItemIds).toEqual([]);

      const consumer = kafka.consumer({ groupId: `${prefix}-reader` });
      await consumer.connect();
      await consumer.subscribe({ topic: `${prefix}.account`, fromBeginning: true });
      const received = await new Promise<{
        key: string;
        value: string;
        headers: Record<string, string>;
      }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 20 s')), 20_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
              ),
            });
          },
        });
      });
      await consumer.disconnect();
      expect(received.key).toBe('ACC-IT');
      expect(JSON.parse(received.value)).toEqual({ accountId: 'ACC-IT' });
      expect(received.headers).toMatchObject({
        ce_id: event.id,
        ce_type: 'nexum.account.opened',
        ce_subject: 'account/ACC-IT',
        'content-type': 'application/json',
      });
    }, 60_000);
  });
}
