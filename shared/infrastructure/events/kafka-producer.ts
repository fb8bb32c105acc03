import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { KafkaProducerPort, KafkaRecord } from '../../application/events/kafka-bridge';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** MSK IAM auth (SASL OAUTHBEARER over TLS) in this region; plain TCP when undefined. */
  readonly iamRegion?: string | undefined;
}

/**
 * kafkajs producer: idempotent (exactly one write per record per producer session, in order per
 * partition), acks from all in-sync replicas, MSK IAM auth through the signer's OAuth tokens.
 */
export class KafkaJsProducer implements KafkaProducerPort {
  private readonly producer: Producer;
  private connected: Promise<void> | undefined;

  constructor(settings: KafkaSettings) {
    const region = settings.iamRegion;
    const kafka = new Kafka({
      clientId: settings.clientId,
      brokers: [...settings.brokers],
      logLevel: logLevel.WARN,
      ...(region === undefined
        ? {}
        : {
            ssl: true,
            sasl: {
              mechanism: 'oauthbearer' as const,
              oauthBearerProvider: async () => ({
                value: (await generateAuthToken({ region })).token,
              }),
            },
          }),
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
    });
  }

  async send(record: KafkaRecord): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await this.producer.send({
      topic: record.topic,
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: { ...record.headers } }],
    });
  }

  async disconnect(): Promise<void> {
    if (this.connected !== undefined) await this.producer.disconnect();
    this.connected = undefined;
  }
}
