import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromRows, toSchema } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaLog } from './deltaLog.ts';
import { readDelta } from './readDelta.ts';
import { writeDelta } from './writeDelta.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-delta-cleanup-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const DAY = 86_400_000;
const schema = toSchema('id LONG');
const logFiles = async (path: string) => (await readdir(join(path, '_delta_log'))).filter((f) => /^\d{20}\./.test(f)).sort();

describe('expired log cleanup at checkpoints', () => {
  it('deletes log entries older than delta.logRetentionDuration that the newest old-enough checkpoint covers', async () => {
    const path = join(dir, 'expired');
    let offset = 0;
    const log = new DeltaLog(path, { now: () => Date.now() + offset });
    for (let i = 0; i < 20; i++) await writeDelta(path, tableFromRows(schema, [{ id: BigInt(i) }]), { log });
    expect((await logFiles(path)).filter((f) => f.endsWith('.json'))).toHaveLength(20); // files are new: nothing expired yet
    offset = 31 * DAY; // a month later, the next checkpoint cleans up
    for (let i = 20; i < 30; i++) await writeDelta(path, tableFromRows(schema, [{ id: BigInt(i) }]), { log });
    const files = await logFiles(path);
    expect(files[0]).toBe('00000000000000000020.checkpoint.parquet');
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(10);
    expect((await readDelta(path)).numRows).toBe(30);
    expect((await readDelta(path, { versionAsOf: 20 })).numRows).toBe(21);
    await expect(readDelta(path, { versionAsOf: 5 })).rejects.toMatchObject({ code: 'DELTA_VERSION_NOT_FOUND' });
  });

  it('keeps everything when delta.enableExpiredLogCleanup is false', async () => {
    const path = join(dir, 'kept');
    let offset = 0;
    const log = new DeltaLog(path, { now: () => Date.now() + offset });
    await writeDelta(path, tableFromRows(schema, [{ id: 0n }]), { log, configuration: { 'delta.enableExpiredLogCleanup': 'false' } });
    for (let i = 1; i < 20; i++) {
      if (i === 15) offset = 31 * DAY;
      await writeDelta(path, tableFromRows(schema, [{ id: BigInt(i) }]), { log });
    }
    expect((await logFiles(path)).filter((f) => f.endsWith('.json'))).toHaveLength(20);
  });
});
