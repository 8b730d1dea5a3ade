import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { stateStoreProviderSuite } from '@sluice/testing/state-provider-suite';
import { rocksdbStateProviderFactory } from './rocksdbStateProvider.ts';

const root = mkdtempSync(join(tmpdir(), 'sluice-rocksdb-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let machines = 0;

// Every call is another machine: its own local directory for the RocksDB working copies.
stateStoreProviderSuite(rocksdbStateProviderFactory, { options: () => ({ 'rocksdb.localDir': join(root, `machine-${machines++}`) }), runs: Number(process.env['STATE_RUNS'] ?? 6) });
