/**
 * KafkaMicroBatchSourceSuite (connector/kafka-0-10-sql): the scenarios about the checkpoint's
 * `sources/0/0` (the initial offsets, SPARK-19517), run on the real Kafka source against the
 * test broker, with the checkpoint on disk so the file's bytes are Spark's.
 */
import { describe, expect } from 'vitest';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { col, FileCheckpointStore, isSluiceError, QueryManager, readStream, select, silentLogger } from '@sluice/core';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import { produceRecords, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { suite } from '../harness/scenario.ts';
import { useKafkaBroker } from '../harness/kafkaStream.ts';

const spark = suite('KafkaMicroBatchSourceSuite');
let broker: KafkaTestBroker;
const manager = new QueryManager({ logger: silentLogger });

useKafkaBroker(manager, (started) => (broker = started));

/** Spark's `CAST(value AS STRING)` then `.map(_.toInt)`, from `topic`, into a memory table. */
async function startOn(checkpoint: string, topic: string, startingOffsets = 'latest') {
  const table = `kafka_${uniqueTopicName('t').replace(/\W/g, '_')}`;
  const query = await readStream().format('kafka')
    .option('kafka.bootstrap.servers', broker.bootstrapServers).option('subscribe', topic).option('startingOffsets', startingOffsets)
    .option('kafka.fetch.max.wait.ms', 20)
    .load()
    .pipe(select(col('value').cast('string').cast('int').as('value')))
    .writeStream().sink(memorySink({ tableName: table })).option('checkpointLocation', new FileCheckpointStore(checkpoint)).manager(manager).start();
  return { query, values: () => memoryTableRows(table).map((r) => r['value'] as number).sort((a, b) => a - b) };
}

/** Spark's `sendMessages(topic, values, Some(partition))`. */
const send = (topic: string, partition: number, ...values: number[]) => produceRecords(broker.bootstrapServers, topic, values.map((v) => ({ value: String(v), partition })));

describe.concurrent('KafkaMicroBatchSourceSuite', () => {
  spark.scenario('ensure that initial offset are written with an extra byte in the beginning (SPARK-19517)', async () => {
    const topic = uniqueTopicName('kafka-initial-offset-current');
    await broker.createTopic(topic, 1);
    const checkpoint = await mkdtemp(join(tmpdir(), 'sluice-kafka-conf-'));
    const { query } = await startOn(checkpoint, topic, 'earliest');
    await query.processAllAvailable();
    await query.stop();
    const bytes = await readFile(join(checkpoint, 'sources/0/0'));
    expect(bytes[0]).toBe(0); // first byte is binary 0
    expect(bytes.subarray(1).toString('utf8')).toBe(`v1\n{"${topic}":{"0":0}}`);
  });

  spark.scenario('deserialization of initial offset written by Spark 2.1.0 (SPARK-19517)', async () => {
    const topic = uniqueTopicName('kafka-initial-offset-2-1-0');
    await broker.createTopic(topic, 3);
    await send(topic, 0, 0, 1, 2);
    await send(topic, 1, 0, 10, 20);
    await send(topic, 2, 0, 100, 200);
    // Spark 2.1.0's file (kafka-source-initial-offset-version-2.1.0.bin): a length byte, then the
    // offsets' JSON with no version line.
    const json = `{"${topic}":{"2":2,"1":1,"0":0}}`;
    const checkpoint = await mkdtemp(join(tmpdir(), 'sluice-kafka-conf-'));
    await mkdir(join(checkpoint, 'sources/0'), { recursive: true });
    await writeFile(join(checkpoint, 'sources/0/0'), Buffer.concat([Buffer.from([json.length]), Buffer.from(json)]));
    // startingOffsets is latest, yet the older offsets of the file are where the query starts.
    const { query, values } = await startOn(checkpoint, topic, 'latest');
    await query.processAllAvailable();
    await send(topic, 0, 1000);
    await query.processAllAvailable();
    await query.stop();
    expect(values()).toEqual([0, 1, 2, 10, 20, 200, 1000]);
  });

  spark.scenario('deserialization of initial offset written by future version', async () => {
    const topic = uniqueTopicName('kafka-initial-offset-future-version');
    await broker.createTopic(topic, 3);
    const checkpoint = await mkdtemp(join(tmpdir(), 'sluice-kafka-conf-'));
    await mkdir(join(checkpoint, 'sources/0'), { recursive: true });
    const file = join(checkpoint, 'sources/0/0');
    await writeFile(file, `\u0000v99999\n{"${topic}":{"2":0,"1":0,"0":0}}`);
    const before = await readFile(file);
    const { query } = await startOn(checkpoint, topic);
    await query.awaitTermination().catch(() => undefined);
    expect(isSluiceError(query.exception, 'CHECKPOINT_CORRUPT'), String(query.exception)).toBe(true);
    expect(query.exception!.message).toContain('maximum supported log version is v1, but encountered v99999');
    expect(query.exception!.message).toContain('sources/0/0');
    expect(await readFile(file)).toEqual(before);
  });
});
