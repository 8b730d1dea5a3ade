import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_POINTS, type FaultInjector } from '@sluice/core/connector';
import { FileCheckpointStore } from '@sluice/core';
import { memoryCheckpoint, QueryManager, silentLogger, type CheckpointStore } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { dropMemoryTable, memorySink, memoryTableBatches, memoryTableRows } from '@sluice/sinks';
import { crashAt, sluiceMarbles } from '@sluice/testing';

const manager = new QueryManager({ logger: silentLogger });

describe('exactly-once through crashes', () => {
  const stores: Record<string, () => CheckpointStore> = {
    memory: () => memoryCheckpoint(),
    file: () => new FileCheckpointStore(join(tmpdirSync(), `ck-${Math.random().toString(36).slice(2)}`)),
  };

  for (const [storeName, store] of Object.entries(stores)) {
    for (const point of FAULT_POINTS) {
      for (const phase of ['before', 'after'] as const) {
        it(`${storeName} checkpoint: killed ${phase} ${point}, restarted, every row once`, async () => {
          const table = `recovery_${storeName}_${phase}_${point}`;
          dropMemoryTable(table);
          await sluiceMarbles(({ source, query }) => {
            const input = source('memory', '-a--b-c-----', { a: [{ n: 1 }, { n: 2 }], b: [{ n: 3 }], c: [{ n: 4 }] });
            // The crash is armed at 3 and fires when batch b reaches the point; c lands while the
            // process is dead. Initialization only happens on a start, so that crash needs one more restart.
            const lifecycle = point === 'initialize' ? '---X-k-R-R--' : '---k---R----';
            query(input, { sink: memorySink({ tableName: table }), checkpoint: store() }, lifecycle, { k: crashAt(point, phase) });
          });
          expect(memoryTableRows(table).map((r) => r['n'])).toEqual([1, 2, 3, 4]);
        });
      }
    }
  }

  it('re-runs the interrupted batch with its logged range: the batch ids in the sink never repeat or skip', async () => {
    const table = 'recovery_batch_ids';
    const input = memoryStream('n INT');
    const checkpoint = memoryCheckpoint();
    const start = (faults?: FaultInjector) => {
      const w = input.toFrame().writeStream().sink(memorySink()).queryName(table).option('checkpointLocation', checkpoint).manager(manager);
      return (faults ? w.faults(faults) : w).start();
    };
    const q = await start(crashAt('addBatch', 'after', { batchId: 0 }));
    input.addData([{ n: 1 }]);
    await expect(q.awaitTermination()).rejects.toThrow();
    input.addData([{ n: 2 }]); // arrives while the query is down: must not join the replayed batch 0
    const r = await start();
    await r.processAllAvailable();
    await r.stop();
    expect(memoryTableBatches(table).map((b) => [b.batchId, b.table.numRows])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

function tmpdirSync(): string {
  return join(tmpdir(), 'sluice-recovery');
}
