/**
 * `pnpm bench state`: what a streaming aggregation's state costs as it grows. For each run —
 * state store × K keys — a process of its own primes `groupBy('key').agg(count(), sum('x'))`
 * (update mode, fsync'd file checkpoint) with K groups, then runs batches that each touch 1,000
 * of them; a second fresh process restarts the query on that checkpoint. Each figure is printed
 * beside a baseline measured in the same run:
 *
 * - ms/batch ÷ a JS Map updated with the same keys plus one fsync'd append of the 1,000
 *   changed entries (target ≤ 3×), and its growth from 10 k keys (in-memory ≤ 1.5× at 1 M,
 *   RocksDB ≤ 2× at 10 M);
 * - state bytes written per batch ÷ the changed entries' encoded key and value bytes (≤ 2×);
 * - checkpoint size ÷ one encoded copy of the state plus 100 retained batches of changes;
 * - RSS ÷ a process holding the baseline's Map (target ≤ 1.5 GB at 10 M on RocksDB);
 * - restart → first batch ÷ rebuilding the Map from one file of K encoded entries (≤ 2 s at 1 M).
 *
 * The default runs are in-memory at 10 k and 1 M keys and RocksDB at 10 k and 10 M (about 10
 * minutes on 2 cores). SLUICE_STATE_QUICK=1 runs 10 k and 100 k on both stores in about a
 * minute; SLUICE_STATE_RUNS=memory:10000,rocksdb:1000000 picks runs; SLUICE_STATE_BATCHES
 * sets the measured batches (default 120: past the 100 retained versions).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Bench } from './lib/bench.ts';
import type { StateBaselineResult, StateConfig, StateRestartResult, StateRunResult } from './state/workload.ts';

const here = dirname(fileURLToPath(import.meta.url));
const exec = promisify(execFile);

const quick = process.env['SLUICE_STATE_QUICK'] === '1';
const runs = (process.env['SLUICE_STATE_RUNS'] ?? (quick ? 'memory:10000,memory:100000,rocksdb:10000,rocksdb:100000' : 'memory:10000,memory:1000000,rocksdb:10000,rocksdb:10000000'))
  .split(',')
  .map((r) => {
    const [stateStore, keys] = r.split(':');
    return { stateStore: stateStore!, keys: Number(keys) };
  });
const measure = Number(process.env['SLUICE_STATE_BATCHES'] ?? (quick ? 40 : 120));
const MB = 2 ** 20;
const count = (n: number) => n.toLocaleString('en-US');

async function child<T>(mode: string, config: StateConfig): Promise<T> {
  const { stdout } = await exec(process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', join(here, 'state/workload.ts'), mode, JSON.stringify(config)], { cwd: here, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

interface Measured {
  readonly run: StateRunResult;
  readonly restart: StateRestartResult;
  readonly baseline: StateBaselineResult;
}

export const bench: Bench = {
  name: 'state store: a keyed aggregation\'s per-batch cost, bytes, size, memory and restart against its state size',
  async run({ report, progress }) {
    const all: Measured[] = [];
    for (const { stateStore, keys } of runs) {
      const root = await mkdtemp(join(tmpdir(), 'sluice-bench-state-'));
      try {
        const config: StateConfig = { keys, stateStore, measure, primeBatchRows: Math.min(250_000, keys), root };
        progress(`${stateStore} ${count(keys)}: priming ${count(keys)} groups, then ${measure} batches of 1,000 keys`);
        const run = await child<StateRunResult>('run', config);
        progress(`${stateStore} ${count(keys)}: primed in ${run.primeS.toFixed(1)} s; ${run.msPerBatch.toFixed(2)} ms/batch (p90 ${run.p90MsPerBatch.toFixed(2)}; updates ${run.updatesMs} ms, commit ${run.commitMs} ms); ` +
          `${count(run.numRowsTotal)} rows; deltas ${count(Math.round(run.deltaBytesPerBatch))} B/batch, snapshots ${count(Math.round(run.snapshotBytesPerBatch))} B/batch amortised, offsets+commits ${count(Math.round(run.otherBytesPerBatch))} B/batch; ` +
          `checkpoint ${(run.checkpointBytes / MB).toFixed(1)} MiB, local ${(run.localBytes / MB).toFixed(1)} MiB; RSS ${(run.rssBytes / MB).toFixed(0)} MiB (peak ${(run.peakRssBytes / MB).toFixed(0)}), memoryUsedBytes ${(run.memoryUsedBytes / MB).toFixed(1)} MiB`);
        progress(`${stateStore} ${count(keys)}: durationMs medians ${JSON.stringify(run.durationMs)}`);
        progress(`${stateStore} ${count(keys)}: customMetrics ${JSON.stringify(run.customMetrics)}`);
        const restart = await child<StateRestartResult>('restart', config);
        progress(`${stateStore} ${count(keys)}: restart → first batch ${restart.restartMs.toFixed(0)} ms (that batch ${restart.firstBatchMs} ms), RSS ${(restart.rssBytes / MB).toFixed(0)} MiB`);
        const baseline = await child<StateBaselineResult>('baseline', config);
        all.push({ run, restart, baseline });

        const label = `state ${stateStore} ${count(keys)} keys`;
        report({ name: `${label}: ms/batch`, unit: 'ms/batch', value: run.msPerBatch, baseline: { name: 'Map + fsync\'d append', value: run.baselineMsPerBatch }, target: '≥ 0.33× (≤ 3× the baseline)', better: 'lower' });
        report({ name: `${label}: state bytes written/batch`, unit: 'B/batch', value: run.deltaBytesPerBatch, baseline: { name: 'changed entries encoded', value: run.encodedBytesPerBatch }, target: '≥ 0.5× (≤ 2× the entries)', better: 'lower' });
        const entryBytes = run.encodedBytesPerBatch / 1_000;
        report({ name: `${label}: checkpoint size`, unit: 'MiB', value: run.checkpointBytes / MB, baseline: { name: 'state encoded once + 100 batches of changes', value: (keys * entryBytes + Math.min(measure, 100) * run.encodedBytesPerBatch) / MB }, better: 'lower' });
        report({ name: `${label}: RSS`, unit: 'MiB', value: run.rssBytes / MB, baseline: { name: 'process holding the Map', value: baseline.rssBytes / MB }, ...(stateStore === 'rocksdb' && keys >= 10_000_000 ? { target: '≤ 1,536 MiB' } : {}), better: 'lower' });
        report({ name: `${label}: restart → first batch`, unit: 'ms', value: restart.restartMs, baseline: { name: 'Map rebuilt from one file', value: baseline.rebuildMs }, ...(keys === 1_000_000 ? { target: '≤ 2,000 ms' } : {}), better: 'lower' });
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    }
    // Growth of ms/batch with the state, per store: from its smallest run to each larger one.
    for (const stateStore of new Set(all.map((m) => m.run.config.stateStore))) {
      const mine = all.filter((m) => m.run.config.stateStore === stateStore).sort((a, b) => a.run.config.keys - b.run.config.keys);
      const smallest = mine[0]!;
      for (const larger of mine.slice(1)) {
        report({
          name: `state ${stateStore}: ms/batch at ${count(larger.run.config.keys)} keys vs ${count(smallest.run.config.keys)}`,
          unit: 'ms/batch',
          value: larger.run.msPerBatch,
          baseline: { name: `at ${count(smallest.run.config.keys)} keys`, value: smallest.run.msPerBatch },
          target: stateStore === 'rocksdb' ? '≥ 0.5× (≤ 2× growth)' : '≥ 0.67× (≤ 1.5× growth)',
          better: 'lower',
        });
      }
    }
  },
};
