import { expect } from 'vitest';
import { col, count, groupBy, isSluiceError, memoryCheckpoint, tableFromRows, toSchema, type OutputMode } from '@sluice/core';
import { dropMemoryTable, memorySink, memoryTableBatches, memoryTableRows } from '@sluice/sinks';
import { intStream } from '../harness/memoryInput.ts';
import { rowsOf, toRows } from '../harness/rows.ts';
import { suite } from '../harness/scenario.ts';
import { batchContext, openSink } from '../harness/sinkContexts.ts';
import { addData, execute, stopStream, startStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/execution/streaming/MemorySinkSuite.scala.
const spark = suite('MemorySinkSuite');

const VALUE = toSchema('value INT');
const ints = (from: number, to: number) => tableFromRows(VALUE, Array.from({ length: to - from + 1 }, (_, i) => ({ value: from + i })));

/** Spark's addBatch / latestBatchData / allData checks on a sink driven directly. */
async function directly(mode: OutputMode, name: string, expectations: readonly (readonly [number, readonly [number, number], readonly number[], readonly number[]])[]) {
  dropMemoryTable(name);
  const sink = await openSink(memorySink({ tableName: name }), mode);
  expect(memoryTableBatches(name)).toEqual([]);
  expect(memoryTableRows(name)).toEqual([]);
  for (const [batchId, [from, to], latest, all] of expectations) {
    await sink.addBatch(batchId, ints(from, to), batchContext(batchId, mode));
    const batches = memoryTableBatches(name);
    expect(rowsOf(batches.at(-1)!.table)).toEqual(toRows(latest));
    expect(memoryTableRows(name).map((r) => r['value'])).toEqual(all);
  }
  dropMemoryTable(name);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const mode of ['append', 'update'] as const) {
  spark.scenario(`directly add data in ${mode === 'append' ? 'Append' : 'Update'} output mode`, () =>
    directly(mode, `memsink_${mode}`, [
      [0, [1, 3], range(1, 3), range(1, 3)],
      [1, [4, 6], range(4, 6), range(1, 6)],
      // Re-adding batch 1 with other rows changes nothing.
      [1, [7, 9], range(4, 6), range(1, 6)],
      [2, [7, 9], range(7, 9), range(1, 9)],
    ]));
}

spark.scenario('directly add data in Complete output mode', () =>
  directly('complete', 'memsink_complete', [
    [0, [1, 3], range(1, 3), range(1, 3)],
    [1, [4, 6], range(4, 6), range(4, 6)],
    [1, [7, 9], range(4, 6), range(4, 6)],
    [2, [7, 9], range(7, 9), range(7, 9)],
  ]));

for (const [mode, label] of [['append', 'Append'], ['update', 'Update']] as const) {
  spark.scenario(`registering as a table in ${label} output mode`, async () => {
    const input = intStream();
    await testStream(input.frame, { outputMode: mode, sink: memorySink({ tableName: `memStream_${mode}` }) },
      addData(input, 1, 2, 3), execute(async ({ processAllAvailable }) => {
        await processAllAvailable();
        expect(memoryTableRows(`memStream_${mode}`)).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
      }),
      addData(input, 4, 5, 6), execute(async ({ processAllAvailable }) => {
        await processAllAvailable();
        expect(memoryTableRows(`memStream_${mode}`).map((r) => r['value'])).toEqual([1, 2, 3, 4, 5, 6]);
      }));
    dropMemoryTable(`memStream_${mode}`);
  });
}

spark.scenario('registering as a table in Complete output mode', async () => {
  const input = intStream();
  const counts = input.frame.pipe(groupBy('value').agg(count()));
  const table = () => memoryTableRows('memStream_complete').map((r) => [r['value'], Number(r['count'])]).sort();
  await testStream(counts, { outputMode: 'complete', sink: memorySink({ tableName: 'memStream_complete' }) },
    addData(input, 1, 2, 3), execute(async ({ processAllAvailable }) => {
      await processAllAvailable();
      expect(table()).toEqual([[1, 1], [2, 1], [3, 1]]);
    }),
    addData(input, 4, 5, 6), execute(async ({ processAllAvailable }) => {
      await processAllAvailable();
      expect(table()).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
    }));
  dropMemoryTable('memStream_complete');
});

spark.scenario('error when no name is specified', async () => {
  const error = await intStream().frame.writeStream().format('memory').option('checkpointLocation', memoryCheckpoint()).start().catch((e: unknown) => e as Error);
  expect(isSluiceError(error, 'MISSING_OPTION')).toBe(true);
  expect((error as Error).message).toContain('queryName must be specified');
});

spark.deviation('error if attempting to resume specific checkpoint', async () => {
  // Spark refuses to restart an append-mode memory-sink query from its checkpoint. Sluice's memory
  // table lives in the process and skips replayed batch ids, so a restart resumes exactly.
  const input = intStream();
  const checkpoint = memoryCheckpoint();
  await testStream(input.frame.pipe(), { checkpoint, sink: memorySink({ tableName: 'memStream_resume' }) },
    addData(input, 1, 2, 3), execute(({ processAllAvailable }) => processAllAvailable()), stopStream,
    startStream(), addData(input, 4), execute(async ({ processAllAvailable }) => {
      await processAllAvailable();
      expect(memoryTableRows('memStream_resume').map((r) => r['value'])).toEqual([1, 2, 3, 4]);
    }));
  dropMemoryTable('memStream_resume');
  expect(col('value')).toBeDefined();
});
