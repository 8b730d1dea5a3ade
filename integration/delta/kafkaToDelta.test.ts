/**
 * The pipeline end to end: Kafka records → parsed → Delta, killed inside the Delta write
 * (after the Parquet files, after the commit) and between the sink and the checkpoint commit,
 * restarted each time on the same checkpoint: every Kafka record lands in the table once.
 */
import { col, filter, fromJson, readStream, type StreamingQuery } from '@sluice/core';
import { FileCheckpointStore } from '@sluice/core';
import { type FaultInjector } from '@sluice/core/connector';
import { deltaSink } from '@sluice/sinks';
import { crashAt, isSimulatedCrash, produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../support.ts';
import { rowsInCommitOrder, scratchDirectory } from './support.ts';

let broker: KafkaTestBroker;
let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
beforeAll(async () => {
  broker = await startKafkaBroker();
  scratch = await scratchDirectory('sluice-kafka-delta-');
});
afterAll(async () => {
  await broker?.stop();
  await scratch.remove();
});

describe('Kafka → Delta', () => {
  it('crashes inside the Delta write and around it, restarts: every record once', async () => {
    const topic = uniqueTopicName('events');
    await broker.createTopic(topic, 3);
    const records = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => ({ partition: (from + k) % 3, value: JSON.stringify({ id: from + k, kind: (from + k) % 4 === 0 ? 'test' : 'sale' }) }));
    await produceRecords(broker.bootstrapServers, topic, records(0, 150));
    const path = scratch.path('table');
    const checkpoint = new FileCheckpointStore(scratch.path('checkpoint'));
    const start = (faults?: FaultInjector): Promise<StreamingQuery> => {
      const writer = readStream().format('kafka').option('kafka.bootstrap.servers', broker.bootstrapServers).option('subscribe', topic)
        .option('startingOffsets', 'earliest').option('maxOffsetsPerTrigger', 40).load()
        .pipe(fromJson('value', 'id INT, kind STRING'), filter(col('kind').neq('test')))
        .writeStream().sink(deltaSink({ path })).option('checkpointLocation', checkpoint);
      return (faults ? writer.faults(faults) : writer).start();
    };
    const crashes = [crashAt('sink:files-written'), crashAt('addBatch', 'after'), crashAt('sink:committed')];
    for (const [i, crash] of crashes.entries()) {
      const query = await start(crash);
      await expect(query.processAllAvailable()).rejects.toSatisfy(isSimulatedCrash);
      expect(crash.fired).toBe(true);
      await produceRecords(broker.bootstrapServers, topic, records(150 + i * 10, 160 + i * 10));
    }
    const last = await start();
    await last.processAllAvailable();
    await last.stop();
    const expected = Array.from({ length: 180 }, (_, id) => id).filter((id) => id % 4 !== 0);
    expect((await rowsInCommitOrder(path)).map((r) => r['id'] as number).sort((a, b) => a - b)).toEqual(expected);
  }, 90_000);
});
