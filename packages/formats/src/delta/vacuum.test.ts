import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromRows, toSchema } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDelta } from './readDelta.ts';
import { vacuum } from './vacuum.ts';
import { writeDelta } from './writeDelta.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-delta-vacuum-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const schema = toSchema('id LONG, p STRING');
const DAY = 86_400_000;

/** A table with a replaced file (a tombstone), an orphan a crashed writer left, and hidden files. */
async function table(name: string): Promise<{ path: string; orphan: string }> {
  const path = join(dir, name);
  await writeDelta(path, tableFromRows(schema, [{ id: 1n, p: 'a' }]), { partitionBy: ['p'] });
  await writeDelta(path, tableFromRows(schema, [{ id: 2n, p: 'a' }]), { mode: 'overwrite' });
  const orphan = join(path, 'p=a', 'part-00000-orphan-c000.snappy.parquet');
  await writeFile(orphan, 'left by a writer that crashed before its commit');
  await writeFile(join(path, 'p=a', '.part-00000-orphan-c000.snappy.parquet.crc'), 'hidden');
  return { path, orphan };
}

async function files(path: string): Promise<string[]> {
  return (await readdir(path, { recursive: true })).filter((f) => f.endsWith('.parquet') && !f.includes('_delta_log')).sort();
}

describe('vacuum', () => {
  it('refuses a retention below 7 days unless told the check is off', async () => {
    const { path } = await table('refuse');
    await expect(vacuum(path, { retentionHours: 1 })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('retentionDurationCheck: false') });
  });

  it('keeps recent files: within the retention, removed and orphaned files stay', async () => {
    const { path } = await table('recent');
    expect((await vacuum(path)).files).toEqual([]);
    expect(await files(path)).toHaveLength(3);
  });

  it('deletes removed and never-committed files older than the retention; live data, the log and hidden files stay', async () => {
    const { path } = await table('old');
    const now = Date.now() + 8 * DAY;
    const dry = await vacuum(path, { now, dryRun: true });
    expect(dry.files).toHaveLength(2);
    expect(dry.files).toContain('p=a/part-00000-orphan-c000.snappy.parquet');
    expect(await files(path)).toHaveLength(3);

    const result = await vacuum(path, { now });
    expect(result.files).toEqual(dry.files);
    expect(await files(path)).toHaveLength(1);
    expect((await readdir(join(path, 'p=a'))).filter((f) => f.startsWith('.'))).toHaveLength(1);
    expect((await readDelta(path)).numRows).toBe(1);
    await expect(readDelta(path, { versionAsOf: 0 })).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });

  it('with the check off and retention 0, a fresh orphan goes at once', async () => {
    const { path, orphan } = await table('zero');
    const past = new Date(Date.now() - 1000);
    await utimes(orphan, past, past);
    const result = await vacuum(path, { retentionHours: 0, retentionDurationCheck: false });
    expect(result.files).toContain('p=a/part-00000-orphan-c000.snappy.parquet');
    expect((await readDelta(path)).numRows).toBe(1);
  });
});
