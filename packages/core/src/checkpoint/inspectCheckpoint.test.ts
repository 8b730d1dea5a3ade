import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { Checkpoint } from './checkpoint.ts';
import { dropUncommittedBatch, inspectCheckpoint } from './inspectCheckpoint.ts';
import { MemoryCheckpointStore } from './memoryCheckpointStore.ts';

const seq = (n: number) => ({ metadata: { batchWatermarkMs: 0, batchTimestampMs: n, conf: {} }, offsets: [n] });

async function checkpointWith(batches: number, committed: number): Promise<MemoryCheckpointStore> {
  const store = new MemoryCheckpointStore('inspect');
  const checkpoint = new Checkpoint(store);
  await checkpoint.queryId(() => 'q-1');
  await checkpoint.recover(1);
  for (let n = 0; n < batches; n++) {
    await checkpoint.writeOffsets(n, seq(n));
    if (n < committed) await checkpoint.writeCommit(n, { nextBatchWatermarkMs: 0 });
  }
  return store;
}

describe('inspectCheckpoint', () => {
  it('reports the logged and committed batches and the batch a restart re-runs', async () => {
    const report = await inspectCheckpoint(await checkpointWith(3, 2));
    expect(report).toMatchObject({ queryId: 'q-1', offsets: { first: 0, last: 2 }, commits: { first: 0, last: 1 }, lastCommittedBatch: 1, problems: [] });
    expect(report.pendingBatch?.batchId).toBe(2);
  });

  it('names gaps, torn files and foreign files', async () => {
    const store = await checkpointWith(4, 4);
    await store.delete('offsets/1');
    // Torn below the newest commit: no power cut does that, so it would stop a restart.
    store.overwriteRaw('commits/2', 'v1\n{"nextBat');
    store.overwriteRaw('offsets/notes.txt', 'hello');
    const { problems } = await inspectCheckpoint(store);
    expect(problems).toEqual(expect.arrayContaining([
      'memory:inspect/offsets/notes.txt is not a batch file',
      'offsets/ has a gap between batches 0 and 2',
      'commits/1 has no offsets/1',
    ]));
    expect(problems.some((p) => p.includes('commits/2 is corrupt'))).toBe(true);
  });

  it('lists the newest entries a power cut tore as torn, not as problems, and reports the batch a restart really runs', async () => {
    const store = await checkpointWith(4, 3);
    store.overwriteRaw('offsets/3', '');
    store.overwriteRaw('commits/2', 'v1\n{"nextBatchWater');
    const report = await inspectCheckpoint(store);
    expect(report.problems).toEqual([]);
    expect(report.torn).toEqual([
      'offsets/3 is empty (a power cut during its write): the next start plans batch 3 again',
      'commits/2 is incomplete (a power cut during its write): batch 2 re-runs and its commit is written again',
    ]);
    const recovery = await new Checkpoint(store).recover(1);
    expect(report.pendingBatch?.batchId).toBe(recovery.pending?.batchId);
    expect(report).toMatchObject({ offsets: { last: 2 }, commits: { last: 1 }, lastCommittedBatch: 1 });
  });

  it('drops the uncommitted batch so the next run plans it afresh, and refuses while a query runs', async () => {
    const store = await checkpointWith(3, 2);
    const lock = await store.lock({ queryId: null, runId: 'running', name: 'q' });
    await expect(dropUncommittedBatch(store)).rejects.toSatisfy((e: unknown) => isSluiceError(e, 'CHECKPOINT_LOCKED'));
    await lock.release();
    expect(await dropUncommittedBatch(store)).toBe(2);
    expect((await inspectCheckpoint(store)).pendingBatch).toBeNull();
    expect(await new Checkpoint(store).recover(1)).toMatchObject({ nextBatchId: 2, pending: null });
  });
});
