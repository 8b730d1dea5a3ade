/**
 * `pnpm bench join`: the per-batch cost of a stream–stream join must not grow with its state.
 * The same workload (batches of 1,000 rows per side: 500 new keys meeting within the batch, 500
 * probes of random buffered rows of the other side) runs against an inner join whose state holds
 * 100 k and 1 M rows per side, each in a process of its own; the figure is the median ms per batch
 * at each size beside a plain JS hash join doing the same work (the baseline), and the growth from
 * the smallest state to the largest (target: flat, ≤ 1.5×).
 * SLUICE_JOIN_SIZES=100000,1000000 and SLUICE_JOIN_STORES=memory,rocksdb choose the runs.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Bench } from './lib/bench.ts';
import type { JoinResult } from './join/workload.ts';

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const sizes = (process.env['SLUICE_JOIN_SIZES'] ?? '100000,1000000').split(',').map(Number);
const stores = (process.env['SLUICE_JOIN_STORES'] ?? 'memory').split(',');
const measure = Number(process.env['SLUICE_JOIN_BATCHES'] ?? 40);

export const bench: Bench = {
  name: 'stream–stream join: per-batch cost against the size of its state',
  async run({ report, progress }) {
    for (const stateStore of stores) {
      const results: JoinResult[] = [];
      for (const keys of sizes) {
        progress(`${stateStore}: priming ${keys.toLocaleString('en-US')} rows per side, then ${measure} batches`);
        const config = { keys, stateStore, measure, primeBatchRows: Math.min(250_000, keys) };
        const { stdout } = await run(process.execPath, ['--expose-gc', '--max-old-space-size=16384', '--import', 'tsx', join(here, 'join/workload.ts'), JSON.stringify(config)], { cwd: here, maxBuffer: 1 << 20 });
        const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as JoinResult;
        results.push(result);
        progress(`${stateStore} ${keys.toLocaleString('en-US')}: ${result.msPerBatch.toFixed(2)} ms/batch (p90 ${result.p90MsPerBatch.toFixed(2)}, updates ${result.updatesMs} ms, commit ${result.commitMs} ms), ${result.numRowsTotal.toLocaleString('en-US')} state rows, ${result.outputRowsPerBatch} rows out per batch, RSS ${(result.rssBytes / 2 ** 20).toFixed(0)} MiB, primed in ${result.primeS.toFixed(1)} s`);
        report({
          name: `join ${stateStore}, ${keys.toLocaleString('en-US')} rows/side in state`,
          unit: 'ms/batch',
          value: result.msPerBatch,
          baseline: { name: 'JS hash join (no engine)', value: result.baselineMsPerBatch },
          better: 'lower',
        });
      }
      const smallest = results[0]!;
      const largest = results.at(-1)!;
      report({
        name: `join ${stateStore}, ms/batch at ${largest.config.keys.toLocaleString('en-US')} rows/side vs ${smallest.config.keys.toLocaleString('en-US')}`,
        unit: 'ms/batch',
        value: largest.msPerBatch,
        baseline: { name: `at ${smallest.config.keys.toLocaleString('en-US')} rows/side`, value: smallest.msPerBatch },
        target: '≥ 0.67× (cost flat in state size)',
        better: 'lower',
      });
    }
  },
};
