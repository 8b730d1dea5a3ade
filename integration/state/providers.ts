/** The state store providers every stateful integration test runs against, with their writer options. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@sluice/state-rocksdb';

const localRoot = mkdtempSync(join(tmpdir(), 'sluice-it-rocksdb-'));
let n = 0;

export const STATE_PROVIDERS: readonly { readonly name: string; options(): Record<string, string> }[] = [
  { name: 'memory', options: () => ({}) },
  // Each query its own RocksDB working directory, as on a machine of its own.
  { name: 'rocksdb', options: () => ({ stateStore: 'rocksdb', 'stateStore.rocksdb.localDir': join(localRoot, `q${n++}`) }) },
];
