import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, tableToRows } from '@sluice/core';
import { history, readDelta } from '@sluice/formats';
import { produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaToDelta } from './kafka-to-delta.ts';

let broker: KafkaTestBroker;
let dir: string;
beforeAll(async () => {
  broker = await startKafkaBroker();
  dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-to-delta-'));
});
afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Events `from`…`to`-1: every 5th a test event, every 7th malformed. */
const events = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => {
  const n = from + k;
  return { partition: n % 3, value: n % 7 === 6 ? `{"user_id": ${n}, "event_type": ` : JSON.stringify({ user_id: n, event_type: n % 5 === 4 ? 'test' : 'click', ts: '2024-05-01T10:00:00.000Z' }) };
});
const kept = (to: number) => Array.from({ length: to }, (_, n) => n).filter((n) => n % 7 !== 6 && n % 5 !== 4);

describe('examples/kafka-to-delta', () => {
  it('parses, stamps and filters the events into a Delta table, each once across restarts', async () => {
    const topic = uniqueTopicName('events');
    await broker.createTopic(topic, 3);
    const options = { bootstrapServers: broker.bootstrapServers, topic, path: join(dir, 'events'), checkpointLocation: join(dir, 'checkpoint'), trigger: availableNow() };
    await produceRecords(broker.bootstrapServers, topic, events(0, 60));
    const first = await startKafkaToDelta(options);
    await first.awaitTermination();
    await produceRecords(broker.bootstrapServers, topic, events(60, 100));
    const second = await startKafkaToDelta(options);
    await second.awaitTermination();

    const rows = tableToRows(await readDelta(options.path));
    expect(rows.map((r) => Number(r['user_id'])).sort((a, b) => a - b)).toEqual(kept(100));
    expect(Object.keys(rows[0]!)).toEqual(['key', 'user_id', 'event_type', 'ts', 'topic', 'partition', 'offset', 'timestamp', 'timestampType', 'ingestion_time']);
    expect(rows.every((r) => typeof r['ingestion_time'] === 'number' && r['event_type'] === 'click')).toBe(true);
    expect((await history(options.path)).map((h) => h.operation)).toEqual(['STREAMING UPDATE', 'STREAMING UPDATE']);
  });
});
