/**
 * The Delta source driven directly (the engine's calls): offsets in Spark's shape, the snapshot
 * then the commits, rate limits, starting points, change commits, replay determinism.
 * Whole pipelines (Delta → transform → Delta) run in integration/delta.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { firstValueFrom, ignoreElements, lastValueFrom, take, toArray } from 'rxjs';
import { asyncScheduler } from 'rxjs';
import { Checkpoint } from '@sluice/core/internal';
import { READ_ALL, concatTables, type ReadLimit, type Source, type SourceContext } from '@sluice/core/connector';
import { memoryCheckpoint, readStream, silentLogger, tableFromRows, tableToRows, toSchema, type CheckpointStore } from '@sluice/core';
import { DeltaLog } from '@sluice/formats/internal';
import { optimize, writeDelta } from '@sluice/formats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeltaSourceOffset } from './deltaOffset.ts';
import { deltaSourceProvider } from './deltaSource.ts';
import '../index.ts';

let dir: string;
let n = 0;
const fresh = () => join(dir, `t${n++}`);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-delta-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
/** Every source a test opened, stopped after it: each one watches its table's log. */
const opened: Source<DeltaSourceOffset>[] = [];
afterEach(() => Promise.all(opened.splice(0).map((source) => source.stop())));

const schema = toSchema('id INT, p STRING');
const rows = (ids: number[]) => tableFromRows(schema, ids.map((id) => ({ id, p: id % 2 ? 'odd' : 'even' })));
/** One commit per call, one file per commit (unless partitioned). */
const append = (path: string, ids: number[], options = {}) => writeDelta(path, rows(ids), options);

async function open(options: Record<string, unknown>, store: CheckpointStore = memoryCheckpoint()): Promise<Source<DeltaSourceOffset>> {
  const context: SourceContext = { queryId: 'q', runId: 'r', sourceIndex: 0, metadata: new Checkpoint(store).sourceMetadata(0), scheduler: asyncScheduler, log: silentLogger };
  const source = (await deltaSourceProvider(options).open(context)) as Source<DeltaSourceOffset>;
  opened.push(source);
  return source;
}

async function ids(source: Source<DeltaSourceOffset>, start: DeltaSourceOffset, end: DeltaSourceOffset): Promise<number[]> {
  const tables = await lastValueFrom(source.read(start, end).pipe(toArray()));
  return tableToRows(concatTables(source.schema, tables)).map((r) => r['id'] as number);
}

/** Every batch the source would plan from its initial offset: the ids per batch. */
async function drain(source: Source<DeltaSourceOffset>, limit: ReadLimit = source.defaultReadLimit ?? READ_ALL): Promise<{ batches: number[][]; end: DeltaSourceOffset }> {
  let start = await source.initialOffset();
  const batches: number[][] = [];
  for (;;) {
    const end = await source.latestOffset(start, limit);
    if (end === null) return { batches, end: start };
    batches.push(await ids(source, start, end));
    start = end;
  }
}

describe('delta source', () => {
  it('reads the snapshot first, then each new commit; offsets in Spark\'s shape', async () => {
    const path = fresh();
    await append(path, [1, 2]);
    await append(path, [3]);
    const source = await open({ path });
    const tableId = (await new DeltaLog(path).requireLatest()).tableId;
    expect(await source.initialOffset()).toEqual({ sourceVersion: 1, reservoirId: tableId, reservoirVersion: 1, index: -1, isStartingVersion: true });
    const first = await drain(source);
    expect(first.batches).toEqual([[1, 2, 3]]);
    expect(first.end).toEqual({ sourceVersion: 1, reservoirId: tableId, reservoirVersion: 1, index: 1, isStartingVersion: true });
    await append(path, [4]);
    await append(path, [5, 6]);
    const next = await source.latestOffset(first.end, READ_ALL);
    expect(next).toEqual({ sourceVersion: 1, reservoirId: tableId, reservoirVersion: 3, index: 0, isStartingVersion: false });
    expect(await ids(source, first.end, next!)).toEqual([4, 5, 6]);
    expect(await source.latestOffset(next!, READ_ALL)).toBeNull();
    expect(source.schema.fields.map(String)).toEqual(['id: Int32', 'p: Utf8']);
  });

  it('maxFilesPerTrigger and maxBytesPerTrigger split the backlog; at least one file per batch', async () => {
    const path = fresh();
    for (let i = 0; i < 5; i++) await append(path, [i * 10, i * 10 + 1]);
    expect((await drain(await open({ path, maxFilesPerTrigger: 2 }))).batches).toEqual([[0, 1, 10, 11], [20, 21, 30, 31], [40, 41]]);
    expect((await drain(await open({ path, maxBytesPerTrigger: 1 }))).batches).toHaveLength(5);
    const source = await open({ path, maxFilesPerTrigger: '3', maxBytesPerTrigger: '1g' });
    expect(source.defaultReadLimit).toEqual({ kind: 'composite', limits: [{ kind: 'maxFiles', maxFiles: 3 }, { kind: 'maxBytes', maxBytes: 1024 ** 3 }] });
    expect((await open({ path })).defaultReadLimit).toEqual({ kind: 'maxFiles', maxFiles: 1000 });
  });

  it('startingVersion reads the changes from a version on; latest only what comes next', async () => {
    const path = fresh();
    for (let i = 0; i < 4; i++) await append(path, [i]);
    expect((await drain(await open({ path, startingVersion: 2 }))).batches).toEqual([[2, 3]]);
    expect((await drain(await open({ path, startingVersion: '0' }))).batches).toEqual([[0, 1, 2, 3]]);
    const latest = await open({ path, startingVersion: 'latest' });
    const start = await latest.initialOffset();
    expect(await latest.latestOffset(start, READ_ALL)).toBeNull();
    await append(path, [9]);
    expect(await ids(latest, start, (await latest.latestOffset(start, READ_ALL))!)).toEqual([9]);
    await expect(open({ path, startingVersion: 99 }).then((s) => s.initialOffset())).rejects.toMatchObject({ code: 'DELTA_VERSION_NOT_FOUND' });
    expect(() => deltaSourceProvider({ path, startingVersion: 1, startingTimestamp: '2024-01-01' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => deltaSourceProvider({ path, startingTimestamp: 'yesterday' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { format: 'delta', option: 'startingTimestamp' } }));
    expect(() => deltaSourceProvider({ path, startingVersion: 'soon' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('startingTimestamp reads from the first commit at or after the time', async () => {
    const path = fresh();
    let clock = Date.UTC(2024, 0, 1);
    const log = new DeltaLog(path, { now: () => clock });
    for (let i = 0; i < 3; i++) {
      clock = Date.UTC(2024, 0, 1 + i);
      await writeDelta(path, rows([i]), { log });
    }
    expect((await drain(await open({ path, startingTimestamp: '2024-01-01 12:00:00' }))).batches).toEqual([[1, 2]]);
    expect((await drain(await open({ path, startingTimestamp: '2023-06-01' }))).batches).toEqual([[0, 1, 2]]);
  });

  it('the initial offset is kept in the checkpoint: a restart replays the same first batch though the table grew', async () => {
    const path = fresh();
    await append(path, [1]);
    const store = memoryCheckpoint();
    const first = await open({ path }, store);
    const start = await first.initialOffset();
    await append(path, [2]);
    const again = await open({ path }, store);
    expect(await again.initialOffset()).toEqual(start);
    expect((await drain(again, { kind: 'maxFiles', maxFiles: 1 })).batches).toEqual([[1], [2]]);
  });

  it('skips compaction commits (dataChange false) without reading anything twice', async () => {
    const path = fresh();
    for (let i = 0; i < 3; i++) await append(path, [i]);
    const source = await open({ path });
    const { end } = await drain(source);
    await optimize(path);
    expect(await source.latestOffset(end, READ_ALL)).toBeNull();
    await append(path, [7]);
    const next = await source.latestOffset(end, READ_ALL);
    expect(await ids(source, end, next!)).toEqual([7]);
  });

  describe('commits that remove data', () => {
    async function withDelete(): Promise<string> {
      const path = fresh();
      await append(path, [1], { partitionBy: ['p'] });
      await append(path, [2], { partitionBy: ['p'] });
      // Delete the partition p=odd: a remove with dataChange, nothing added.
      const log = new DeltaLog(path);
      const snapshot = await log.requireLatest();
      const odd = snapshot.files.find((f) => f.partitionValues['p'] === 'odd')!;
      await log.commit(snapshot, { actions: [{ kind: 'remove', remove: { path: odd.path, dataChange: true, deletionTimestamp: 1 } }], operation: 'DELETE', operationParameters: {}, isBlindAppend: false });
      await append(path, [4], { partitionBy: ['p'] });
      return path;
    }

    it('fail the stream, in Spark\'s words, naming the version and the option', async () => {
      const path = await withDelete();
      const error = await drain(await open({ path, startingVersion: 0 })).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DELTA_SOURCE_TABLE_CHANGED', details: { version: 2, change: 'delete', option: 'ignoreDeletes' } });
      expect((error as Error).message).toMatch(/Detected deleted data \(for example p=odd\/part-.*\) from streaming source at version 2\. This is currently not supported\. If you'd like to ignore deletes, set the option 'ignoreDeletes' to 'true'\./);
    });

    it('ignoreDeletes and skipChangeCommits pass a delete by', async () => {
      const path = await withDelete();
      expect((await drain(await open({ path, startingVersion: 0, ignoreDeletes: true }))).batches).toEqual([[1, 2, 4]]);
      expect((await drain(await open({ path, startingVersion: 0, skipChangeCommits: 'true' }))).batches).toEqual([[1, 2, 4]]);
    });

    it('an update (remove and add in one commit) needs skipChangeCommits, or ignoreChanges, which reads the new files again', async () => {
      const path = fresh();
      await append(path, [1]);
      await writeDelta(path, rows([10, 11]), { mode: 'overwrite' });
      await append(path, [3]);
      await expect(drain(await open({ path, startingVersion: 0, ignoreDeletes: true }))).rejects.toMatchObject({ code: 'DELTA_SOURCE_TABLE_CHANGED', details: { change: 'update', option: 'skipChangeCommits' } });
      expect((await drain(await open({ path, startingVersion: 0, skipChangeCommits: true }))).batches).toEqual([[1, 3]]);
      expect((await drain(await open({ path, startingVersion: 0, ignoreChanges: true }))).batches).toEqual([[1, 10, 11, 3]]);
    });

    it('a schema change fails the stream with a restart hint', async () => {
      const path = fresh();
      await append(path, [1]);
      const source = await open({ path });
      const { end } = await drain(source);
      await writeDelta(path, tableFromRows(toSchema('id INT, p STRING, extra DOUBLE'), [{ id: 2, p: 'x', extra: 1 }]), { mergeSchema: true });
      await expect(source.latestOffset(end, READ_ALL)).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringContaining('restart the query') });
    });
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 })], { numRuns: 10 })(
    'any sequence of commits, read in batches of any size: every row once, in commit order, and any planned range reads the same rows again',
    async (sizes, maxFiles, before) => {
      const path = fresh();
      let next = 0;
      const commit = async (size: number) => append(path, Array.from({ length: size }, () => next++));
      for (const size of sizes.slice(0, before)) await commit(size);
      if (before === 0) await commit(1);
      const source = await open({ path, maxFilesPerTrigger: maxFiles });
      let start = await source.initialOffset();
      const seen: number[] = [];
      const ranges: [DeltaSourceOffset, DeltaSourceOffset, number[]][] = [];
      for (const size of [...sizes.slice(before), -1]) {
        for (let end = await source.latestOffset(start, source.defaultReadLimit!); end !== null; end = await source.latestOffset(start, source.defaultReadLimit!)) {
          const batch = await ids(source, start, end);
          ranges.push([start, end, batch]);
          seen.push(...batch);
          start = end;
        }
        if (size >= 0) await commit(size);
      }
      expect(seen).toEqual(Array.from({ length: next }, (_, i) => i));
      const replayer = await open({ path });
      for (const [s, e, batch] of ranges) expect(await ids(replayer, s, e)).toEqual(batch);
    },
  );

  it('prepareForAvailableNow pins the commits present now', async () => {
    const path = fresh();
    await append(path, [1]);
    const source = await open({ path, startingVersion: 0 });
    await source.prepareForAvailableNow!();
    await append(path, [2]);
    expect((await drain(source)).batches).toEqual([[1]]);
  });

  it('dataArrived$ fires when a commit lands, and completes when the source stops', async () => {
    const path = fresh();
    await append(path, [1]);
    const source = await open({ path }); // resolves once the log is watched
    const arrived = firstValueFrom(source.dataArrived$!.pipe(take(1)));
    await append(path, [2]);
    await expect(arrived).resolves.toBeUndefined();
    const ended = lastValueFrom(source.dataArrived$!.pipe(ignoreElements()), { defaultValue: 'completed' });
    await source.stop();
    await expect(ended).resolves.toBe('completed');
  });

  it('refuses what it cannot do at load: no table, a user schema, unsupported features, unknown options', async () => {
    expect(() => readStream().format('delta').load(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'DELTA_TABLE_NOT_FOUND' }));
    const path = fresh();
    await append(path, [1]);
    expect(() => readStream().format('delta').schema('id INT').load(path)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
    expect(() => readStream().format('delta').option('maxFilesPerTriger', 3).load(path)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION', message: expect.stringContaining('maxFilesPerTrigger') }));
    expect(readStream().format('delta').load('/work/shared/fixtures/delta/table_with_column_mapping').schema.fields.map((f) => f.name)).toEqual(['Company Very Short', 'Super Name']);
  });
});
