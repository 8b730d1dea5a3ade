import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaLog } from './deltaLog.ts';
import { optimize } from './optimize.ts';
import { readDelta } from './readDelta.ts';
import { rowMultiset } from './testing/duckdbReplay.ts';
import { writeDelta } from './writeDelta.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-delta-optimize-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const schema = toSchema('id LONG, region STRING, note STRING');

async function smallFiles(path: string, commits: number): Promise<void> {
  for (let i = 0; i < commits; i++) {
    const rows = Array.from({ length: 5 }, (_, k) => ({ id: BigInt(i * 5 + k), region: k % 2 === 0 ? 'eu' : null, note: `commit ${i}` }));
    await writeDelta(path, tableFromRows(schema, rows), { partitionBy: ['region'] });
  }
}

describe('optimize', () => {
  it('bin-packs the small files of each partition into one file, in one commit that changes no data', async () => {
    const path = join(dir, 'packed');
    await smallFiles(path, 8);
    const before = await readDelta(path);
    expect((await new DeltaLog(path).requireLatest()).numFiles).toBe(16);

    const result = await optimize(path, { targetFileSize: '64m' });
    expect(result).toMatchObject({ version: 8, numFilesRemoved: 16, numFilesAdded: 2 });
    const snapshot = await new DeltaLog(path).requireLatest();
    expect(snapshot.files.map((f) => f.partitionValues['region']).sort()).toEqual(['eu', null]);
    expect(rowMultiset(tableToRows(await readDelta(path)))).toEqual(rowMultiset(tableToRows(before)));

    const commit = (await readFile(join(path, '_delta_log', '00000000000000000008.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(commit[0].commitInfo).toMatchObject({ operation: 'OPTIMIZE', isBlindAppend: false, operationMetrics: { numRemovedFiles: '16', numAddedFiles: '2' } });
    const files = commit.filter((a) => a.add || a.remove);
    expect(files).toHaveLength(18);
    expect(files.every((a) => (a.add ?? a.remove).dataChange === false)).toBe(true);

    // The rows of older versions are still there for time travel; a second run has nothing to do.
    expect((await readDelta(path, { versionAsOf: 3 })).numRows).toBe(20);
    expect(await optimize(path)).toMatchObject({ version: null, numFilesRemoved: 0 });
  });

  it('respects the target size: files at or above minFileSize stay, bins close at targetFileSize', async () => {
    const path = join(dir, 'target');
    await smallFiles(path, 6);
    const sizes = (await new DeltaLog(path).requireLatest()).files.map((f) => f.size);
    const one = Math.max(...sizes);
    const result = await optimize(path, { targetFileSize: one * 2 + 1, minFileSize: one * 2 + 1 });
    // Six files per partition in bins of two: three new files per partition.
    expect(result).toMatchObject({ numFilesRemoved: 12, numFilesAdded: 6 });
    expect((await readDelta(path)).numRows).toBe(30);
  });

  it('bad sizes are refused', async () => {
    await expect(optimize(join(dir, 'packed'), { targetFileSize: 'huge' })).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'targetFileSize' } });
  });
});
