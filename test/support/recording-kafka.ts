import type { KafkaProducerPort, KafkaRecord } from '../../shared/application/events/kafka-bridge';

/** A Kafka producer that records what it is given; `failKeys` makes sends for those keys throw. */
export class RecordingKafkaProducer implements KafkaProducerPort {
  readonly records: KafkaRecord[] = [];
  readonly failKeys = new Set<string>();

  async send(record: KafkaRecord): Promise<void> {
    if (this.failKeys.has(record.key)) throw new Error(`broker refused key ${record.key}`);
    this.records.push(record);
  }
}
