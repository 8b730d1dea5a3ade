/**
 * One run of the dedup benchmark, in a process of its own (clean RSS): prime a dropDuplicates
 * query's state with K seen ids through the engine (file checkpoint), run `measure` batches of
 * 1,000 rows (500 new ids, 500 repeats), and time them; then the same batches through a plain
 * JS Set already holding K ids (the baseline: the least a dedup can cost). Prints one JSON line.
 *   node --expose-gc --import tsx bench/dedup/workload.ts '{"keys":1000000,"stateStore":"memory","measure":40,"primeBatchRows":250000}'
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dropDuplicates, FileCheckpointStore, QueryManager, silentLogger, type StreamingQueryProgress } from '@sluice/core';
import { noopSink } from '@sluice/sinks';
import { batchIds, dedupFrame, primeBatches, type DedupWorkload } from './dedupSource.ts';

export interface DedupConfig {
  readonly keys: number;
  readonly stateStore: string;
  readonly measure: number;
  readonly primeBatchRows: number;
}

export interface DedupResult {
  readonly config: DedupConfig;
  readonly primeS: number;
  /** Median wall time between consecutive measured batches (back to back). */
  readonly msPerBatch: number;
  readonly p90MsPerBatch: number;
  /** Median `allUpdatesTimeMs` (the operator's reads and writes) and `commitTimeMs` of the measured batches. */
  readonly updatesMs: number;
  readonly commitMs: number;
  readonly numRowsTotal: number;
  readonly outputRowsPerBatch: number;
  readonly rssBytes: number;
  /** The same batches through a JS Set of K ids: median ms per batch. */
  readonly baselineMsPerBatch: number;
}

const config = JSON.parse(process.argv[2]!) as DedupConfig;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

if (config.stateStore === 'rocksdb') await import('@sluice/state-rocksdb' as string);
const root = await mkdtemp(join(tmpdir(), 'sluice-bench-dedup-'));
const workload: DedupWorkload = { keys: config.keys, primeBatchRows: config.primeBatchRows, available: 0 };
const primes = primeBatches(workload);

try {
  const query = await dedupFrame(workload).pipe(dropDuplicates('id')).writeStream().sink(noopSink())
    .option('checkpointLocation', new FileCheckpointStore(join(root, 'checkpoint')))
    .option('stateStore', config.stateStore)
    .option('stateStore.rocksdb.localDir', join(root, 'rocksdb'))
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

  // Baseline: a Set holding the K primed ids, fed the same measured batches.
  const seen = new Set<number>();
  for (let i = 0; i < config.keys; i++) seen.add(i);
  const baseline: number[] = [];
  for (let b = primes; b < primes + config.measure; b++) {
    const ids = batchIds(workload, b);
    const started = performance.now();
    const kept: number[] = [];
    for (const id of ids) if (!seen.has(id)) (seen.add(id), kept.push(id));
    baseline.push(performance.now() - started);
  }

  const result: DedupResult = {
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
