import { expect } from 'vitest';
import {
  col, count, currentTimestamp, FileCheckpointStore, filter, groupBy, isSluiceError, map, mapBatches, memoryCheckpoint, processingTime, select, sum, tableFromRows, tableToRows,
  type StreamingQuery,
  type CheckpointStore, type StreamFrame,
} from '@sluice/core';
import { intStream, memoryInput, type MemoryInput } from '../harness/memoryInput.ts';
import { fixture } from '../fixtures/sparkCheckpoints.ts';
import { hashDirectory, writeFixture } from '../fixtures/fixtureFiles.ts';
import { suite } from '../harness/scenario.ts';
import { windowedCount } from '../harness/queries.ts';
import {
  addData, advanceManualClock, assertOnQuery, checkAnswer, checkLastBatch, checkNewAnswer, execute, expectFailure, multiAddData, startStream, stopStream, testStream,
} from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingAggregationSuite.scala.
// Spark runs each of these for state format versions 1 and 2; Sluice has one state format, so the
// scenarios carry the name of Spark's current default (2).
const spark = suite('StreamingAggregationSuite');
const v2 = (name: string) => `${name} - state format version 2`;

const countByValue = (input: MemoryInput): StreamFrame => input.frame.pipe(groupBy('value').agg(count()));

spark.scenario(v2('simple count, update mode'), async () => {
  const input = intStream();
  await testStream(countByValue(input), { outputMode: 'update' },
    addData(input, 3), checkLastBatch([3, 1]),
    addData(input, 3, 2), checkLastBatch([3, 2], [2, 1]),
    stopStream, startStream(),
    addData(input, 3, 2, 1), checkLastBatch([3, 3], [2, 2], [1, 1]),
    addData(input, 4, 4, 4, 4), checkLastBatch([4, 4]));
});

spark.scenario(v2('simple count, complete mode'), async () => {
  const input = intStream();
  await testStream(countByValue(input), { outputMode: 'complete' },
    addData(input, 3), checkLastBatch([3, 1]),
    addData(input, 2), checkLastBatch([3, 1], [2, 1]),
    stopStream, startStream(),
    addData(input, 3, 2, 1), checkLastBatch([3, 2], [2, 2], [1, 1]),
    addData(input, 4, 4, 4, 4), checkLastBatch([4, 4], [3, 2], [2, 2], [1, 1]));
});

spark.scenario(v2('simple count, append mode'), async () => {
  const input = intStream();
  const error = await testStream(countByValue(input), { outputMode: 'append' }).catch((e: unknown) => e as Error);
  expect(isSluiceError(error, 'UNSUPPORTED_OUTPUT_MODE')).toBe(true);
  for (const word of ['append', 'not supported']) expect((error as Error).message.toLowerCase()).toContain(word);
});

spark.scenario(v2('state metrics'), async () => {
  // Spark's flatMap(x => Seq(x, x + 1)), as a batch function.
  const both = (input: MemoryInput) =>
    input.frame.pipe(
      mapBatches((table) => tableFromRows(table.schema, tableToRows(table).flatMap((r) => [{ value: r['value'] }, { value: (r['value'] as number) + 1 }]))),
      groupBy('value').agg(count()),
    );
  const stateOperator = (output: number, updated: number, total: number) =>
    execute(({ query }) => {
      const progress = query.lastProgress!;
      expect(progress.sink.numOutputRows).toBe(output);
      expect(progress.stateOperators).toHaveLength(1);
      expect(progress.stateOperators[0]).toMatchObject({ numRowsUpdated: updated, numRowsTotal: total });
    }, `state metrics (${output}, ${updated}, ${total})`);
  const update = intStream();
  await testStream(both(update), { outputMode: 'update' },
    addData(update, 1), checkLastBatch([1, 1], [2, 1]), stateOperator(2, 2, 2),
    addData(update, 2, 3), checkLastBatch([2, 2], [3, 2], [4, 1]), stateOperator(3, 3, 4));
  const complete = intStream();
  await testStream(both(complete), { outputMode: 'complete' },
    addData(complete, 1), checkLastBatch([1, 1], [2, 1]), stateOperator(2, 2, 2),
    addData(complete, 2, 3), checkLastBatch([1, 1], [2, 2], [3, 2], [4, 1]), stateOperator(4, 3, 4));
});

spark.scenario(v2('multiple keys'), async () => {
  const input = intStream();
  await testStream(input.frame.pipe(groupBy('value', col('value').plus(1)).agg(count())), { outputMode: 'update' },
    addData(input, 1, 2), checkLastBatch([1, 2, 1], [2, 3, 1]),
    addData(input, 1, 2), checkLastBatch([1, 2, 2], [2, 3, 2]));
});

spark.scenario(v2('midbatch failure'), async () => {
  const input = intStream();
  let firstTime = true;
  const failing = input.frame.pipe(
    map((row: { value: number }) => {
      if (row.value === 4 && firstTime) {
        firstTime = false;
        throw new Error('injected failure');
      }
      return row;
    }, 'value INT'),
    groupBy('value').agg(count()),
  );
  await testStream(failing, { outputMode: 'update', startManually: true },
    startStream(), addData(input, 1, 2, 3, 4), expectFailure('TRANSFORM_FAILED'),
    startStream(), checkLastBatch([1, 1], [2, 1], [3, 1], [4, 1]));
});

spark.scenario(v2('typed aggregators'), async () => {
  const input = memoryInput('_1 STRING, _2 INT');
  await testStream(input.frame.pipe(groupBy('_1').agg(sum('_2'))), { outputMode: 'update' },
    addData(input, ['a', 10], ['a', 20], ['b', 1], ['b', 2], ['c', 1]), checkLastBatch(['a', 30], ['b', 3], ['c', 1]));
});

spark.scenario(v2('prune results by current_time, complete mode'), async () => {
  const input = memoryInput('value BIGINT');
  const pruned = input.frame.pipe(groupBy('value').agg(count()), filter(col('value').gte(currentTimestamp().cast('long').minus(10n))));
  const trigger = processingTime('10 seconds');
  await testStream(pruned, { outputMode: 'complete', startManually: true },
    startStream({ trigger }),
    addData(input, 0n, 5n, 5n, 10n), advanceManualClock(10_000), checkLastBatch([0, 1], [5, 2], [10, 1]),
    addData(input, 15n, 15n, 20n), advanceManualClock(10_000), checkLastBatch([10, 1], [15, 2], [20, 1]),
    addData(input, 0n, 85n), advanceManualClock(10_000), checkLastBatch([20, 1], [85, 1]),
    stopStream,
    // Spark clears the sink, purges the commit log below batch 3 (all of it) and moves the clock to 90 s.
    assertOnQuery(async ({ checkpoint, clearSink, scheduler }) => {
      clearSink();
      for (const id of await checkpoint.list('commits')) if (Number(id) < 3) await checkpoint.delete(`commits/${id}`);
      await scheduler.advanceBy(60_000);
    }),
    startStream({ trigger }),
    // The re-run batch uses its logged timestamp (30 s), not the clock (90 s).
    checkLastBatch([20, 1], [85, 1]),
    assertOnQuery(({ scheduler }) => scheduler.now() === 90_000),
    addData(input, 85n, 90n, 100n, 105n), advanceManualClock(10_000), checkLastBatch([90, 1], [100, 1], [105, 1]));
});

spark.scenario(v2('SPARK-21977: coalesce(1) with 0 partition RDD should be repartitioned to 1'), async () => {
  const input = intStream();
  await testStream(input.frame.pipe(groupBy().agg(count())), { outputMode: 'complete' },
    addData(input, 1), checkLastBatch(1),
    addData(input), checkLastBatch(1),
    addData(input, 2, 3), checkLastBatch(3),
    addData(input), checkLastBatch(3));
});

spark.scenario(v2('SPARK-21977: coalesce(1) with aggregation should still be repartitioned when it has non-empty grouping keys'), async () => {
  const input = memoryInput('a INT');
  const byA = input.frame.pipe(groupBy(col('a').mod(1)).agg(count()));
  let checkpoint: CheckpointStore | undefined;
  await testStream(byA, { outputMode: 'complete' }, addData(input, 1), checkLastBatch([0, 1]), execute((ctx) => void (checkpoint = ctx.checkpoint)));
  await testStream(byA, { outputMode: 'complete', checkpoint: checkpoint! },
    execute(({ processAllAvailable }) => processAllAvailable()),
    addData(input, 2), addData(input, 3), addData(input, 4), checkLastBatch([0, 4]),
    addData(input), checkLastBatch([0, 4]));
});

spark.deviation('simple count, update mode - recovery from checkpoint uses state format version 1', async () => {
  // Spark resumes its 2.3.1 state; Sluice cannot read Spark's state files and must refuse them,
  // leaving the checkpoint as it was.
  const input = intStream();
  input.add(3);
  input.add(3, 2);
  const dir = await writeFixture(fixture('checkpoint-version-2.3.1-streaming-aggregate-state-format-1'));
  const before = await hashDirectory(dir);
  const error = await testStream(countByValue(input), { outputMode: 'update', startManually: true }, startStream({ checkpoint: new FileCheckpointStore(dir) })).catch((e: unknown) => e as Error);
  expect(isSluiceError(error, 'STATE_FORMAT_UNSUPPORTED')).toBe(true);
  expect(await hashDirectory(dir)).toBe(before);
});

spark.scenario(v2('state metrics - append mode'), async () => {
  const input = intStream();
  const aggWithWatermark = windowedCount(input);
  /** The last progress of a batch that ran (had an addBatch), Spark's lastExecutedBatch. */
  const lastExecutedBatch = (query: StreamingQuery) => query.recentProgress.filter((p) => p.durationMs['addBatch'] !== undefined).at(-1)!;
  const metrics = (batchId: number | undefined, updated: number, total: number, output: number) =>
    execute(({ query }) => {
      const progress = lastExecutedBatch(query);
      if (batchId !== undefined) expect(query.lastProgress!.batchId).toBe(batchId);
      expect(progress.stateOperators[0]).toMatchObject({ numRowsUpdated: updated, numRowsTotal: total });
      expect(progress.sink.numOutputRows).toBe(output);
    }, `metrics(${updated}, ${total}, ${output})`);
  await testStream(aggWithWatermark, { trigger: processingTime('1 second'), startManually: true },
    addData(input, 15), startStream(), // batch 0
    checkAnswer(), metrics(0, 1, 1, 0), // watermark 0
    advanceManualClock(1000), // batch 1, no data: watermark 5
    checkAnswer(), metrics(1, 0, 1, 0),
    addData(input, 10, 12, 14), advanceManualClock(1000), // batch 2
    checkAnswer(), metrics(undefined, 1, 2, 0),
    addData(input, 25), advanceManualClock(1000), // batch 3
    checkAnswer(), metrics(undefined, 1, 3, 0),
    advanceManualClock(1000), // batch 4, no data: watermark 15 closes window 10
    checkAnswer([10, 3]), metrics(4, 0, 2, 1));
});

spark.scenario(v2("SPARK-29438: ensure UNION doesn't lead streaming aggregation to use shifted partition IDs"), async () => {
  const construct = () => {
    const input1 = intStream();
    const input2 = intStream();
    const df1 = input1.frame.pipe(select(col('value'), col('value').plus(1).cast('bigint').alias('v')));
    const df2 = input2.frame.pipe(groupBy('value').agg(count().alias('v')));
    return { input1, input2, union: df1.union(df2) };
  };
  const checkpoint = memoryCheckpoint();
  const first = construct();
  await testStream(first.union, { outputMode: 'update', checkpoint },
    multiAddData([first.input1, [11, 12]], [first.input2, [21, 22]]),
    checkNewAnswer([11, 12], [12, 13], [21, 1], [22, 1]),
    stopStream);
  // Restored with other inputs in front of the aggregation: its state is still found.
  const second = construct();
  second.input1.add(11, 12);
  second.input2.add(21, 22);
  await testStream(second.union, { outputMode: 'update', checkpoint },
    multiAddData([second.input1, [13, 14]], [second.input2, [22, 23]]),
    checkNewAnswer([13, 14], [14, 15], [22, 2], [23, 1]));
});
