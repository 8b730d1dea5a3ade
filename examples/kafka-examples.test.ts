import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { createKafkajsClient } from '@sluice/kafka';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { startKafkaToConsole } from './kafka-to-console.ts';
import { startKafkaToKafka } from './kafka-to-kafka.ts';

let broker: KafkaTestBroker;
let checkpoints: string;
beforeAll(async () => {
  broker = await startKafkaBroker();
  checkpoints = await mkdtemp(join(tmpdir(), 'sluice-kafka-examples-'));
});
afterAll(async () => {
  await broker?.stop();
  await rm(checkpoints, { recursive: true, force: true });
});

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: String(i % 3), value: i === 2 ? '{"user_id": 2, oops' : JSON.stringify({ user_id: i % 3, event_type: 'click', ts: '2024-05-01T10:00:00.000Z' }) }));

describe.concurrent('Kafka examples', () => {
  it('kafka-to-console prints parsed events as Spark tables, the malformed one in its own column', async () => {
    const topics = [uniqueTopicName('user-events'), uniqueTopicName('page-views')];
    for (const t of topics) await broker.createTopic(t, 1);
    await produceRecords(broker.bootstrapServers, topics[0]!, events(4));
    let printed = '';
    const query = await startKafkaToConsole({ bootstrapServers: broker.bootstrapServers, topics, startingOffsets: 'earliest', write: (text) => (printed += text) });
    await query.processAllAvailable();
    await query.stop();
    expect(printed).toContain('Batch: 0');
    expect(printed).toMatch(/\|topic\s*\|partition\|offset\|user_id\|event_type\|ts\s*\|malformed\s*\|/);
    expect(printed).toContain('2024-05-01 10:00:00');
    expect(printed).toContain('{"user_id": 2, oops');
  });

  it('kafka-to-kafka writes keyed JSON, one record per well-formed event', async () => {
    const input = uniqueTopicName('in');
    const output = uniqueTopicName('out');
    await broker.createTopic(input, 2);
    await broker.createTopic(output, 2);
    await produceRecords(broker.bootstrapServers, input, events(30));
    const query = await startKafkaToKafka({ bootstrapServers: broker.bootstrapServers, inputTopic: input, outputTopic: output, checkpointLocation: join(checkpoints, output) });
    await query.processAllAvailable();
    await query.stop();
    const client = createKafkajsClient(parseKafkaClientSettings(broker.bootstrapServers, { 'fetch.max.wait.ms': '20' }, 'source'));
    try {
      const ranges = await client.admin.offsetRanges([output]);
      const reader = client.createReader({ pollTimeoutMs: 20_000 });
      const chunks = await lastValueFrom(reader.read(ranges.map((r) => ({ topic: output, partition: r.partition, from: r.earliest, until: r.latest }))).pipe(toArray()));
      const records = chunks.flatMap((c) => c.records.rows()).map((r) => ({ key: Buffer.from(r.key!).toString(), value: JSON.parse(Buffer.from(r.value!).toString()) as { user_id: number } }));
      expect(records).toHaveLength(29);
      for (const r of records) expect(r.key).toBe(String(r.value.user_id));
      expect(records[0]!.value).toEqual({ user_id: expect.any(Number), event_type: 'click', ts: '2024-05-01T10:00:00.000Z' });
    } finally {
      await client.close();
    }
  });
});
