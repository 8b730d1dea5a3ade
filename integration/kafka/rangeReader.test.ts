import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { createKafkajsClient } from '@sluice/kafka';
import type { KafkaClient, KafkaRangeReader, OffsetRangeRequest, RecordChunk } from '@sluice/kafka';

// The reads here share one reader, as a query run's batches do.
describe('the Kafka range reader', () => {
  const topic = uniqueTopicName('reader');
  let broker: KafkaTestBroker;
  let client: KafkaClient;
  let reader: KafkaRangeReader;

  beforeAll(async () => {
    broker = await startKafkaBroker({ topics: [{ name: topic, partitions: 3 }] });
    const records = Array.from({ length: 3000 }, (_, i) => ({ partition: i % 3, key: `k${i}`, value: `v${i}`, headers: { n: String(i) } }));
    await produceRecords(broker.bootstrapServers, topic, records);
    client = createKafkajsClient(parseKafkaClientSettings(broker.bootstrapServers, {}, 'source'), { decodeHeaders: true });
    reader = client.createReader({ pollTimeoutMs: 20_000 });
  });
  afterAll(async () => {
    await client?.close();
    await broker?.stop();
  });

  const values = (chunks: RecordChunk[], partition: number) =>
    chunks.filter((c) => c.partition === partition).flatMap((c) => c.records.rows().map((r) => Buffer.from(r.value!).toString()));
  const read = (ranges: OffsetRangeRequest[]) => lastValueFrom(reader.read(ranges).pipe(toArray()));

  test('reads exactly the records of each range, in offset order', async () => {
    const chunks = await read([
      { topic, partition: 0, from: 10, until: 20 },
      { topic, partition: 2, from: 0, until: 1000 },
    ]);
    expect(values(chunks, 0)).toEqual(Array.from({ length: 10 }, (_, i) => `v${(10 + i) * 3}`));
    expect(values(chunks, 2)).toEqual(Array.from({ length: 1000 }, (_, i) => `v${i * 3 + 2}`));
    expect(chunks.flatMap((c) => c.gaps)).toEqual([]);
  });

  test('replays an earlier range identically (seeks back)', async () => {
    const first = await read([{ topic, partition: 1, from: 500, until: 700 }]);
    const later = await read([{ topic, partition: 1, from: 900, until: 950 }]);
    const again = await read([{ topic, partition: 1, from: 500, until: 700 }]);
    expect(values(again, 1)).toEqual(values(first, 1));
    expect(values(later, 1)[0]).toBe(`v${900 * 3 + 1}`);
    const record = again[0]!.records.row(0);
    expect(record.offset).toBe(500);
    expect(Buffer.from(record.key!).toString()).toBe(`k${500 * 3 + 1}`);
    expect(record.headers).toEqual([{ key: 'n', value: Buffer.from(String(500 * 3 + 1)) }]);
    expect(record.timestampType).toBe(0);
    expect(record.timestamp).toBeGreaterThan(1_600_000_000_000);
  });

  test('continues from the buffer when the next range starts where the last ended', async () => {
    const a = await read([{ topic, partition: 0, from: 100, until: 150 }]);
    const b = await read([{ topic, partition: 0, from: 150, until: 1000 }]);
    expect([...values(a, 0), ...values(b, 0)]).toEqual(Array.from({ length: 900 }, (_, i) => `v${(100 + i) * 3}`));
  });

  test('waits for records that are not written yet, and signals arrivals between reads', async () => {
    const arrived = firstValueFrom(reader.arrivals$);
    const pending = read([{ topic, partition: 0, from: 1000, until: 1002 }]);
    await produceRecords(broker.bootstrapServers, topic, [{ partition: 0, value: 'late-1' }, { partition: 0, value: 'late-2' }]);
    expect(values(await pending, 0)).toEqual(['late-1', 'late-2']);
    reader.prefetch([{ topic, partition: 0, offset: 1002 }]);
    await produceRecords(broker.bootstrapServers, topic, [{ partition: 0, value: 'late-3' }]);
    await arrived;
    expect(values(await read([{ topic, partition: 0, from: 1002, until: 1003 }]), 0)).toEqual(['late-3']);
  });

  test('a small buffer pauses fetching ahead and resumes as reads drain it, losing nothing', async () => {
    const small = client.createReader({ pollTimeoutMs: 20_000, maxBufferedRecordsPerPartition: 50, maxBufferedBytesPerPartition: 2_000 });
    small.prefetch([{ topic, partition: 2, offset: 0 }]);
    const chunks = await lastValueFrom(small.read([{ topic, partition: 2, from: 0, until: 1000 }]).pipe(toArray()));
    expect(values(chunks, 2)).toEqual(Array.from({ length: 1000 }, (_, i) => `v${i * 3 + 2}`));
    await small.close();
  });

  test('an empty range reads nothing and completes at once', async () => {
    expect(await read([{ topic, partition: 0, from: 5, until: 5 }])).toEqual([]);
  });
});

describe('reads that cannot complete', () => {
  const topic = uniqueTopicName('reader-empty');
  let broker: KafkaTestBroker;
  let client: KafkaClient;

  beforeAll(async () => {
    broker = await startKafkaBroker({ topics: [{ name: topic, partitions: 1 }] });
    client = createKafkajsClient(parseKafkaClientSettings(broker.bootstrapServers, {}, 'source'));
  });
  afterAll(async () => {
    await client?.close();
    await broker?.stop();
  });

  test('a read that gets no records within pollTimeoutMs fails with KAFKA_UNREACHABLE', async () => {
    const reader = client.createReader({ pollTimeoutMs: 500 });
    await expect(lastValueFrom(reader.read([{ topic, partition: 0, from: 0, until: 1 }]))).rejects.toMatchObject({ code: 'KAFKA_UNREACHABLE' });
  });

  test('a read of a partition the cluster does not have times out naming it', async () => {
    const reader = client.createReader({ pollTimeoutMs: 1_000 });
    await expect(lastValueFrom(reader.read([{ topic, partition: 7, from: 0, until: 1 }]))).rejects.toMatchObject({
      code: 'KAFKA_UNREACHABLE',
      message: expect.stringContaining(`no leader for ${topic}-7`),
    });
  });
});
