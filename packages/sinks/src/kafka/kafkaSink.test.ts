import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asyncScheduler, lastValueFrom, toArray } from 'rxjs';
import { tableFromColumns, type Sink, type SinkContext } from '@sluice/core/connector';
import { tableFromRows, toSchema, type BatchContext } from '@sluice/core';
import { createKafkajsClient, type KafkaClient, type KafkaRangeReader, type KafkaRecord } from '@sluice/kafka';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { brokerControlSkipReason, startKafkaBroker, storedBatches, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { kafkaSink, type KafkaSinkOptions } from './kafkaSinkProvider.ts';

const prefix = uniqueTopicName('sink');
const topics = {
  plain: `${prefix}-plain`, a: `${prefix}-a`, b: `${prefix}-b`, override: `${prefix}-override`, parts: `${prefix}-parts`, outage: `${prefix}-outage`,
  headers: `${prefix}-headers`, unknown: `${prefix}-unknown`, settings: `${prefix}-settings`,
};
const partitionsOf = (name: string) => (name === topics.parts || name === topics.unknown || name === topics.settings ? 3 : 1);

let broker: KafkaTestBroker;
let client: KafkaClient;
let reader: KafkaRangeReader;
const sinks: Sink[] = [];
const warnings: string[] = [];

const context: SinkContext = {
  queryId: 'q',
  runId: 'r',
  queryName: null,
  outputMode: 'append',
  scheduler: asyncScheduler,
  log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
};
const batch = (batchId: number): BatchContext => ({
  batchId, queryId: 'q', runId: 'r', queryName: null, outputMode: 'append', batchTimestampMs: 0, watermarkMs: 0, signal: new AbortController().signal, fault: async () => {},
});

beforeAll(async () => {
  broker = await startKafkaBroker({ brokers: 2, topics: Object.values(topics).filter((name) => name !== topics.outage).map((name) => ({ name, partitions: partitionsOf(name) })) });
  client = createKafkajsClient(parseKafkaClientSettings(broker.bootstrapServers, { 'fetch.max.wait.ms': '20' }, 'source'), { decodeHeaders: true });
  reader = client.createReader({ pollTimeoutMs: 20_000 });
  // One reader for every topic of this file, fetching ahead from the start.
  reader.prefetch(Object.values(topics).filter((name) => name !== topics.outage).flatMap((topic) => [0, 1, 2].filter((p) => p < partitionsOf(topic)).map((partition) => ({ topic, partition, offset: 0 }))));
});
afterAll(async () => {
  await Promise.all(sinks.map((s) => s.close()));
  await client?.close();
  await broker?.stop();
});

async function open(options: Omit<KafkaSinkOptions, 'kafka.bootstrap.servers'>): Promise<Sink> {
  const sink = await kafkaSink({ 'kafka.bootstrap.servers': broker.bootstrapServers, ...options } as KafkaSinkOptions).open(context);
  sinks.push(sink);
  return sink;
}

/** Everything in a topic now, per partition; read independently of the sink. */
async function readBack(topic: string): Promise<(KafkaRecord & { partition: number })[]> {
  const ranges = await client.admin.offsetRanges([topic]);
  const chunks = await lastValueFrom(reader.read(ranges.map((r) => ({ topic, partition: r.partition, from: r.earliest, until: r.latest }))).pipe(toArray()));
  return chunks.flatMap((c) => c.records.rows().map((r) => ({ ...r, partition: c.partition })));
}
const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString());

describe.concurrent('KafkaSink', () => {
  test('writes key, value and headers; every record is acknowledged when addBatch resolves', async () => {
    const sink = await open({ topic: topics.plain });
    expect(sink.guarantee).toBe('at-least-once');
    const schema = toSchema('key STRING, value BINARY, headers ARRAY<STRUCT<key: STRING, value: BINARY>>, ignored INT');
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      key: i % 10 === 0 ? null : `k${i}`,
      value: Buffer.from(`v${i}`),
      headers: i === 1 ? [{ key: 'h1', value: Buffer.from('x') }, { key: 'h2', value: null }] : [],
      ignored: i,
    }));
    await sink.addBatch(0, tableFromRows(schema, rows), batch(0));
    expect(sink.lastBatchOutputRows!()).toBe(2500);
    // Acknowledged means stored: the log end already covers the whole batch.
    expect((await client.admin.offsetRanges([topics.plain]))[0]!.latest).toBe(2500);
    const back = await readBack(topics.plain);
    expect(back.map((r) => text(r.value))).toEqual(rows.map((r) => `v${r.ignored}`));
    expect(back.map((r) => text(r.key))).toEqual(rows.map((r) => r.key));
    // A null header value stays null (kafkajs's producer wrote it empty).
    expect(back[1]!.headers!.map((h) => [h.key, h.value && text(h.value)])).toEqual([['h1', 'x'], ['h2', null]]);
  });

  test("a 'topic' column routes each row; the topic option overrides the column", async () => {
    const byColumn = await open({});
    expect(byColumn.description).toBe('KafkaSink[topic column]');
    const schema = toSchema('topic STRING, value STRING');
    await byColumn.addBatch(0, tableFromColumns(schema, { topic: [topics.a, topics.b, topics.a], value: ['1', '2', '3'] }), batch(0));
    expect((await readBack(topics.a)).map((r) => text(r.value))).toEqual(['1', '3']);
    expect((await readBack(topics.b)).map((r) => text(r.value))).toEqual(['2']);
    const overriding = await open({ topic: topics.override });
    await overriding.addBatch(0, tableFromColumns(schema, { topic: [topics.a, topics.b], value: ['x', 'y'] }), batch(0));
    expect((await readBack(topics.override)).map((r) => text(r.value))).toEqual(['x', 'y']);
  });

  test("a 'partition' column picks the partition; rows without one use Kafka's partitioner", async () => {
    const sink = await open({ topic: topics.parts });
    await sink.addBatch(0, tableFromColumns(toSchema('value STRING, partition INT'), { value: ['p2', 'p0', 'p2'], partition: [2, 0, 2] }), batch(0));
    const back = await readBack(topics.parts);
    expect(back.filter((r) => r.partition === 2).map((r) => text(r.value))).toEqual(['p2', 'p2']);
    expect(back.filter((r) => r.partition === 0).map((r) => text(r.value))).toEqual(['p0']);
  });

  test('headers are written byte-exact: order, repeated keys, integer-like keys and null values as given', async () => {
    const sink = await open({ topic: topics.headers });
    const header = (key: string, value: string | null) => ({ key, value: value === null ? null : Buffer.from(value) });
    const given = [[header('a', '1'), header('b', '2'), header('a', '3')], [header('z', 'last'), header('1', 'first')], [header('n', null), header('e', '')], []];
    await sink.addBatch(0, tableFromRows(toSchema('value STRING, headers ARRAY<STRUCT<key: STRING, value: BINARY>>'), given.map((headers, i) => ({ value: `h${i}`, headers }))), batch(0));
    const back = await readBack(topics.headers);
    expect(back.map((r) => r.headers!.map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()]))).toEqual(
      given.map((headers) => headers.map((h) => [h.key, h.value === null ? null : h.value.toString()])),
    );
  });

  test.each([9, 3, -1])('a row for partition %i of a 3-partition topic fails the batch with KAFKA_UNKNOWN_PARTITION, and nothing of the batch is written', async (partition) => {
    const sink = await open({ topic: topics.unknown });
    const before = await client.admin.offsetRanges([topics.unknown]);
    const table = tableFromColumns(toSchema('value STRING, partition INT'), { value: ['ok-0', 'bad', 'ok-1'], partition: [0, partition, 1] });
    await expect(sink.addBatch(0, table, batch(0))).rejects.toMatchObject({
      code: 'KAFKA_UNKNOWN_PARTITION',
      message: expect.stringMatching(new RegExp(`partition ${partition} of topic '${topics.unknown}', which has partitions 0 to 2.*Nothing of this batch was written`)),
      details: { topic: topics.unknown, partition },
    });
    expect(await client.admin.offsetRanges([topics.unknown])).toEqual(before);
  });

  test("producer settings: compression.type, batch.size, acks, linger.ms and enable.idempotence are honoured, not refused", async () => {
    const values = Array.from({ length: 600 }, (_, i) => `value-${i}-${'x'.repeat(40)}`);
    const sink = await open({ topic: topics.settings, 'kafka.compression.type': 'zstd', 'kafka.batch.size': '4096', 'kafka.acks': 'all', 'kafka.linger.ms': '20', 'kafka.enable.idempotence': 'true' });
    await sink.addBatch(0, tableFromColumns(toSchema('value STRING, partition INT'), { value: values, partition: values.map(() => 0) }), batch(0));
    // Twice the same send (a replayed batch): at-least-once writes it again.
    await sink.addBatch(0, tableFromColumns(toSchema('value STRING, partition INT'), { value: values, partition: values.map(() => 0) }), batch(0));
    const stored = await storedBatches(broker.bootstrapServers, topics.settings, 0);
    // 600 records of ~55 bytes in batches of at most 4 KiB: many batches, each zstd.
    expect(stored.length).toBeGreaterThan(10);
    expect(new Set(stored.map((b) => b.compression))).toEqual(new Set(['zstd']));
    expect((await readBack(topics.settings)).map((r) => text(r.value))).toEqual([...values, ...values]);
    for (const acks of ['0', '1']) {
      const unacknowledged = await open({ topic: topics.settings, 'kafka.acks': acks, 'kafka.compression.type': 'lz4' });
      await unacknowledged.addBatch(1, tableFromColumns(toSchema('value STRING, partition INT'), { value: [`acks-${acks}`], partition: [1] }), batch(1));
    }
    expect(() => kafkaSink({ 'kafka.bootstrap.servers': 'h:1', 'kafka.compression.type': 'brotli' })).toThrow(/compression.type' must be none, gzip, snappy, lz4, zstd/);
    expect(() => kafkaSink({ 'kafka.bootstrap.servers': 'h:1', 'kafka.enable.idempotence': 'true', 'kafka.acks': '1' })).toThrow(/needs 'kafka.acks' = all/);
  });

  test.each([
    ['value INT', 'TYPE_MISMATCH', /'value' column is int, but value must be a\(n\) string or binary/],
    ['value STRING, key DOUBLE', 'TYPE_MISMATCH', /'key' column is double, but key must be a\(n\) string or binary/],
    ['value STRING, partition STRING', 'TYPE_MISMATCH', /partition must be a\(n\) int/],
    ['value STRING, headers ARRAY<STRING>', 'TYPE_MISMATCH', /headers must be a\(n\) array<struct<key:string,value:binary>>/],
    ['data STRING', 'UNKNOWN_COLUMN', /needs a 'value' column .* 'data' \(string\)/],
  ])('refuses output %s with %s', async (ddl, code, message) => {
    const sink = await open({ topic: topics.plain });
    const attempt = sink.addBatch(0, tableFromRows(toSchema(ddl), []), batch(0));
    await expect(attempt).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  test('without a topic option or column the batch is refused, saying how to fix it', async () => {
    const sink = await open({});
    await expect(sink.addBatch(0, tableFromColumns(toSchema('value STRING'), { value: ['x'] }), batch(0))).rejects.toMatchObject({
      code: 'MISSING_OPTION',
      message: expect.stringMatching(/topic option required when no 'topic' attribute is present: set the Kafka sink's 'topic' option, or add a string 'topic' column/),
    });
  });

  test('unknown options and producer settings are refused; kafka.bootstrap.servers is required', () => {
    expect(() => kafkaSink({ 'kafka.bootstrap.servers': 'h:1', topik: 'x' } as never)).toThrow(/Unknown option 'topik'.*Did you mean 'topic'/);
    expect(() => kafkaSink({ 'kafka.bootstrap.servers': 'h:1', 'kafka.max.partition.fetch.bytes': '1' })).toThrow(/Unknown Kafka producer setting/);
    expect(() => kafkaSink({ topic: 'x' } as never)).toThrow(/requires option 'kafka.bootstrap.servers'/);
    expect(() => kafkaSink({ 'kafka.bootstrap.servers': 'h:1', 'kafka.value.serializer': 'x' })).toThrow(/'value' column/);
  });

  test('unreachable brokers fail the batch with KAFKA_UNREACHABLE after kafka.delivery.timeout.ms', async () => {
    const sink = await kafkaSink({ 'kafka.bootstrap.servers': '127.0.0.1:1', topic: 't', 'kafka.delivery.timeout.ms': '1500' }).open(context);
    sinks.push(sink);
    const started = Date.now();
    await expect(sink.addBatch(3, tableFromColumns(toSchema('value STRING'), { value: ['x'] }), batch(3))).rejects.toMatchObject({
      code: 'KAFKA_UNREACHABLE',
      message: expect.stringMatching(/could not deliver batch 3 within 1500 ms/),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

});

// Alone on its own broker: taking brokers down must not disturb the tests above.
test.skipIf(brokerControlSkipReason() !== undefined)('while the brokers are down, addBatch retries with backoff and delivers once they are back', async () => {
  const own = await startKafkaBroker({ brokers: 2, topics: [{ name: topics.outage, partitions: 1 }] });
  const sink = await kafkaSink({ 'kafka.bootstrap.servers': own.bootstrapServers, topic: topics.outage }).open(context);
  const admin = createKafkajsClient(parseKafkaClientSettings(own.bootstrapServers, {}, 'source'));
  try {
    await own.setBrokerDown(1);
    await own.setBrokerDown(2);
    const writing = sink.addBatch(0, tableFromColumns(toSchema('value STRING'), { value: ['during-outage', 'also'] }), batch(0));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await own.setBrokerUp(1);
    await own.setBrokerUp(2);
    await writing;
    expect((await admin.admin.offsetRanges([topics.outage]))[0]!.latest).toBeGreaterThanOrEqual(2);
    expect(warnings.some((w) => w.includes('retrying until it is back'))).toBe(true);
  } finally {
    await sink.close();
    await admin.close();
    await own.stop();
  }
});
