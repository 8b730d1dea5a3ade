/**
 * The engine alone: how fast rows move through the micro-batch loop, and what one small cycle
 * (offsets → WAL → process → commit) costs with a durable checkpoint and with an in-memory one.
 *
 * The machine these run on is shared, so every figure is taken in rounds that alternate Sluice
 * and its baseline (each round's ratio sees the same load) and the round with the median ratio
 * is reported; the small cycle's floor brackets it (half its writes before, half after). Besides
 * wall time, the large-batch line is also given in CPU time (process.cpuUsage, all threads), which
 * other processes disturb less.
 */
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Table } from 'apache-arrow';
import { memoryCheckpoint, QueryManager, silentLogger, type CheckpointStore } from '@sluice/core';
import { int64Sequence } from '@sluice/sources/internal';
import { rateMicroBatchSource } from '@sluice/sources';
import { noopSink } from '@sluice/sinks';
import { median, type Bench } from './lib/bench.ts';
import { constantTimestampColumn } from '../packages/sources/src/rate/int64Columns.ts';
import { rateBatch, RATE_SCHEMA } from '../packages/sources/src/rate/rateSchema.ts';

const ROWS_PER_BATCH = 4_000_000;
const BATCHES = 10;
const LARGE_ROUNDS = 5;
const SMALL_CYCLES = 120;
const SMALL_ROUNDS = 7;
/** Durable writes per round: half just before the round's fsync'd cycles, half just after. */
const FLOOR_SAMPLES = 100;

/** Rows per second of wall time and of CPU time. */
interface Rate {
  readonly wall: number;
  readonly cpu: number;
}

export const bench: Bench = {
  name: 'engine: rate-micro-batch → noop, and the small-batch cycle',
  async run({ report, progress }) {
    const manager = new QueryManager({ logger: silentLogger });

    progress('warm-up');
    handLoop(ROWS_PER_BATCH, 2);
    await engineThroughput(manager, ROWS_PER_BATCH, 2);

    const hand: Rate[] = [];
    const engine: Rate[] = [];
    for (let round = 0; round < LARGE_ROUNDS; round++) {
      hand.push(handLoop(ROWS_PER_BATCH, BATCHES));
      engine.push(await engineThroughput(manager, ROWS_PER_BATCH, BATCHES));
      progress(`round ${round + 1}/${LARGE_ROUNDS}: ${BATCHES} × ${ROWS_PER_BATCH.toLocaleString()} rows, fsync'd checkpoint: wall ${ratio(engine.at(-1)!.wall, hand.at(-1)!.wall)}, cpu ${ratio(engine.at(-1)!.cpu, hand.at(-1)!.cpu)}`);
    }
    const baselineName = 'hand loop filling the same columns';
    const wall = medianRound(engine.map((r) => r.wall), hand.map((r) => r.wall));
    const cpu = medianRound(engine.map((r) => r.cpu), hand.map((r) => r.cpu));
    report({ name: 'rate-micro-batch → noop (large batches, wall)', unit: 'rows/s', value: wall.value, baseline: { name: baselineName, value: wall.baseline }, better: 'higher', target: '≥ 0.8×' });
    report({ name: 'rate-micro-batch → noop (large batches, CPU time)', unit: 'rows/cpu-s', value: cpu.value, baseline: { name: baselineName, value: cpu.baseline }, better: 'higher', target: '≥ 0.8×' });

    const durable: number[] = [];
    const inMemory: number[] = [];
    const floor: number[] = [];
    for (let round = 0; round < SMALL_ROUNDS; round++) {
      // The floor is measured right before and right after the fsync'd cycles and averaged, so
      // that both see the same load (on a shared machine fsync latency drifts within seconds).
      const before = await durableWrite(FLOOR_SAMPLES / 2);
      durable.push(await smallCycle(manager, SMALL_CYCLES, 'file'));
      const after = await durableWrite(FLOOR_SAMPLES / 2);
      floor.push((before + after) / 2);
      inMemory.push(await smallCycle(manager, SMALL_CYCLES, 'memory'));
      progress(`round ${round + 1}/${SMALL_ROUNDS}: ${SMALL_CYCLES} one-row batches: fsync'd ${durable.at(-1)!.toFixed(3)} ms, memory ${inMemory.at(-1)!.toFixed(3)} ms, durable write ${floor.at(-1)!.toFixed(3)} ms`);
    }
    const floorName = 'one durable write + rename (fs.promises)';
    const fsynced = medianRound(durable, floor);
    const memory = medianRound(inMemory, floor);
    report({ name: "one small micro-batch cycle, fsync'd (median)", unit: 'ms', value: fsynced.value, baseline: { name: floorName, value: fsynced.baseline }, better: 'lower', target: '≤ 1.2× the write, i.e. ratio ≥ 0.83×' });
    report({ name: 'one small micro-batch cycle, memory checkpoint', unit: 'ms', value: memory.value, baseline: { name: floorName, value: memory.baseline }, better: 'lower', target: 'reported beside' });
  },
};

/**
 * A full garbage collection. Each measurement starts from a collected heap and pays for
 * collecting its own garbage at its end: otherwise one side inherits the other's 64 MB batches.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** The round whose value/baseline ratio is the median one (rounds are pairs measured under the same load). */
function medianRound(values: readonly number[], baselines: readonly number[]): { value: number; baseline: number } {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! / baselines[a]! - values[b]! / baselines[b]!);
  const i = order[(order.length - 1) >> 1]!;
  return { value: values[i]!, baseline: baselines[i]! };
}

function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** The same columns the rate-micro-batch source builds, in a plain loop: the ceiling for the engine. */
function handLoop(rowsPerBatch: number, batches: number): Rate {
  collectGarbage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let rows = 0;
  for (let b = 0; b < batches; b++) {
    const table = new Table(RATE_SCHEMA, [rateBatch(constantTimestampColumn(b * 1000, rowsPerBatch), int64Sequence(b * rowsPerBatch, 1, rowsPerBatch))]);
    rows += table.numRows;
  }
  collectGarbage();
  return { wall: rows / ((performance.now() - started) / 1000), cpu: rows / (cpuMs(cpu) / 1000) };
}

/**
 * Rows per second from the end of batch 0 to the end of batch `batches`: the steady state,
 * without the query's start (checkpoint lock, directory creation), which is not per-batch work.
 */
async function engineThroughput(manager: QueryManager, rowsPerBatch: number, batches: number): Promise<Rate> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const query = await rateMicroBatchSource({ rowsPerBatch }).writeTo(noopSink(), { checkpointLocation: dir, manager });
  let started = 0;
  let cpu = process.cpuUsage();
  let rows = 0;
  const measured = await new Promise<Rate>((resolve) => {
    const sub = query.progress$.subscribe((p) => {
      if (p.batchId === 0) {
        collectGarbage();
        started = performance.now();
        cpu = process.cpuUsage();
        return;
      }
      rows += p.numInputRows;
      if (p.batchId >= batches) {
        sub.unsubscribe();
        collectGarbage();
        resolve({ wall: rows / ((performance.now() - started) / 1000), cpu: rows / (cpuMs(cpu) / 1000) });
      }
    });
  });
  await query.stop();
  await rm(dir, { recursive: true, force: true });
  return measured;
}

/** The median time between consecutive one-row batches. */
async function smallCycle(manager: QueryManager, cycles: number, checkpoint: 'file' | 'memory'): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const location: string | CheckpointStore = checkpoint === 'file' ? dir : memoryCheckpoint();
  const query = await rateMicroBatchSource({ rowsPerBatch: 1 }).writeTo(noopSink(), { checkpointLocation: location, manager });
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
