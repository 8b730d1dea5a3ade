/**
 * What the Kafka examples run against: the brokers in `KAFKA_BOOTSTRAP_SERVERS`, or, when that
 * is unset, librdkafka's mock broker from @sluice/testing (built on first use) with a producer
 * writing sample user events, so `pnpm tsx examples/kafka-to-console.ts` works on a bare machine.
 */
import { produceRecords, startKafkaBroker } from '@sluice/testing';

export interface DemoKafka {
  readonly bootstrapServers: string;
  /** Write `count` sample events (`{"user_id":…,"event_type":…,"ts":…}`) to `topic`. */
  produceEvents(topic: string, count: number): Promise<void>;
  stop(): Promise<void>;
}

const EVENT_TYPES = ['click', 'view', 'purchase', 'signup'];
let sequence = 0;

export async function demoKafka(topics: readonly string[]): Promise<DemoKafka> {
  const external = process.env['KAFKA_BOOTSTRAP_SERVERS'];
  const broker = external ? undefined : await startKafkaBroker({ topics: topics.map((name) => ({ name, partitions: 3 })) });
  const bootstrapServers = external ?? broker!.bootstrapServers;
  return {
    bootstrapServers,
    async produceEvents(topic, count) {
      const events = Array.from({ length: count }, () => {
        const n = sequence++;
        const event = { user_id: n % 5, event_type: EVENT_TYPES[n % EVENT_TYPES.length], ts: new Date().toISOString() };
        // One malformed message now and then: PERMISSIVE parsing keeps it in _corrupt_record.
        return { key: String(event.user_id), value: n % 25 === 24 ? `{"user_id": ${n % 5}, oops` : JSON.stringify(event) };
      });
      await produceRecords(bootstrapServers, topic, events);
    },
    stop: async () => broker?.stop(),
  };
}
