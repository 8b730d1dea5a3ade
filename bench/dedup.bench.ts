/**
 * `pnpm bench dedup`: the per-batch cost of dropDuplicates must not grow with its state. The
 * same workload (batches of 1,000 rows, half new ids, half repeats of random old ones) runs
 * against states primed with 100 k, 1 M and 10 M seen ids, each in a process of its own; the
 * figure is the median ms per batch at each size beside a JS Set doing the same lookups (the
 * baseline), and the growth from the smallest state to the largest (target: flat, ≤ 1.5×).
 * SLUICE_DEDUP_SIZES=100000,1000000 and SLUICE_DEDUP_STORES=memory,rocksdb choose the runs.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Bench } from './lib/bench.ts';
import type { DedupResult } from './dedup/workload.ts';

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

const sizes = (process.env['SLUICE_DEDUP_SIZES'] ?? '100000,1000000,10000000').split(',').map(Number);
const stores = (process.env['SLUICE_DEDUP_STORES'] ?? 'memory').split(',');
const measure = Number(process.env['SLUICE_DEDUP_BATCHES'] ?? 60);

export const bench: Bench = {
  name: 'dropDuplicates: per-batch cost against the size of its state',
  async run({ report, progress }) {
    for (const stateStore of stores) {
      const results: DedupResult[] = [];
      for (const keys of sizes) {
        progress(`${stateStore}: priming ${keys.toLocaleString('en-US')} seen ids, then ${measure} batches`);
        const config = { keys, stateStore, measure, primeBatchRows: Math.min(250_000, keys) };
        const { stdout } = await run(process.execPath, ['--expose-gc', '--max-old-space-size=16384', '--import', 'tsx', join(here, 'dedup/workload.ts'), JSON.stringify(config)], { cwd: here, maxBuffer: 1 << 20 });
        const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as DedupResult;
        results.push(result);
        progress(`${stateStore} ${keys.toLocaleString('en-US')}: ${result.msPerBatch.toFixed(2)} ms/batch (p90 ${result.p90MsPerBatch.toFixed(2)}, updates ${result.updatesMs} ms, commit ${result.commitMs} ms), ${result.numRowsTotal.toLocaleString('en-US')} state rows, ${result.outputRowsPerBatch} rows out per batch, RSS ${(result.rssBytes / 2 ** 20).toFixed(0)} MiB, primed in ${result.primeS.toFixed(1)} s`);
        report({
          name: `dedup ${stateStore}, ${keys.toLocaleString('en-US')} keys in state`,
          unit: 'ms/batch',
          value: result.msPerBatch,
          baseline: { name: 'JS Set (no engine)', value: result.baselineMsPerBatch },
          better: 'lower',
        });
      }
      const smallest = results[0]!;
      const largest = results.at(-1)!;
      report({
        name: `dedup ${stateStore}, ms/batch at ${largest.config.keys.toLocaleString('en-US')} keys vs ${smallest.config.keys.toLocaleString('en-US')}`,
        unit: 'ms/batch',
        value: largest.msPerBatch,
        baseline: { name: `at ${smallest.config.keys.toLocaleString('en-US')} keys`, value: smallest.msPerBatch },
        target: '≥ 0.67× (cost flat in state size)',
        better: 'lower',
      });
    }
  },
};
