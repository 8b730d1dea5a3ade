/**
 * Spark's Kafka checkpoint fixture (checkpoint-version-2.4.3-kafka-include-headers-default): a
 * Spark 2.4.3 aggregation over a Kafka topic, with its binary state. Started on the real Kafka
 * source against the test broker (with the fixture's topic created), it is refused — its state is
 * Spark's — and the directory is byte-identical afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { col, count, FileCheckpointStore, groupBy, isSluiceError, QueryManager, readStream, select, silentLogger } from '@sluice/core';
import { memorySink } from '@sluice/sinks';
import { produceRecords, startKafkaBroker, type KafkaTestBroker } from '@sluice/testing';
import { fixture, KAFKA_FIXTURE_TOPIC } from '../fixtures/sparkCheckpoints.ts';
import { hashDirectory, writeFixture } from '../fixtures/fixtureFiles.ts';

let broker: KafkaTestBroker;
const manager = new QueryManager({ logger: silentLogger });

beforeAll(async () => {
  broker = await startKafkaBroker();
  await broker.createTopic(KAFKA_FIXTURE_TOPIC, 5);
  for (let partition = 0; partition < 5; partition++) await produceRecords(broker.bootstrapServers, KAFKA_FIXTURE_TOPIC, [1, 2, 3].map((v) => ({ value: String(v), partition })));
});
afterAll(async () => {
  await Promise.all(manager.active.map((q) => q.stop()));
  await broker?.stop();
});

describe('Spark checkpoint fixtures: Kafka', () => {
  it('checkpoint-version-2.4.3-kafka-include-headers-default: its state refused with STATE_FORMAT_UNSUPPORTED, directory byte-identical', async () => {
    const dir = await writeFixture(fixture('checkpoint-version-2.4.3-kafka-include-headers-default'));
    const before = await hashDirectory(dir);
    let error: Error | undefined;
    try {
      const query = await readStream().format('kafka').option('kafka.bootstrap.servers', broker.bootstrapServers).option('subscribe', KAFKA_FIXTURE_TOPIC).option('startingOffsets', 'earliest')
        .load()
        .pipe(select(col('value').cast('string').as('value')), groupBy('value').agg(count()))
        .writeStream().sink(memorySink({ tableName: 'spark_kafka_fixture' })).outputMode('update').option('checkpointLocation', new FileCheckpointStore(dir)).manager(manager).start();
      await query.awaitTermination().catch(() => undefined);
      error = query.exception ?? undefined;
      await query.stop();
    } catch (e) {
      error = e as Error;
    }
    expect(isSluiceError(error, 'STATE_FORMAT_UNSUPPORTED'), String(error)).toBe(true);
    expect(error!.message).toMatch(/state\/0\/0\/1\.delta/);
    expect(error!.message).toContain('LZ4');
    expect(await hashDirectory(dir)).toBe(before);
  });
});
