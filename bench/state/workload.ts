/**
 * One run of the state benchmark, in a process of its own (clean RSS). Two modes:
 *
 * - `run`: prime `groupBy('key').agg(count(), sum('x'))` (update mode, fsync'd file checkpoint)
 *   with K keys through the engine, then run `measure` batches that each touch 1,000 existing
 *   keys, timing them back to back and counting every byte the checkpoint is sent; then the
 *   baseline in the same process: a JS Map of K entries updated with the same keys plus one
 *   fsync'd append of the 1,000 changed entries per batch.
 * - `restart`: a fresh process starts the query again on that checkpoint and times start() →
 *   the first new batch committed (the state is loaded in between).
 *
 * Prints one JSON line.
 *   node --expose-gc --import tsx bench/state/workload.ts run '{"keys":1000000,"stateStore":"memory","measure":120,"primeBatchRows":250000,"root":"/tmp/x"}'
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { count, FileCheckpointStore, groupBy, QueryManager, silentLogger, sum, type CheckpointStore, type StreamingQueryProgress } from '@sluice/core';
import { readStateFile } from '@sluice/core/state-provider';
import { noopSink } from '@sluice/sinks';
import { batchKeys, primeBatches, stateFrame, type StateWorkload } from './stateSource.ts';

export interface StateConfig {
  readonly keys: number;
  readonly stateStore: string;
  readonly measure: number;
  readonly primeBatchRows: number;
  /** Directory for the checkpoint (`<root>/checkpoint`) and RocksDB's working copies (`<root>/rocksdb`). */
  readonly root: string;
}

export interface StateRunResult {
  readonly config: StateConfig;
  readonly primeS: number;
  /** Median wall time between consecutive measured batches (back to back). */
  readonly msPerBatch: number;
  readonly p90MsPerBatch: number;
  /** Medians of the measured batches' `allUpdatesTimeMs` and `commitTimeMs`. */
  readonly updatesMs: number;
  readonly commitMs: number;
  readonly numRowsTotal: number;
  /** Per measured batch: bytes of state deltas / changelogs written. */
  readonly deltaBytesPerBatch: number;
  /** Per measured batch: the changed entries' key and value bytes (what the deltas hold, without framing). */
  readonly encodedBytesPerBatch: number;
  /** Per measured batch: bytes of background snapshots (amortised) and of everything else (offsets, commits). */
  readonly snapshotBytesPerBatch: number;
  readonly otherBytesPerBatch: number;
  /** Bytes of the checkpoint directory after the run, and of RocksDB's local working copies. */
  readonly checkpointBytes: number;
  readonly localBytes: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  readonly customMetrics: Record<string, number>;
  readonly memoryUsedBytes: number;
  /** The same batches through a JS Map of K entries plus one fsync'd append each: median ms per batch. */
  readonly baselineMsPerBatch: number;
  readonly baselineBytesPerBatch: number;
  /** The last batch id the run committed. */
  readonly lastBatchId: number;
  /** Medians of the measured batches' `durationMs` entries. */
  readonly durationMs: Record<string, number>;
}

/** A plain process holding the baseline's Map of K groups: its RSS, and the time to rebuild the Map from one file of K encoded entries. */
export interface StateBaselineResult {
  readonly rssBytes: number;
  readonly rebuildMs: number;
}

export interface StateRestartResult {
  /** start() → the first new batch's progress, in a fresh process. */
  readonly restartMs: number;
  readonly firstBatchMs: number;
  readonly rssBytes: number;
}

const [mode, json] = process.argv.slice(2) as ['run' | 'restart' | 'baseline', string];
const config = JSON.parse(json) as StateConfig;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

if (config.stateStore === 'rocksdb') await import('@sluice/state-rocksdb' as string);
const workload: StateWorkload = { keys: config.keys, primeBatchRows: config.primeBatchRows, available: 0 };
const primes = primeBatches(workload);

/** The file checkpoint, counting what it is sent by kind; measured deltas are kept to be parsed afterwards. */
class CountingCheckpoint implements CheckpointStore {
  readonly bytes = { delta: 0, snapshot: 0, other: 0 };
  readonly deltas: Uint8Array[] = [];
  keepDeltas = false;
  constructor(private readonly inner: FileCheckpointStore) {}
  get location(): string {
    return this.inner.location;
  }
  read(path: string) {
    return this.inner.read(path);
  }
  readBytes(path: string) {
    return this.inner.readBytes(path);
  }
  size(path: string) {
    return this.inner.size(path);
  }
  list(dir: string) {
    return this.inner.list(dir);
  }
  delete(path: string) {
    return this.inner.delete(path);
  }
  lock(owner: Parameters<CheckpointStore['lock']>[0]) {
    return this.inner.lock(owner);
  }
  destroy() {
    return this.inner.destroy();
  }
  getFile(path: string, localPath: string) {
    return this.inner.getFile(path, localPath);
  }
  async putFile(localPath: string, path: string): Promise<void> {
    this.bytes.snapshot += (await stat(localPath)).size;
    return this.inner.putFile(localPath, path);
  }
  write(path: string, content: string | Uint8Array, options: Parameters<CheckpointStore['write']>[2]) {
    const n = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    if (/^state\/\d+\/\d+\/\d+\.(delta|changelog)$/.test(path)) {
      this.bytes.delta += n;
      if (this.keepDeltas && typeof content !== 'string') this.deltas.push(content.slice());
    } else if (path.startsWith('state/') && !path.includes('_metadata')) this.bytes.snapshot += n;
    else this.bytes.other += n;
    return this.inner.write(path, content, options);
  }
}

function startQuery(checkpoint: CheckpointStore) {
  return stateFrame(workload)
    .pipe(groupBy('key').agg(count().alias('n'), sum('x').alias('total')))
    .writeStream()
    .sink(noopSink())
    .outputMode('update')
    .option('checkpointLocation', checkpoint)
    .option('stateStore', config.stateStore)
    .option('stateStore.rocksdb.localDir', join(config.root, 'rocksdb'))
    .manager(new QueryManager({ logger: silentLogger }))
    .start();
}

function watch(query: Awaited<ReturnType<typeof startQuery>>) {
  const progress: StreamingQueryProgress[] = [];
  const times: number[] = [];
  const waiters: { batchId: number; resolve(): void }[] = [];
  let peakRss = 0;
  query.progress$.subscribe((p) => {
    progress.push(p);
    times.push(performance.now());
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    for (const w of waiters.filter((x) => p.batchId >= x.batchId)) w.resolve();
  });
  const until = async (batchId: number) => {
    if ((progress.at(-1)?.batchId ?? -1) < batchId) await new Promise<void>((resolve) => waiters.push({ batchId, resolve }));
    if (query.exception) throw query.exception;
  };
  return { progress, times, until, peakRss: () => peakRss };
}

async function du(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += await du(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

async function run(): Promise<StateRunResult> {
  const checkpoint = new CountingCheckpoint(new FileCheckpointStore(join(config.root, 'checkpoint')));
  const query = await startQuery(checkpoint);
  const { progress, times, until, peakRss } = watch(query);

  const primeStarted = performance.now();
  workload.available = primes;
  await until(primes - 1);
  const primeS = (performance.now() - primeStarted) / 1000;

  const before = progress.length;
  const counted = { ...checkpoint.bytes };
  checkpoint.keepDeltas = true;
  workload.available = primes + config.measure;
  await until(primes + config.measure - 1);
  checkpoint.keepDeltas = false;
  const bytes = { delta: checkpoint.bytes.delta - counted.delta, snapshot: checkpoint.bytes.snapshot - counted.snapshot, other: checkpoint.bytes.other - counted.other };
  const gaps = times.slice(before - 1).slice(1).map((t, i) => t - times[before - 1 + i]!);
  const measured = progress.slice(before);
  (globalThis as { gc?: () => void }).gc?.();
  const rssBytes = process.memoryUsage.rss();
  const last = measured.at(-1)!.stateOperators[0]!;
  await query.stop();
  const checkpointBytes = await du(join(config.root, 'checkpoint'));
  const localBytes = await du(join(config.root, 'rocksdb'));

  let encoded = 0;
  for (const delta of checkpoint.deltas) readStateFile(delta, 'delta', config.stateStore === 'rocksdb' ? 'changelog' : 'delta', (_op, _s, _b, ks, ke, vs, ve) => (encoded += ke - ks + (vs < 0 ? 0 : ve - vs)));

  // Baseline: a Map of the K primed groups, fed the same measured batches, plus one fsync'd append of the changed entries each.
  const groups = new Map<number, { n: number; total: bigint }>();
  for (let k = 0; k < config.keys; k++) groups.set(k, { n: 1, total: 0n });
  const fd = openSync(join(config.root, 'baseline.log'), 'a');
  const baseline: number[] = [];
  let baselineBytes = 0;
  try {
    for (let b = primes; b < primes + config.measure; b++) {
      const keys = batchKeys(workload, b);
      const started = performance.now();
      const out = Buffer.allocUnsafe(keys.length * 24);
      let at = 0;
      for (const k of keys) {
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { n: 0, total: 0n }));
        g.n++;
        g.total += BigInt(b);
        out.writeBigInt64LE(BigInt(k), at);
        out.writeBigInt64LE(BigInt(g.n), at + 8);
        out.writeBigInt64LE(g.total, at + 16);
        at += 24;
      }
      writeSync(fd, out, 0, at);
      fsyncSync(fd);
      baseline.push(performance.now() - started);
      baselineBytes += at;
    }
  } finally {
    closeSync(fd);
  }

  return {
    config,
    primeS,
    msPerBatch: median(gaps),
    p90MsPerBatch: percentile(gaps, 0.9),
    updatesMs: median(measured.map((p) => Number(p.stateOperators[0]?.allUpdatesTimeMs ?? 0))),
    commitMs: median(measured.map((p) => Number(p.stateOperators[0]?.commitTimeMs ?? 0))),
    numRowsTotal: last.numRowsTotal,
    deltaBytesPerBatch: bytes.delta / config.measure,
    encodedBytesPerBatch: encoded / config.measure,
    snapshotBytesPerBatch: bytes.snapshot / config.measure,
    otherBytesPerBatch: bytes.other / config.measure,
    checkpointBytes,
    localBytes,
    rssBytes,
    peakRssBytes: Math.max(rssBytes, peakRss()),
    customMetrics: { ...last.customMetrics },
    memoryUsedBytes: last.memoryUsedBytes,
    baselineMsPerBatch: median(baseline),
    baselineBytesPerBatch: baselineBytes / config.measure,
    lastBatchId: measured.at(-1)!.batchId,
    durationMs: Object.fromEntries(Object.keys(measured[0]!.durationMs).map((k) => [k, median(measured.map((p) => Number((p.durationMs as Record<string, number | undefined>)[k] ?? 0)))])),
  };
}

async function restart(): Promise<StateRestartResult> {
  const next = primes + config.measure;
  workload.available = next + 1;
  const started = performance.now();
  const query = await startQuery(new FileCheckpointStore(join(config.root, 'checkpoint')));
  const { progress, until } = watch(query);
  await until(next);
  const restartMs = performance.now() - started;
  const first = progress.find((p) => p.batchId === next)!;
  const rssBytes = process.memoryUsage.rss();
  await query.stop();
  return { restartMs, firstBatchMs: first.batchDuration, rssBytes };
}

async function baselineProcess(): Promise<StateBaselineResult> {
  const file = join(config.root, 'baseline.snapshot');
  const out = Buffer.allocUnsafe(config.keys * 24);
  for (let k = 0; k < config.keys; k++) {
    out.writeBigInt64LE(BigInt(k), k * 24);
    out.writeBigInt64LE(1n, k * 24 + 8);
    out.writeBigInt64LE(0n, k * 24 + 16);
  }
  await writeFile(file, out);
  const started = performance.now();
  const bytes = await readFile(file);
  const groups = new Map<number, { n: number; total: bigint }>();
  for (let at = 0; at < bytes.length; at += 24) groups.set(Number(bytes.readBigInt64LE(at)), { n: Number(bytes.readBigInt64LE(at + 8)), total: bytes.readBigInt64LE(at + 16) });
  const rebuildMs = performance.now() - started;
  await rm(file);
  (globalThis as { gc?: () => void }).gc?.();
  const rssBytes = process.memoryUsage.rss();
  // Read after the RSS, so the Map is still alive when it is taken.
  if (groups.size !== config.keys) throw new Error(`baseline Map holds ${groups.size} groups`);
  return { rssBytes, rebuildMs };
}

const result = mode === 'restart' ? await restart() : mode === 'baseline' ? await baselineProcess() : await run();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
