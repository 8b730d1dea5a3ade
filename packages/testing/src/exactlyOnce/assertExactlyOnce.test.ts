import { describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { tableToRows, type SinkProvider } from '@sluice/core';
import { memorySink, memoryTableRows, dropMemoryTable } from '@sluice/sinks';
import { assertExactlyOnce } from './assertExactlyOnce.ts';

describe('assertExactlyOnce', () => {
  it('holds for the memory sink over 200 random crash schedules', async () => {
    await assertExactlyOnce((run) => {
      const table = `exactly_once_memory_${run}`;
      dropMemoryTable(table);
      return { sink: memorySink({ tableName: table }), rows: () => memoryTableRows(table) };
    });
  }, 120_000);

  it('catches a sink that appends replayed batches again, and prints the counterexample as a marble diagram', async () => {
    const failure = await assertExactlyOnce(() => {
      const held: Record<string, unknown>[] = [];
      const appendEverything: SinkProvider = {
        format: 'append-everything',
        guarantee: 'at-least-once',
        outputModes: new Set(['append']),
        options: {},
        allowsTemporaryCheckpoint: true,
        open: async () => ({
          description: 'AppendEverything',
          guarantee: 'at-least-once',
          outputModes: new Set(['append']),
          addBatch: async (_batchId: number, table: Table) => void held.push(...tableToRows(table)),
          close: async () => {},
        }),
      };
      return { sink: appendEverything, rows: () => held };
    }, { runs: 100, seed: 7 }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/assertExactlyOnce failed after \d+ runs \(shrunk \d+ times; replay with \{ seed: 7, path: /);
    expect(message).toMatch(/    input  [a-z-]+\n    query  [RXS-]+\n    sink   [0-9-]+/);
    expect(message).toMatch(/X = crash (after:addBatch|before:commit)/);
    expect(message).toMatch(/repeated: p\d#\d ×2/);
  }, 120_000);
});
