import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { col, FileCheckpointStore, readStream, select, tableToRows, type QueryManager, type StreamFrame, type StreamingQuery, type TriggerLike } from '@sluice/core';
import { memorySink, memoryTableBatches, memoryTableRows } from '@sluice/sinks';
import { afterAll, beforeAll } from 'vitest';
import { produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker, type TestRecord } from '@sluice/testing';

/**
 * Spark's KafkaSourceTest, restated over the real Kafka source and the test broker: a Kafka
 * stream read as Spark's tests read it (`CAST(value AS STRING)` then `.toInt`, plus one where
 * Spark maps `_ + 1`), written to a memory table whose rows survive restarts from the same
 * on-disk checkpoint, as Spark's StreamTest keeps its sink across StopStream/StartStream.
 */
export class KafkaStreamTest {
  readonly table = `kafka_${uniqueTopicName('t')}`;
  private query: StreamingQuery | undefined;
  private checkpointDir: string | undefined;

  constructor(
    private readonly broker: KafkaTestBroker,
    private readonly manager: QueryManager,
    private readonly options: Readonly<Record<string, unknown>>,
    private readonly shape: (frame: StreamFrame) => StreamFrame = intValues(0),
  ) {}

  /** The running query (after `start`). */
  get current(): StreamingQuery {
    if (!this.query) throw new Error('the stream is not started');
    return this.query;
  }

  /** Spark's StartStream (on the test's checkpoint); with `makeSureGetOffsetCalled`, the first batch is planned before it returns. */
  async start(trigger?: TriggerLike): Promise<StreamingQuery> {
    this.checkpointDir ??= await mkdtemp(join(tmpdir(), 'sluice-kafka-conf-'));
    let writer = readStream().format('kafka').options({ 'kafka.bootstrap.servers': this.broker.bootstrapServers, 'kafka.fetch.max.wait.ms': 20, ...this.options })
      .load().pipe((frame) => this.shape(frame))
      .writeStream().sink(memorySink({ tableName: this.table })).option('checkpointLocation', new FileCheckpointStore(this.checkpointDir)).manager(this.manager);
    if (trigger) writer = writer.trigger(trigger);
    this.query = await writer.start();
    return this.query;
  }

  /** Spark's `makeSureGetOffsetCalled`: the starting offsets are resolved (and a first batch run) before data is added. */
  async makeSureGetOffsetCalled(): Promise<void> {
    await this.current.processAllAvailable();
  }

  async stop(): Promise<void> {
    await this.query?.stop();
    this.query = undefined;
  }

  /** Spark's CheckAnswer after the query caught up: every value the table holds, sorted. */
  async answer(): Promise<number[]> {
    if (this.query?.isActive) await this.query.processAllAvailable();
    return this.values();
  }

  values(): number[] {
    return memoryTableRows(this.table).map((r) => r['value'] as number).sort((a, b) => a - b);
  }

  /** The values of each batch the memory sink received, in batch order (Spark's CheckLastBatch, batch by batch). */
  batches(): number[][] {
    return memoryTableBatches(this.table).map((b) => tableToRows(b.table).map((r) => r['value'] as number).sort((x, y) => x - y));
  }
}

/** Spark's `kafka.map(kv => kv._2.toInt + delta)`. */
export const intValues = (delta: number) => (frame: StreamFrame) =>
  frame.pipe(select((delta === 0 ? col('value').cast('string').cast('int') : col('value').cast('string').cast('int').plus(delta)).as('value')));

/** Spark's `testUtils.sendMessages(topic, values, partition)`: written and acknowledged before it returns. */
export function sendMessages(broker: KafkaTestBroker, topic: string, values: readonly (number | string)[], partition?: number): Promise<void> {
  return produceRecords(broker.bootstrapServers, topic, values.map((v): TestRecord => ({ value: String(v), ...(partition === undefined ? {} : { partition }) })));
}

/** Sorted copy, for comparing with Spark's unordered CheckAnswer. */
export const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/** `from..to` inclusive, as Scala's `from to to`. */
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * One test broker for a suite file: started before its scenarios, handed to `started`, and
 * stopped after them together with the queries `manager` still runs.
 */
export function useKafkaBroker(manager: QueryManager, started: (broker: KafkaTestBroker) => void): void {
  let broker: KafkaTestBroker | undefined;
  beforeAll(async () => {
    broker = await startKafkaBroker();
    started(broker);
  });
  afterAll(async () => {
    await Promise.all(manager.active.map((q) => q.stop()));
    await broker?.stop();
  });
}
