import { createRequire } from 'node:module';
import { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncScheduler } from 'rxjs';
import { memoryCheckpoint, QueryManager, silentLogger, tableFromRows, toSchema, type BatchContext } from '@sluice/core';
import { type SinkContext } from '@sluice/core/connector';
import { kafkaSource } from '@sluice/sources';
import { kafkaSink, memorySink, memoryTableRows } from '@sluice/sinks';
import { kcatConsume, kcatProduce, requireKcat, startKafkaBroker, storedBatches, uniqueTopicName, type KafkaTestBroker, type KcatCompression, type KcatRecord } from '@sluice/testing';
import { FAST_FETCH } from './support.ts';

// Sluice against librdkafka's own client (Debian's kcat, librdkafka 2.0), every compression codec,
// both ways: what one writes, the other reads byte for byte — keys, values, nulls, headers
// (order, repeated keys, null and empty values) and partitions.
const CODECS: readonly KcatCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const HEADERS = [['a', '1'], ['b', null], ['a', '2'], ['z', ''], ['1', 'one']] as const;

let broker: KafkaTestBroker;
const manager = new QueryManager({ logger: silentLogger });

beforeAll(async () => {
  await requireKcat();
  broker = await startKafkaBroker();
});
afterAll(async () => {
  await Promise.all(manager.active.map((q) => q.stop()));
  await broker?.stop();
});

/** Binary keys and values (never the bytes 1–3, kcat's delimiters here), some null, some large and repetitive. */
function records(count: number, seed: number): { key: Buffer | null; value: Buffer | null }[] {
  return Array.from({ length: count }, (_, i) => {
    const n = seed * 100_000 + i;
    const bytes = (text: string) => Buffer.from(text.split('').map((c, j) => (c.charCodeAt(0) + j * 7) % 252 + 4));
    return {
      key: i % 7 === 3 ? null : bytes(`key-${n}`),
      value: i % 11 === 5 ? null : i % 50 === 0 ? Buffer.alloc(20_000, 0xc8 + (i % 30)) : bytes(`{"id":${n},"kind":"click","user":"u${n % 97}"}`),
    };
  });
}

const hex = (b: Uint8Array | null | undefined) => (b == null ? null : Buffer.from(b).toString('hex'));
const viewOf = (r: KcatRecord) => ({ partition: r.partition, offset: r.offset, key: hex(r.key), value: hex(r.value), headers: r.headers.map(([k, v]) => [k, v]) });

describe.concurrent.each(CODECS)('codec %s', (compression) => {
  it('kcat writes compressed batches with keys, nulls and headers; Sluice reads every record byte-identical', async () => {
    const topic = uniqueTopicName(`kcat-in-${compression}`);
    await broker.createTopic(topic, 2);
    const input = [records(300, 1), records(200, 2)];
    await kcatProduce(broker.bootstrapServers, topic, 0, input[0]!, { compression, headers: HEADERS });
    await kcatProduce(broker.bootstrapServers, topic, 1, input[1]!, { compression });
    for (const partition of [0, 1]) {
      const batches = await storedBatches(broker.bootstrapServers, topic, partition);
      expect(batches.length).toBeGreaterThan(0);
      // librdkafka sends a batch uncompressed when the codec does not shrink it (a batch of one small
      // record, when a loaded machine makes kcat flush early), so 'none' may appear beside the codec.
      const codecs = new Set(batches.map((b) => b.compression));
      expect(codecs).toContain(compression);
      expect([...codecs].filter((c) => c !== compression && c !== 'none')).toEqual([]);
    }
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', includeHeaders: true, ...FAST_FETCH })
      .writeTo(memorySink(), { queryName: topic, checkpointLocation: memoryCheckpoint(), manager });
    await query.processAllAvailable();
    await query.stop();
    const read = memoryTableRows(topic)
      .map((row) => ({
        partition: row['partition'] as number,
        offset: Number(row['offset']),
        key: hex(row['key'] as Uint8Array | null),
        value: hex(row['value'] as Uint8Array | null),
        headers: ((row['headers'] as { key: string; value: Uint8Array | null }[] | null) ?? []).map((h) => [h.key, h.value === null ? null : Buffer.from(h.value).toString()]),
      }))
      .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
    const written = await kcatConsume(broker.bootstrapServers, topic);
    expect(written.map(viewOf)).toEqual(
      input.flatMap((records, partition) => records.map((r, offset) => ({ partition, offset, key: hex(r.key), value: hex(r.value), headers: partition === 0 ? HEADERS.map(([k, v]) => [k, v]) : [] }))),
    );
    expect(read).toEqual(written.map(viewOf));
    expect(read[0]!.headers).toEqual(HEADERS.map(([k, v]) => [k, v]));
  });

  it("Sluice's sink writes compressed batches that kcat reads back with identical bytes, headers and partitions", async () => {
    const topic = uniqueTopicName(`kcat-out-${compression}`);
    await broker.createTopic(topic, 3);
    const headers = (i: number) => (i % 3 === 0 ? [] : HEADERS.slice(0, 1 + (i % HEADERS.length)).map(([key, value]) => ({ key, value: value === null ? null : Buffer.from(value) })));
    const rows = records(300, 3).map((r, i) => ({ ...r, partition: i % 3, headers: headers(i) }));
    const sink = await kafkaSink({ 'kafka.bootstrap.servers': broker.bootstrapServers, topic, 'kafka.compression.type': compression, 'kafka.linger.ms': '5', 'kafka.batch.size': '65536' }).open(context);
    try {
      await sink.addBatch(0, tableFromRows(toSchema('key BINARY, value BINARY, partition INT, headers ARRAY<STRUCT<key: STRING, value: BINARY>>'), rows), batch(0));
    } finally {
      await sink.close();
    }
    for (const partition of [0, 1, 2]) {
      expect(new Set((await storedBatches(broker.bootstrapServers, topic, partition)).map((b) => b.compression))).toEqual(new Set([compression]));
    }
    const back = await kcatConsume(broker.bootstrapServers, topic);
    const expected = [0, 1, 2].flatMap((partition) =>
      rows
        .filter((r) => r.partition === partition)
        .map((r, offset) => ({ partition, offset, key: hex(r.key), value: hex(r.value), headers: r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString()]) })),
    );
    expect(back.map(viewOf)).toEqual(expected);
  });
});

/** Java's murmur2 as kafkajs ports it (an implementation independent of Sluice's), from @sluice/kafka's own kafkajs. */
const require = createRequire(import.meta.url);
const javaMurmur2 = createRequire(require.resolve('@sluice/kafka'))('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;

describe.concurrent.each(CODECS)('codec %s, rows without headers (sent from the Arrow columns)', (compression) => {
  it("Sluice's sink writes them in order, keyed rows on Java's partition for their key, and kcat reads back identical bytes", async () => {
    const topic = uniqueTopicName(`kcat-cols-${compression}`);
    await broker.createTopic(topic, 3);
    const rows = records(240, 5);
    const schema = toSchema('key BINARY, value BINARY');
    // Two record batches, as a query's output often has.
    const table = new Table([...tableFromRows(schema, rows.slice(0, 100)).batches, ...tableFromRows(schema, rows.slice(100)).batches]);
    const sink = await kafkaSink({ 'kafka.bootstrap.servers': broker.bootstrapServers, topic, 'kafka.compression.type': compression, 'kafka.batch.size': '16384' }).open(context);
    try {
      await sink.addBatch(0, table, batch(0));
    } finally {
      await sink.close();
    }
    for (const partition of [0, 1, 2]) {
      expect(new Set((await storedBatches(broker.bootstrapServers, topic, partition)).map((b) => b.compression))).toEqual(new Set([compression]));
    }
    const back = (await kcatConsume(broker.bootstrapServers, topic)).map((r) => ({ partition: r.partition, key: hex(r.key), value: hex(r.value), headers: r.headers }));
    const given = rows.map((r) => ({ key: hex(r.key), value: hex(r.value) }));
    expect(back.map((r) => r.headers)).toEqual(back.map(() => []));
    for (const [i, r] of rows.entries()) {
      if (r.key) expect(back.find((b) => b.key === given[i]!.key)?.partition).toBe((javaMurmur2(r.key) & 0x7fffffff) % 3);
    }
    // Every row once, and each partition holds its rows in the order given.
    expect(back.map((r) => `${r.key}/${r.value}`).sort()).toEqual(given.map((r) => `${r.key}/${r.value}`).sort());
    for (const partition of [0, 1, 2]) {
      let at = 0;
      for (const r of back.filter((b) => b.partition === partition)) {
        while (at < given.length && (given[at]!.key !== r.key || given[at]!.value !== r.value)) at++;
        expect(at, `partition ${partition} holds a row out of order`).toBeLessThan(given.length);
        at++;
      }
    }
  });
});

const context: SinkContext = { queryId: 'q', runId: 'r', queryName: null, outputMode: 'append', scheduler: asyncScheduler, log: silentLogger };
const batch = (batchId: number): BatchContext => ({
  batchId, queryId: 'q', runId: 'r', queryName: null, outputMode: 'append', batchTimestampMs: 0, watermarkMs: 0, signal: new AbortController().signal, fault: async () => {},
});
