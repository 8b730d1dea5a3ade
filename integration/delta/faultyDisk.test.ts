/**
 * A disk that fails (EIO, ENOSPC) in the middle of a Delta write: the write fails with a clear
 * error, the table stays at its last version with nothing half-visible, and the same write
 * succeeds once the disk is healthy.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { DeltaLog } from '@sluice/formats/internal';
import { readDelta, writeDelta } from '@sluice/formats';
import { faultyFileSystem, type FileFault } from '@sluice/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDirectory } from './support.ts';

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
beforeAll(async () => {
  scratch = await scratchDirectory('sluice-delta-faulty-disk-');
});
afterAll(() => scratch.remove());

const schema = toSchema('id INT, p STRING');
const rows = (ids: number[]) => tableFromRows(schema, ids.map((id) => ({ id, p: id % 2 ? 'odd' : 'even' })));
const ids = async (path: string) => tableToRows(await readDelta(path)).map((r) => r['id'] as number).sort((a, b) => a - b);
const tempFiles = async (dir: string) => (await readdir(dir, { recursive: true })).filter((f) => String(f).endsWith('.tmp'));

describe('a failing disk during a Delta write', () => {
  it.each<[string, FileFault]>([
    ['fsync of the commit file', { operation: 'fsync', path: '00000000000000000001.json', code: 'EIO' }],
    ['link of the commit file', { operation: 'link', path: '00000000000000000001.json', code: 'EIO' }],
    ['write of the commit file', { operation: 'write', path: '00000000000000000001.json', code: 'ENOSPC' }],
    ['write of a data file', { operation: 'write', path: '.parquet', code: 'ENOSPC' }],
    ['fsync of a data file', { operation: 'fsync', path: '.parquet', code: 'EIO' }],
    ['fsync of the log directory', { operation: 'fsync', path: '_delta_log', code: 'EIO', occurrence: 2 }],
  ])('%s: the write fails, the table is unchanged, and the retry lands once', async (_, fault) => {
    const path = scratch.path('table');
    await writeDelta(path, rows([1, 2]), { partitionBy: ['p'] });
    const fs = faultyFileSystem([fault]);
    const log = new DeltaLog(path, { fileSystem: fs });
    const error = await writeDelta(path, rows([3, 4]), { log, txnAppId: 'q', txnVersion: 1 }).catch((e: unknown) => e);
    expect(fs.failures).toHaveLength(1);
    expect(error).toMatchObject({ message: expect.stringMatching(/EIO|ENOSPC/) });
    const after = await new DeltaLog(path).requireLatest();
    // The commit file may exist only when the failure came after it was linked (a directory fsync): then it is whole.
    if (after.version === 1) expect(fault.path).toBe('_delta_log');
    expect(await tempFiles(join(path, '_delta_log'))).toEqual([]);
    fs.heal();
    const retry = await writeDelta(path, rows([3, 4]), { log, txnAppId: 'q', txnVersion: 1 });
    expect(retry.skipped).toBe(after.version === 1);
    expect(await ids(path)).toEqual([1, 2, 3, 4]);
  });

  it('a checkpoint that cannot be written does not fail its commit; the table reads from the commits', async () => {
    const path = scratch.path('checkpoint');
    const fs = faultyFileSystem([{ operation: 'fsync', path: 'checkpoint.parquet', code: 'EIO' }]);
    const log = new DeltaLog(path, { fileSystem: fs });
    for (let i = 0; i < 11; i++) await writeDelta(path, rows([i]), { log });
    expect(fs.failures).toEqual([expect.stringContaining('00000000000000000010.checkpoint.parquet')]);
    const files = await readdir(join(path, '_delta_log'));
    expect(files.filter((f) => f.includes('checkpoint') || f.endsWith('.tmp'))).toEqual([]);
    expect(await ids(path)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
