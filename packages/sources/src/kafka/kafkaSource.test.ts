import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray, VirtualTimeScheduler } from 'rxjs';
import { concatTables, READ_ALL, type ReadLimit, type Source } from '@sluice/core/connector';
import { tableToRows } from '@sluice/core';
import { createKafkajsClient, type KafkaClientFactory } from '@sluice/kafka';
import { produceRecords, startKafkaBroker, timestampLookupSkipReason, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import type { KafkaOffset } from './kafkaOffset.ts';
import type { KafkaSource } from './kafkaSource.ts';
import { kafkaProvider } from './kafkaSourceProvider.ts';
import type { KafkaSourceOptions } from './kafkaSourceProvider.ts';
import { MemoryMetadataStore, recordingLogger, testSourceContext } from './testContext.ts';

let broker: KafkaTestBroker;
const opened: Source[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
});
afterAll(async () => {
  await Promise.all(opened.map((s) => s.stop()));
  await broker?.stop();
});

type Options = Omit<KafkaSourceOptions, 'kafka.bootstrap.servers'>;

async function open(options: Options, context = testSourceContext()): Promise<KafkaSource> {
  // The mock broker answers a fetch only when its wait runs out, so keep waits short in tests.
  const provider = kafkaProvider({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': '20', ...options } as Record<string, unknown>);
  const source = (await provider.open(context)) as KafkaSource;
  opened.push(source);
  return source;
}

async function readRows(source: Source<KafkaOffset>, start: KafkaOffset, end: KafkaOffset) {
  const tables = await lastValueFrom(source.read(start, end).pipe(toArray()));
  return tableToRows(concatTables(source.schema, tables));
}

const text = (value: unknown) => (value == null ? null : Buffer.from(value as Uint8Array).toString());

async function topicWith(partitions: number, perPartition: number, prefix = 'src'): Promise<string> {
  const topic = uniqueTopicName(prefix);
  await broker.createTopic(topic, partitions);
  const records = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) records.push({ partition: p, key: `k${p}-${i}`, value: `${p}:${i}` });
  if (records.length > 0) await produceRecords(broker.bootstrapServers, topic, records);
  return topic;
}

describe.concurrent('subscribe', () => {
  test('reads exactly the records of a planned range, with Spark columns, and replays it identically', async () => {
    const topic = await topicWith(3, 40);
    const source = await open({ subscribe: topic, startingOffsets: 'earliest' });
    expect(source.description).toBe(`KafkaV2[Subscribe[${topic}]]`);
    const start = await source.initialOffset();
    expect(start).toEqual({ [topic]: { 0: 0, 1: 0, 2: 0 } });
    const end = await source.latestOffset(start, READ_ALL);
    expect(end).toEqual({ [topic]: { 0: 40, 1: 40, 2: 40 } });
    const rows = await readRows(source, start, end);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => `${r['partition']}:${r['offset']}`)).size).toBe(120);
    const first = rows.find((r) => r['partition'] === 1 && r['offset'] === 5n)!;
    expect({ key: text(first['key']), value: text(first['value']), topic: first['topic'], timestampType: first['timestampType'] }).toEqual({
      key: 'k1-5', value: '1:5', topic, timestampType: 0,
    });
    expect(first['timestamp']).toBeGreaterThan(1_600_000_000_000);
    // Replay after a crash re-reads the same range: the same rows.
    const replay = await readRows(source, start, end);
    expect(replay.map((r) => `${r['partition']}:${r['offset']}:${text(r['value'])}`).sort()).toEqual(rows.map((r) => `${r['partition']}:${r['offset']}:${text(r['value'])}`).sort());
    expect(source.metrics!(end)).toEqual({ avgOffsetsBehindLatest: '0.0', maxOffsetsBehindLatest: '0', minOffsetsBehindLatest: '0' });
    expect(source.metrics!(start)).toEqual({ avgOffsetsBehindLatest: '40.0', maxOffsetsBehindLatest: '40', minOffsetsBehindLatest: '40' });
    expect(source.reportLatestOffset!()).toEqual(end);
  });

  test('a sub-range reads only its own offsets; an unchanged topic yields its start again', async () => {
    const topic = await topicWith(1, 50);
    const source = await open({ subscribe: topic, startingOffsets: 'earliest' });
    const rows = await readRows(source, { [topic]: { 0: 10 } }, { [topic]: { 0: 13 } });
    expect(rows.map((r) => text(r['value']))).toEqual(['0:10', '0:11', '0:12']);
    expect(await source.latestOffset({ [topic]: { 0: 50 } }, READ_ALL)).toEqual({ [topic]: { 0: 50 } });
  });

  test('dataArrived$ fires when records arrive after a read, and the next batch reads them', async () => {
    const topic = await topicWith(1, 5);
    const source = await open({ subscribe: topic, startingOffsets: 'earliest' });
    const start = await source.initialOffset();
    const end = await source.latestOffset(start, READ_ALL);
    await readRows(source, start, end);
    const woke = firstValueFrom(source.dataArrived$!);
    await produceRecords(broker.bootstrapServers, topic, [{ value: 'new' }]);
    await woke;
    const next = await source.latestOffset(end, READ_ALL);
    expect((await readRows(source, end, next)).map((r) => text(r['value']))).toEqual(['new']);
  });
});

test.concurrent("metrics, Spark's corner cases (KafkaMicroBatchSourceSuite: test custom metrics - corner cases, SPARK-57438)", async () => {
  const topic1 = await topicWith(1, 3, 'metrics-a');
  const topic2 = await topicWith(1, 6, 'metrics-b');
  const source = await open({ subscribe: `${topic1},${topic2}`, startingOffsets: 'earliest' });
  // Before any latestOffset (Spark's latestPartitionOffsets null): no metrics, no failure.
  expect(source.metrics!({ [topic1]: { 0: 1 } })).toEqual({});
  const start = await source.initialOffset();
  await source.latestOffset(start, READ_ALL);
  // An empty offset: no metrics.
  expect(source.metrics!(null)).toEqual({});
  // Latest 3 and 6, consumed 1 and 2: behind by 2 and 4.
  expect(source.metrics!({ [topic1]: { 0: 1 }, [topic2]: { 0: 2 } })).toEqual({ minOffsetsBehindLatest: '2', maxOffsetsBehindLatest: '4', avgOffsetsBehindLatest: '3.0' });
});

describe.concurrent('startingOffsets', () => {
  test("'latest' starts after what is there; the resolved offsets are persisted, so a restart reads the same range", async () => {
    const topic = await topicWith(2, 10);
    const metadata = new MemoryMetadataStore();
    const first = await open({ subscribe: topic }, testSourceContext({ metadata }));
    expect(await first.initialOffset()).toEqual({ [topic]: { 0: 10, 1: 10 } });
    await produceRecords(broker.bootstrapServers, topic, [{ partition: 0, value: 'after' }]);
    // A second run on the same checkpoint (before batch 0 committed) must not re-resolve 'latest'.
    const second = await open({ subscribe: topic }, testSourceContext({ metadata }));
    const start = await second.initialOffset();
    expect(start).toEqual({ [topic]: { 0: 10, 1: 10 } });
    expect(await metadata.list()).toEqual(['0']);
    // Spark's bytes (SPARK-19517): a zero byte, v1, the JSON — so Spark can take the checkpoint over.
    expect(metadata.texts.get('0')).toBe(`\u0000v1\n{"${topic}":{"0":10,"1":10}}`);
    const end = await second.latestOffset(start, READ_ALL);
    expect((await readRows(second, start, end)).map((r) => text(r['value']))).toEqual(['after']);
  });

  test('JSON offsets with -2 (earliest) and -1 (latest) per partition, checked against the partitions read', async () => {
    const topic = await topicWith(3, 10);
    const source = await open({ subscribe: topic, startingOffsets: { [topic]: { 0: 4, 1: -2, 2: -1 } } });
    expect(await source.initialOffset()).toEqual({ [topic]: { 0: 4, 1: 0, 2: 10 } });
    const partial = await open({ subscribe: topic, startingOffsets: { [topic]: { 0: 4 } } });
    await expect(partial.initialOffset()).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/you must specify all TopicPartitions.*every partition being read/) });
    // Per topic: "earliest"/"latest" cover all of a topic's partitions (Spark 4.1's topic-level offsets).
    const byTopic = await open({ subscribe: topic, startingOffsets: JSON.stringify({ [topic]: 'EARLIEST' }) });
    expect(await byTopic.initialOffset()).toEqual({ [topic]: { 0: 0, 1: 0, 2: 0 } });
  });

  test.skipIf(timestampLookupSkipReason() !== undefined)('startingTimestamp starts at the first record at or after the timestamp (real Kafka only)', async () => {
    const topic = uniqueTopicName('ts');
    await broker.createTopic(topic, 1);
    await produceRecords(broker.bootstrapServers, topic, [1000, 2000, 3000, 4000].map((timestamp, i) => ({ value: `t${i}`, timestamp })));
    expect(await (await open({ subscribe: topic, startingTimestamp: 2500 })).initialOffset()).toEqual({ [topic]: { 0: 2 } });
    expect(await (await open({ subscribe: topic, startingOffsetsByTimestamp: { [topic]: { 0: 1000 } } })).initialOffset()).toEqual({ [topic]: { 0: 0 } });
  });

  test('a timestamp later than every record is an error, unless startingOffsetsByTimestampStrategy is latest', async () => {
    const topic = uniqueTopicName('ts-late');
    await broker.createTopic(topic, 1);
    await produceRecords(broker.bootstrapServers, topic, [1000, 2000].map((timestamp, i) => ({ value: `t${i}`, timestamp })));
    const tooLate = await open({ subscribe: topic, startingTimestamp: Date.now() + 3_600_000 });
    await expect(tooLate.initialOffset()).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(/startingOffsetsByTimestampStrategy/) });
    const latest = await open({ subscribe: topic, startingTimestamp: Date.now() + 3_600_000, startingOffsetsByTimestampStrategy: 'latest' });
    expect(await latest.initialOffset()).toEqual({ [topic]: { 0: 2 } });
  });
});

describe.concurrent('subscribePattern and assign', () => {
  test('a topic that starts matching the pattern later is read from its start', async () => {
    const prefix = uniqueTopicName('pat');
    const existing = `${prefix}-a`;
    await broker.createTopic(existing, 1);
    await produceRecords(broker.bootstrapServers, existing, [{ value: 'a0' }]);
    const source = await open({ subscribePattern: `${prefix}-.*`, startingOffsets: 'latest' });
    expect(source.description).toBe(`KafkaV2[SubscribePattern[${prefix}-.*]]`);
    const start = await source.initialOffset();
    expect(start).toEqual({ [existing]: { 0: 1 } });
    const added = `${prefix}-b`;
    await broker.createTopic(added, 2);
    await produceRecords(broker.bootstrapServers, added, [{ partition: 0, value: 'b0' }, { partition: 1, value: 'b1' }]);
    await produceRecords(broker.bootstrapServers, `${uniqueTopicName('other')}`, [{ value: 'not matching' }]);
    const end = await source.latestOffset(start, READ_ALL);
    expect(end).toEqual({ [existing]: { 0: 1 }, [added]: { 0: 1, 1: 1 } });
    expect((await readRows(source, start, end)).map((r) => text(r['value'])).sort()).toEqual(['b0', 'b1']);
  });

  test('assign reads only the given partitions', async () => {
    const topic = await topicWith(3, 5);
    const source = await open({ assign: { [topic]: [0, 2] }, startingOffsets: 'earliest' });
    expect(source.description).toBe(`KafkaV2[Assign[${topic}-0, ${topic}-2]]`);
    const start = await source.initialOffset();
    const end = await source.latestOffset(start, READ_ALL);
    expect(end).toEqual({ [topic]: { 0: 5, 2: 5 } });
    expect(new Set((await readRows(source, start, end)).map((r) => r['partition']))).toEqual(new Set([0, 2]));
  });
});

describe.concurrent('read limits', () => {
  test('maxOffsetsPerTrigger bounds every batch, split across partitions by lag, until all is read', async () => {
    const topic = uniqueTopicName('max');
    await broker.createTopic(topic, 3);
    await produceRecords(broker.bootstrapServers, topic, [
      ...Array.from({ length: 60 }, (_, i) => ({ partition: 0, value: `a${i}` })),
      ...Array.from({ length: 30 }, (_, i) => ({ partition: 1, value: `b${i}` })),
      ...Array.from({ length: 7 }, (_, i) => ({ partition: 2, value: `c${i}` })),
    ]);
    const source = await open({ subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 25 });
    expect(source.defaultReadLimit).toEqual({ kind: 'maxRows', maxRows: 25 });
    let start = await source.initialOffset();
    const first = await source.latestOffset(start, source.defaultReadLimit!);
    // Spark's rateLimit: 25 × 60/97, 25 × 30/97 and 25 × 7/97, floored.
    expect(first).toEqual({ [topic]: { 0: 15, 1: 7, 2: 1 } });
    const seen: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const end = await source.latestOffset(start, source.defaultReadLimit!);
      if (JSON.stringify(end) === JSON.stringify(start)) break;
      const rows = await readRows(source, start, end);
      expect(rows.length).toBeLessThanOrEqual(25);
      seen.push(...rows.map((r) => text(r['value'])!));
      start = end;
    }
    expect(seen).toHaveLength(97);
    expect(new Set(seen).size).toBe(97);
  });

  test('an idle read-limited poll does not ask the broker while its last answer is fresh and nothing new was fetched', async () => {
    const topic = await topicWith(2, 10);
    let lookups = 0;
    const counting: KafkaClientFactory = (settings, options) => {
      const client = createKafkajsClient(settings, options);
      const offsetRanges = client.admin.offsetRanges.bind(client.admin);
      client.admin.offsetRanges = (topics) => (lookups++, offsetRanges(topics));
      return client;
    };
    const provider = kafkaProvider({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': '20', subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 100 }, undefined, counting);
    const source = (await provider.open(testSourceContext())) as KafkaSource;
    opened.push(source);
    const start = await source.initialOffset();
    const end = await source.latestOffset(start, source.defaultReadLimit!);
    expect(await readRows(source, start, end)).toHaveLength(20);
    // Caught up: the reader answers for the broker; a burst of idle polls makes at most one look-up.
    const before = lookups;
    for (let i = 0; i < 20; i++) expect(await source.latestOffset(end, source.defaultReadLimit!)).toEqual(end);
    expect(lookups - before).toBeLessThanOrEqual(1);
    // New records are still seen: the reader holds them, so the broker is asked again.
    await produceRecords(broker.bootstrapServers, topic, [{ partition: 1, value: 'late' }]);
    await vi.waitFor(async () => expect(await source.latestOffset(end, source.defaultReadLimit!)).toEqual({ [topic]: { 0: 10, 1: 11 } }), { timeout: 10_000, interval: 20 });
  });

  test('minOffsetsPerTrigger holds a batch back until enough offsets arrived or maxTriggerDelay passed (on the query clock)', async () => {
    const topic = await topicWith(1, 3);
    const scheduler = new VirtualTimeScheduler();
    const source = await open({ subscribe: topic, startingOffsets: 'earliest', minOffsetsPerTrigger: 5, maxTriggerDelay: '10 seconds' }, testSourceContext({ scheduler }));
    const limit = source.defaultReadLimit as ReadLimit;
    expect(limit).toEqual({ kind: 'minRows', minRows: 5, maxTriggerDelayMs: 10_000 });
    const start = await source.initialOffset();
    expect(await source.latestOffset(start, limit)).toEqual(start);
    await produceRecords(broker.bootstrapServers, topic, [{ value: 'x' }]);
    expect(await source.latestOffset(start, limit)).toEqual(start);
    let woke = false;
    source.dataArrived$!.subscribe(() => (woke = true));
    scheduler.maxFrames = 10_000;
    scheduler.flush();
    expect(woke).toBe(true);
    expect(await source.latestOffset(start, limit)).toEqual({ [topic]: { 0: 4 } });
    await produceRecords(broker.bootstrapServers, topic, Array.from({ length: 5 }, () => ({ value: 'y' })));
    expect(await source.latestOffset({ [topic]: { 0: 4 } }, limit)).toEqual({ [topic]: { 0: 9 } });
  });
});

test.concurrent('includeHeaders adds a headers column of key/value pairs', async () => {
  const topic = uniqueTopicName('headers');
  await broker.createTopic(topic, 1);
  await produceRecords(broker.bootstrapServers, topic, [{ value: 'v', headers: { trace: 'abc', kind: Buffer.from([1, 2]) } }]);
  const source = await open({ subscribe: topic, startingOffsets: 'earliest', includeHeaders: true });
  expect(source.schema.fields.map((f) => f.name)).toContain('headers');
  const start = await source.initialOffset();
  const rows = await readRows(source, start, await source.latestOffset(start, READ_ALL));
  const headers = rows[0]!['headers'] as { key: string; value: Uint8Array }[];
  expect(headers.map((h) => [h.key, [...h.value]])).toEqual([['trace', [...Buffer.from('abc')]], ['kind', [1, 2]]]);
});

test.concurrent('unreachable bootstrap servers fail with KAFKA_UNREACHABLE naming them, within seconds', async () => {
  const provider = kafkaProvider({ 'kafka.bootstrap.servers': '127.0.0.1:1', subscribe: 'events', 'fetchOffset.numRetries': 1 });
  const source = await provider.open(testSourceContext());
  opened.push(source);
  const started = Date.now();
  await expect(source.initialOffset()).rejects.toMatchObject({ code: 'KAFKA_UNREACHABLE', message: expect.stringContaining('127.0.0.1:1') });
  expect(Date.now() - started).toBeLessThan(15_000);
});

describe.concurrent('data loss', () => {
  test('checkpointed offsets past the log end (broker restarted empty): KAFKA_DATA_LOSS, or with failOnDataLoss=false a warning, a skip and a metric', async () => {
    const topic = await topicWith(1, 100);
    const metadata = new MemoryMetadataStore();
    const before = await open({ subscribe: topic, startingOffsets: 'earliest' }, testSourceContext({ metadata }));
    const start = await before.initialOffset();
    const end = await before.latestOffset(start, READ_ALL);
    expect(await readRows(before, start, end)).toHaveLength(100);
    // The broker comes back empty: a fresh cluster with the same topic and only 10 records.
    const restarted = await startKafkaBroker({ topics: [{ name: topic, partitions: 1 }] });
    try {
      await produceRecords(restarted.bootstrapServers, topic, Array.from({ length: 10 }, (_, i) => ({ value: `new${i}` })));
      const options = { 'kafka.bootstrap.servers': restarted.bootstrapServers, subscribe: topic, 'kafka.fetch.max.wait.ms': '20' };
      const strict = (await kafkaProvider(options).open(testSourceContext({ metadata }))) as KafkaSource;
      opened.push(strict);
      const failure = strict.latestOffset(end, READ_ALL);
      await expect(failure).rejects.toMatchObject({ code: 'KAFKA_DATA_LOSS', details: { topic, partition: 0, fromOffset: 10, untilOffset: 100 } });
      await expect(failure).rejects.toThrow(`${topic}-0 offsets [10, 100)`);
      // Replaying the planned range after the restart cannot be exact either.
      await expect(lastValueFrom(strict.read({ [topic]: { 0: 90 } }, end).pipe(toArray()))).rejects.toMatchObject({ code: 'KAFKA_DATA_LOSS' });
      const log = recordingLogger();
      const lenient = (await kafkaProvider({ ...options, failOnDataLoss: false }).open(testSourceContext({ metadata, log }))) as KafkaSource;
      opened.push(lenient as Source);
      const moved = (await lenient.latestOffset(end, READ_ALL)) as KafkaOffset;
      expect(moved).toEqual({ [topic]: { 0: 10 } });
      expect(await lastValueFrom(lenient.read(end, moved).pipe(toArray()))).toSatisfy((tables: { numRows: number }[]) => tables.every((t) => t.numRows === 0));
      expect(log.lines.some((l) => l.startsWith('WARN') && l.includes(`${topic}-0`))).toBe(true);
      expect(lenient.metrics!(moved)).toMatchObject({ offsetsLost: '90' });
      // Afterwards the query goes on with what the new log holds.
      await produceRecords(restarted.bootstrapServers, topic, [{ value: 'after-restart' }]);
      // Triggers ask until the end moves, as the engine does: the reader may not hold the record yet.
      let next = moved;
      await vi.waitFor(async () => expect((next = (await lenient.latestOffset(moved, READ_ALL)) as KafkaOffset)).not.toEqual(moved), { timeout: 10_000, interval: 20 });
      expect((await readRows(lenient as Source<KafkaOffset>, moved, next)).map((r) => text(r['value']))).toEqual(['after-restart']);
    } finally {
      await restarted.stop();
    }
  });

  test('a subscribed topic that disappears is data loss naming its partitions', async () => {
    const topic = await topicWith(1, 3);
    const source = await open({ subscribe: topic, startingOffsets: 'earliest' });
    const start = await source.initialOffset();
    const gone = uniqueTopicName('gone');
    await expect(source.latestOffset({ ...start, [gone]: { 0: 5 } }, READ_ALL)).rejects.toMatchObject({
      code: 'KAFKA_DATA_LOSS',
      message: expect.stringContaining(`${gone}-0 from offset 5: the partition is gone`),
    });
  });
});
