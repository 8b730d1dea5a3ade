/**
 * Kafka through Sluice, against the same local broker (librdkafka's mock cluster from
 * @sluice/testing, or SLUICE_KAFKA_BROKERS):
 *  1. throughput: kafka → noop records/s vs a raw kafkajs `eachBatch` consumer reading the same
 *     topic with the same fetch settings;
 *  2. latency: kafka → memory at a steady 5,000 msg/s with the default trigger, p50/p99 from
 *     the producer's send to the batch being committed, vs a raw kafkajs consumer's receive.
 * The raw consumer pays a consumer-group join (~3 s on the mock; Sluice's reader joins no
 * group); it is kept out of the figures: both are timed from their first batch.
 * The mock answers a fetch only when its wait runs out, even when records arrive meanwhile (a
 * real broker answers at once), so both sides fetch with `fetch.max.wait.ms` = 10 here.
 */
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { memoryCheckpoint, QueryManager, silentLogger, type StreamingQueryProgress } from '@sluice/core';
import { kafkaSource } from '@sluice/sources';
import { memorySink, memoryTableBatches, noopSink } from '@sluice/sinks';
import { produceRecords, startKafkaBroker, uniqueTopicName } from '@sluice/testing';
import { median, percentile, type Bench } from './lib/bench.ts';

const PARTITIONS = 8;
const PER_PARTITION = 60_000; // the mock keeps ≤ 100 k messages / ~5 MiB per partition
const RATE = 5_000;
const LATENCY_SECONDS = 12;
const WARM_UP_MS = 2_000;
const FETCH = { maxWaitTimeInMs: 10, maxBytesPerPartition: 1_048_576, maxBytes: 52_428_800 };

export const bench: Bench = {
  name: 'kafka: source throughput vs raw kafkajs, end-to-end latency at 5,000 msg/s',
  async run({ report, progress }) {
    const broker = await startKafkaBroker();
    const manager = new QueryManager({ logger: silentLogger });
    try {
      const topic = uniqueTopicName('bench');
      await broker.createTopic(topic, PARTITIONS);
      progress(`writing ${(PARTITIONS * PER_PARTITION).toLocaleString()} records to ${PARTITIONS} partitions`);
      // Written partition by partition, 1000 records a send: the mock returns one record batch
      // per partition per fetch, so small batches would measure its round trips, not the consumers.
      const records = Array.from({ length: PARTITIONS * PER_PARTITION }, (_, i) => ({ partition: Math.floor(i / PER_PARTITION), key: `k${i % 1000}`, value: `{"id":${i},"kind":"click"}` }));
      await produceRecords(broker.bootstrapServers, topic, records);

      const raw: number[] = [];
      const keeping: number[] = [];
      const sluice: number[] = [];
      for (let round = 0; round < 5; round++) {
        progress(`throughput round ${round + 1}/5: raw kafkajs`);
        raw.push(await rawThroughput(broker.bootstrapServers, topic, records.length, false));
        progress(`throughput round ${round + 1}/5: raw kafkajs keeping each record`);
        keeping.push(await rawThroughput(broker.bootstrapServers, topic, records.length, true));
        progress(`throughput round ${round + 1}/5: Sluice kafka → noop`);
        sluice.push(await sluiceThroughput(manager, broker.bootstrapServers, topic, records.length));
      }
      report({
        name: 'kafka → noop (default trigger, 60k/batch)', unit: 'records/s', value: median(sluice),
        baseline: { name: 'raw kafkajs eachBatch', value: median(raw) }, better: 'higher', target: '≥ 0.9×',
      });
      // The same consumer copying out each record's offset, timestamp, key and value, as any
      // consumer that keeps data must: what materializing records costs kafkajs itself.
      report({
        name: 'kafka → noop vs a consumer keeping records', unit: 'records/s', value: median(sluice),
        baseline: { name: 'raw kafkajs eachBatch, records copied', value: median(keeping) }, better: 'higher',
      });

      progress(`latency: raw kafkajs consumer at ${RATE} msg/s for ${LATENCY_SECONDS} s`);
      const rawLatency = await rawLatencies(broker.bootstrapServers);
      progress(`latency: Sluice kafka → memory at ${RATE} msg/s for ${LATENCY_SECONDS} s`);
      const sluiceLatency = await sluiceLatencies(manager, broker.bootstrapServers);
      report({ name: 'kafka → memory latency p50 (5,000 msg/s)', unit: 'ms', value: percentile(sluiceLatency, 50), baseline: { name: 'raw kafkajs receive p50', value: percentile(rawLatency, 50) }, better: 'lower' });
      report({ name: 'kafka → memory latency p99 (5,000 msg/s)', unit: 'ms', value: percentile(sluiceLatency, 99), baseline: { name: 'raw kafkajs receive p99', value: percentile(rawLatency, 99) }, better: 'lower', target: '≤ 50 ms' });
    } finally {
      await Promise.all(manager.active.map((q) => q.stop()));
      await broker.stop();
    }
  },
};

/**
 * A plain kafkajs consumer counting records (or, with `keep`, copying each one's fields into
 * arrays), timed from its first batch (after the join) to the last record.
 */
async function rawThroughput(bootstrap: string, topic: string, total: number, keep: boolean): Promise<number> {
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueTopicName('raw'), ...FETCH });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let firstBatch = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (started === 0) {
          started = performance.now();
          firstBatch = batch.messages.length;
        }
        seen += batch.messages.length;
        if (keep) {
          const kept = { offsets: [] as number[], timestamps: [] as number[], keys: [] as Buffer[], values: [] as Buffer[] };
          for (const m of batch.messages) {
            kept.offsets.push(+m.offset);
            kept.timestamps.push(+m.timestamp);
            kept.keys.push(Buffer.from(m.key!));
            kept.values.push(Buffer.from(m.value!));
          }
        }
        if (seen >= total) resolve(performance.now());
      },
    });
  });
  const ended = await done;
  await consumer.disconnect();
  return (seen - firstBatch) / ((ended - started) / 1000);
}

/** Sluice reading the same topic into noop, timed from the end of its first batch (which holds the join) to the last. */
async function sluiceThroughput(manager: QueryManager, bootstrap: string, topic: string, total: number): Promise<number> {
  const query = await kafkaSource({ 'kafka.bootstrap.servers': bootstrap, subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 60_000, 'kafka.fetch.max.wait.ms': FETCH.maxWaitTimeInMs })
    .writeTo(noopSink(), { checkpointLocation: memoryCheckpoint(), manager });
  let seen = 0;
  let first = 0;
  let started = 0;
  const ended = await new Promise<number>((resolve) => {
    const sub = query.progress$.subscribe((p) => {
      if (p.numInputRows === 0) return;
      seen += p.numInputRows;
      if (started === 0) {
        started = performance.now();
        first = p.numInputRows;
      }
      if (seen >= total) {
        sub.unsubscribe();
        resolve(performance.now());
      }
    });
  });
  await query.stop();
  return (seen - first) / ((ended - started) / 1000);
}

/** Produce `RATE` records a second for `LATENCY_SECONDS`, each carrying its send time; calls `sent` per send. */
async function produceSteadily(bootstrap: string, topic: string): Promise<void> {
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const perTick = RATE / 100;
  const started = performance.now();
  for (let tick = 0; tick < LATENCY_SECONDS * 100; tick++) {
    const due = started + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const now = performance.timeOrigin + performance.now();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: perTick }, (_, i) => ({ value: `${now.toFixed(3)}:${tick}:${i}` })) });
  }
  await producer.disconnect();
}

const sentAt = (value: string) => Number(value.slice(0, value.indexOf(':')));
const nowMs = () => performance.timeOrigin + performance.now();

async function rawLatencies(bootstrap: string): Promise<number[]> {
  const topic = uniqueTopicName('latency-raw');
  const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  await produceRecords(bootstrap, topic, [{ value: '0:warm' }]);
  const consumer = kafka.consumer({ groupId: uniqueTopicName('raw-latency'), ...FETCH });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: false });
  const latencies: number[] = [];
  let warmUntil = Infinity;
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = nowMs();
      for (const m of batch.messages) {
        const sent = sentAt(m.value!.toString());
        if (sent > warmUntil) latencies.push(now - sent);
      }
    },
  });
  warmUntil = nowMs() + WARM_UP_MS;
  await produceSteadily(bootstrap, topic);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await consumer.disconnect();
  return latencies;
}

async function sluiceLatencies(manager: QueryManager, bootstrap: string): Promise<number[]> {
  const topic = uniqueTopicName('latency');
  await produceRecords(bootstrap, topic, [{ value: '0:warm' }]);
  const query = await kafkaSource({ 'kafka.bootstrap.servers': bootstrap, subscribe: topic, 'kafka.fetch.max.wait.ms': FETCH.maxWaitTimeInMs })
    .writeTo(memorySink(), { queryName: topic, checkpointLocation: memoryCheckpoint(), manager });
  const latencies: number[] = [];
  let warmUntil = Infinity;
  const seenBatches = new Set<number>();
  // A batch is visible to readers of the memory table once its progress event fires (after the commit).
  query.progress$.subscribe((p: StreamingQueryProgress) => {
    const now = nowMs();
    for (const batch of memoryTableBatches(topic)) {
      if (seenBatches.has(batch.batchId)) continue;
      seenBatches.add(batch.batchId);
      const values = batch.table.getChild('value')!;
      for (let i = 0; i < values.length; i++) {
        const sent = sentAt(Buffer.from(values.get(i) as Uint8Array).toString());
        if (sent > warmUntil) latencies.push(now - sent);
      }
    }
  });
  // Let the consumer join before the clock starts: the first batch with data pays for it.
  // (processAllAvailable first: 'latest' is resolved at the first trigger.)
  await query.processAllAvailable();
  await produceRecords(bootstrap, topic, [{ value: '0:warm-2' }]);
  for (let i = 0; i < 300 && seenBatches.size === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (seenBatches.size === 0) throw new Error('Sluice did not deliver the warm-up record within 15 s');
  warmUntil = nowMs() + WARM_UP_MS;
  await produceSteadily(bootstrap, topic);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await query.stop();
  return latencies;
}
