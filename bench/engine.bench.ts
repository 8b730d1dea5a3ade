/**
 * The engine alone: how fast rows move through the micro-batch loop, and what one small cycle
 * (offsets → WAL → process → commit) costs with a durable checkpoint.
 */
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Table } from 'apache-arrow';
import { QueryManager, silentLogger } from '@sluice/core';
import { int64Sequence } from '@sluice/sources/internal';
import { rateMicroBatchSource } from '@sluice/sources';
import { noopSink } from '@sluice/sinks';
import { median, type Bench } from './lib/bench.ts';
import { constantTimestampColumn } from '../packages/sources/src/rate/int64Columns.ts';
import { rateBatch, RATE_SCHEMA } from '../packages/sources/src/rate/rateSchema.ts';

const ROWS_PER_BATCH = 4_000_000;
const BATCHES = 15;
const SMALL_CYCLES = 400;

export const bench: Bench = {
  name: 'engine: rate-micro-batch → noop, and the small-batch cycle',
  async run({ report, progress }) {
    const manager = new QueryManager({ logger: silentLogger });

    progress(`hand-written loop: ${BATCHES} × ${ROWS_PER_BATCH.toLocaleString()} rows`);
    const loopRate = median(await repeat(3, () => handLoop(ROWS_PER_BATCH, BATCHES)));
    progress(`Sluice: ${BATCHES} batches of ${ROWS_PER_BATCH.toLocaleString()} rows, fsync'd checkpoint`);
    const engineRate = median(await repeat(3, () => engineThroughput(manager, ROWS_PER_BATCH, BATCHES)));
    report({ name: 'rate-micro-batch → noop (large batches)', unit: 'rows/s', value: engineRate, baseline: { name: 'hand loop filling the same columns', value: loopRate }, better: 'higher', target: '≥ 20 M rows/s and ≥ 0.5×' });

    progress(`${SMALL_CYCLES} one-row batches, fsync'd checkpoint`);
    const cycle = await smallCycle(manager, SMALL_CYCLES);
    const floor = await durableWrite(200);
    report({ name: 'one small micro-batch cycle (median)', unit: 'ms', value: cycle, baseline: { name: 'one durable write + rename (fs.promises)', value: floor }, better: 'lower', target: '≤ 2 ms' });
  },
};

async function repeat(times: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push(await fn());
  return out;
}

/** The same columns the rate-micro-batch source builds, in a plain loop: the ceiling for the engine. */
async function handLoop(rowsPerBatch: number, batches: number): Promise<number> {
  const started = performance.now();
  let rows = 0;
  for (let b = 0; b < batches; b++) {
    const table = new Table(RATE_SCHEMA, [rateBatch(constantTimestampColumn(b * 1000, rowsPerBatch), int64Sequence(b * rowsPerBatch, 1, rowsPerBatch))]);
    rows += table.numRows;
  }
  return rows / ((performance.now() - started) / 1000);
}

async function engineThroughput(manager: QueryManager, rowsPerBatch: number, batches: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const query = await rateMicroBatchSource({ rowsPerBatch }).writeTo(noopSink(), { checkpointLocation: dir, manager });
  const started = performance.now();
  let rows = 0;
  await new Promise<void>((resolve) => {
    const sub = query.progress$.subscribe((p) => {
      rows += p.numInputRows;
      if (p.batchId + 1 >= batches) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  const elapsed = performance.now() - started;
  await query.stop();
  await rm(dir, { recursive: true, force: true });
  return rows / (elapsed / 1000);
}

async function smallCycle(manager: QueryManager, cycles: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const query = await rateMicroBatchSource({ rowsPerBatch: 1 }).writeTo(noopSink(), { checkpointLocation: dir, manager });
  const gaps: number[] = [];
  let last = performance.now();
  await new Promise<void>((resolve) => {
    const sub = query.progress$.subscribe((p) => {
      const now = performance.now();
      if (p.batchId > 10) gaps.push(now - last); // skip warm-up
      last = now;
      if (p.batchId >= cycles) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  await query.stop();
  await rm(dir, { recursive: true, force: true });
  return median(gaps);
}

/**
 * One whole-or-nothing write as Node code usually does it with fs.promises (temp file, write,
 * fsync, close, rename, directory fsync): the floor under a cycle's write-ahead log entry.
 */
async function durableWrite(samples: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const temp = join(dir, `.offsets-${i}.tmp`);
    const file = await open(temp, 'w');
    await file.writeFile('v1\n{"batchWatermarkMs":0,"batchTimestampMs":0,"conf":{}}\n{"offset":1,"timestamp":1}');
    await file.sync();
    await file.close();
    await rename(temp, join(dir, `offsets-${i}`));
    const d = await open(dir, 'r');
    await d.sync();
    await d.close();
    times.push(performance.now() - started);
  }
  await rm(dir, { recursive: true, force: true });
  return median(times);
}
