import { expect } from 'vitest';
import { col, count, currentTimestamp, FileCheckpointStore, groupBy, isSluiceError, join, processingTime, select, staticTable, withColumn } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { fixture } from '../fixtures/sparkCheckpoints.ts';
import { hashDirectory, writeFixture } from '../fixtures/fixtureFiles.ts';
import { suite } from '../harness/scenario.ts';
import {
  addData, advanceManualClock, assertOnQuery, checkAnswer, checkLastBatch, execute, startStream, stopStream, testStream, type QueryContext,
} from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamSuite.scala.
const spark = suite('StreamSuite');

spark.scenario('map with recovery', async () => {
  const input = intStream();
  const mapped = input.frame.pipe(select(col('value').plus(1).alias('value')));
  await testStream(mapped, { startManually: true },
    addData(input, 1, 2, 3), startStream(), checkAnswer(2, 3, 4),
    stopStream, addData(input, 4, 5, 6), startStream(), checkAnswer(2, 3, 4, 5, 6, 7));
});

spark.scenario('join', async () => {
  const input = intStream();
  const words = staticTable('number INT, word STRING', [{ number: 1, word: 'one' }, { number: 2, word: 'two' }, { number: 4, word: 'four' }]);
  await testStream(input.frame.pipe(join(words, col('value').eq(col('number')))), {},
    addData(input, 1, 2, 3), checkAnswer([1, 1, 'one'], [2, 2, 'two']),
    addData(input, 4), checkAnswer([1, 1, 'one'], [2, 2, 'two'], [4, 4, 'four']));
});

spark.scenario('union two streams', async () => {
  const input1 = intStream();
  const input2 = intStream();
  await testStream(input1.frame.union(input2.frame), {},
    addData(input1, 1, 3, 5), checkAnswer(1, 3, 5),
    addData(input2, 2, 4, 6), checkAnswer(1, 2, 3, 4, 5, 6),
    stopStream, addData(input1, 7), startStream(),
    addData(input2, 8), checkAnswer(1, 2, 3, 4, 5, 6, 7, 8));
});

// 'sql queries' runs in sqlStreaming.test.ts with the other SQL scenarios.

spark.scenario('minimize delay between batch construction and execution', async () => {
  const input = intStream();
  const latest = async ({ checkpoint }: QueryContext, log: string) => Math.max(-1, ...(await checkpoint.list(log)).map(Number));
  // Spark checks lastExecution, the offset log, the commit log and the sink: all at the same batch id.
  const at = (batchId: number) =>
    assertOnQuery(async (ctx) => {
      expect(await latest(ctx, 'offsets')).toBe(batchId);
      expect(await latest(ctx, 'commits')).toBe(batchId);
      expect(ctx.sinkBatches().at(-1)?.batchId).toBe(batchId);
      expect(ctx.query.recentProgress.filter((p) => p.numInputRows > 0).at(-1)?.batchId).toBe(batchId);
    }, `batch ids are ${batchId}`);
  const trigger = processingTime('10 seconds');
  await testStream(input.frame, { startManually: true },
    startStream({ trigger }),
    addData(input, 1, 2, 3), advanceManualClock(10_000), checkAnswer(1, 2, 3), at(0),
    addData(input, 4, 5, 6), advanceManualClock(10_000), checkAnswer(1, 2, 3, 4, 5, 6), at(1),
    // No new data: no batch id is used up however often the clock ticks.
    advanceManualClock(10_000), advanceManualClock(10_000), advanceManualClock(10_000), checkAnswer(1, 2, 3, 4, 5, 6), at(1),
    stopStream, startStream({ trigger }),
    // Batch 1 is committed: nothing re-runs after the restart.
    advanceManualClock(10_000), assertOnQuery(({ query }) => query.lastProgress === null || query.lastProgress.numInputRows === 0),
    checkAnswer(1, 2, 3, 4, 5, 6),
    addData(input, 7, 8, 9), advanceManualClock(10_000), checkAnswer(1, 2, 3, 4, 5, 6, 7, 8, 9), at(2));
});

spark.scenario('SPARK-19873: streaming aggregation with change in number of partitions', async () => {
  // Sluice has no shuffle partitions to change; the restarts and the answers are Spark's.
  const input = memoryInput('_1 INT, _2 INT');
  await testStream(input.frame.pipe(groupBy('_1').agg(count())), { outputMode: 'complete', startManually: true },
    addData(input, [1, 0], [2, 0]), startStream(), checkAnswer([1, 1], [2, 1]),
    stopStream, addData(input, [3, 0], [2, 0]), startStream(), checkAnswer([1, 1], [2, 2], [3, 1]),
    stopStream, addData(input, [3, 0], [1, 0]), startStream(), checkAnswer([1, 2], [2, 2], [3, 2]));
});

spark.deviation('recover from a Spark v2.1 checkpoint', async () => {
  // Spark resumes its own state files; Sluice cannot read them and refuses, untouched (README).
  const input = intStream();
  input.add(1, 2, 3, 4);
  input.add(3, 4, 5, 6);
  input.add(5, 6, 7, 8);
  const dir = await writeFixture(fixture('checkpoint-version-2.1.0'));
  const before = await hashDirectory(dir);
  const error = await testStream(input.frame.pipe(groupBy('value').agg(count())), { outputMode: 'complete', startManually: true }, startStream({ checkpoint: new FileCheckpointStore(dir) })).catch((e: unknown) => e as Error);
  expect(isSluiceError(error, 'STATE_FORMAT_UNSUPPORTED')).toBe(true);
  expect(await hashDirectory(dir)).toBe(before);
});

for (const sink of ['v2', 'v1']) {
  spark.scenario(`SPARK-26379 Structured Streaming - Exception on adding current_timestamp  to Dataset - use ${sink} sink`, async () => {
    const input = intStream();
    let last = 0;
    const check = (value: number) =>
      execute(({ sinkBatches }) => {
        const rows = sinkBatches().at(-1)!.rows;
        expect(rows).toHaveLength(1);
        expect(rows[0]![0]).toBe(value);
        expect(rows[0]![1] as number).toBeGreaterThanOrEqual(last);
        last = rows[0]![1] as number;
      });
    await testStream(input.frame.pipe(withColumn('cur_timestamp', currentTimestamp())), { clockStartMs: 1_700_000_000_000 },
      addData(input, 1), checkLastBatch([1, 1_700_000_000_000]), check(1),
      advanceManualClock(1000),
      addData(input, 2), execute(({ processAllAvailable }) => processAllAvailable()), check(2));
  });
}

spark.scenario('SPARK-20432: union one stream with itself', async () => {
  // Spark's FakeDefaultSource gives 0 to 10 once; the query writes each value twice.
  const input = intStream();
  const values = Array.from({ length: 11 }, (_, i) => i);
  await testStream(input.frame.union(input.frame), {},
    addData(input, ...values),
    checkAnswer(...values, ...values));
});
