import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueryManager } from '@sluice/core';
import { kafkaSource } from '@sluice/sources';
import { memorySink } from '@sluice/sinks';
import { brokerControlSkipReason, produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { FAST_FETCH, memoryValues, recordingLogger, waitFor } from './support.ts';

const skip = brokerControlSkipReason();
if (skip) console.warn(`Skipping the Kafka outage pipeline test: ${skip}`);

let broker: KafkaTestBroker;
beforeAll(async () => {
  if (!skip) broker = await startKafkaBroker({ brokers: 3 });
});
afterAll(() => broker?.stop());

it.skipIf(skip !== undefined)('brokers down for 10 s mid-stream: the query waits, then resumes with nothing lost or doubled', async () => {
  const topic = uniqueTopicName('outage');
  await broker.createTopic(topic, 3);
  const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const log = recordingLogger();
  const query = await kafkaSource({ 'kafka.bootstrap.servers': broker.bootstrapServers, subscribe: topic, startingOffsets: 'earliest', ...FAST_FETCH })
    .writeTo(memorySink(), { queryName: topic, manager: new QueryManager({ logger: log }) });
  try {
    await produceRecords(broker.bootstrapServers, topic, values('a', 300).map((value, i) => ({ value, partition: i % 3 })));
    await query.processAllAvailable();
    await produceRecords(broker.bootstrapServers, topic, values('b', 300).map((value, i) => ({ value, partition: i % 3 })));
    for (const id of [1, 2, 3]) await broker.setBrokerDown(id);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect(query.exception).toBeNull();
    expect(query.isActive).toBe(true);
    for (const id of [1, 2, 3]) await broker.setBrokerUp(id);
    await produceRecords(broker.bootstrapServers, topic, values('c', 300).map((value, i) => ({ value, partition: i % 3 })));
    await waitFor(() => memoryValues(topic).length >= 900, 'all 900 records in the memory sink', 30_000);
    await query.processAllAvailable();
    expect(memoryValues(topic).sort()).toEqual([...values('a', 300), ...values('b', 300), ...values('c', 300)].sort());
    expect(log.lines.filter((l) => /unreachable/i.test(l))).not.toEqual([]);
  } finally {
    await query.stop();
  }
}, 90_000);
