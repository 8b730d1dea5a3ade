import { expect } from 'vitest';
import { col, count, groupBy, isSluiceError, map, memoryCheckpoint, select, type OutputMode, type StreamFrame } from '@sluice/core';
import { foreachBatchSink } from '@sluice/sinks';
import { intStream, type MemoryInput } from '../harness/memoryInput.ts';
import { diffRows, rowsOf, toRows, type SparkRow } from '../harness/rows.ts';
import { suite } from '../harness/scenario.ts';
import { addData, execute, testStream, type StreamAction } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/execution/streaming/sources/ForeachBatchSinkSuite.scala.
const spark = suite('ForeachBatchSinkSuite');

/** Spark's ForeachBatchTester: `check(in)(out)` adds `in`, processes, and compares what the writer recorded for the next batch id. */
async function testWriter(
  input: MemoryInput,
  frame: StreamFrame,
  writer: (rows: SparkRow[], batchId: number) => SparkRow[],
  checks: readonly (readonly [readonly number[], readonly unknown[], boolean?])[],
  outputMode: OutputMode = 'append',
  extra: readonly StreamAction[] = [],
): Promise<void> {
  const recorded = new Map<number, SparkRow[]>();
  let expectedBatchId = -1;
  const sink = foreachBatchSink((table, batchId) => void recorded.set(batchId, writer(rowsOf(table), batchId)));
  await testStream(frame, { outputMode, sink },
    ...checks.flatMap(([inputs, out, sorted]) => [
      addData(input, ...inputs),
      execute(async ({ processAllAvailable }) => {
        expectedBatchId++;
        await processAllAvailable();
        expect(recorded.has(expectedBatchId), `batch ${expectedBatchId} recorded`).toBe(true);
        const diff = diffRows(recorded.get(expectedBatchId)!, toRows(out), sorted ?? false);
        if (diff) throw new Error(diff);
      }, `check(in = ${inputs})`),
    ]),
    ...extra);
}

const plusOne = (frame: StreamFrame) => frame.pipe(map((row: { value: number }) => ({ value: row.value + 1 }), 'value INT'));

spark.scenario('foreachBatch with non-stateful query', () => {
  const input = intStream();
  return testWriter(input, plusOne(input.frame), (rows) => rows.map(([v]) => [(v as number) + 1]), [[[1, 2, 3], [3, 4, 5]], [[5, 6, 7], [7, 8, 9]]]);
});

spark.scenario('foreachBatch with non-stateful query - untyped Dataset', () => {
  const input = intStream();
  const frame = input.frame.pipe(select(col('value').plus(1).alias('value')));
  return testWriter(input, frame, (rows) => rows.map(([v]) => [(v as number) + 1]), [[[1, 2, 3], [3, 4, 5]], [[5, 6, 7], [7, 8, 9]]]);
});

const parityCounts = (input: MemoryInput) => input.frame.pipe(select(col('value').mod(2).alias('key')), groupBy('key').agg(count().alias('value')));

spark.scenario('foreachBatch with stateful query in update mode', () => {
  const input = intStream();
  return testWriter(input, parityCounts(input), (rows) => rows, [[[0], [[0, 1]]], [[1], [[1, 1]]], [[2, 3], [[0, 2], [1, 2]]]], 'update');
});

spark.scenario('foreachBatch with stateful query in complete mode', () => {
  const input = intStream();
  return testWriter(input, parityCounts(input), (rows) => rows, [[[0], [[0, 1]]], [[1], [[0, 1], [1, 1]]], [[2], [[0, 2], [1, 1]]]], 'complete');
});

spark.scenario('foreachBatch with batch specific operations', () => {
  const input = intStream();
  // The writer maps +1 and sorts descending; the batch's rows can be read again (Spark persists them).
  const writer = (rows: SparkRow[]) => {
    const again = rows.map(([v]) => (v as number) + 2);
    expect(again).toEqual(rows.map(([v]) => (v as number) + 2));
    return rows.map(([v]) => [(v as number) + 1]).sort((a, b) => (b[0] as number) - (a[0] as number));
  };
  return testWriter(input, plusOne(input.frame), writer, [[[1, 2, 3], [5, 4, 3], true], [[5, 6, 7], [9, 8, 7], true]]);
});

spark.scenario('foreachBatchSink does not affect metric generation', () => {
  const input = intStream();
  return testWriter(input, plusOne(input.frame), (rows) => rows.map(([v]) => [(v as number) + 1]), [[[1, 2, 3], [3, 4, 5]]], 'append', [
    execute(({ query }) => expect(query.recentProgress.some((p) => p.numInputRows > 0)).toBe(true), 'checkMetrics'),
  ]);
});

spark.scenario('throws errors in invalid situations', async () => {
  const frame = intStream().frame;
  const nullFunction = await Promise.resolve().then(() => frame.writeStream().foreachBatch(null as never).option('checkpointLocation', memoryCheckpoint()).start()).catch((e: unknown) => e as Error);
  expect(isSluiceError(nullFunction)).toBe(true);
  expect((nullFunction as Error).message).toContain('foreachBatch function cannot be null');
  const partitioned = await Promise.resolve().then(() => frame.writeStream().foreachBatch(() => {}).partitionBy('value').option('checkpointLocation', memoryCheckpoint()).start()).catch((e: unknown) => e as Error);
  expect(isSluiceError(partitioned, 'INVALID_QUERY'), String(partitioned)).toBe(true);
  expect((partitioned as Error).message).toContain("'foreachBatch' does not support partitioning");
});
