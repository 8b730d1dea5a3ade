import { Kafka, logLevel, type Message } from 'kafkajs';

/** One record to write in a test: strings or bytes, an explicit partition when it matters. */
export interface TestRecord {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
  /** Milliseconds since the epoch; a string is written as the exact int64 it spells (beyond 2^53 too). */
  readonly timestamp?: number | string;
}

/**
 * Write records to a topic and wait until the broker acknowledged them all (acks = all), in
 * sends of 1000. For arranging a test's input; Sluice's own Kafka sink is what tests check.
 *
 * @example await produceRecords(broker.bootstrapServers, 'events', [{ value: '{"id":1}' }]);
 */
export async function produceRecords(bootstrapServers: string, topic: string, records: readonly TestRecord[]): Promise<void> {
  const kafka = new Kafka({ brokers: bootstrapServers.split(','), clientId: 'sluice-test-producer', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 1000) {
      const messages: Message[] = records.slice(i, i + 1000).map((r) => ({
        key: r.key ?? null,
        value: r.value,
        ...(r.partition === undefined ? {} : { partition: r.partition }),
        ...(r.headers ? { headers: { ...r.headers } } : {}),
        ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
      }));
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}
