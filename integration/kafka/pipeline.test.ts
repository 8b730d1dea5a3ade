import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { col, fromJson, isSluiceError, memoryCheckpoint, QueryManager, readStream, select, silentLogger, toJson, type StreamingQuery } from '@sluice/core';
import { FAULT_POINTS, SimulatedCrash, type FaultPhase, type FaultPoint } from '@sluice/core/connector';
import { kafkaSource } from '@sluice/sources';
import { kafkaSink, memorySink, memoryTableRows } from '@sluice/sinks';
import { produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { FAST_FETCH, memoryValues, recordingLogger, startWhenUnlocked, topicRecords } from './support.ts';

let broker: KafkaTestBroker;
let checkpoints: string;
const manager = new QueryManager({ logger: silentLogger });

beforeAll(async () => {
  broker = await startKafkaBroker();
  checkpoints = await mkdtemp(join(tmpdir(), 'sluice-kafka-it-'));
});
afterAll(async () => {
  await Promise.all(manager.active.map((q) => q.stop()));
  await broker?.stop();
  await rm(checkpoints, { recursive: true, force: true });
});

async function topicOf(partitions: number, values: readonly string[] = []): Promise<string> {
  const topic = uniqueTopicName('it');
  await broker.createTopic(topic, partitions);
  if (values.length > 0) await produceRecords(broker.bootstrapServers, topic, values.map((value, i) => ({ value, partition: i % partitions })));
  return topic;
}
const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);
const sorted = (values: readonly string[]) => [...values].sort();

describe.concurrent('kafka → memory through real queries', () => {
  it('N records in, exactly N in the memory sink; progress carries the Kafka description, offsets and lag metrics', async () => {
    const topic = await topicOf(3, range('v', 0, 3000));
    const query = await readStream().format('kafka')
      .option('kafka.bootstrap.servers', broker.bootstrapServers).option('subscribe', topic).option('startingOffsets', 'earliest')
      .option('kafka.fetch.max.wait.ms', 20)
      .load()
      .writeStream().format('memory').queryName(topic).manager(manager).start();
    await query.processAllAvailable();
    await produceRecords(broker.bootstrapServers, topic, range('w', 0, 500).map((value) => ({ value })));
    await query.processAllAvailable();
    expect(sorted(memoryValues(topic))).toEqual(sorted([...range('v', 0, 3000), ...range('w', 0, 500)]));
    const progress = query.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!;
    const source = progress.sources[0]!;
    expect(source.description).toBe(`KafkaV2[Subscribe[${topic}]]`);
    expect(source.endOffset).toEqual(source.latestOffset);
    expect(source.metrics).toEqual({ avgOffsetsBehindLatest: '0.0', maxOffsetsBehindLatest: '0', minOffsetsBehindLatest: '0' });
    await query.stop();
  });

  it('maxOffsetsPerTrigger bounds every batch, and all records still arrive once', async () => {
    const topic = await topicOf(2, range('m', 0, 1000));
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 150, ...FAST_FETCH })
      .writeTo(memorySink(), { queryName: topic, manager });
    await query.processAllAvailable();
    const batches = query.recentProgress.filter((p) => p.numInputRows > 0);
    expect(batches.length).toBeGreaterThanOrEqual(7);
    for (const p of batches) expect(p.numInputRows).toBeLessThanOrEqual(150);
    expect(sorted(memoryValues(topic))).toEqual(sorted(range('m', 0, 1000)));
    await query.stop();
  });

  it('a topic created mid-stream that matches subscribePattern is read from its start', async () => {
    const prefix = uniqueTopicName('pattern');
    await broker.createTopic(`${prefix}-first`, 1);
    await produceRecords(broker.bootstrapServers, `${prefix}-first`, [{ value: 'first-0' }]);
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribePattern: `${prefix}-.*`, startingOffsets: 'earliest', ...FAST_FETCH })
      .writeTo(memorySink(), { queryName: prefix, manager });
    await query.processAllAvailable();
    await broker.createTopic(`${prefix}-second`, 2);
    await produceRecords(broker.bootstrapServers, `${prefix}-second`, [{ value: 'second-0', partition: 0 }, { value: 'second-1', partition: 1 }]);
    await produceRecords(broker.bootstrapServers, `${prefix}-first`, [{ value: 'first-1' }]);
    await query.processAllAvailable();
    expect(sorted(memoryValues(prefix))).toEqual(['first-0', 'first-1', 'second-0', 'second-1']);
    await query.stop();
  });

  it.each([
    ['earliest', (t: string) => 'earliest', ['old-0', 'old-1', 'old-2', 'old-3', 'new-0']],
    ['latest', (_t: string) => 'latest', ['new-0']],
    ['JSON', (t: string) => JSON.stringify({ [t]: { 0: 1, 1: -1 } }), ['old-2', 'new-0']],
  ])('startingOffsets %s', async (_form, startingOffsets, expected) => {
    const topic = await topicOf(2, ['old-0', 'old-1', 'old-2', 'old-3']);
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: startingOffsets(topic), ...FAST_FETCH })
      .writeTo(memorySink(), { queryName: topic, manager });
    await query.processAllAvailable();
    await produceRecords(broker.bootstrapServers, topic, [{ value: 'new-0', partition: 0 }]);
    await query.processAllAvailable();
    expect(sorted(memoryValues(topic))).toEqual(sorted(expected));
    await query.stop();
  });

  it('malformed JSON values never crash the query in PERMISSIVE mode: they land in _corrupt_record', async () => {
    const topic = await topicOf(1, ['{"id":1,"kind":"click"}', 'not json {', '{"id":3,"kind":"view"}']);
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', ...FAST_FETCH })
      .pipe(fromJson('value', 'id LONG, kind STRING'), select('id', 'kind', '_corrupt_record'))
      .writeTo(memorySink(), { queryName: topic, manager });
    await query.processAllAvailable();
    expect(memoryTableRows(topic)).toEqual([
      { id: 1n, kind: 'click', _corrupt_record: null },
      { id: null, kind: null, _corrupt_record: 'not json {' },
      { id: 3n, kind: 'view', _corrupt_record: null },
    ]);
    expect(query.exception).toBeNull();
    await query.stop();
  });

  it('kafka → kafka round trip: keyed JSON out (the to_json(struct(*)) pattern), every record once', async () => {
    const input = await topicOf(3, Array.from({ length: 300 }, (_, i) => JSON.stringify({ user: `u${i % 7}`, n: i })));
    const output = await topicOf(3);
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: input, startingOffsets: 'earliest', ...FAST_FETCH })
      .pipe(fromJson('value', 'user STRING, n LONG'), select(col('user').alias('key'), toJson('user', 'n').alias('value')))
      .writeTo(kafkaSink({ 'kafka.bootstrap.servers': broker.bootstrapServers, topic: output }), { checkpointLocation: join(checkpoints, output), manager });
    await query.processAllAvailable();
    await query.stop();
    const records = await topicRecords(broker.bootstrapServers, output);
    expect(records).toHaveLength(300);
    expect(new Set(records.map((r) => JSON.parse(r.value!).n)).size).toBe(300);
    for (const r of records) expect(JSON.parse(r.value!).user).toBe(r.key);
    // Kafka's partitioner keeps one key in one partition.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of records) partitionsOfKey.set(r.key!, (partitionsOfKey.get(r.key!) ?? new Set()).add(r.partition));
    for (const set of partitionsOfKey.values()) expect(set.size).toBe(1);
  });

  it('unreachable bootstrap servers fail the query with KAFKA_UNREACHABLE, in bounded time', async () => {
    const started = Date.now();
    const failure = await kafkaSource({ 'kafka.bootstrap.servers': '127.0.0.1:1', subscribe: 'nowhere' })
      .writeTo(memorySink(), { queryName: uniqueTopicName('unreachable'), manager })
      .then((q) => q.awaitTermination())
      .catch((e: unknown) => e);
    expect(isSluiceError(failure, 'SOURCE_FAILED') || isSluiceError(failure, 'KAFKA_UNREACHABLE')).toBe(true);
    expect(String(failure)).toMatch(/KAFKA_UNREACHABLE|Cannot reach the Kafka brokers 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('exactly-once across crashes at every point of the batch lifecycle', () => {
  const points = FAULT_POINTS.flatMap((point) => (['before', 'after'] as const).map((phase) => [point, phase] as const));

  it.concurrent.each(points)('crash %s:%s during batch 1, restart from the checkpoint: every record once', async (point, phase) => {
    const topic = await topicOf(2, range('a', 0, 100));
    const checkpoint = memoryCheckpoint();
    let crashed = false;
    const injector = {
      at(at: FaultPoint, atPhase: FaultPhase, batchId: number) {
        if (!crashed && at === point && atPhase === phase && (batchId === 1 || point === 'initialize')) {
          crashed = true;
          throw new SimulatedCrash(`${point}:${phase}`);
        }
      },
    };
    const start = (faults?: typeof injector) => {
      let writer = kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', ...FAST_FETCH })
        .writeStream().sink(memorySink()).queryName(topic).option('checkpointLocation', checkpoint).manager(manager);
      if (faults) writer = writer.faults(faults);
      return writer.start();
    };
    let query: StreamingQuery | undefined = await start(injector).catch(() => undefined);
    if (query) {
      await query.processAllAvailable().catch(() => {});
      await produceRecords(broker.bootstrapServers, topic, range('b', 0, 100).map((value, i) => ({ value, partition: i % 2 })));
      await query.processAllAvailable().catch(() => {});
      await query.awaitTermination(5000).catch(() => {});
      if (query.isActive) await query.stop();
    } else {
      await produceRecords(broker.bootstrapServers, topic, range('b', 0, 100).map((value, i) => ({ value, partition: i % 2 })));
    }
    expect(crashed).toBe(true);
    query = await startWhenUnlocked(() => start());
    await query.processAllAvailable();
    await produceRecords(broker.bootstrapServers, topic, range('c', 0, 50).map((value) => ({ value })));
    await query.processAllAvailable();
    await query.stop();
    expect(sorted(memoryValues(topic))).toEqual(sorted([...range('a', 0, 100), ...range('b', 0, 100), ...range('c', 0, 50)]));
  });
});

describe('data loss: the broker restarted empty under an existing checkpoint', () => {
  it.concurrent.each([true, false])('failOnDataLoss=%s', async (failOnDataLoss) => {
    const topic = uniqueTopicName('loss');
    const checkpoint = join(checkpoints, topic);
    const first = await startKafkaBroker({ topics: [{ name: topic, partitions: 1 }] });
    const second = await startKafkaBroker({ topics: [{ name: topic, partitions: 1 }] });
    const log = recordingLogger();
    const run = (bootstrap: string) =>
      kafkaSource({ 'kafka.bootstrap.servers': bootstrap, subscribe: topic, startingOffsets: 'earliest', failOnDataLoss, ...FAST_FETCH })
        .writeTo(memorySink(), { queryName: topic, checkpointLocation: checkpoint, manager: new QueryManager({ logger: log }) });
    try {
      await produceRecords(first.bootstrapServers, topic, range('before-', 0, 50).map((value) => ({ value })));
      const before = await run(first.bootstrapServers);
      await before.processAllAvailable();
      await before.stop();
      // Same topic, same checkpoint, but the log now holds only 5 records: offsets 5..49 are gone.
      await produceRecords(second.bootstrapServers, topic, range('after-', 0, 5).map((value) => ({ value })));
      const after = await run(second.bootstrapServers);
      if (failOnDataLoss) {
        const error = await after.awaitTermination().catch((e: unknown) => e);
        expect(String(error)).toContain('KAFKA_DATA_LOSS');
        expect(String(error)).toContain(`${topic}-0 offsets [5, 50)`);
      } else {
        await after.processAllAvailable();
        await produceRecords(second.bootstrapServers, topic, [{ value: 'after-5' }]);
        await after.processAllAvailable();
        expect(after.exception).toBeNull();
        expect(memoryValues(topic)).toEqual([...range('before-', 0, 50), 'after-5']);
        expect(log.lines.some((l) => l.startsWith('WARN') && l.includes('failOnDataLoss is false'))).toBe(true);
        expect(after.recentProgress.at(-1)!.sources[0]!.metrics).toMatchObject({ offsetsLost: '45' });
        await after.stop();
      }
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
