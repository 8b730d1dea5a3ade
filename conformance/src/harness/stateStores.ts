import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataStreamWriter } from '@sluice/core';
import '@sluice/state-rocksdb';

const localRoot = mkdtempSync(join(tmpdir(), 'sluice-conformance-rocksdb-'));
let n = 0;

/**
 * The state stores a stateful suite runs on, as Spark runs its suites on HDFS-backed state and
 * again as `RocksDBStateStore…Suite`: `configure` selects the store on a writer (each RocksDB
 * query gets a working directory of its own).
 */
export const STATE_STORES: readonly { readonly name: string; configure(writer: DataStreamWriter): DataStreamWriter }[] = [
  { name: 'memory', configure: (writer) => writer },
  { name: 'rocksdb', configure: (writer) => writer.option('stateStore', 'rocksdb').option('stateStore.rocksdb.localDir', join(localRoot, `q${n++}`)) },
];

/**
 * A suite's scenarios for one store: all of them on the default store, only `sample` (titles) on
 * RocksDB — the store contract is proven by its own suite; the sample shows the operator's state
 * layout (ordered scans, expiry indexes, empty values) runs unchanged on it, within CI's time.
 */
export function onStore<S extends { scenario(test: string, body: () => unknown, timeoutMs?: number): void }>(store: { name: string }, spark: S, sample: readonly string[]): S {
  if (store.name === 'memory') return spark;
  return { ...spark, scenario: (test, body, timeoutMs) => (sample.includes(test) ? spark.scenario(test, body, timeoutMs) : undefined) };
}
