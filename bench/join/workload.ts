/**
 * One run of the join benchmark, in a process of its own (clean RSS): prime a stream–stream
 * inner join's state with K rows per side through the engine (file checkpoint), run `measure`
 * batches of 1,000 rows per side, and time them; then the same batches through a plain JS hash
 * join (a Map per side already holding K rows: the least a symmetric hash join can cost). Prints
 * one JSON line.
 *   node --expose-gc --import tsx bench/join/workload.ts '{"keys":1000000,"stateStore":"memory","measure":40,"primeBatchRows":250000}'
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { expr, FileCheckpointStore, join, QueryManager, silentLogger, type StreamingQueryProgress } from '@sluice/core';
import { noopSink } from '@sluice/sinks';
import { batchKeys, joinFrame, primeBatches, type JoinWorkload } from './joinSource.ts';

export interface JoinConfig {
  readonly keys: number;
  readonly stateStore: string;
  readonly measure: number;
  readonly primeBatchRows: number;
}

export interface JoinResult {
  readonly config: JoinConfig;
  readonly primeS: number;
  /** Median wall time between consecutive measured batches (back to back). */
  readonly msPerBatch: number;
  readonly p90MsPerBatch: number;
  readonly updatesMs: number;
  readonly commitMs: number;
  readonly numRowsTotal: number;
  readonly outputRowsPerBatch: number;
  readonly rssBytes: number;
  /** The same batches through a JS hash join holding K rows per side: median ms per batch. */
  readonly baselineMsPerBatch: number;
}

const config = JSON.parse(process.argv[2]!) as JoinConfig;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

if (config.stateStore === 'rocksdb') await import('@sluice/state-rocksdb' as string);
const root = await mkdtemp(joinPath(tmpdir(), 'sluice-bench-join-'));
const workload: JoinWorkload = { keys: config.keys, primeBatchRows: config.primeBatchRows, available: 0 };
const primes = primeBatches(workload);

try {
  const joined = joinFrame(workload, 0).pipe(join(joinFrame(workload, 1), expr('lk = rk')));
  const query = await joined.writeStream().sink(noopSink())
    .option('checkpointLocation', new FileCheckpointStore(joinPath(root, 'checkpoint')))
    .option('stateStore', config.stateStore)
    .option('stateStore.rocksdb.localDir', joinPath(root, 'rocksdb'))
    .manager(new QueryManager({ logger: silentLogger })).start();
  const progress: StreamingQueryProgress[] = [];
  const times: number[] = [];
  const waiters: { batchId: number; resolve(): void }[] = [];
  query.progress$.subscribe((p) => {
    progress.push(p);
    times.push(performance.now());
    for (const w of waiters.filter((x) => p.batchId >= x.batchId)) w.resolve();
  });
  const until = (batchId: number) => ((progress.at(-1)?.batchId ?? -1) >= batchId ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ batchId, resolve })));

  const primeStarted = performance.now();
  workload.available = primes;
  await until(primes - 1);
  const primeS = (performance.now() - primeStarted) / 1000;

  const before = progress.length;
  workload.available = primes + config.measure;
  await until(primes + config.measure - 1);
  if (query.exception) throw query.exception;
  const gaps = times.slice(before - 1).slice(1).map((t, i) => t - times[before - 1 + i]!);
  const measured = progress.slice(before);
  (globalThis as { gc?: () => void }).gc?.();
  const rssBytes = process.memoryUsage().rss;
  await query.stop();

  // Baseline: a symmetric hash join in plain JS (Map key → rows per side) holding the K primed rows per side.
  const left = new Map<number, number[][]>();
  const right = new Map<number, number[][]>();
  for (let k = 0; k < config.keys; k++) {
    left.set(k, [[k, 0]]);
    right.set(k, [[k, 0]]);
  }
  const baseline: number[] = [];
  for (let b = primes; b < primes + config.measure; b++) {
    const lk = batchKeys(workload, b, 0);
    const rk = batchKeys(workload, b, 1);
    const started = performance.now();
    const out: number[][] = [];
    for (const k of lk) {
      const row = [k, b];
      for (const r of right.get(k) ?? []) out.push([...row, ...r]);
      const list = left.get(k);
      if (list) list.push(row);
      else left.set(k, [row]);
    }
    for (const k of rk) {
      const row = [k, b];
      for (const l of left.get(k) ?? []) out.push([...l, ...row]);
      const list = right.get(k);
      if (list) list.push(row);
      else right.set(k, [row]);
    }
    baseline.push(performance.now() - started);
  }

  const result: JoinResult = {
    config,
    primeS,
    msPerBatch: median(gaps),
    p90MsPerBatch: percentile(gaps, 0.9),
    updatesMs: median(measured.map((p) => Number(p.stateOperators[0]?.allUpdatesTimeMs ?? 0))),
    commitMs: median(measured.map((p) => Number(p.stateOperators[0]?.commitTimeMs ?? 0))),
    numRowsTotal: measured.at(-1)?.stateOperators[0]?.numRowsTotal ?? 0,
    outputRowsPerBatch: median(measured.map((p) => p.sink.numOutputRows ?? 0)),
    rssBytes,
    baselineMsPerBatch: median(baseline),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
