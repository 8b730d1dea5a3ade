import { Kafka, logLevel } from 'kafkajs';
import { MockBrokerProcess } from './mockBroker.ts';

/** A topic a test wants created before it starts. */
export interface KafkaTestTopic {
  readonly name: string;
  /** Default 1. */
  readonly partitions?: number;
}

/** Options of `startKafkaBroker`: broker count and topics to create. */
export interface KafkaBrokerOptions {
  /** Number of brokers in the mock cluster (ids 1..n). Default 1. Ignored with `SLUICE_KAFKA_BROKERS`. */
  readonly brokers?: number;
  readonly topics?: readonly KafkaTestTopic[];
}

/** A Kafka-protocol broker for one test file: librdkafka's mock cluster, or a real Kafka. */
export interface KafkaTestBroker {
  /** `host:port,host:port`, ready for the `kafka.bootstrap.servers` option. */
  readonly bootstrapServers: string;
  /** `mock`: librdkafka's mock cluster started for this test; `external`: the Kafka in `SLUICE_KAFKA_BROKERS`. */
  readonly kind: 'mock' | 'external';
  /** Whether `setBrokerDown`/`setBrokerUp`, `moveLeader` and `failRequests` work (only on the mock). */
  readonly supportsBrokerControl: boolean;
  createTopic(name: string, partitions?: number): Promise<void>;
  /** Close a broker's connections and refuse new ones until `setBrokerUp` (mock only). */
  setBrokerDown(brokerId: number): Promise<void>;
  setBrokerUp(brokerId: number): Promise<void>;
  /** Make `brokerId` the leader of a partition (mock only): clients of the old leader get NOT_LEADER_OR_FOLLOWER. */
  moveLeader(topic: string, partition: number, brokerId: number): Promise<void>;
  /** Answer the next requests of a Kafka API (`apiKey`: 1 = Fetch, 2 = ListOffsets, …) with these error codes, one per request (mock only). */
  failRequests(apiKey: number, errorCodes: readonly number[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Why broker down/up tests are skipped, or `undefined` when they can run (the local mock).
 *
 * @example
 * it.skipIf(brokerControlSkipReason())('survives a broker outage', async () => { … });
 */
export function brokerControlSkipReason(): string | undefined {
  return externalBrokers()
    ? 'SLUICE_KAFKA_BROKERS points at a real Kafka: taking brokers down and up is only possible on the local mock broker'
    : undefined;
}

/**
 * Start a Kafka-protocol broker for a test. By default this is librdkafka's mock cluster on
 * loopback (N brokers, the given topics created), built on demand from
 * `packages/testing/native/kafka-mock.c`. With `SLUICE_KAFKA_BROKERS=host:port,…` set, the tests
 * run against that Kafka instead: topics are created with the admin API and `stop()` leaves
 * the broker running.
 *
 * The mock keeps at most ~5 MiB or 100 k messages per partition and silently drops older ones,
 * has no CreateTopics API (topics are created through the launcher), and does not implement
 * transaction isolation.
 *
 * @example
 * const broker = await startKafkaBroker({ topics: [{ name: 'events', partitions: 3 }] });
 * // … option('kafka.bootstrap.servers', broker.bootstrapServers) …
 * await broker.stop();
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaTestBroker> {
  const external = externalBrokers();
  const broker = external ? externalBroker(external) : await mockBroker(options.brokers ?? 1);
  try {
    for (const topic of options.topics ?? []) await broker.createTopic(topic.name, topic.partitions ?? 1);
  } catch (error) {
    await broker.stop();
    throw error;
  }
  return broker;
}

function externalBrokers(): string | undefined {
  const value = process.env['SLUICE_KAFKA_BROKERS']?.trim();
  return value ? value : undefined;
}

async function mockBroker(brokers: number): Promise<KafkaTestBroker> {
  const process = await MockBrokerProcess.start(brokers);
  return {
    bootstrapServers: process.bootstrapServers,
    kind: 'mock',
    supportsBrokerControl: true,
    createTopic: async (name, partitions = 1) => {
      await process.command(`create ${checkTopicName(name)} ${partitions}`);
    },
    setBrokerDown: async (id) => {
      await process.command(`down ${id}`);
    },
    setBrokerUp: async (id) => {
      await process.command(`up ${id}`);
    },
    moveLeader: async (topic, partition, id) => {
      await process.command(`leader ${checkTopicName(topic)} ${partition} ${id}`);
    },
    failRequests: async (apiKey, codes) => {
      await process.command(`errors ${apiKey} ${codes.map((c) => Math.trunc(c)).join(' ')}`);
    },
    stop: () => process.stop(),
  };
}

function externalBroker(bootstrapServers: string): KafkaTestBroker {
  const kafka = new Kafka({ brokers: bootstrapServers.split(','), clientId: 'sluice-tests', logLevel: logLevel.NOTHING });
  const unsupported = async (): Promise<never> => {
    throw new Error(brokerControlSkipReason());
  };
  return {
    bootstrapServers,
    kind: 'external',
    supportsBrokerControl: false,
    createTopic: async (name, partitions = 1) => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic: checkTopicName(name), numPartitions: partitions }], waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
    },
    setBrokerDown: unsupported,
    setBrokerUp: unsupported,
    moveLeader: unsupported,
    failRequests: unsupported,
    stop: async () => {},
  };
}

function checkTopicName(name: string): string {
  // Kafka's own rule; checked here because the launcher's line protocol cannot carry spaces.
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(name)) throw new Error(`Invalid Kafka topic name '${name}': use letters, digits, '.', '_' and '-'.`);
  return name;
}

let topicCounter = 0;

/**
 * A topic name no other test uses: against a shared real Kafka (`SLUICE_KAFKA_BROKERS`) tests
 * must not see each other's records, and the mock keeps topics for its whole life. Letters,
 * digits and underscores only (a `-` or `.` in the prefix becomes `_`), so the name also serves
 * as a query name, which a memory sink registers as a view, as Spark does.
 *
 * @example
 * const topic = uniqueTopicName('orders'); // 'orders_…': no other test or run shares it
 */
export function uniqueTopicName(prefix = 'topic'): string {
  return `${prefix.replace(/[^A-Za-z0-9_]/g, '_')}_${process.pid}_${Date.now().toString(36)}_${(topicCounter++).toString(36)}`;
}

/**
 * Why tests of offset look-ups by timestamp are skipped, or `undefined` when they can run:
 * librdkafka's mock broker answers ListOffsets with a timestamp with the log end, so only a
 * real Kafka (`SLUICE_KAFKA_BROKERS`) can check them.
 *
 * @example
 * it.skipIf(timestampLookupSkipReason())('startingTimestamp reads from the first later record', async () => { … });
 */
export function timestampLookupSkipReason(): string | undefined {
  return externalBrokers()
    ? undefined
    : "librdkafka's mock broker does not look offsets up by timestamp (it answers with the log end); set SLUICE_KAFKA_BROKERS to run this against a real Kafka";
}
