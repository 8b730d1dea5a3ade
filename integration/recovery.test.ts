import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FAULT_POINTS, FileCheckpointStore, memoryCheckpoint, QueryManager, SimulatedCrash, silentLogger,
  type CheckpointStore, type FaultInjector, type FaultPhase, type FaultPoint,
} from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink, memoryTableBatches, memoryTableRows } from '@sluice/sinks';

const manager = new QueryManager({ logger: silentLogger });

function crashAt(point: FaultPoint, phase: FaultPhase, batchId: number): FaultInjector {
  return {
    at(p, ph, b) {
      if (p === point && ph === phase && (b === batchId || point === 'initialize')) throw new SimulatedCrash(`${phase}:${point}`);
    },
  };
}

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
          const input = memoryStream('n INT');
          const checkpoint = store();
          const start = (faults?: FaultInjector) => {
            const writer = input.toFrame().writeStream().sink(memorySink()).queryName(table).option('checkpointLocation', checkpoint).manager(manager);
            return (faults ? writer.faults(faults) : writer).start();
          };

          const first = await start();
          input.addData([{ n: 1 }, { n: 2 }]);
          await first.processAllAvailable();
          await first.stop();

          input.addData([{ n: 3 }]);
          input.addData([{ n: 4 }]);
          const injector = crashAt(point, phase, 1);
          if (point === 'initialize') {
            await expect(start(injector)).rejects.toThrow(/killed: Simulated crash/);
          } else {
            const crashing = await start(injector);
            await expect(crashing.awaitTermination()).rejects.toThrow(/killed: Simulated crash/);
            expect(crashing.isActive).toBe(false);
          }

          const restarted = await start();
          input.addData([{ n: 5 }]);
          await restarted.processAllAvailable();
          await restarted.stop();
          expect(memoryTableRows(table).map((r) => r['n']).sort()).toEqual([1, 2, 3, 4, 5]);
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
    const q = await start(crashAt('addBatch', 'after', 0));
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
