import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { brokerControlSkipReason, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from './broker.ts';

describe('startKafkaBroker', () => {
  const topic = uniqueTopicName('broker-test');
  let broker: KafkaTestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startKafkaBroker({ brokers: 2, topics: [{ name: topic, partitions: 3 }] });
    kafka = new Kafka({ brokers: broker.bootstrapServers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  });
  afterAll(() => broker?.stop());

  test('creates the requested topics with their partition counts', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
  });

  test('stores what a producer sends, readable from the log end offsets', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2, 1].map((partition) => ({ partition, value: `v${partition}` })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.sort((a, b) => a.partition - b.partition).map((o) => o.high)).toEqual(['1', '2', '1']);
  });

  test('a second topic of the same name is refused', async () => {
    if (broker.kind === 'external') return;
    await expect(broker.createTopic(topic, 3)).rejects.toThrow(/already exists/i);
  });

  test.skipIf(brokerControlSkipReason() !== undefined)('a broker set down refuses clients until it is set up again', async () => {
    await broker.setBrokerDown(1);
    await broker.setBrokerDown(2);
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toThrow();
    await broker.setBrokerUp(1);
    await broker.setBrokerUp(2);
    await admin.connect();
    expect(await admin.listTopics()).toContain(topic);
    await admin.disconnect();
  });

  test('rejects topic names the launcher protocol cannot carry', async () => {
    await expect(broker.createTopic('two words')).rejects.toThrow(/Invalid Kafka topic name/);
  });
});

test('stop() ends the mock process, and later commands fail clearly', async () => {
  const broker = await startKafkaBroker();
  await broker.stop();
  if (broker.kind === 'mock') await expect(broker.createTopic('after-stop')).rejects.toThrow(/exited/);
});
