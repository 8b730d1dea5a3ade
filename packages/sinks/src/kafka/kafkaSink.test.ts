import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asyncScheduler, lastValueFrom, toArray } from 'rxjs';
import { tableFromColumns, type Sink, type SinkContext } from '@sluice/core/connector';
import { tableFromRows, toSchema, type BatchContext } from '@sluice/core';
import { createKafkajsClient, type KafkaClient, type KafkaRangeReader, type KafkaRecord } from '@sluice/kafka';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { brokerControlSkipReason, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { kafkaSink, type KafkaSinkOptions } from './kafkaSinkProvider.ts';

const prefix = uniqueTopicName('sink');
const topics = { plain: `${prefix}-plain`, a: `${prefix}-a`, b: `${prefix}-b`, override: `${prefix}-override`, parts: `${prefix}-parts`, outage: `${prefix}-outage` };

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
  broker = await startKafkaBroker({ brokers: 2, topics: Object.values(topics).filter((name) => name !== topics.outage).map((name) => ({ name, partitions: name === topics.parts ? 3 : 1 })) });
  client = createKafkajsClient(parseKafkaClientSettings(broker.bootstrapServers, { 'fetch.max.wait.ms': '20' }, 'source'), { decodeHeaders: true });
  reader = client.createReader({ pollTimeoutMs: 20_000 });
  // One reader for every topic of this file, fetching ahead from the start.
  reader.prefetch(Object.values(topics).filter((name) => name !== topics.outage).flatMap((topic) => [0, 1, 2].filter((p) => p === 0 || topic === topics.parts).map((partition) => ({ topic, partition, offset: 0 }))));
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
    expect(back[1]!.headers).toEqual([{ key: 'h1', value: Buffer.from('x') }, { key: 'h2', value: Buffer.alloc(0) }]);
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

  test.each([
    ['value INT', 'TYPE_MISMATCH', /'value' column must be string or binary, but it is int/],
    ['value STRING, key DOUBLE', 'TYPE_MISMATCH', /'key' column must be string or binary, but it is double/],
    ['value STRING, partition STRING', 'TYPE_MISMATCH', /'partition' column must be int/],
    ['value STRING, headers ARRAY<STRING>', 'TYPE_MISMATCH', /'headers' column must be array<struct<key:string,value:binary>>/],
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
      message: expect.stringMatching(/set the 'topic' option, or add a string 'topic' column/),
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
