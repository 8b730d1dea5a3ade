import { mkdir, readFile, rm, appendFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualScheduler } from '@sluice/core/internal';
import { isSluiceError, memoryCheckpoint, tableFromRows, toSchema } from '@sluice/core';
import { type ReadLimit } from '@sluice/core/connector';
import { SinkManifest } from '@sluice/formats/internal';
import { writeParquet } from '@sluice/formats';
import { fileSourceProvider } from './fileSource.ts';
import { jsonLines, landFile, openSource, readRows, removeTempDirs, tempDir } from './testing/fixtures.ts';

const ALL: ReadLimit = { kind: 'all' };
const schema = 'id LONG, name STRING';
afterEach(removeTempDirs);

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r['id']));

describe('file source', () => {
  it('admits new files into its seen-files log (Spark’s layout) and reads exactly them for a range', async () => {
    const dir = await tempDir();
    const store = memoryCheckpoint();
    await landFile(dir, 'a.json', jsonLines([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]), 1_000);
    await landFile(dir, 'b.json', jsonLines([{ id: 3, name: 'c' }]), 2_000);
    const source = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0 }, toSchema(schema)), store);
    expect(source.description).toBe(`FileStreamSource[file:${dir}]`);
    expect(await source.initialOffset()).toEqual({ logOffset: -1 });
    expect(await source.latestOffset({ logOffset: -1 }, ALL)).toEqual({ logOffset: 0 });
    expect(ids(await readRows(source, { logOffset: -1 }, { logOffset: 0 }))).toEqual([1, 2, 3]);
    // Nothing new: the offset stays.
    expect(await source.latestOffset({ logOffset: 0 }, ALL)).toEqual({ logOffset: 0 });
    const entry = await store.read('sources/0/0');
    expect(entry!.split('\n')).toEqual([
      'v1',
      JSON.stringify({ path: `file://${dir}/a.json`, timestamp: 1_000, batchId: 0 }),
      JSON.stringify({ path: `file://${dir}/b.json`, timestamp: 2_000, batchId: 0 }),
    ]);
    await source.stop();
  });

  it('honours maxFilesPerTrigger and maxBytesPerTrigger (at least one file), oldest first or latestFirst', async () => {
    const dir = await tempDir();
    for (let i = 0; i < 5; i++) await landFile(dir, `f${i}.json`, jsonLines([{ id: i, name: 'x'.repeat(10) }]), 1_000 * (5 - i));
    const byFiles = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0, maxFilesPerTrigger: 2 }, toSchema(schema)), memoryCheckpoint());
    expect(byFiles.defaultReadLimit).toEqual({ kind: 'maxFiles', maxFiles: 2 });
    const batches: number[][] = [];
    for (let start = -1; ;) {
      const end = await byFiles.latestOffset({ logOffset: start }, byFiles.defaultReadLimit!);
      if (end === null || end.logOffset === start) break;
      batches.push(ids(await readRows(byFiles, { logOffset: start }, end)));
      start = end.logOffset;
    }
    expect(batches).toEqual([[4, 3], [2, 1], [0]]); // f4 is the oldest
    await byFiles.stop();

    const size = (await readFile(join(dir, 'f0.json'))).length;
    const byBytes = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0, maxBytesPerTrigger: size * 2 + 1, latestFirst: true }, toSchema(schema)), memoryCheckpoint());
    const first = await byBytes.latestOffset({ logOffset: -1 }, byBytes.defaultReadLimit!);
    expect(ids(await readRows(byBytes, { logOffset: -1 }, first!))).toEqual([0, 1]);
    const tiny = await byBytes.latestOffset(first!, { kind: 'maxBytes', maxBytes: 1 });
    expect(ids(await readRows(byBytes, first!, tiny!))).toEqual([2]);
    await byBytes.stop();
  });

  it('a restart neither skips nor repeats a file: the seen set is rebuilt from the log, and replays read the logged files', async () => {
    const dir = await tempDir();
    const store = memoryCheckpoint();
    const provider = fileSourceProvider('json', { path: dir, fileSettleTime: 0, maxFilesPerTrigger: 1 }, toSchema(schema));
    await landFile(dir, 'a.json', jsonLines([{ id: 1 }]), 1_000);
    await landFile(dir, 'b.json', jsonLines([{ id: 2 }]), 2_000);
    const first = await openSource(provider, store);
    expect(await first.latestOffset({ logOffset: -1 }, first.defaultReadLimit!)).toEqual({ logOffset: 0 });
    await first.stop();
    // The process died after logging batch 0; a new file arrived meanwhile.
    await landFile(dir, 'c.json', jsonLines([{ id: 3 }]), 3_000);
    const second = await openSource(provider, store);
    expect(ids(await readRows(second, { logOffset: -1 }, { logOffset: 0 }))).toEqual([1]);
    expect(await second.latestOffset({ logOffset: 0 }, second.defaultReadLimit!)).toEqual({ logOffset: 1 });
    expect(await second.latestOffset({ logOffset: 1 }, second.defaultReadLimit!)).toEqual({ logOffset: 2 });
    expect(await second.latestOffset({ logOffset: 2 }, second.defaultReadLimit!)).toEqual({ logOffset: 2 });
    expect(ids(await readRows(second, { logOffset: 0 }, { logOffset: 2 }))).toEqual([2, 3]);
    await second.stop();
  });

  it('compacts its log every 10 batches into <id>.compact and reloads from it', async () => {
    const dir = await tempDir();
    const store = memoryCheckpoint();
    const provider = fileSourceProvider('json', { path: dir, fileSettleTime: 0 }, toSchema(schema));
    const source = await openSource(provider, store);
    for (let i = 0; i < 12; i++) {
      await landFile(dir, `f${i}.json`, jsonLines([{ id: i }]), 1_000 + i);
      await firstValueFrom(source.dataArrived$!); // the watcher saw it land
      expect(await source.latestOffset({ logOffset: i - 1 }, ALL)).toEqual({ logOffset: i });
    }
    await source.stop();
    expect((await store.list('sources/0')).sort()).toEqual(['10', '11', '9.compact']);
    const reopened = await openSource(provider, store);
    expect(ids(await readRows(reopened, { logOffset: 7 }, { logOffset: 11 }))).toEqual([8, 9, 10, 11]);
    expect(await reopened.latestOffset({ logOffset: 11 }, ALL)).toEqual({ logOffset: 11 });
    await reopened.stop();
  });

  it('does not read a file still being written in place: it waits until size and mtime are stable for fileSettleTime (wall-clock time)', async () => {
    const dir = await tempDir();
    // Settling is timed by the wall clock whatever the query's scheduler (a virtual one here).
    const clock = new VirtualScheduler(1_000_000);
    const source = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: '500 ms' }, toSchema(schema)), memoryCheckpoint(), clock);
    const file = join(dir, 'growing.json');
    // The writer appends every 50 ms (real time), ten times faster than the settle time: never admitted half-way.
    const appends = [jsonLines([{ id: 1 }]), ' ', ' ', ' ', jsonLines([{ id: 2 }]), ' ', ' ', ' ', '{"id": 3, "na', 'me": "c"}\n{"id"', ' ', ': 4}\n', ' ', ' '];
    let writing = true;
    const writer = (async () => {
      for (const text of appends) {
        await appendFile(file, text);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      writing = false;
    })();
    while (writing) expect(await source.latestOffset({ logOffset: -1 }, ALL)).toBeNull();
    await writer;
    expect(source.metrics!(null)['numFilesOutstanding']).toBe('1');
    // The writer is done: the source wakes the query itself once the file settled, and admits it whole.
    const woken = firstValueFrom(source.dataArrived$!);
    await woken;
    const end = await source.latestOffset({ logOffset: -1 }, ALL);
    expect(end).toEqual({ logOffset: 0 });
    expect(await readRows(source, { logOffset: -1 }, end!)).toEqual([{ id: 1n, name: null }, { id: 2n, name: null }, { id: 3n, name: 'c' }, { id: 4n, name: null }]);
    await source.stop();
  });

  it('a file present when a trigger fires is read by that trigger once it settles, as Spark reads what one listing finds', async () => {
    const dir = await tempDir();
    const source = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: '100 ms' }, toSchema(schema)), memoryCheckpoint(), new VirtualScheduler(0));
    await landFile(dir, 'a.json', jsonLines([{ id: 1 }]));
    const end = await source.latestOffset({ logOffset: -1 }, ALL);
    expect(end).toEqual({ logOffset: 0 });
    expect(ids(await readRows(source, { logOffset: -1 }, end!))).toEqual([1]);
    await source.stop();
  });

  it('never lists hidden or temp names (writers that publish by rename are never read half-way)', async () => {
    const dir = await tempDir();
    const source = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0 }, toSchema(schema)), memoryCheckpoint());
    await writeFile(join(dir, '.part.json.tmp'), '{"id": 1');
    await writeFile(join(dir, '_SUCCESS'), '');
    await writeFile(join(dir, 'x.json._COPYING_'), '{"id": 2');
    expect(await source.latestOffset({ logOffset: -1 }, ALL)).toBeNull();
    await landFile(dir, 'done.json', jsonLines([{ id: 3 }]));
    await firstValueFrom(source.dataArrived$!);
    const end = await source.latestOffset({ logOffset: -1 }, ALL);
    expect(ids(await readRows(source, { logOffset: -1 }, end!))).toEqual([3]);
    await source.stop();
  });

  it('a logged file deleted before it was read is FILE_NOT_FOUND naming it, or skipped and counted with ignoreMissingFiles', async () => {
    for (const ignore of [false, true]) {
      const dir = await tempDir();
      await landFile(dir, 'a.json', jsonLines([{ id: 1 }]));
      await landFile(dir, 'b.json', jsonLines([{ id: 2 }]));
      const source = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0, ignoreMissingFiles: ignore }, toSchema(schema)), memoryCheckpoint());
      const end = await source.latestOffset({ logOffset: -1 }, ALL);
      await rm(join(dir, 'a.json'));
      if (!ignore) {
        await expect(readRows(source, { logOffset: -1 }, end!)).rejects.toThrow(new RegExp(`FILE_NOT_FOUND.*${dir}/a.json.*ignoreMissingFiles`));
      } else {
        expect(ids(await readRows(source, { logOffset: -1 }, end!))).toEqual([2]);
        expect(source.metrics!(end)['numFilesMissing']).toBe('1');
      }
      await source.stop();
    }
  });

  it('reads a file sink directory through its manifest only', async () => {
    const dir = await tempDir();
    const table = (id: number) => writeParquet(tableFromRows(toSchema(schema), [{ id: BigInt(id), name: `n${id}` }]));
    const committed = await landFile(dir, 'part-00000-committed.parquet', table(1));
    await landFile(dir, 'part-00001-orphan.parquet', table(2)); // a crashed batch left it
    const manifest = new SinkManifest(dir);
    await manifest.commit(0, [SinkManifest.entryFor(committed, 1, 1)], { compactInterval: 10, nowMs: 0 });
    const source = await openSource(fileSourceProvider('parquet', { path: dir, fileSettleTime: '1 hour' }, toSchema(schema)), memoryCheckpoint());
    const end = await source.latestOffset({ logOffset: -1 }, ALL); // manifest files are complete: no settle wait
    expect(await readRows(source, { logOffset: -1 }, end!)).toEqual([{ id: 1n, name: 'n1' }]);
    await source.stop();
  });

  it('fileNameOnly dedupes by name; maxFileAge ignores files older than the newest seen by more than the age', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'x=1'));
    await mkdir(join(dir, 'x=2'));
    await landFile(join(dir, 'x=1'), 'same.json', jsonLines([{ id: 1 }]), 10_000_000);
    await landFile(join(dir, 'x=2'), 'same.json', jsonLines([{ id: 2 }]), 10_000_000);
    const byName = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0, fileNameOnly: true }, toSchema(schema)), memoryCheckpoint());
    const first = await byName.latestOffset({ logOffset: -1 }, { kind: 'maxFiles', maxFiles: 1 });
    expect(await byName.latestOffset(first!, ALL)).toEqual(first); // the other same.json counts as seen
    await byName.stop();

    const aged = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0, maxFileAge: '1 hour' }, toSchema(schema)), memoryCheckpoint());
    const e0 = await aged.latestOffset({ logOffset: -1 }, ALL);
    expect(await readRows(aged, { logOffset: -1 }, e0!)).toEqual([{ id: 1n, name: null, x: 1 }, { id: 2n, name: null, x: 2 }]);
    await landFile(join(dir, 'x=1'), 'old.json', jsonLines([{ id: 3 }]), 10_000_000 - 2 * 3_600_000);
    await landFile(join(dir, 'x=1'), 'recent.json', jsonLines([{ id: 4 }]), 10_000_000 - 1_000);
    await firstValueFrom(aged.dataArrived$!);
    const e1 = await aged.latestOffset(e0!, ALL);
    expect(ids(await readRows(aged, e0!, e1!))).toEqual([4]);
    await aged.stop();
  });

  it('pathGlobFilter, glob paths and recursiveFileLookup choose the files', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
    await landFile(dir, 'a.json', jsonLines([{ id: 1 }]), 1_000);
    await landFile(dir, 'a.txt', jsonLines([{ id: 2 }]), 2_000);
    await landFile(join(dir, 'sub', 'deeper'), 'b.json', jsonLines([{ id: 3 }]), 3_000);
    const run = async (options: Record<string, unknown>) => {
      const s = await openSource(fileSourceProvider('json', { fileSettleTime: 0, mode: 'FAILFAST', ...options }, toSchema(schema)), memoryCheckpoint());
      const end = await s.latestOffset({ logOffset: -1 }, ALL);
      const out = end === null ? [] : ids(await readRows(s, { logOffset: -1 }, end));
      await s.stop();
      return out;
    };
    expect(await run({ path: dir })).toEqual([1, 2]); // sub/ is not a partition directory
    expect(await run({ path: dir, pathGlobFilter: '*.json' })).toEqual([1]);
    expect(await run({ path: dir, recursiveFileLookup: true, pathGlobFilter: '*.json' })).toEqual([1, 3]);
    expect(await run({ path: join(dir, 's*', '*') })).toEqual([3]);
  });

  it('infers the schema from the files present at start when inferSchema is set', async () => {
    const dir = await tempDir();
    await landFile(dir, 'a.json', jsonLines([{ id: 1, score: 1.5, tags: ['x'] }]));
    const provider = fileSourceProvider('json', { path: dir, inferSchema: true, fileSettleTime: 0 });
    expect(provider.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Int64', 'score:Float64', 'tags:List<Utf8>']);
    const empty = await tempDir();
    expect(() => fileSourceProvider('json', { path: empty, inferSchema: true })).toThrow(/INVALID_SCHEMA.*Unable to infer schema for JSON/);
  });

  it('rejects bad options with Spark’s rules and says what to do', async () => {
    const dir = await tempDir();
    expect(() => fileSourceProvider('json', { path: dir })).toThrow(/MISSING_OPTION.*Schema must be specified/);
    expect(fileSourceProvider('text', { path: dir }).schema.names).toEqual(['value']);
    const s = toSchema(schema);
    expect(() => fileSourceProvider('json', { path: dir, maxFilesPerTrigger: 1, maxBytesPerTrigger: '1m' }, s)).toThrow(/cannot both be set/);
    expect(() => fileSourceProvider('json', { path: dir, cleanSource: 'archive' }, s)).toThrow(/MISSING_OPTION.*sourceArchiveDir/);
    expect(() => fileSourceProvider('json', { path: dir, cleanSource: 'archive', sourceArchiveDir: join(dir, 'archive') }, s)).toThrow(/INVALID_OPTION.*overlaps the source path/);
    expect(() => fileSourceProvider('json', { path: dir, sourceArchiveDir: '/tmp/elsewhere' }, s)).toThrow(/only applies with cleanSource/);
    expect(() => fileSourceProvider('json', { path: dir, modifiedAfter: '2020-01-01' }, s)).toThrow(/is not allowed in file stream source/);
    expect(() => fileSourceProvider('json', { path: dir, maxFilesPerTriger: 1 }, s)).toThrow(/UNKNOWN_OPTION|maxFilesPerTriger/);
    expect(() => fileSourceProvider('json', { path: dir, maxFilesPerTrigger: 0 }, s)).toThrow(/positive integer/);
    expect(() => fileSourceProvider('avro', { path: dir }, s)).toThrow(/UNKNOWN_FORMAT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('file source on a directory that does not exist yet', () => {
  it('fails with PATH_NOT_FOUND naming the directory when defined, and again at start, as Spark (a glob is not checked)', async () => {
    const dir = join(await tempDir(), 'typo');
    let error: unknown;
    try {
      fileSourceProvider('json', { path: dir }, toSchema(schema));
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'PATH_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain(`Path does not exist: ${dir}.`);
    expect((error as Error).message).toContain('waitForPath');
    // Deleted between definition and start: refused at start.
    await mkdir(dir);
    const provider = fileSourceProvider('json', { path: dir }, toSchema(schema));
    await rm(dir, { recursive: true });
    const atStart = await openSource(provider, memoryCheckpoint()).catch((e: unknown) => e);
    expect(isSluiceError(atStart, 'PATH_NOT_FOUND')).toBe(true);
    const glob = await openSource(fileSourceProvider('json', { path: join(dir, '*.json') }, toSchema(schema)), memoryCheckpoint());
    await glob.stop();
  });

  it('finds it at the next re-list and watches it from then on', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'later');
    const clock = new VirtualScheduler(1_000_000);
    const source = await openSource(fileSourceProvider('json', { path: dir, fileSettleTime: 0, relistInterval: '1 s', waitForPath: true }, toSchema(schema)), memoryCheckpoint(), clock);
    expect(await source.latestOffset({ logOffset: -1 }, ALL)).toBeNull();
    await mkdir(dir);
    await landFile(dir, 'a.json', jsonLines([{ id: 1 }]));
    await clock.advanceBy(1_000); // the periodic re-list
    const e0 = await source.latestOffset({ logOffset: -1 }, ALL);
    expect(ids(await readRows(source, { logOffset: -1 }, e0!))).toEqual([1]);
    const arrived = firstValueFrom(source.dataArrived$!);
    await landFile(dir, 'b.json', jsonLines([{ id: 2 }]));
    await arrived; // now watched: the watcher reports it, no re-list needed
    const e1 = await source.latestOffset(e0!, ALL);
    expect(ids(await readRows(source, e0!, e1!))).toEqual([2]);
    await source.stop();
  });

  it('skips (and counts) an undecodable Parquet file with ignoreCorruptFiles', async () => {
    const dir = await tempDir();
    await landFile(dir, 'a.parquet', writeParquet(tableFromRows(toSchema(schema), [{ id: 1n, name: 'x' }])), 1_000);
    await landFile(dir, 'b.parquet', new TextEncoder().encode('PAR1 this is not parquet PAR1'), 2_000);
    const source = await openSource(fileSourceProvider('parquet', { path: dir, fileSettleTime: 0, ignoreCorruptFiles: true }, toSchema(schema)), memoryCheckpoint());
    const end = await source.latestOffset({ logOffset: -1 }, ALL);
    expect(await readRows(source, { logOffset: -1 }, end!)).toEqual([{ id: 1n, name: 'x' }]);
    expect(source.metrics!(end)['numFilesCorrupt']).toBe('1');
    await source.stop();
  });
});

describe('schema inference with a glob path', () => {
  it('samples only files the glob matches', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await landFile(join(dir, 'a'), 'x.json', jsonLines([{ id: 1 }]));
    await landFile(join(dir, 'b'), 'x.json', jsonLines([{ other: 'text' }]));
    for (const recursiveFileLookup of [false, true]) {
      const provider = fileSourceProvider('json', { path: join(dir, 'a*'), inferSchema: true, recursiveFileLookup });
      expect(provider.schema.names).toEqual(['id']);
    }
  });
});
