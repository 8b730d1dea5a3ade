/**
 * What the keyed-state benchmarks (`pnpm bench dedup`, `pnpm bench join`) share: a replayable
 * source of `BIGINT key, BIGINT batch` rows whose first batches prime the operator's state with
 * keys 0..K-1 and whose later batches hold 1,000 rows (500 new keys, 500 repeats of keys drawn
 * uniformly from those seen, by a generator seeded per batch, so a replayed batch reads the same
 * rows); and the driver of one run in a process of its own (prime, then time `measure` batches
 * from the query's progress).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Field, Int64, Schema, type Table } from 'apache-arrow';
import { of, type Observable } from 'rxjs';
import { StreamFrame, type SourceProvider, type StreamingQuery, type StreamingQueryProgress } from '@sluice/core';
import { tableFromColumns, type ReadLimit, type Source } from '@sluice/core/connector';

export const ROWS_PER_BATCH = 1_000;
const NEW_PER_BATCH = ROWS_PER_BATCH / 2;

export interface KeyedWorkload {
  readonly keys: number;
  readonly primeBatchRows: number;
  /** Batches the source offers; the driver raises it to run more. */
  available: number;
}

export function primeBatches(w: KeyedWorkload): number {
  return Math.ceil(w.keys / w.primeBatchRows);
}

/**
 * The keys of batch `b`, in row order: a priming batch's slice of 0..K-1, else 500 new keys
 * interleaved with 500 repeats drawn by a generator seeded with `seed` (distinct per batch and stream).
 */
export function batchKeys(w: KeyedWorkload, b: number, seed: number): number[] {
  const primes = primeBatches(w);
  if (b < primes) {
    const from = b * w.primeBatchRows;
    return Array.from({ length: Math.min(w.keys, from + w.primeBatchRows) - from }, (_, i) => from + i);
  }
  const seenSoFar = w.keys + (b - primes) * NEW_PER_BATCH;
  const random = mulberry32(seed);
  const keys: number[] = [];
  for (let i = 0; i < NEW_PER_BATCH; i++) {
    keys.push(seenSoFar + i);
    keys.push(Math.floor(random() * seenSoFar));
  }
  return keys;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A two-column schema: the key and the batch id, both BIGINT. */
export function keyedSchema(keyColumn: string, batchColumn: string): Schema {
  return new Schema([new Field(keyColumn, new Int64(), false), new Field(batchColumn, new Int64(), false)]);
}

/** Batch `b`'s rows: `keys` in the key column, `b` in the other. */
export function keyedTable(schema: Schema, keys: readonly number[], b: number): Table {
  return tableFromColumns(schema, { [schema.fields[0]!.name]: BigInt64Array.from(keys, (n) => BigInt(n)), [schema.fields[1]!.name]: new BigInt64Array(keys.length).fill(BigInt(b)) });
}

/** The workload as a stream: one batch per trigger (the benchmarks measure batches of a known shape), offsets are batch counts. */
export function keyedFrame(w: KeyedWorkload, source: { readonly format: string; readonly description: string; readonly schema: Schema; readonly options: Readonly<Record<string, unknown>>; table(b: number): Table }): StreamFrame {
  const open = async (): Promise<Source<number>> => ({
    description: source.description,
    schema: source.schema,
    initialOffset: async () => 0,
    latestOffset: async (start: number, _limit: ReadLimit) => (start < w.available ? start + 1 : start),
    read: (start: number, end: number): Observable<Table> => {
      const tables: Table[] = [];
      for (let b = start; b < end; b++) tables.push(source.table(b));
      return of(...tables);
    },
    commit: async () => {},
    stop: async () => {},
  });
  const provider: SourceProvider = { format: source.format, schema: source.schema, options: source.options as never, open };
  return StreamFrame.fromSource(provider);
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
export const percentile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

/** What one engine run measured. */
export interface MeasuredRun {
  readonly primeS: number;
  /** Wall ms between consecutive measured batches' progress events. */
  readonly gaps: readonly number[];
  readonly measured: readonly StreamingQueryProgress[];
  readonly rssBytes: number;
}

/**
 * Start the query (`start(root)`: `root` is a fresh directory for its checkpoint and state),
 * let it prime the state, then run `measure` more batches and time them; the query is stopped
 * and `root` removed after.
 */
export async function runMeasured(w: KeyedWorkload, measure: number, name: string, start: (root: string) => Promise<StreamingQuery>): Promise<MeasuredRun> {
  const root = await mkdtemp(join(tmpdir(), `sluice-bench-${name}-`));
  try {
    const primes = primeBatches(w);
    const query = await start(root);
    const progress: StreamingQueryProgress[] = [];
    const times: number[] = [];
    const waiters: { batchId: number; resolve(): void }[] = [];
    query.progress$.subscribe((p) => {
      progress.push(p);
      times.push(performance.now());
      for (const x of waiters.filter((x) => p.batchId >= x.batchId)) x.resolve();
    });
    const until = (batchId: number) => ((progress.at(-1)?.batchId ?? -1) >= batchId ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ batchId, resolve })));

    const primeStarted = performance.now();
    w.available = primes;
    await until(primes - 1);
    const primeS = (performance.now() - primeStarted) / 1000;

    const before = progress.length;
    w.available = primes + measure;
    await until(primes + measure - 1);
    if (query.exception) throw query.exception;
    const gaps = times.slice(before - 1).slice(1).map((t, i) => t - times[before - 1 + i]!);
    const measured = progress.slice(before);
    (globalThis as { gc?: () => void }).gc?.();
    const rssBytes = process.memoryUsage().rss;
    await query.stop();
    return { primeS, gaps, measured, rssBytes };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** One run's settings, as the bench passes them to the run's process (JSON in argv[2]). */
export interface KeyedRunConfig {
  readonly keys: number;
  readonly stateStore: string;
  readonly measure: number;
  readonly primeBatchRows: number;
}

/** One run's figures, the JSON line its process prints. */
export interface KeyedRunResult {
  readonly config: KeyedRunConfig;
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
  /** The same batches through the plain JS baseline: median ms per batch. */
  readonly baselineMsPerBatch: number;
}

/** The figures of a run from what it measured and the baseline's per-batch times. */
export function runResult(config: KeyedRunConfig, run: MeasuredRun, baseline: readonly number[]): KeyedRunResult {
  const { measured } = run;
  return {
    config,
    primeS: run.primeS,
    msPerBatch: median(run.gaps),
    p90MsPerBatch: percentile(run.gaps, 0.9),
    updatesMs: median(measured.map((p) => Number(p.stateOperators[0]?.allUpdatesTimeMs ?? 0))),
    commitMs: median(measured.map((p) => Number(p.stateOperators[0]?.commitTimeMs ?? 0))),
    numRowsTotal: measured.at(-1)?.stateOperators[0]?.numRowsTotal ?? 0,
    outputRowsPerBatch: median(measured.map((p) => p.sink.numOutputRows ?? 0)),
    rssBytes: run.rssBytes,
    baselineMsPerBatch: median(baseline),
  };
}
