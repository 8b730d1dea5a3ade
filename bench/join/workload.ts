/**
 * One run of the join benchmark, in a process of its own (clean RSS): prime a stream–stream
 * inner join's state with K rows per side through the engine (file checkpoint), run `measure`
 * batches of 1,000 rows per side, and time them; then the same batches through a plain JS hash
 * join (a Map per side already holding K rows: the least a symmetric hash join can cost). Prints
 * one JSON line.
 *   node --expose-gc --import tsx bench/join/workload.ts '{"keys":1000000,"stateStore":"memory","measure":40,"primeBatchRows":250000}'
 */
import { join as joinPath } from 'node:path';
import { performance } from 'node:perf_hooks';
import { expr, FileCheckpointStore, join, QueryManager, silentLogger } from '@sluice/core';
import { noopSink } from '@sluice/sinks';
import { primeBatches, runMeasured, runResult, type KeyedRunConfig, type KeyedRunResult, type KeyedWorkload } from '../lib/keyedWorkload.ts';
import { batchKeys, joinFrame } from './joinSource.ts';

export type JoinResult = KeyedRunResult;

const config = JSON.parse(process.argv[2]!) as KeyedRunConfig;
if (config.stateStore === 'rocksdb') await import('@sluice/state-rocksdb' as string);
const workload: KeyedWorkload = { keys: config.keys, primeBatchRows: config.primeBatchRows, available: 0 };
const primes = primeBatches(workload);

const run = await runMeasured(workload, config.measure, 'join', (root) =>
  joinFrame(workload, 0).pipe(join(joinFrame(workload, 1), expr('lk = rk'))).writeStream().sink(noopSink())
    .option('checkpointLocation', new FileCheckpointStore(joinPath(root, 'checkpoint')))
    .option('stateStore', config.stateStore)
    .option('stateStore.rocksdb.localDir', joinPath(root, 'rocksdb'))
    .manager(new QueryManager({ logger: silentLogger })).start());

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
process.stdout.write(`${JSON.stringify(runResult(config, run, baseline))}\n`);
