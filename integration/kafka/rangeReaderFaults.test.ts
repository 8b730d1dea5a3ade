import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { SluiceError } from '@sluice/core';
import { createKafkajsClient, type KafkaClient, type OffsetRangeRequest } from '@sluice/kafka';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { brokerControlSkipReason, produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { recordingLogger } from './support.ts';

const FETCH = 1;
const OFFSET_OUT_OF_RANGE = 1;
const NOT_LEADER_OR_FOLLOWER = 6;
const TOPIC_AUTHORIZATION_FAILED = 29;

// The broker answering Fetch requests with errors, or moving a partition's leader mid-read: the
// reader's own fetch loop must follow, retry or fail clearly, and never lose or repeat a record.
describe.skipIf(brokerControlSkipReason() !== undefined)('the Kafka range reader under broker faults', () => {
  let broker: KafkaTestBroker;
  const clients: KafkaClient[] = [];

  beforeAll(async () => {
    broker = await startKafkaBroker({ brokers: 2 });
  });
  // Injected errors go to whichever fetch comes next: no reader may outlive its test.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => broker?.stop());

  async function topicOf(records: number): Promise<string> {
    const topic = uniqueTopicName('faults');
    await broker.createTopic(topic, 1);
    await produceRecords(broker.bootstrapServers, topic, Array.from({ length: records }, (_, i) => ({ partition: 0, value: `v${i}` })));
    return topic;
  }

  function reader(log = recordingLogger()) {
    const client = createKafkajsClient(parseKafkaClientSettings(broker.bootstrapServers, { 'fetch.max.wait.ms': '20', 'max.partition.fetch.bytes': '2048' }, 'source'), { log });
    clients.push(client);
    return client.createReader({ pollTimeoutMs: 15_000 });
  }

  const values = async (read: ReturnType<typeof reader>, range: OffsetRangeRequest) => {
    const chunks = await lastValueFrom(read.read([range]).pipe(toArray()));
    expect(chunks.flatMap((c) => c.gaps)).toEqual([]);
    return chunks.flatMap((c) => c.records.rows().map((r) => Buffer.from(r.value!).toString()));
  };
  const expected = (from: number, until: number) => Array.from({ length: until - from }, (_, i) => `v${from + i}`);

  test('retriable fetch errors are retried: every record once, in order', async () => {
    const topic = await topicOf(500);
    const log = recordingLogger();
    const read = reader(log);
    await broker.failRequests(FETCH, [NOT_LEADER_OR_FOLLOWER, NOT_LEADER_OR_FOLLOWER, NOT_LEADER_OR_FOLLOWER]);
    expect(await values(read, { topic, partition: 0, from: 0, until: 500 })).toEqual(expected(0, 500));
    expect(log.lines.some((l) => l.startsWith('WARN') && /refused a fetch/.test(l))).toBe(true);
  });

  test('an offset-out-of-range answer for offsets that exist costs a look-up, not a gap', async () => {
    const topic = await topicOf(300);
    await broker.failRequests(FETCH, [OFFSET_OUT_OF_RANGE]);
    expect(await values(reader(), { topic, partition: 0, from: 100, until: 300 })).toEqual(expected(100, 300));
  });

  test('a partition whose leader moves mid-read is followed to the new leader', async () => {
    const topic = await topicOf(2_000);
    const read = reader();
    // Small fetches (2 KiB per partition) make the read take many round trips; the move lands among them.
    const reading = values(read, { topic, partition: 0, from: 0, until: 2_000 });
    await broker.moveLeader(topic, 0, 2);
    await broker.moveLeader(topic, 0, 1);
    expect(await reading).toEqual(expected(0, 2_000));
  });

  test('a refusal that retrying cannot fix fails the read with a SluiceError naming the partition', async () => {
    const topic = await topicOf(10);
    await broker.failRequests(FETCH, [TOPIC_AUTHORIZATION_FAILED]);
    const error = await values(reader(), { topic, partition: 0, from: 0, until: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).code).toBe('KAFKA_ERROR');
    expect((error as SluiceError).message).toMatch(new RegExp(`${topic}-0.*authoriz|authoriz.*${topic}-0`, 'i'));
  });
});
