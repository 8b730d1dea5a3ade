import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { Checkpoint } from './checkpoint.ts';
import { FileCheckpointStore, checkpointPath } from './fileCheckpointStore.ts';
import { MemoryCheckpointStore } from './memoryCheckpointStore.ts';
import { nodeFileSystem } from './fileSystem.ts';
import { inspectCheckpoint } from './inspectCheckpoint.ts';
import { parseCommit, parseOffsetSeq, serializeCommit, serializeOffsetSeq } from './logEntries.ts';

const metadata = { batchWatermarkMs: 0, batchTimestampMs: 1744887126959, conf: {} };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('offset and commit log entries', () => {
  it("are written in Spark's v1 layout, one line per source, '-' for none, no trailing newline", () => {
    const text = serializeOffsetSeq({ metadata, offsets: [{ users_input: { '0': 30 } }, null, 5] });
    expect(text).toBe('v1\n{"batchWatermarkMs":0,"batchTimestampMs":1744887126959,"conf":{}}\n{"users_input":{"0":30}}\n-\n5');
    expect(parseOffsetSeq(text, 'offsets/0')).toEqual({ metadata, offsets: [{ users_input: { '0': 30 } }, null, 5] });
    expect(serializeCommit({ nextBatchWatermarkMs: 0 })).toBe('v1\n{"nextBatchWatermarkMs":0}');
  });

  it('refuses a newer log version with advice instead of guessing', () => {
    const error = (() => {
      try {
        parseOffsetSeq('v9\n{}', 'file:///ck/offsets/3');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(isSluiceError(error, 'CHECKPOINT_CORRUPT')).toBe(true);
    expect(error!.message).toContain('file:///ck/offsets/3');
    expect(error!.message).toContain('upgrade Sluice');
  });
});

describe("Spark 4's v2 log entries", () => {
  const line = JSON.stringify(metadata);

  it('reads a v2 commit (checkpoint format v2) for its watermark; the state file ids are not needed', () => {
    const text = 'v2\n{"nextBatchWatermarkMs":5000,"stateUniqueIds":{"0":[["2d9d4dbd-7fc6-41a2-b185-823a12365b21"],["c90621d8-b282-46f6-bdb6-6856dcb530b9"]]}}';
    expect(parseCommit(text, 'commits/1')).toEqual({ nextBatchWatermarkMs: 5000 });
    expect(parseCommit('v2\n{}', 'commits/1')).toEqual({ nextBatchWatermarkMs: 0 });
  });

  it('reads a v2 offsets file (OffsetMap: sourceId:offset lines) into positions; a source absent from the map has none yet', () => {
    const text = `v2\n${line}\n1:{"logOffset":7}\n0:3`;
    expect(parseOffsetSeq(text, 'offsets/4')).toEqual({ metadata, offsets: [3, { logOffset: 7 }], version: 2 });
    expect(parseOffsetSeq(`v2\n${line}\n2:5\n0:-`, 'offsets/4').offsets).toEqual([null, null, 5]);
  });

  it('refuses a v2 offsets file naming its sources by name: Sluice cannot tell which source is which', () => {
    const error = (() => {
      try {
        parseOffsetSeq(`v2\n${line}\norders:3`, 'file:///ck/offsets/4');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(isSluiceError(error, 'CHECKPOINT_MISMATCH'), String(error)).toBe(true);
    expect(error!.message).toContain("source named 'orders'");
    expect(error!.message).toContain('file:///ck/offsets/4');
  });

  it('resumes a v2 entry that does not name every source of the query (fewer offsets, or `-`): those sources have no offset yet', async () => {
    const store = new MemoryCheckpointStore('spark4-missing');
    await store.write('offsets/0', `v2\n${line}\n0:4`, { ifAbsent: true });
    await store.write('commits/0', 'v1\n{"nextBatchWatermarkMs":0}', { ifAbsent: true });
    await store.write('offsets/1', `v2\n${line}\n0:6\n1:-`, { ifAbsent: true });
    const before = store.snapshot();
    const recovered = await new Checkpoint(store).recover(3);
    expect(recovered.committed).toEqual([4, null, null]);
    expect(recovered.pending).toEqual({ batchId: 1, seq: { metadata, offsets: [6, null, null], version: 2 } });
    expect(store.snapshot()).toEqual(before);
  });

  it('refuses a v1 entry with another number of offset lines than the query has sources, as Spark does; a `-` line is a source without an offset', async () => {
    const store = new MemoryCheckpointStore('v1-count');
    await store.write('offsets/0', `v1\n${line}\n3\n-`, { ifAbsent: true });
    expect((await new Checkpoint(store).recover(2)).pending!.seq.offsets).toEqual([3, null]);
    const error = await new Checkpoint(store).recover(3).then(() => undefined, (e: unknown) => e);
    expect(isSluiceError(error, 'CHECKPOINT_MISMATCH'), String(error)).toBe(true);
  });

  it('refuses a v2 offsets line without a source id as corrupt', () => {
    expect(() => parseOffsetSeq(`v2\n${line}\n3`, 'offsets/4')).toThrow(/CHECKPOINT_CORRUPT|not "<sourceId>:<offset>"/);
  });

  it('reads a file ending in a line break as Spark (Scala getLines) does: no extra empty offset', () => {
    expect(parseOffsetSeq(`v1\n${line}\n1\n`, 'offsets/1').offsets).toEqual([1]);
    expect(parseCommit('v1\n{"nextBatchWatermarkMs":3}\n', 'commits/1')).toEqual({ nextBatchWatermarkMs: 3 });
    // Only the one final break: an empty line before it is still an (invalid) offset.
    expect(() => parseOffsetSeq(`v1\n${line}\n1\n\n`, 'offsets/1')).toThrow(/not valid JSON/);
  });

  it('a checkpoint whose logs Spark 4 wrote as v2 is resumed, and its next offsets entries stay v2 (Spark: the checkpoint version wins); commits are v1', async () => {
    const store = new MemoryCheckpointStore('spark4');
    await store.write('offsets/0', `v1\n${line}\n0`, { ifAbsent: true });
    await store.write('commits/0', 'v2\n{"nextBatchWatermarkMs":1000,"stateUniqueIds":{}}', { ifAbsent: true });
    await store.write('offsets/1', `v2\n${line}\n0:1`, { ifAbsent: true });
    await store.write('commits/1', 'v2\n{"nextBatchWatermarkMs":2000}', { ifAbsent: true });
    const checkpoint = new Checkpoint(store);
    const recovered = await checkpoint.recover(1);
    expect(recovered.nextBatchId).toBe(2);
    expect(recovered.committed).toEqual([1]);
    expect(recovered.watermarkMs).toBe(2000);
    await checkpoint.writeOffsets(2, { metadata, offsets: [2] });
    await checkpoint.writeCommit(2, { nextBatchWatermarkMs: 2000 });
    expect(await store.read('offsets/2')).toBe(`v2\n${line}\n0:2`);
    expect(await store.read('commits/2')).toBe('v1\n{"nextBatchWatermarkMs":2000}');
  });
});

describe('FileCheckpointStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-ck-'));
  });

  it('accepts plain paths and file: URIs of both spellings', () => {
    expect(checkpointPath('file:/tmp/checkpoint')).toBe('/tmp/checkpoint');
    expect(checkpointPath('file:///tmp/checkpoint')).toBe('/tmp/checkpoint');
    expect(checkpointPath('/tmp/checkpoint')).toBe('/tmp/checkpoint');
    expect(() => checkpointPath('s3://bucket/ck')).toThrow(/scheme Sluice cannot write/);
  });

  it('adds log entries put-if-absent and leaves no temp files', async () => {
    const store = new FileCheckpointStore(dir);
    expect(await store.write('offsets/0', 'first', { ifAbsent: true })).toBe(true);
    expect(await store.write('offsets/0', 'second', { ifAbsent: true })).toBe(false);
    expect(await readFile(join(dir, 'offsets/0'), 'utf8')).toBe('first');
    expect(await readdir(join(dir, 'offsets'))).toEqual(['0']);
  });

  it('writes an entry in place with one fsync wait (atomic: false) still put-if-absent; a failed fsync leaves nothing', async () => {
    const store = new FileCheckpointStore(dir);
    expect(await store.write('offsets/0', 'first', { ifAbsent: true, atomic: false })).toBe(true);
    expect(await store.write('offsets/0', 'second', { ifAbsent: true, atomic: false })).toBe(false);
    expect(await readFile(join(dir, 'offsets/0'), 'utf8')).toBe('first');
    expect(await store.write('offsets/0', 'rewritten', { ifAbsent: false, atomic: false })).toBe(true);
    expect(await readFile(join(dir, 'offsets/0'), 'utf8')).toBe('rewritten');
    const sync = nodeFileSystem.sync!;
    const failing = new FileCheckpointStore(dir, { ...nodeFileSystem, sync: { ...sync, fsync: () => Promise.reject(Object.assign(new Error('EIO: simulated'), { code: 'EIO' })) } });
    const error = await rejection(failing.write('offsets/1', 'lost', { ifAbsent: true, atomic: false }));
    expect(isSluiceError(error, 'CHECKPOINT_IO')).toBe(true);
    expect((await readdir(join(dir, 'offsets'))).sort()).toEqual(['0']);
  });

  it('lets one run hold the lock; a second gets CHECKPOINT_LOCKED naming the holder', async () => {
    const store = new FileCheckpointStore(dir);
    const lock = await store.lock({ queryId: null, runId: 'run-1', name: 'first' });
    const error = await rejection(new FileCheckpointStore(dir).lock({ queryId: null, runId: 'run-2', name: 'second' }));
    expect(isSluiceError(error, 'CHECKPOINT_LOCKED')).toBe(true);
    expect(error.message).toContain("run run-1 of query 'first'");
    await lock.release();
    const again = await new FileCheckpointStore(dir).lock({ queryId: null, runId: 'run-3', name: null });
    await again.release();
  });

  it('takes over a lock left by a dead process or an abandoned run', async () => {
    await writeFile(join(dir, '.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: (await import('node:os')).hostname(), runId: 'dead', name: null }));
    const lock = await new FileCheckpointStore(dir).lock({ queryId: null, runId: 'alive', name: null });
    lock.abandon();
    const next = await new FileCheckpointStore(dir).lock({ queryId: null, runId: 'next', name: null });
    await next.release();
  });
});

describe('Checkpoint recovery', () => {
  const seq = (n: number) => ({ metadata: { ...metadata, batchTimestampMs: 1000 + n }, offsets: [n] as const });

  it('starts a fresh query at batch 0', async () => {
    const checkpoint = new Checkpoint(new MemoryCheckpointStore());
    expect(await checkpoint.recover(1)).toEqual({ nextBatchId: 0, committed: null, pending: null, watermarkMs: 0, lastBatchWatermarkMs: 0, previousBatchWatermarkMs: 0, conf: null });
  });

  it('continues after the last committed batch', async () => {
    const checkpoint = new Checkpoint(new MemoryCheckpointStore());
    await checkpoint.recover(1);
    for (const n of [0, 1]) {
      await checkpoint.writeOffsets(n, seq(n));
      await checkpoint.writeCommit(n, { nextBatchWatermarkMs: 0 });
    }
    const recovery = await new Checkpoint(checkpoint.store).recover(1);
    expect(recovery).toMatchObject({ nextBatchId: 2, committed: [1], pending: null });
  });

  it('re-runs an uncommitted batch with exactly its logged range and timestamp', async () => {
    const checkpoint = new Checkpoint(new MemoryCheckpointStore());
    await checkpoint.recover(1);
    await checkpoint.writeOffsets(0, seq(0));
    await checkpoint.writeCommit(0, { nextBatchWatermarkMs: 0 });
    await checkpoint.writeOffsets(1, seq(1));
    const recovery = await new Checkpoint(checkpoint.store).recover(1);
    expect(recovery.nextBatchId).toBe(1);
    expect(recovery.committed).toEqual([0]);
    expect(recovery.pending).toEqual({ batchId: 1, seq: { metadata: { ...metadata, batchTimestampMs: 1001 }, offsets: [1] } });
  });

  it('treats a torn newest commit (written without fsync) as absent: the batch re-runs', async () => {
    const store = new MemoryCheckpointStore('torn-commit');
    const checkpoint = new Checkpoint(store);
    await checkpoint.recover(1);
    for (const n of [0, 1]) {
      await checkpoint.writeOffsets(n, seq(n));
      await checkpoint.writeCommit(n, { nextBatchWatermarkMs: 0 });
    }
    for (const torn of ['', '\0\0\0', 'v1\n{"nextBa', 'v1\n{"nextBatchWatermarkMs":12']) {
      store.overwriteRaw('commits/1', torn);
      const recovery = await new Checkpoint(store).recover(1);
      expect(recovery).toMatchObject({ nextBatchId: 1, committed: [0], pending: { batchId: 1 } });
      // Start-up changes nothing: the torn file is rewritten only when batch 1 commits again.
      expect(store.snapshot().get('commits/1')).toBe(torn);
    }
    const again = new Checkpoint(store);
    await again.recover(1);
    await again.writeCommit(1, { nextBatchWatermarkMs: 0 });
    expect(store.snapshot().get('commits/1')).toBe('v1\n{"nextBatchWatermarkMs":0}');
    // Below a good newest commit, a torn one is not a power cut's doing: that stays an error.
    store.overwriteRaw('commits/0', 'v1\n{');
    await expect(inspectCheckpoint(store).then((r) => r.problems.join())).resolves.toContain('commits/0 is corrupt');
  });

  it('treats a newest offsets entry torn by a power cut during its write (empty, NULs) as absent: the batch is planned again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-ck-'));
    const store = new FileCheckpointStore(dir);
    const checkpoint = new Checkpoint(store);
    await checkpoint.recover(1);
    await checkpoint.writeOffsets(0, seq(0));
    await checkpoint.writeCommit(0, { nextBatchWatermarkMs: 0 });
    await checkpoint.writeOffsets(1, seq(1));
    for (const torn of ['', '\0\0\0\0']) {
      await writeFile(join(dir, 'offsets/1'), torn);
      const recovery = await new Checkpoint(store).recover(1);
      expect(recovery).toMatchObject({ nextBatchId: 1, committed: [0], pending: null });
      // Start-up changes nothing: the torn file is rewritten only when batch 1 is planned again.
      expect(await readFile(join(dir, 'offsets/1'), 'utf8')).toBe(torn);
    }
    const again = new Checkpoint(store);
    await again.recover(1);
    await again.writeOffsets(1, seq(11));
    expect(parseOffsetSeq(await readFile(join(dir, 'offsets/1'), 'utf8'), 'offsets/1').offsets).toEqual([11]);
    expect(await new Checkpoint(store).recover(1)).toMatchObject({ nextBatchId: 1, pending: { batchId: 1, seq: { offsets: [11] } } });
    // A torn entry that is not provably a power cut's doing stays an error, and stays untouched:
    // one with a commit, or one whose text is not empty.
    await writeFile(join(dir, 'offsets/1'), 'v1\n{"batchWat');
    expect(isSluiceError(await rejection(new Checkpoint(store).recover(1)), 'CHECKPOINT_CORRUPT')).toBe(true);
    await writeFile(join(dir, 'offsets/1'), '');
    await writeFile(join(dir, 'commits/1'), serializeCommit({ nextBatchWatermarkMs: 0 }));
    expect(isSluiceError(await rejection(new Checkpoint(store).recover(1)), 'CHECKPOINT_CORRUPT')).toBe(true);
    expect(await readFile(join(dir, 'offsets/1'), 'utf8')).toBe('');
  });

  it("reads Spark 2.2/2.3 commits (v1 + {}) as watermark 0, and refuses a foreign newest commit without touching it", async () => {
    const store = new MemoryCheckpointStore('spark-commits');
    store.overwriteRaw('offsets/0', 'v1\n{}\n0');
    store.overwriteRaw('offsets/1', 'v1\n{"batchWatermarkMs":5000}\n1');
    store.overwriteRaw('commits/0', 'v1\n{}');
    store.overwriteRaw('commits/1', 'v1\n{}');
    expect(await new Checkpoint(store).recover(1)).toMatchObject({ nextBatchId: 2, committed: [1], pending: null, watermarkMs: 5000 });
    store.overwriteRaw('commits/1', 'not a commit');
    const before = new Map(store.snapshot());
    const error = await rejection(new Checkpoint(store).recover(1));
    expect(isSluiceError(error, 'CHECKPOINT_CORRUPT')).toBe(true);
    expect(error.message).toContain('memory:spark-commits/commits/1');
    expect(store.snapshot()).toEqual(before);
  });

  it('names a corrupt offsets file and overwrites nothing', async () => {
    const store = new MemoryCheckpointStore('corrupt');
    const checkpoint = new Checkpoint(store);
    await checkpoint.recover(1);
    await checkpoint.writeOffsets(0, seq(0));
    store.overwriteRaw('offsets/0', 'v1\n{"batchWatermarkMs":0,"batchTi');
    const before = store.snapshot();
    const error = await rejection(new Checkpoint(store).recover(1));
    expect(isSluiceError(error, 'CHECKPOINT_CORRUPT')).toBe(true);
    expect(error.message).toContain('memory:corrupt/offsets/0');
    expect(store.snapshot()).toEqual(before);
  });

  it('refuses a checkpoint written for a different number of sources', async () => {
    const checkpoint = new Checkpoint(new MemoryCheckpointStore());
    await checkpoint.recover(1);
    await checkpoint.writeOffsets(0, seq(0));
    const error = await rejection(new Checkpoint(checkpoint.store).recover(2));
    expect(isSluiceError(error, 'CHECKPOINT_MISMATCH')).toBe(true);
    expect(error.message).toContain('There are 1 sources in the checkpoint offsets');
  });

  it('detects a second writer of the same batch', async () => {
    const store = new MemoryCheckpointStore();
    const a = new Checkpoint(store);
    const b = new Checkpoint(store);
    await a.recover(1);
    await b.recover(1);
    await a.writeOffsets(0, seq(0));
    const error = await rejection(b.writeOffsets(0, seq(0)));
    expect(isSluiceError(error, 'CHECKPOINT_LOCKED')).toBe(true);
  });

  it('keeps minBatchesToRetain entries when purging', async () => {
    const store = new MemoryCheckpointStore();
    const checkpoint = new Checkpoint(store);
    await checkpoint.recover(1);
    for (let n = 0; n < 6; n++) {
      await checkpoint.writeOffsets(n, seq(n));
      checkpoint.purge(n - 2, (e) => {
        throw e;
      });
      await checkpoint.writeCommit(n, { nextBatchWatermarkMs: 0 });
    }
    await checkpoint.settled();
    expect((await store.list('offsets')).sort()).toEqual(['3', '4', '5']);
    expect((await store.list('commits')).sort()).toEqual(['3', '4', '5']);
  });
});
