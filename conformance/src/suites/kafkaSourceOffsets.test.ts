/**
 * KafkaMicroBatchSourceSuite (KafkaSourceSuiteBase): where a query starts reading — assign,
 * subscribe and subscribePattern from latest, earliest, specific and topic-level offsets, with
 * failOnDataLoss on and off — and what the rows look like, restated on the real Kafka source
 * against the test broker, each stop and restart from the same on-disk checkpoint.
 *
 * Spark's `subscribe`/`subscribePattern` variants of "from latest/earliest offsets" add
 * partitions to the topic midway (then read them from earliest); librdkafka's mock broker cannot
 * add partitions, so those run the same steps as the `assign` variants, without that one.
 * New partitions and topics read from their start are covered by the subscribePattern scenario
 * "topic-level offsets tolerate a new topic matching subscribePattern after the start".
 */
import { describe, expect } from 'vitest';
import '@sluice/sources';
import { col, count, groupBy, isSluiceError, QueryManager, readStream, select, silentLogger, window, withWatermark } from '@sluice/core';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import { produceRecords, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { suite } from '../harness/scenario.ts';
import { KafkaStreamTest, intValues, range, sendMessages, useKafkaBroker } from '../harness/kafkaStream.ts';

const spark = suite('KafkaMicroBatchSourceSuite');
let broker: KafkaTestBroker;
const manager = new QueryManager({ logger: silentLogger });

useKafkaBroker(manager, (started) => (broker = started));

const assignString = (topic: string, partitions: readonly number[]) => JSON.stringify({ [topic]: partitions });

/** Spark's testFromLatestOffsets (without its add-partitions step: see the file's comment). */
async function fromLatestOffsets(topic: string, failOnDataLoss: boolean, options: Record<string, unknown>) {
  await broker.createTopic(topic, 5);
  await sendMessages(broker, topic, ['-1']);
  const stream = new KafkaStreamTest(broker, manager, { startingOffsets: 'latest', 'kafka.metadata.max.age.ms': '1', failOnDataLoss: String(failOnDataLoss), ...options }, intValues(1));
  await stream.start();
  await stream.makeSureGetOffsetCalled();
  await sendMessages(broker, topic, [1, 2, 3]);
  expect(await stream.answer()).toEqual([2, 3, 4]);
  await stream.stop();
  await stream.start();
  expect(await stream.answer()).toEqual([2, 3, 4]); // Should get the data back on recovery
  await stream.stop();
  await sendMessages(broker, topic, [4, 5, 6]); // Add data when stream is stopped
  await stream.start();
  expect(await stream.answer()).toEqual(range(2, 7)); // Should get the added data
  await sendMessages(broker, topic, [7, 8]);
  expect(await stream.answer()).toEqual(range(2, 9));
  await sendMessages(broker, topic, range(9, 16));
  expect(await stream.answer()).toEqual(range(2, 17));
  await stream.stop();
}

/** Spark's testFromEarliestOffsets (without its add-partitions step). */
async function fromEarliestOffsets(topic: string, failOnDataLoss: boolean, options: Record<string, unknown>) {
  await broker.createTopic(topic, 5);
  await sendMessages(broker, topic, [1, 2, 3]);
  const stream = new KafkaStreamTest(broker, manager, { startingOffsets: 'earliest', 'kafka.metadata.max.age.ms': '1', failOnDataLoss: String(failOnDataLoss), ...options }, intValues(1));
  await stream.start();
  await sendMessages(broker, topic, [4, 5, 6]);
  expect(await stream.answer()).toEqual(range(2, 7));
  await stream.stop();
  await stream.start();
  expect(await stream.answer()).toEqual(range(2, 7));
  await stream.stop();
  await sendMessages(broker, topic, [7, 8]);
  await stream.start();
  expect(await stream.answer()).toEqual(range(2, 9));
  await sendMessages(broker, topic, range(9, 16));
  expect(await stream.answer()).toEqual(range(2, 17));
  await stream.stop();
}

/** Spark's testFromSpecificOffsets: per partition earliest (-2), latest (-1), 0, 1 and 2. */
async function fromSpecificOffsets(topic: string, failOnDataLoss: boolean, options: Record<string, unknown>) {
  const startingOffsets = JSON.stringify({ [topic]: { 0: -2, 1: -1, 2: 0, 3: 1, 4: 2 } });
  await broker.createTopic(topic, 5);
  await sendMessages(broker, topic, [-20, -21, -22], 0); // part 0 starts at earliest, these should all be seen
  await sendMessages(broker, topic, [-10, -11, -12], 1); // part 1 starts at latest, these should all be skipped
  await sendMessages(broker, topic, [0, 1, 2], 2); // part 2 starts at 0, these should all be seen
  await sendMessages(broker, topic, [10, 11, 12], 3); // part 3 starts at 1, first should be skipped
  await sendMessages(broker, topic, [20, 21, 22], 4); // part 4 starts at 2, first and second should be skipped
  const stream = new KafkaStreamTest(broker, manager, { startingOffsets, 'kafka.metadata.max.age.ms': '1', failOnDataLoss: String(failOnDataLoss), ...options });
  await stream.start();
  await stream.makeSureGetOffsetCalled();
  const first = [-22, -21, -20, 0, 1, 2, 11, 12, 22];
  expect(await stream.answer()).toEqual(first);
  await stream.stop();
  await stream.start();
  expect(await stream.answer()).toEqual(first); // Should get the data back on recovery
  await sendMessages(broker, topic, [30, 31, 32, 33, 34]);
  expect(await stream.answer()).toEqual([...first, 30, 31, 32, 33, 34]);
  await stream.stop();
}

describe.concurrent('KafkaMicroBatchSourceSuite: starting offsets', () => {
  for (const failOnDataLoss of [true, false]) {
    spark.scenario(`assign from latest offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const topic = uniqueTopicName('assign-latest');
      await fromLatestOffsets(topic, failOnDataLoss, { assign: assignString(topic, range(0, 4)) });
    });

    spark.scenario(`assign from earliest offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const topic = uniqueTopicName('assign-earliest');
      await fromEarliestOffsets(topic, failOnDataLoss, { assign: assignString(topic, range(0, 4)) });
    });

    spark.scenario(`assign from specific offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const topic = uniqueTopicName('assign-specific');
      await fromSpecificOffsets(topic, failOnDataLoss, { assign: assignString(topic, range(0, 4)) });
    });

    // Spark adds partitions midway through these four; the mock broker cannot (see the file's comment).
    spark.scenario(`subscribing topic by name from latest offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const topic = uniqueTopicName('subscribe-latest');
      await fromLatestOffsets(topic, failOnDataLoss, { subscribe: topic });
    });

    spark.scenario(`subscribing topic by name from earliest offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const topic = uniqueTopicName('subscribe-earliest');
      await fromEarliestOffsets(topic, failOnDataLoss, { subscribe: topic });
    });

    spark.scenario(`subscribing topic by pattern from latest offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const prefix = uniqueTopicName('pattern-latest');
      await fromLatestOffsets(`${prefix}-suffix`, failOnDataLoss, { subscribePattern: `${prefix}-.*` });
    });

    spark.scenario(`subscribing topic by pattern from earliest offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const prefix = uniqueTopicName('pattern-earliest');
      await fromEarliestOffsets(`${prefix}-suffix`, failOnDataLoss, { subscribePattern: `${prefix}-.*` });
    });

    spark.scenario(`subscribing topic by name from specific offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const topic = uniqueTopicName('subscribe-specific');
      await fromSpecificOffsets(topic, failOnDataLoss, { subscribe: topic });
    });

    spark.scenario(`subscribing topic by pattern from specific offsets (failOnDataLoss: ${failOnDataLoss})`, async () => {
      const prefix = uniqueTopicName('pattern-specific');
      await fromSpecificOffsets(`${prefix}-suffix`, failOnDataLoss, { subscribePattern: `${prefix}-.*` });
    });
  }

  spark.scenario('subscribing topics from topic-level offsets', async () => {
    const topic1 = uniqueTopicName('topic-level-1');
    const topic2 = uniqueTopicName('topic-level-2');
    await broker.createTopic(topic1, 3);
    await broker.createTopic(topic2, 2);
    await sendMessages(broker, topic1, [1, 2, 3], 0);
    await sendMessages(broker, topic2, ['11'], 0);
    // topic1 is read from its beginning, topic2 only from records added after the query started.
    const stream = new KafkaStreamTest(broker, manager, { 'kafka.metadata.max.age.ms': '1', subscribe: `${topic1},${topic2}`, startingOffsets: JSON.stringify({ [topic1]: 'earliest', [topic2]: 'latest' }) });
    await stream.start();
    await stream.makeSureGetOffsetCalled();
    await sendMessages(broker, topic2, ['12'], 0);
    await sendMessages(broker, Math.random() < 0.5 ? topic1 : topic2, [4]); // AddKafkaData(Set(topic1, topic2), 4)
    expect(await stream.answer()).toEqual([1, 2, 3, 4, 12]);
    await stream.stop();
    await stream.start();
    expect(await stream.answer()).toEqual([1, 2, 3, 4, 12]); // Should get the data back on recovery
    await stream.stop();
  });

  spark.scenario('topic-level offsets tolerate a new topic matching subscribePattern after the start', async () => {
    const prefix = uniqueTopicName('topic-level-pattern');
    const topic = `${prefix}-a`;
    const topic2 = `${prefix}-b`;
    await broker.createTopic(topic, 1);
    await sendMessages(broker, topic, ['1'], 0);
    // The starting offsets only name the topic that exists when the query starts.
    const stream = new KafkaStreamTest(broker, manager, { 'kafka.metadata.max.age.ms': '1', subscribePattern: `${prefix}-.*`, startingOffsets: JSON.stringify({ [topic]: 'earliest' }) });
    const query = await stream.start();
    expect(await stream.answer()).toEqual([1]);
    await broker.createTopic(topic2, 1);
    await sendMessages(broker, topic2, ['2'], 0);
    // Spark's loop: keep triggering batches until the new topic shows in the query's offsets.
    for (let attempt = 0; attempt < 200 && !JSON.stringify(query.lastProgress?.sources[0]?.endOffset ?? null).includes(topic2); attempt++) {
      await query.processAllAvailable();
    }
    expect(await stream.answer()).toEqual([1, 2]);
    await stream.stop();
  });

  spark.scenario('get offsets from case insensitive parameters', async () => {
    // Spark reads "earLiEst" as earliest, and {"topic-A":"eArLiEst","topic-B":{"0":23}} as all of
    // topic-A from its start and topic-B's partition 0 from offset 23.
    const topicA = uniqueTopicName('case-a');
    const topicB = uniqueTopicName('case-b');
    await broker.createTopic(topicA, 1);
    await broker.createTopic(topicB, 1);
    await sendMessages(broker, topicA, [1, 2], 0);
    await sendMessages(broker, topicB, range(100, 124), 0);
    const earliest = new KafkaStreamTest(broker, manager, { subscribe: topicA, startingOffsets: 'earLiEst' });
    await earliest.start();
    expect(await earliest.answer()).toEqual([1, 2]);
    await earliest.stop();
    const mixed = new KafkaStreamTest(broker, manager, { subscribe: `${topicA},${topicB}`, startingOffsets: JSON.stringify({ [topicA]: 'eArLiEst', [topicB]: { 0: 23 } }) });
    await mixed.start();
    expect(await mixed.answer()).toEqual([1, 2, 123, 124]);
    await mixed.stop();
  });

  spark.scenario('(de)serialization of initial offsets', async () => {
    const topic = uniqueTopicName('initial-offsets');
    await broker.createTopic(topic, 5);
    const stream = new KafkaStreamTest(broker, manager, { subscribe: topic });
    await stream.start();
    await stream.makeSureGetOffsetCalled();
    await stream.stop();
    const restarted = await stream.start();
    await restarted.processAllAvailable();
    expect(restarted.exception).toBeNull();
    await stream.stop();
  });

  spark.scenario('cannot stop Kafka stream', async () => {
    const topic = uniqueTopicName('cannot-stop');
    await broker.createTopic(topic, 5);
    await sendMessages(broker, topic, range(101, 105));
    const stream = new KafkaStreamTest(broker, manager, { 'kafka.metadata.max.age.ms': '1', subscribePattern: `${topic}.*` }, intValues(1));
    const query = await stream.start();
    await stream.makeSureGetOffsetCalled();
    await stream.stop();
    expect(query.isActive).toBe(false);
    expect(query.exception).toBeNull();
  });

  spark.scenario('SPARK-27494: read kafka record containing null key/values.', async () => {
    // Spark writes these in one transaction and reads read_committed; the mock broker has no
    // transactions, so they are written plainly.
    const topic = uniqueTopicName('null-key-value');
    await broker.createTopic(topic, 1);
    const table = `kafka_${uniqueTopicName('nulls')}`;
    const query = await readStream().format('kafka')
      .options({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, 'kafka.isolation.level': 'read_committed', startingOffsets: 'earliest', subscribe: topic })
      .load().pipe(select(col('key').cast('string').as('key'), col('value').cast('string').as('value')))
      .writeStream().sink(memorySink({ tableName: table })).manager(manager).start();
    const expected: [string | null, string | null][] = [];
    const records = [];
    let idx = 0;
    for (let i = 0; i < 5; i++) {
      records.push({ key: null, value: null });
      expected.push([null, null]);
    }
    for (let i = 0; i < 5; i++) {
      idx += 1;
      records.push({ key: String(idx), value: null });
      expected.push([String(idx), null]);
    }
    for (let i = 0; i < 5; i++) {
      idx += 1;
      records.push({ key: null, value: String(idx) });
      expected.push([null, String(idx)]);
    }
    await produceRecords(broker.bootstrapServers, topic, records);
    await query.processAllAvailable();
    await query.stop();
    const rows = memoryTableRows(table).map((r) => [r['key'], r['value']]);
    expect(rows.map((r) => JSON.stringify(r)).sort()).toEqual(expected.map((r) => JSON.stringify(r)).sort());
  });

  spark.scenario('Kafka column types', async () => {
    const now = Date.now();
    const topic = uniqueTopicName('column-types');
    await broker.createTopic(topic, 1);
    await produceRecords(broker.bootstrapServers, topic, [{ value: '1', headers: { a: 'b', c: 'd' } }]);
    const table = `kafka_${uniqueTopicName('types')}`;
    const query = await readStream().format('kafka')
      .options({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, 'kafka.metadata.max.age.ms': '1', startingOffsets: 'earliest', subscribe: topic, includeHeaders: 'true' })
      .load().writeStream().sink(memorySink({ tableName: table })).manager(manager).start();
    await query.processAllAvailable();
    await query.stop();
    const rows = memoryTableRows(table);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row['key']).toBeNull();
    expect(Buffer.from(row['value'] as Uint8Array).toString()).toBe('1');
    expect(row['topic']).toBe(topic);
    expect(row['partition']).toBe(0);
    expect(Number(row['offset'])).toBe(0);
    // The time the producer wrote the record: only a lower bound can be checked.
    expect(row['timestamp'] as number).toBeGreaterThanOrEqual(now - 1_000);
    expect(row['timestampType']).toBe(0);
    const headers = (row['headers'] as { key: string; value: Uint8Array }[]).map((h) => [h.key, Buffer.from(h.value).toString()]);
    expect(headers).toEqual([['a', 'b'], ['c', 'd']]);
  });

  spark.scenario('KafkaSource with watermark', async () => {
    const now = Date.now();
    const topic = uniqueTopicName('watermark');
    await broker.createTopic(topic, 1);
    await sendMessages(broker, topic, [1]);
    const table = `kafka_${uniqueTopicName('wm')}`;
    const query = await readStream().format('kafka')
      .options({ 'kafka.bootstrap.servers': broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, 'kafka.metadata.max.age.ms': '1', startingOffsets: 'earliest', subscribe: topic })
      .load()
      .pipe(withWatermark('timestamp', '10 seconds'), groupBy(window('timestamp', '5 seconds')).agg(count().as('count')), select(col('window.start').as('window'), col('count')))
      .writeStream().outputMode('complete').sink(memorySink({ tableName: table })).manager(manager).start();
    await query.processAllAvailable();
    await query.stop();
    const rows = memoryTableRows(table);
    expect(rows).toHaveLength(1);
    // The window depends on when the record was written: only a lower bound can be checked.
    expect(rows[0]!['window'] as number).toBeGreaterThanOrEqual(now - 5 * 1000 - 1_000);
    expect(Number(rows[0]!['count'])).toBe(1);
  });
});

describe('KafkaMicroBatchSourceSuite: malformed records', () => {
  spark.scenario('SPARK-56243: malformed record timestamp throws detailed error', async () => {
    const topic = uniqueTopicName('malformed-timestamp');
    await broker.createTopic(topic, 1);
    // Nanosecond-precision timestamp that overflows millis-to-micros conversion (as a string: a
    // number would lose its last digits).
    const nanoTimestamp = '1712345678123456789';
    await produceRecords(broker.bootstrapServers, topic, [{ value: 'value', partition: 0, timestamp: nanoTimestamp }]);
    const stream = new KafkaStreamTest(broker, manager, { subscribe: topic, startingOffsets: 'earliest' }, (frame) => frame);
    const query = await stream.start();
    await query.processAllAvailable().catch(() => undefined);
    await query.awaitTermination().catch(() => undefined);
    const chain: Error[] = [];
    for (let e: unknown = query.exception; e; e = (e as { cause?: unknown }).cause) chain.push(e as Error);
    const error = chain.find((e) => isSluiceError(e, 'KAFKA_MALFORMED_RECORD_TIMESTAMP'));
    expect(error, String(query.exception)).toBeDefined();
    expect(error!.message).toContain(topic);
    expect(error!.message).toContain(nanoTimestamp);
  });
});
