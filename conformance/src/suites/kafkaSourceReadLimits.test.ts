/**
 * KafkaMicroBatchSourceSuite: read limits (maxOffsetsPerTrigger, minOffsetsPerTrigger, both),
 * Trigger.AvailableNow and Trigger.Once, and the source's progress metrics, restated on the real
 * Kafka source against the test broker.
 *
 * Spark steps batches with a manual clock; here batches are driven by the triggers that run a
 * known number of them (availableNow, once, processAllAvailable) or awaited by their progress
 * event, so no step waits on wall-clock time. The steps of Spark's minOffsetsPerTrigger tests
 * that wait out `maxTriggerDelay` (a real 5 s sleep in Spark) are covered on virtual time by
 * packages/sources' kafkaSource tests; here the first batch and the Trigger.Once part are restated.
 */
import { describe, expect } from 'vitest';
import { filter, firstValueFrom, startWith } from 'rxjs';
import '@sluice/sources';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, col, FileCheckpointStore, join as joinStreams, once, QueryManager, readStream, select, selectExpr, silentLogger, udf } from '@sluice/core';
import { memorySink, memoryTable, memoryTableRows } from '@sluice/sinks';
import { uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { suite } from '../harness/scenario.ts';
import { KafkaStreamTest, intValues, range, sendMessages, sorted, useKafkaBroker } from '../harness/kafkaStream.ts';

const spark = suite('KafkaMicroBatchSourceSuite');
let broker: KafkaTestBroker;
const manager = new QueryManager({ logger: silentLogger });

useKafkaBroker(manager, (started) => (broker = started));

/** Run one batch of everything (Trigger.Once) on a stream's checkpoint and wait for it to end. */
async function runOnce(stream: KafkaStreamTest): Promise<void> {
  const query = await stream.start(once());
  await query.awaitTermination();
  expect(query.exception).toBeNull();
}

/** Start the stream and wait for its first batch with rows (Spark's waitUntilBatchProcessed after StartStream). */
async function firstBatch(stream: KafkaStreamTest): Promise<number[]> {
  const query = await stream.start();
  await firstValueFrom(query.progress$.pipe(startWith(null), filter(() => stream.batches().some((b) => b.length > 0) || query.exception !== null)));
  expect(query.exception).toBeNull();
  await stream.stop();
  return stream.batches().find((b) => b.length > 0)!;
}

/** Spark's "When Trigger.Once() is used, the read limit should be ignored" half of the read-limit tests. */
async function onceIgnoresReadLimit(topic: string, options: Record<string, unknown>, allData: readonly number[]): Promise<void> {
  const stream = new KafkaStreamTest(broker, manager, { subscribe: topic, startingOffsets: 'earliest', 'kafka.metadata.max.age.ms': '1', ...options });
  await runOnce(stream);
  expect(stream.values()).toEqual(sorted(allData));
  expect(stream.batches()).toHaveLength(1);
  await sendMessages(broker, topic, range(1000, 1010));
  await runOnce(stream);
  expect(stream.values()).toEqual(sorted([...allData, ...range(1000, 1010)]));
}

describe.concurrent('KafkaMicroBatchSourceSuite: read limits', () => {
  spark.scenario('maxOffsetsPerTrigger', async () => {
    const topic = uniqueTopicName('max-offsets');
    await broker.createTopic(topic, 3);
    await sendMessages(broker, topic, range(100, 200), 0);
    await sendMessages(broker, topic, range(10, 20), 1);
    await sendMessages(broker, topic, ['1'], 2);
    const options = { subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 10, 'kafka.metadata.max.age.ms': '1' };
    const stream = new KafkaStreamTest(broker, manager, options);
    const query = await stream.start(availableNow());
    await query.awaitTermination();
    expect(query.exception).toBeNull();
    expect(stream.batches().slice(0, 4)).toEqual([
      sorted([1, 10, ...range(100, 107)]), // 1 from smallest, 1 from middle, 8 from biggest
      sorted([11, ...range(108, 116)]), // smallest now empty, 1 more from middle, 9 more from biggest
      sorted([12, ...range(117, 125)]),
      sorted([13, ...range(126, 134)]),
    ]);
    expect(stream.values()).toEqual(sorted([1, ...range(10, 20), ...range(100, 200)]));
    // When Trigger.Once() is used, the read limit should be ignored.
    await onceIgnoresReadLimit(topic, { maxOffsetsPerTrigger: 10 }, [1, ...range(10, 20), ...range(100, 200)]);
  });

  spark.scenario('minOffsetsPerTrigger', async () => {
    const topic = uniqueTopicName('min-offsets');
    await broker.createTopic(topic, 3);
    await sendMessages(broker, topic, range(100, 109), 0);
    await sendMessages(broker, topic, range(10, 14), 1);
    await sendMessages(broker, topic, ['1'], 2);
    const options = { subscribe: topic, startingOffsets: 'earliest', minOffsetsPerTrigger: 15, maxTriggerDelay: '5s', 'kafka.metadata.max.age.ms': '1' };
    // First Batch is always processed
    expect(await firstBatch(new KafkaStreamTest(broker, manager, options))).toEqual(sorted([1, ...range(10, 14), ...range(100, 109)]));
    // The data Spark's test has sent by its Trigger.Once part.
    await sendMessages(broker, topic, range(15, 25), 1);
    await sendMessages(broker, topic, range(110, 125), 0);
    await sendMessages(broker, topic, ['2'], 2);
    await onceIgnoresReadLimit(topic, { minOffsetsPerTrigger: 15, maxTriggerDelay: '5s' }, [1, 2, ...range(10, 25), ...range(100, 125)]);
  });

  spark.scenario('compositeReadLimit', async () => {
    const topic = uniqueTopicName('composite');
    await broker.createTopic(topic, 3);
    await sendMessages(broker, topic, range(100, 120), 0);
    await sendMessages(broker, topic, range(10, 20), 1);
    await sendMessages(broker, topic, ['1'], 2);
    const options = { subscribe: topic, startingOffsets: 'earliest', minOffsetsPerTrigger: 15, maxTriggerDelay: '5s', maxOffsetsPerTrigger: 20, 'kafka.metadata.max.age.ms': '1' };
    // First Batch is always processed but it will process only 20 (Spark's split admits 19)
    expect(await firstBatch(new KafkaStreamTest(broker, manager, options))).toEqual(sorted([1, ...range(10, 15), ...range(100, 111)]));
    await sendMessages(broker, topic, range(121, 128), 0);
    await sendMessages(broker, topic, range(21, 30), 1);
    await sendMessages(broker, topic, ['2'], 2);
    await onceIgnoresReadLimit(topic, { minOffsetsPerTrigger: 15, maxTriggerDelay: '5s', maxOffsetsPerTrigger: 20 }, [1, 2, ...range(10, 30), ...range(100, 128)]);
  });

  spark.scenario('SPARK-26718 Rate limit set to Long.Max should not overflow integer during end offset calculation', async () => {
    const topic = uniqueTopicName('long-max');
    await broker.createTopic(topic, 1);
    await sendMessages(broker, topic, range(0, 4), 0); // fill in 5 messages to trigger potential integer overflow
    const stream = new KafkaStreamTest(broker, manager, {
      startingOffsets: JSON.stringify({ [topic]: { 0: 5 } }),
      maxOffsetsPerTrigger: '9223372036854775807',
      subscribe: topic,
      'kafka.metadata.max.age.ms': '1',
    });
    await stream.start();
    await stream.makeSureGetOffsetCalled();
    await sendMessages(broker, topic, range(30, 34));
    expect(await stream.answer()).toEqual(range(30, 34));
    await stream.stop();
  });

  spark.scenario('Trigger.AvailableNow', async () => {
    const topic = uniqueTopicName('available-now');
    await broker.createTopic(topic, 5);
    await sendMessages(broker, topic, range(0, 14).map((x) => `foo-${x}`), 0);
    const stream = new KafkaStreamTest(broker, manager, { 'kafka.metadata.max.age.ms': '1', maxOffsetsPerTrigger: 5, subscribe: topic, startingOffsets: 'earliest' }, (frame) => frame);
    const query = await stream.start(availableNow());
    expect(await query.awaitTermination()).toBe(true);
    expect(query.exception).toBeNull();
    // should have 3 batches now i.e. 15 / 5 = 3
    expect(stream.batches()).toHaveLength(3);
  });

  spark.scenario('input row metrics', async () => {
    const topic = uniqueTopicName('input-rows');
    await broker.createTopic(topic, 5);
    await sendMessages(broker, topic, ['-1']);
    const stream = new KafkaStreamTest(broker, manager, { subscribe: topic }, intValues(1));
    const query = await stream.start();
    await stream.makeSureGetOffsetCalled();
    await sendMessages(broker, topic, [1, 2, 3]);
    expect(await stream.answer()).toEqual([2, 3, 4]);
    expect(query.recentProgress.map((p) => p.numInputRows).reduce((a, b) => a + b, 0)).toBe(3);
    await stream.stop();
  });

  spark.scenario('SPARK-22956: currentPartitionOffsets should be set when no new data comes in', async () => {
    const specificTopic = async (values: number[]) => {
      const topic = uniqueTopicName('spark-22956');
      await broker.createTopic(topic, 1);
      await sendMessages(broker, topic, values, 0);
      return topic;
    };
    const topic1 = await specificTopic(range(0, 9));
    const topic2 = await specificTopic(range(100, 199));
    const df2 = readStream().format('kafka')
      .options({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, 'kafka.metadata.max.age.ms': '1', maxOffsetsPerTrigger: 5, subscribe: topic2, startingOffsets: 'earliest' })
      .load().pipe(select(col('value').cast('string').cast('int').as('value')));
    const stream = new KafkaStreamTest(broker, manager, { 'kafka.metadata.max.age.ms': '1', maxOffsetsPerTrigger: 5, subscribe: topic1, startingOffsets: 'earliest' },
      (frame) => frame.pipe(select(col('value').cast('string').cast('int').as('value'))).union(df2));
    const query = await stream.start(availableNow());
    await query.awaitTermination();
    expect(query.exception).toBeNull();
    expect(stream.batches().slice(0, 5)).toEqual([
      [...range(0, 4), ...range(100, 104)], // 5 from smaller topic, 5 from bigger one
      [...range(5, 9), ...range(105, 109)], // 5 from smaller topic, 5 from bigger one
      range(110, 114), // smaller topic empty, 5 from bigger one
      range(115, 119),
      range(120, 124),
    ]);
  });

  spark.scenario('test custom metrics - with rate limit', async () => {
    const topic = uniqueTopicName('metrics-limit');
    await broker.createTopic(topic, 2);
    await sendMessages(broker, topic, range(1, 5), 0);
    await sendMessages(broker, topic, range(6, 10), 1);
    const stream = new KafkaStreamTest(broker, manager, { subscribe: topic, maxOffsetsPerTrigger: 1, startingOffsets: 'earliest' });
    const query = await stream.start();
    expect(await stream.answer()).toEqual(range(1, 10));
    // The rate limit is 1, so there must be some delay in offsets per partition.
    const withDelay = query.recentProgress.map((p) => p.sources[0]!).filter((s) => Object.keys(s.metrics ?? {}).length > 0 && Number(s.metrics!['avgOffsetsBehindLatest']) > 0).at(-1);
    expect(withDelay).toBeDefined();
    expect(Object.keys(withDelay!.metrics!).sort()).toEqual(['avgOffsetsBehindLatest', 'maxOffsetsBehindLatest', 'minOffsetsBehindLatest']);
    expect(Number(withDelay!.metrics!['minOffsetsBehindLatest'])).toBeGreaterThan(0);
    expect(Number(withDelay!.metrics!['maxOffsetsBehindLatest'])).toBeGreaterThan(0);
    expect(Number(withDelay!.metrics!['avgOffsetsBehindLatest'])).toBeGreaterThan(0);
    await stream.stop();
  });

  spark.scenario('test custom metrics - no rate limit', async () => {
    const topic = uniqueTopicName('metrics-no-limit');
    await broker.createTopic(topic, 2);
    await sendMessages(broker, topic, range(1, 5), 0);
    await sendMessages(broker, topic, range(6, 10), 1);
    const stream = new KafkaStreamTest(broker, manager, { subscribe: topic, startingOffsets: 'earliest' });
    const query = await stream.start();
    expect(await stream.answer()).toEqual(range(1, 10));
    const metrics = query.recentProgress.at(-1)!.sources[0]!.metrics!;
    // When there is no rate limit, there shouldn't be any delay in the current stream.
    expect(Object.keys(metrics).sort()).toEqual(['avgOffsetsBehindLatest', 'maxOffsetsBehindLatest', 'minOffsetsBehindLatest']);
    expect(Number(metrics['minOffsetsBehindLatest'])).toBe(0);
    expect(Number(metrics['maxOffsetsBehindLatest'])).toBe(0);
    expect(Number(metrics['avgOffsetsBehindLatest'])).toBe(0);
    await stream.stop();
  });
});

describe.concurrent('KafkaMicroBatchSourceSuite: queries over one source', () => {
  spark.scenario('ensure stream-stream self-join generates only one offset in log and correct metrics', async () => {
    const topic = uniqueTopicName('self-join');
    await broker.createTopic(topic, 2);
    const checkpoint = await mkdtemp(join(tmpdir(), 'sluice-kafka-conf-'));
    const values = readStream().format('kafka')
      .options({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, 'kafka.metadata.max.age.ms': '1', subscribe: topic })
      .load()
      .pipe(selectExpr('CAST(CAST(value AS STRING) AS INT) AS value', 'CAST(CAST(value AS STRING) AS INT) % 5 AS key'));
    const table = `kafka_${uniqueTopicName('self_join')}`;
    const query = await values.pipe(joinStreams(values, 'key')).writeStream().sink(memorySink({ tableName: table }))
      .option('checkpointLocation', new FileCheckpointStore(checkpoint)).manager(manager).start();
    await query.processAllAvailable(); // makeSureGetOffsetCalled
    await sendMessages(broker, topic, [1, 2]);
    await query.processAllAvailable();
    // (key, value, value): the join's columns by position, as Spark's tuples.
    const rows = () => {
      const t = memoryTable(table);
      return Array.from({ length: t.numRows }, (_, i) => JSON.stringify([0, 1, 2].map((c) => Number(t.getChildAt(c)!.get(i))))).sort();
    };
    expect(rows()).toEqual([[1, 1, 1], [2, 2, 2]].map((r) => JSON.stringify(r)).sort());
    await sendMessages(broker, topic, [6, 3]);
    await query.processAllAvailable();
    expect(rows()).toEqual([[1, 1, 1], [2, 2, 2], [3, 3, 3], [1, 6, 1], [1, 1, 6], [1, 6, 6]].map((r) => JSON.stringify(r)).sort());
    // One source in the offset log. Spark's default half (spark.sql.exchange.reuse on): a frame
    // joined with itself is scanned once, so its 4 records count 4 input rows, as Sluice counts a
    // self-join (a self-union counts twice: StreamingQuerySuite's input-row scenarios).
    const offsets = await readFile(join(checkpoint, 'offsets', String(query.lastProgress!.batchId)), 'utf8');
    expect(offsets.trim().split('\n').slice(2)).toHaveLength(1);
    expect(query.recentProgress.map((p) => p.numInputRows).reduce((a, b) => a + b, 0)).toBe(4);
    await query.stop();
  });

  spark.scenario('SPARK-53560: no crash looping during uncommitted batch retry in AvailableNow trigger', async () => {
    const topic = uniqueTopicName('spark-53560');
    await broker.createTopic(topic, 1);
    await sendMessages(broker, topic, range(1, 7), 0);
    const failOn7 = udf((row) => {
      if (row['value'] === 7) throw new Error('error for 7');
      return row['value'];
    }, 'int');
    const stream = new KafkaStreamTest(broker, manager, { subscribe: topic, startingOffsets: 'earliest' }, (frame) => frame.pipe(select(col('value').cast('string').cast('int').as('value')), select(failOn7.as('value'))));
    for (let run = 0; run < 2; run++) {
      const query = await stream.start(availableNow());
      await query.awaitTermination().catch(() => undefined);
      // The second run replays the uncommitted batch, passing the planning stage, and fails on the same row.
      const messages: string[] = [];
      for (let e: unknown = query.exception; e; e = (e as { cause?: unknown }).cause) messages.push(String((e as Error).message));
      expect(messages.join('\n')).toContain('error for 7');
    }
  });
});

const dataLoss = suite('KafkaDontFailOnDataLossSuite');

describe('KafkaDontFailOnDataLossSuite', () => {
  dataLoss.scenario('failOnDataLoss=false should not return duplicated records: microbatch v2', async () => {
    // Spark shrinks the broker's retention to 40 bytes; librdkafka's mock broker keeps about 5 MiB
    // per partition, so each of the 50 records carries ~200 kB after its number (Spark's values
    // are the bare numbers; only their distinctness and count are checked).
    const topic = uniqueTopicName('failOnDataLoss');
    await broker.createTopic(topic, 1);
    const padding = 'x'.repeat(200_000);
    for (let i = 0; i < 50; i += 5) await sendMessages(broker, topic, range(i, i + 4).map((n) => `${n}:${padding}`), 0);
    const table = `kafka_${uniqueTopicName('dont_fail')}`;
    const query = await readStream().format('kafka')
      .options({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, 'kafka.metadata.max.age.ms': '1', subscribe: topic, startingOffsets: JSON.stringify({ [topic]: { 0: 0 } }), failOnDataLoss: 'false', 'kafkaConsumer.pollTimeoutMs': '1000' })
      .load().pipe(selectExpr('CAST(value AS STRING) AS value'))
      .writeStream().sink(memorySink({ tableName: table })).manager(manager).start();
    try {
      await query.processAllAvailable();
    } finally {
      await query.stop();
    }
    expect(query.exception).toBeNull();
    const result = memoryTableRows(table).map((r) => String(r['value']).split(':')[0]);
    expect(new Set(result).size).toBe(result.length); // no duplicated records
    // Make sure Kafka did remove some records so that this test is valid.
    expect(result.length).toBeGreaterThan(0);
    expect(result.length).toBeLessThan(50);
  });
});
