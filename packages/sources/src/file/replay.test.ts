import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { memoryCheckpoint, toSchema } from '@sluice/core';
import { type ReadLimit } from '@sluice/core/connector';
import { fileSourceProvider, type FileSourceOffset } from './fileSource.ts';
import { jsonLines, landFile, openSource, readRows, removeTempDirs, tempDir } from './testing/fixtures.ts';

afterAll(removeTempDirs);

/**
 * The source half of exactly-once: files arrive in random groups, batches are planned under
 * random limits, the source is reopened (a restart) at random moments, sometimes between
 * logging a batch and running it — and the batches read every file exactly once, while
 * re-reading any logged range (a replay) yields exactly the same rows.
 */
describe('file source replay', () => {
  test.prop([
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.constantFrom<ReadLimit>({ kind: 'all' }, { kind: 'maxFiles', maxFiles: 1 }, { kind: 'maxFiles', maxFiles: 2 }, { kind: 'maxBytes', maxBytes: 20 }), { minLength: 1, maxLength: 4 }),
    fc.array(fc.boolean(), { maxLength: 8 }),
  ], { numRuns: 15 })('every file is read once across restarts, and every range replays identically', async (arrivals, limits, restarts) => {
    const dir = await tempDir();
    const store = memoryCheckpoint();
    const provider = fileSourceProvider('json', { path: dir, fileSettleTime: 0, mode: 'FAILFAST' }, toSchema('id LONG'));
    let source = await openSource(provider, store);
    let committed: FileSourceOffset = { logOffset: -1 };
    const read: number[] = [];
    const ranges: { start: FileSourceOffset; end: FileSourceOffset; ids: number[] }[] = [];
    let next = 0;
    for (const [step, count] of arrivals.entries()) {
      for (let f = 0; f < count; f++, next++) await landFile(dir, `f${String(next).padStart(3, '0')}.json`, jsonLines([{ id: next }]), 1_000_000 + next);
      source.refresh?.();
      for (let round = 0; round < 10; round++) {
        const end = await source.latestOffset(committed, limits[(step + round) % limits.length]!);
        if (end === null || end.logOffset === committed.logOffset) break;
        if (restarts[(step + round) % Math.max(1, restarts.length)]) {
          // Killed after logging the batch, before running it: the restarted run re-reads the logged range.
          await source.stop();
          source = await openSource(provider, store);
        }
        const ids = (await readRows(source, committed, end)).map((r) => Number(r['id']));
        ranges.push({ start: committed, end, ids });
        read.push(...ids);
        committed = end;
      }
    }
    expect(read.sort((a, b) => a - b)).toEqual(Array.from({ length: next }, (_, i) => i));
    await source.stop();
    const replayer = await openSource(provider, store);
    for (const r of ranges) expect((await readRows(replayer, r.start, r.end)).map((x) => Number(x['id']))).toEqual(r.ids);
    await replayer.stop();
  });
});
