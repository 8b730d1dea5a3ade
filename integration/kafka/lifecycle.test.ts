import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, isSluiceError, memoryCheckpoint, QueryManager, silentLogger, type StreamingQuery } from '@sluice/core';
import { kafkaSource } from '@sluice/sources';
import { foreachBatchSink, memorySink } from '@sluice/sinks';
import { brokerControlSkipReason, produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { FAST_FETCH, memoryValues } from './support.ts';

// How queries over Kafka end: promptly, completely, and — when the reader fails — loudly.
let broker: KafkaTestBroker;
let checkpoints: string;
const manager = new QueryManager({ logger: silentLogger });

beforeAll(async () => {
  broker = await startKafkaBroker();
  checkpoints = await mkdtemp(join(tmpdir(), 'sluice-kafka-lifecycle-'));
});
afterAll(async () => {
  await Promise.all(manager.active.map((q) => q.stop()));
  await broker?.stop();
  await rm(checkpoints, { recursive: true, force: true });
});

async function topicOf(count: number, partitions = 2): Promise<string> {
  const topic = uniqueTopicName('life');
  await broker.createTopic(topic, partitions);
  await produceRecords(broker.bootstrapServers, topic, Array.from({ length: count }, (_, i) => ({ value: `v${i}`, partition: i % partitions })));
  return topic;
}

/** The process's active resources (sockets, timers, …) counted by kind. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The resources once nothing has changed for 100 ms (a client another helper just closed may still be shutting a socket). */
async function settledResources(): Promise<Record<string, number>> {
  let last = JSON.stringify(resources());
  for (let quiet = 0, waited = 0; quiet < 100 && waited < 3_000; waited += 10) {
    await pause(10);
    const now = JSON.stringify(resources());
    quiet = now === last ? quiet + 10 : 0;
    last = now;
  }
  return JSON.parse(last) as Record<string, number>;
}

/** Resolves when `query` terminates, with how long after its last committed batch that was. */
function tailAfterLastBatch(query: StreamingQuery): Promise<number> {
  let lastBatchAt = performance.now();
  const sub = query.progress$.subscribe(() => (lastBatchAt = performance.now()));
  return query.awaitTermination().then(() => {
    sub.unsubscribe();
    return performance.now() - lastBatchAt;
  });
}

// One at a time: the resource counts are the whole process's.
describe.sequential('a Kafka query ends completely', () => {
  it('availableNow: ends right after its last batch (the fetch on the wire is abandoned), and leaves no socket, timer or reconnect behind — also when restarted on a checkpoint a failed run left', async () => {
    const topic = await topicOf(3_000);
    const checkpoint = join(checkpoints, topic);
    // A fetch waits 5 s on the broker when nothing is new: a stop that waited it out would show.
    const source = () => kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', 'kafka.fetch.max.wait.ms': '5000', maxOffsetsPerTrigger: 1_000 });
    const before = await settledResources();

    // A run that dies in its second batch leaves offsets/1 logged but not committed.
    let calls = 0;
    const failing = await source().writeTo(foreachBatchSink(async () => {
      if (++calls === 2) throw new Error('killed');
    }), { checkpointLocation: checkpoint, trigger: availableNow(), manager });
    await expect(failing.awaitTermination()).rejects.toThrow(/killed/);
    await failing.stop();

    await produceRecords(broker.bootstrapServers, topic, [{ value: 'late', partition: 0 }]);
    const query = await source().writeTo(memorySink(), { queryName: topic, checkpointLocation: checkpoint, trigger: availableNow(), manager });
    const tail = await tailAfterLastBatch(query);
    await query.stop();
    // The replayed batch and the rest: everything after the first committed batch.
    expect(memoryValues(topic)).toHaveLength(3_001 - 1_000);
    expect(tail).toBeLessThan(1_000);
    await pause(10);
    expect(resources()).toEqual(before);
    // Nothing wakes up later (a reconnect, a retry timer).
    await pause(3_500);
    expect(resources()).toEqual(before);
  });

  it('stop() does not wait out a fetch in flight', async () => {
    const topic = await topicOf(10);
    const before = await settledResources();
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', 'kafka.fetch.max.wait.ms': '10000' })
      .writeTo(memorySink(), { queryName: topic, checkpointLocation: memoryCheckpoint(), manager });
    await query.processAllAvailable();
    // The reader now waits on the broker for more records (up to 10 s).
    await pause(100);
    const started = performance.now();
    await query.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    await pause(10);
    expect(resources()).toEqual(before);
  });
});

describe.skipIf(brokerControlSkipReason() !== undefined)('a fatal reader error', () => {
  it('fails the query with a coded SluiceError at once, and the event loop stays live', async () => {
    const topic = await topicOf(100, 1);
    const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', ...FAST_FETCH })
      .writeTo(memorySink(), { queryName: topic, checkpointLocation: memoryCheckpoint(), manager });
    await query.processAllAvailable();
    let beats = 0;
    let longestGap = 0;
    let last = performance.now();
    const heartbeat = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      beats++;
    }, 5);
    try {
      const injected = performance.now();
      await broker.failRequests(1, [29]); // TOPIC_AUTHORIZATION_FAILED on the next Fetch
      const outcome = await query.awaitTermination().then(() => 'ended', (error: unknown) => error);
      const took = performance.now() - injected;
      expect(isSluiceError(outcome, 'KAFKA_ERROR')).toBe(true);
      expect((outcome as Error).message).toMatch(new RegExp(`${topic}-0.*authoriz`, 'i'));
      expect(took).toBeLessThan(1_000);
      // The timers kept firing throughout: no busy loop starved them. (Not a count of beats: on a
      // loaded 2-core machine a 5 ms interval fires every 15-20 ms, so 50 ms can hold 3 beats.)
      const atFailure = beats;
      await pause(50);
      expect(beats, 'the heartbeat fires after the failure').toBeGreaterThan(atFailure);
      expect(longestGap, `longest gap between heartbeats (${beats} beats)`).toBeLessThan(500);
    } finally {
      clearInterval(heartbeat);
      await query.stop();
    }
  });
});
