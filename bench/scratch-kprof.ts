import { performance } from 'node:perf_hooks';
import { memoryCheckpoint, QueryManager, silentLogger } from '@sluice/core';
import { kafkaSource } from '@sluice/sources';
import { noopSink } from '@sluice/sinks';
import { produceRecords, startKafkaBroker, uniqueTopicName } from '@sluice/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const session = new Session(); session.connect(); await session.post('Profiler.enable');
const mode = process.argv[2] ?? 'sluice';
const broker = await startKafkaBroker();
const manager = new QueryManager({ logger: silentLogger });
const topic = uniqueTopicName('bench');
await broker.createTopic(topic, 8);
const records = Array.from({ length: 480000 }, (_, i) => ({ partition: Math.floor(i / 60000), key: `k${i % 1000}`, value: `{"id":${i},"kind":"click"}` }));
await produceRecords(broker.bootstrapServers, topic, records);
await session.post('Profiler.start');
for (let round = 0; round < 3; round++) {
  if (mode === 'sluice') {
  const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', maxOffsetsPerTrigger: 60_000, 'kafka.fetch.max.wait.ms': 10 })
    .writeTo(noopSink(), { checkpointLocation: memoryCheckpoint(), manager });
  let seen = 0, first = 0, started = 0;
  const ended = await new Promise<number>((resolve) => {
    const sub = query.progress$.subscribe((p) => {
      if (p.numInputRows === 0) return;
      seen += p.numInputRows;
      if (started === 0) { started = performance.now(); first = p.numInputRows; }
      if (seen >= records.length) { sub.unsubscribe(); resolve(performance.now()); }
    });
  });
  await query.stop();
  console.log('sluice', Math.round((seen - first) / ((ended - started) / 1000)));
  } else {
    const kafka = new Kafka({ brokers: broker.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: uniqueTopicName('raw'), maxWaitTimeInMs: 10, maxBytesPerPartition: 1048576, maxBytes: 52428800 });
    await consumer.connect(); await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0, started = 0, firstBatch = 0;
    const ended = await new Promise<number>((resolve) => { void consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => {
      if (started === 0) { started = performance.now(); firstBatch = batch.messages.length; }
      seen += batch.messages.length; if (seen >= records.length) resolve(performance.now()); } }); });
    await consumer.disconnect();
    console.log('raw', Math.round((seen - firstBatch) / ((ended - started) / 1000)));
  }
}
const { profile } = await session.post('Profiler.stop'); writeFileSync(`/tmp/prof/${mode}.cpuprofile`, JSON.stringify(profile));
await broker.stop();
process.exit(0);
