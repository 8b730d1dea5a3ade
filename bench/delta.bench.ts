/**
 * Kafka → Delta: the pipeline of the Delta issue (parse JSON, add ingestion_time, drop test
 * events, append to a Delta table in micro-batches) against a hand-written loop doing the same
 * work on the same records in the same run: a kafkajs consumer that parses each message, drops
 * test events, and writes a Parquet file per batch of the same size (same codec, fsynced) — the
 * loop without a transaction log, checkpoint or exactly-once. Issue target: ≥ 0.8×.
 *
 * Both are timed while streaming: batches 2 to 10, after the first batch is durable, so the
 * kafkajs consumer-group join (~3 s on the mock broker, paid by the loop only: Sluice's Kafka
 * source fetches without a group) and the query's start do not decide the ratio; the
 * end-to-end time including start-up is reported too. Then the commit latency per micro-batch: the Delta sink's
 * write of a batch (Parquet file, statistics, log commit; timed around the sink alone) against
 * the loop's Parquet file write + fsync, and the log commit alone (put-if-absent of
 * `_delta_log/N.json`, fsynced) against a plain fsynced write of a small file.
 *
 * BENCH_DELTA_ROWS sets the records (default 200,000 over 8 partitions, 10 micro-batches).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { QueryManager, availableNow, col, currentTimestamp, filter, fromJson, readStream, select, silentLogger, toSchema, withColumn, type BatchContext, type SinkProvider } from '@sluice/core';
import { tableFromColumns, type Sink } from '@sluice/core/connector';
import type { Table } from 'apache-arrow';
import { DeltaLog } from '@sluice/formats/internal';
import { writeDelta, writeParquet } from '@sluice/formats';
import '@sluice/sources';
import { deltaSink } from '@sluice/sinks';
import { produceRecords, startKafkaBroker, uniqueTopicName, type KafkaTestBroker } from '@sluice/testing';
import { median, percentile, type Bench, type BenchContext } from './lib/bench.ts';

const ROWS = Number(process.env['BENCH_DELTA_ROWS'] ?? 200_000);
const PARTITIONS = 8;
const BATCHES = 10;
const RUNS = 3;
const EVENT_TYPES = ['click', 'view', 'purchase', 'test'];
const SCHEMA = 'user_id LONG, event_type STRING, amount DOUBLE, ts TIMESTAMP';
const OUT_SCHEMA = toSchema(`${SCHEMA}, ingestion_time TIMESTAMP`);
const KEPT = Array.from({ length: ROWS }, (_, i) => i).filter((i) => i % 4 !== 3).length;

function events(): { value: string; partition: number }[] {
  return Array.from({ length: ROWS }, (_, n) => ({
    partition: n % PARTITIONS,
    value: JSON.stringify({ user_id: n % 10_000, event_type: EVENT_TYPES[n % 4], amount: (n % 997) * 0.5, ts: new Date(1_700_000_000_000 + n * 13).toISOString() }),
  }));
}

interface Timing {
  /** Batches 2…10: from the first batch durable to the last, seconds (rows: those batches'). */
  readonly streaming: number;
  readonly streamingRows: number;
  /** From the call that starts it to the end, seconds. */
  readonly total: number;
  /** Per micro-batch: the time to make its output durable, ms. */
  readonly perBatchMs: readonly number[];
}

/** Sluice: Kafka source → fromJson → ingestion_time → filter → Delta sink, availableNow in 10 batches. */
async function runSluice(broker: KafkaTestBroker, topic: string, dir: string, manager: QueryManager): Promise<Timing> {
  const sinkMs: number[] = [];
  const sink = timed(deltaSink({ path: join(dir, 'table') }), sinkMs);
  const started = performance.now();
  const query = await readStream().format('kafka')
    .option('kafka.bootstrap.servers', broker.bootstrapServers).option('subscribe', topic)
    .option('startingOffsets', 'earliest').option('maxOffsetsPerTrigger', Math.ceil(ROWS / BATCHES))
    .load()
    .pipe(fromJson('value', SCHEMA), withColumn('ingestion_time', currentTimestamp()), filter(col('event_type').neq('test')), select('user_id', 'event_type', 'amount', 'ts', 'ingestion_time'))
    .writeStream().sink(sink).option('checkpointLocation', join(dir, 'ck')).trigger(availableNow()).manager(manager)
    .start();
  await query.awaitTermination();
  const total = (performance.now() - started) / 1000;
  const batches = query.recentProgress.filter((p) => p.numInputRows > 0);
  const rows = batches.reduce((n, p) => n + p.numInputRows, 0);
  if (rows !== ROWS) throw new Error(`the query read ${rows} records, not ${ROWS}`);
  // Wall time from the end of the first batch to the end of the last (gaps between triggers included).
  const ended = (p: (typeof batches)[number]) => Date.parse(p.timestamp) + (p.durationMs.triggerExecution ?? 0);
  const streaming = (ended(batches.at(-1)!) - ended(batches[0]!)) / 1000;
  return { streaming, streamingRows: batches.slice(1).reduce((n, p) => n + p.numInputRows, 0), total, perBatchMs: sinkMs };
}

/** The same sink, its addBatch timed (the Delta write alone, without the query's transform). */
function timed(provider: SinkProvider, samples: number[]): SinkProvider {
  return {
    ...provider,
    open: async (context) => {
      const sink = await provider.open(context);
      return Object.assign(Object.create(sink) as Sink, {
        addBatch: async (batchId: number, table: Table, ctx: BatchContext) => {
          const t = performance.now();
          await sink.addBatch(batchId, table, ctx);
          samples.push(performance.now() - t);
        },
      });
    },
  };
}

/** The hand-written loop: kafkajs eachBatch → JSON.parse → columns → a Parquet file per batch. */
async function runHandWritten(broker: KafkaTestBroker, topic: string, dir: string): Promise<Timing> {
  const started = performance.now();
  const kafka = new Kafka({ brokers: broker.bootstrapServers.split(','), clientId: 'bench', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxBytes: 64 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const perBatch = Math.ceil(ROWS / BATCHES);
  const perBatchMs: number[] = [];
  let firstBatchDone = 0;
  let seen = 0;
  let file = 0;
  let columns = emptyColumns();
  const flush = async () => {
    const t = performance.now();
    const now = Date.now();
    const table = tableFromColumns(OUT_SCHEMA, { ...columns, ingestion_time: new Array(columns.user_id.length).fill(now) });
    const bytes = writeParquet(table, { compression: 'snappy', outputTimestampType: 'TIMESTAMP_MICROS' });
    const handle = await open(join(dir, `part-${file++}.parquet`), 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    perBatchMs.push(performance.now() - t);
    if (firstBatchDone === 0) firstBatchDone = performance.now();
    columns = emptyColumns();
  };
  let consumed = 0;
  const done = new Promise<void>((resolve, reject) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        try {
          for (const message of batch.messages) {
            const e = JSON.parse(message.value!.toString()) as { user_id: number; event_type: string; amount: number; ts: string };
            seen++;
            if (e.event_type !== 'test') {
              columns.user_id.push(e.user_id);
              columns.event_type.push(e.event_type);
              columns.amount.push(e.amount);
              columns.ts.push(Date.parse(e.ts));
            }
            if (seen % perBatch === 0 || seen === ROWS) await flush();
          }
          consumed = seen;
          if (seen >= ROWS) resolve();
        } catch (error) {
          reject(error as Error);
        }
      },
    });
  });
  await done;
  const end = performance.now();
  await consumer.disconnect();
  if (consumed !== ROWS) throw new Error(`the loop read ${consumed} records, not ${ROWS}`);
  return { streaming: (end - firstBatchDone) / 1000, streamingRows: ROWS - perBatch, total: (end - started) / 1000, perBatchMs };
}

function emptyColumns() {
  return { user_id: [] as number[], event_type: [] as string[], amount: [] as number[], ts: [] as number[] };
}

/** The log commit alone: a txn-only commit (link of an fsynced temp file) vs an fsynced write of the same bytes. */
async function commitLatency(dir: string): Promise<{ commitMs: number[]; writeMs: number[] }> {
  const path = join(dir, 'commits');
  await writeDelta(path, tableFromColumns(toSchema('id LONG'), { id: [1] }));
  const log = new DeltaLog(path);
  const commitMs: number[] = [];
  const writeMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const snapshot = await log.requireLatest();
    let t = performance.now();
    await log.commit(snapshot, { actions: [{ kind: 'txn', txn: { appId: 'bench', version: i } }], operation: 'STREAMING UPDATE', operationParameters: {}, isBlindAppend: true });
    commitMs.push(performance.now() - t);
    t = performance.now();
    const handle = await open(join(dir, `plain-${i}.json`), 'wx');
    await handle.writeFile('x'.repeat(400));
    await handle.sync();
    await handle.close();
    writeMs.push(performance.now() - t);
  }
  return { commitMs, writeMs };
}

export const bench: Bench = {
  name: 'delta (kafka → delta)',
  async run(ctx: BenchContext) {
    const broker = await startKafkaBroker();
    const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-delta-'));
    const manager = new QueryManager({ logger: silentLogger });
    try {
      const topic = uniqueTopicName('delta-bench');
      await broker.createTopic(topic, PARTITIONS);
      ctx.progress(`producing ${ROWS.toLocaleString('en-US')} JSON events to ${PARTITIONS} partitions`);
      await produceRecords(broker.bootstrapServers, topic, events());
      const sluice: Timing[] = [];
      const loop: Timing[] = [];
      for (let run = 0; run < RUNS; run++) {
        // Alternate the two so drift on a shared machine hits both alike.
        sluice.push(await runSluice(broker, topic, join(dir, `sluice-${run}`), manager));
        loop.push(await runHandWritten(broker, topic, await mkdtemp(join(dir, `loop-${run}-`))));
        ctx.progress(`run ${run + 1}: Sluice ${sluice.at(-1)!.streaming.toFixed(2)} s streaming (${sluice.at(-1)!.total.toFixed(2)} s total), loop ${loop.at(-1)!.streaming.toFixed(2)} s (${loop.at(-1)!.total.toFixed(2)} s)`);
      }
      const rate = (t: Timing[], key: 'streaming' | 'total') => median(t.map((x) => (key === 'streaming' ? x.streamingRows : ROWS) / x[key]));
      ctx.report({ name: 'Kafka → Delta (while streaming)', unit: 'records/s', value: rate(sluice, 'streaming'), baseline: { name: 'kafkajs + Parquet loop', value: rate(loop, 'streaming') }, target: '≥ 0.8×', better: 'higher' });
      ctx.report({ name: 'Kafka → Delta (end to end, with start-up)', unit: 'records/s', value: rate(sluice, 'total'), baseline: { name: 'kafkajs + Parquet loop', value: rate(loop, 'total') }, better: 'higher' });
      const sinkMs = sluice.flatMap((t) => t.perBatchMs);
      const loopMs = loop.flatMap((t) => t.perBatchMs);
      ctx.report({ name: `Delta write per micro-batch, median (${Math.round(KEPT / BATCHES).toLocaleString('en-US')} rows)`, unit: 'ms', value: median(sinkMs), baseline: { name: 'Parquet file write + fsync', value: median(loopMs) }, better: 'lower' });
      ctx.report({ name: 'Delta write per micro-batch, p95', unit: 'ms', value: percentile(sinkMs, 95), baseline: { name: 'Parquet file write + fsync', value: percentile(loopMs, 95) }, better: 'lower' });
      const { commitMs, writeMs } = await commitLatency(dir);
      ctx.report({ name: 'Delta log commit alone, median', unit: 'ms', value: median(commitMs), baseline: { name: 'fsynced write of a small file', value: median(writeMs) }, better: 'lower' });
    } finally {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
