/**
 * The Delta sink under the exactly-once property of @sluice/testing: random input batches ×
 * crashes at both sides of every lifecycle step and at the sink's own points (after the Parquet
 * files, before the commit; after the commit) × restarts ⇒ the table holds every row once, in order.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FileCheckpointStore } from '@sluice/core';
import { deltaSink } from '@sluice/sinks';
import { assertExactlyOnce } from '@sluice/testing';
import { rowsInCommitOrder, scratchDirectory } from './support.ts';

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
beforeAll(async () => {
  scratch = await scratchDirectory('sluice-delta-exactly-once-');
});
afterAll(() => scratch.remove());

describe('delta sink exactly-once', () => {
  it('every row once, in order, whatever crashes when (in-memory checkpoint)', async () => {
    await assertExactlyOnce(() => {
      const path = scratch.path('table');
      return { sink: deltaSink({ path }), rows: () => rowsInCommitOrder(path) };
    }, { runs: 60 });
  }, 120_000);

  it('the same with a checkpoint on disk and a partitioned table', async () => {
    await assertExactlyOnce(() => {
      const path = scratch.path('partitioned');
      return { sink: deltaSink({ path, partitionBy: ['partition'] }), rows: () => rowsInCommitOrder(path) };
    }, { runs: 20, checkpoint: () => new FileCheckpointStore(scratch.path('checkpoint')) });
  }, 120_000);
});
