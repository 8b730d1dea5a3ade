/**
 * KafkaSinkSuite (connector/kafka-0-10-sql): the micro-batch sink scenarios, restated on Sluice's
 * Kafka sink against the test broker; what was written is read back with Sluice's Kafka source
 * from the earliest offsets (Spark's `createKafkaReader`, a batch read there, a Trigger.AvailableNow
 * stream here). Spark's "batch -" scenarios write a DataFrame with `df.write`; Sluice has no batch
 * writer, so the same rows go through one micro-batch (Trigger.Once) of the same sink.
 */
import { describe, expect } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@sluice/sources';
import { availableNow, col, FileCheckpointStore, isSluiceError, lit, once, QueryManager, readStream, select, selectExpr, silentLogger, type StreamFrame, type StreamingQuery } from '@sluice/core';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import { uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { suite } from '../harness/scenario.ts';
import { memoryInput, type MemoryInput } from '../harness/memoryInput.ts';
import { range, sorted, useKafkaBroker } from '../harness/kafkaStream.ts';

const spark = suite('KafkaSinkSuite');
let broker: KafkaTestBroker;
const manager = new QueryManager({ logger: silentLogger });

useKafkaBroker(manager, (started) => (broker = started));

/** Spark's createKafkaWriter: `selectExpr(...)` of the input, then the Kafka sink. */
async function createKafkaWriter(frame: StreamFrame, options: { topic?: string; outputMode?: string; withOptions?: Record<string, unknown>; trigger?: ReturnType<typeof once> }, ...exprs: string[]): Promise<StreamingQuery> {
  let writer = (exprs.length > 0 ? frame.pipe(selectExpr(...exprs)) : frame).writeStream().format('kafka')
    .option('checkpointLocation', new FileCheckpointStore(await mkdtemp(join(tmpdir(), 'sluice-kafka-sink-conf-'))))
    .option('kafka.bootstrap.servers', broker.bootstrapServers)
    .option('kafka.max.block.ms', '5000')
    .manager(manager);
  if (options.topic !== undefined) writer = writer.option('topic', options.topic);
  if (options.outputMode) writer = writer.outputMode(options.outputMode);
  if (options.trigger) writer = writer.trigger(options.trigger);
  for (const [k, v] of Object.entries(options.withOptions ?? {})) writer = writer.option(k, v);
  return writer.start();
}

/** Spark's createKafkaReader(topic): every record of the topic, from earliest to latest. */
async function readTopic(topic: string, includeHeaders = false): Promise<Record<string, unknown>[]> {
  const table = `kafka_${uniqueTopicName('read')}`;
  const query = await readStream().format('kafka')
    .options({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, startingOffsets: 'earliest', subscribe: topic, includeHeaders: String(includeHeaders) })
    .load()
    .writeStream().sink(memorySink({ tableName: table })).trigger(availableNow()).manager(manager).start();
  await query.awaitTermination();
  expect(query.exception).toBeNull();
  return memoryTableRows(table);
}

const text = (bytes: unknown) => (bytes == null ? null : Buffer.from(bytes as Uint8Array).toString());

/** `CAST(CAST(value AS STRING) AS INT)` of every record of the topic. */
async function topicValues(topic: string): Promise<number[]> {
  return sorted((await readTopic(topic)).map((r) => Number(text(r['value']))));
}

/** Spark's runAndVerifyValues: "1".."5", then "6".."10", read back after each. */
async function runAndVerifyValues(input: MemoryInput, writer: StreamingQuery, topic: string): Promise<void> {
  try {
    input.add('1', '2', '3', '4', '5');
    await writer.processAllAvailable();
    expect(await topicValues(topic)).toEqual(range(1, 5));
    input.add('6', '7', '8', '9', '10');
    await writer.processAllAvailable();
    expect(await topicValues(topic)).toEqual(range(1, 10));
  } finally {
    await writer.stop();
  }
}

/** Spark's runAndVerifyException: the query (or its start) fails with a message holding `expected`, ignoring case. */
async function runAndVerifyException(input: MemoryInput, expected: string, start: () => Promise<StreamingQuery>): Promise<void> {
  let writer: StreamingQuery | undefined;
  let failure: unknown;
  try {
    writer = await start();
    input.add('1', '2', '3', '4', '5');
    await writer.processAllAvailable();
  } catch (error) {
    failure = error;
  } finally {
    await writer?.stop();
  }
  expect(failure, `expected a failure mentioning "${expected}"`).toBeDefined();
  const messages: string[] = [];
  for (let e = failure as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) messages.push(String(e.message));
  expect(messages.join('\n').toLowerCase()).toContain(expected.toLowerCase());
}

describe.concurrent('KafkaSinkSuite', () => {
  spark.scenario('streaming - write to kafka with topic field', async () => {
    const input = memoryInput('value STRING');
    const topic = uniqueTopicName('sink-topic-field');
    await broker.createTopic(topic);
    const writer = await createKafkaWriter(input.frame, { outputMode: 'append' }, `'${topic}' as topic`, 'value');
    await runAndVerifyValues(input, writer, topic);
  });

  spark.scenario('streaming - write w/o topic field, with topic option', async () => {
    const input = memoryInput('value STRING');
    const topic = uniqueTopicName('sink-topic-option');
    await broker.createTopic(topic);
    const writer = await createKafkaWriter(input.frame, { topic, outputMode: 'append' });
    await runAndVerifyValues(input, writer, topic);
  });

  spark.scenario('streaming - topic field and topic option', async () => {
    // The topic option overrides the topic field: the rows say 'foo', the option names the topic read.
    const input = memoryInput('value STRING');
    const topic = uniqueTopicName('sink-topic-both');
    await broker.createTopic(topic);
    const writer = await createKafkaWriter(input.frame, { topic, outputMode: 'append' }, "'foo' as topic", 'value');
    await runAndVerifyValues(input, writer, topic);
  });

  spark.scenario('streaming - write data with bad schema', async () => {
    const input = memoryInput('value STRING');
    const topic = uniqueTopicName('sink-bad-schema');
    await broker.createTopic(topic);
    await runAndVerifyException(input, "topic option required when no 'topic' attribute is present", () => createKafkaWriter(input.frame, {}, 'value as key', 'value'));
    await runAndVerifyException(input, "required attribute 'value' not found", () => createKafkaWriter(input.frame, {}, `'${topic}' as topic`, 'value as key'));
  });

  spark.scenario('streaming - write data with valid schema but wrong types', async () => {
    const input = memoryInput('value STRING');
    const topic = uniqueTopicName('sink-wrong-types');
    await broker.createTopic(topic);
    await runAndVerifyException(input, 'topic must be a(n) string', () => createKafkaWriter(input.frame, {}, "CAST('1' as INT) as topic", 'value'));
    await runAndVerifyException(input, 'value must be a(n) string or binary', () => createKafkaWriter(input.frame, {}, `'${topic}' as topic`, 'CAST(value as INT) as value'));
    await runAndVerifyException(input, 'key must be a(n) string or binary', () => createKafkaWriter(input.frame, {}, `'${topic}' as topic`, 'CAST(value as INT) as key', 'value'));
    await runAndVerifyException(input, 'partition must be a(n) int', () => createKafkaWriter(input.frame, {}, `'${topic}' as topic`, 'value', 'value as partition'));
  });

  spark.scenario('streaming - exception on config serializer', async () => {
    const input = memoryInput('value STRING');
    await runAndVerifyException(input, "kafka option 'key.serializer' is not supported", () => createKafkaWriter(input.frame, { withOptions: { 'kafka.key.serializer': 'foo' } }));
    await runAndVerifyException(input, "kafka option 'value.serializer' is not supported", () => createKafkaWriter(input.frame, { withOptions: { 'kafka.value.serializer': 'foo' } }));
  });

  spark.scenario('streaming - sink progress is produced', async () => {
    const input = memoryInput('value STRING');
    const topic = uniqueTopicName('sink-progress');
    await broker.createTopic(topic);
    const writer = await createKafkaWriter(input.frame, { topic, outputMode: 'update' });
    try {
      input.add('1', '2', '3');
      await writer.processAllAvailable();
      expect(writer.recentProgress.some((p) => p.sink.numOutputRows === 3)).toBe(true);
    } finally {
      await writer.stop();
    }
  });

  spark.scenario('batch - write to kafka', async () => {
    const topic = uniqueTopicName('sink-batch-headers');
    await broker.createTopic(topic);
    const header = (key: string, value: string) => ({ key, value: Buffer.from(value) });
    const input = memoryInput('topic STRING, value STRING, headers ARRAY<STRUCT<key: STRING, value: BINARY>>');
    input.add(
      [topic, '1', [header('a', 'b')]],
      [topic, '2', [header('c', 'd'), header('e', 'f')]],
      [topic, '3', [header('g', 'h'), header('g', 'i')]],
      [topic, '4', null],
      [topic, '5', [header('j', 'k'), header('j', 'l'), header('m', 'n')]],
    );
    const writer = await createKafkaWriter(input.frame, { topic, trigger: once() });
    await writer.awaitTermination();
    expect(writer.exception).toBeNull();
    const rows = (await readTopic(topic, true)).map((r) => [
      text(r['value']),
      r['headers'] == null ? null : (r['headers'] as { key: string; value: Uint8Array }[]).map((h) => [h.key, text(h.value)]),
    ]);
    expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['1', [['a', 'b']]],
      ['2', [['c', 'd'], ['e', 'f']]],
      ['3', [['g', 'h'], ['g', 'i']]],
      ['4', null],
      ['5', [['j', 'k'], ['j', 'l'], ['m', 'n']]],
    ]);
  });

  spark.scenario('batch - partition column and partitioner priorities', async () => {
    // Spark's custom Java partitioner (kafka.partitioner.class) has no counterpart here; the
    // default partitioner, the partition column, and a null partition column are restated.
    const nrPartitions = 4;
    const [topic1, topic3, topic4] = [uniqueTopicName('sink-parts-1'), uniqueTopicName('sink-parts-3'), uniqueTopicName('sink-parts-4')];
    for (const t of [topic1, topic3, topic4]) await broker.createTopic(t, nrPartitions);
    const df = () => {
      const input = memoryInput('topic STRING, key STRING, value STRING');
      input.add(...range(0, 4).map((n) => [topic1, String(n), String(n)]));
      return input.frame;
    };
    const writeToKafka = async (frame: StreamFrame, topic: string) => {
      const writer = await createKafkaWriter(frame, { topic, trigger: once() });
      await writer.awaitTermination();
      expect(writer.exception).toBeNull();
    };
    const partitionsInTopic = async (topic: string) => new Set((await readTopic(topic)).map((r) => r['partition'] as number));
    // default kafka partitioner
    await writeToKafka(df(), topic1);
    const partitionsInTopic1 = await partitionsInTopic(topic1);
    expect(partitionsInTopic1.size).toBeGreaterThan(1);
    // partition column overrides the partitioner
    await writeToKafka(df().pipe(select(col('topic'), col('key'), col('value'), lit(2).as('partition'))), topic3);
    expect([...(await partitionsInTopic(topic3))]).toEqual([2]);
    // when the partition column value is null, it is ignored
    await writeToKafka(df().pipe(select(col('topic'), col('key'), col('value'), lit(null).cast('int').as('partition'))), topic4);
    expect(await partitionsInTopic(topic4)).toEqual(partitionsInTopic1);
  });

  spark.scenario('batch - null topic field value, and no topic option', async () => {
    const input = memoryInput('topic STRING, value STRING');
    input.add([null, '1']);
    const writer = await createKafkaWriter(input.frame, { trigger: once() });
    await writer.awaitTermination().catch(() => undefined);
    const chain: unknown[] = [];
    for (let e: unknown = writer.exception; e; e = (e as { cause?: unknown }).cause) chain.push(e);
    expect(chain.some((e) => isSluiceError(e, 'KAFKA_NULL_TOPIC_IN_DATA')), String(writer.exception)).toBe(true);
  });

  spark.scenario('SPARK-20496: batch - enforce analyzed plans', async () => {
    const topic = uniqueTopicName('sink-analyzed');
    await broker.createTopic(topic);
    const input = memoryInput('id BIGINT');
    input.add(...range(1, 999));
    const writer = await createKafkaWriter(input.frame, { topic, trigger: once() }, 'to_json(struct(*)) AS value');
    await writer.awaitTermination();
    expect(writer.exception).toBeNull();
    const values = (await readTopic(topic)).map((r) => text(r['value']));
    expect(values.sort()).toEqual(range(1, 999).map((id) => `{"id":${id}}`).sort());
  });
});
