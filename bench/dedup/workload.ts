/**
 * One run of the dedup benchmark, in a process of its own (clean RSS): prime a dropDuplicates
 * query's state with K seen ids through the engine (file checkpoint), run `measure` batches of
 * 1,000 rows (500 new ids, 500 repeats), and time them; then the same batches through a plain
 * JS Set already holding K ids (the baseline: the least a dedup can cost). Prints one JSON line.
 *   node --expose-gc --import tsx bench/dedup/workload.ts '{"keys":1000000,"stateStore":"memory","measure":40,"primeBatchRows":250000}'
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dropDuplicates, FileCheckpointStore, QueryManager, silentLogger } from '@sluice/core';
import { noopSink } from '@sluice/sinks';
import { primeBatches, runMeasured, runResult, type KeyedRunConfig, type KeyedRunResult, type KeyedWorkload } from '../lib/keyedWorkload.ts';
import { batchIds, dedupFrame } from './dedupSource.ts';

export type DedupResult = KeyedRunResult;

const config = JSON.parse(process.argv[2]!) as KeyedRunConfig;
if (config.stateStore === 'rocksdb') await import('@sluice/state-rocksdb' as string);
const workload: KeyedWorkload = { keys: config.keys, primeBatchRows: config.primeBatchRows, available: 0 };
const primes = primeBatches(workload);

const run = await runMeasured(workload, config.measure, 'dedup', (root) =>
  dedupFrame(workload).pipe(dropDuplicates('id')).writeStream().sink(noopSink())
    .option('checkpointLocation', new FileCheckpointStore(join(root, 'checkpoint')))
    .option('stateStore', config.stateStore)
    .option('stateStore.rocksdb.localDir', join(root, 'rocksdb'))
    .manager(new QueryManager({ logger: silentLogger })).start());

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
process.stdout.write(`${JSON.stringify(runResult(config, run, baseline))}\n`);
