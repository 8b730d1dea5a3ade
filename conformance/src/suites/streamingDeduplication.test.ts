import { expect } from 'vitest';
import { col, count, dropDuplicates, groupBy, isSluiceError, select, sum, window, withColumn, withWatermark, type CheckpointStore } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { onStore, STATE_STORES } from '../harness/stateStores.ts';
import { assertStateOperatorCustomMetric, stateRowsChecker } from '../harness/stateRows.ts';
import {
  addData, assertOnQuery, checkAnswer, checkLastBatch, checkNewAnswer, multiAddData, startStream, stopStream, testStream,
} from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingDeduplicationSuite.scala.
/** `(1 to 5).flatMap(_ => 10 to 15)` */
const fiveTimes10to15 = Array.from({ length: 5 }, () => [10, 11, 12, 13, 14, 15]).flat();

/** `value` as seconds → `eventTime`, watermark 10 s, `dropDuplicates()`, `select(eventTime.cast(long))`. */
function dedupWithWatermark() {
  const input = intStream();
  const frame = input.frame.pipe(
    withColumn('eventTime', col('value').cast('timestamp')),
    withWatermark('eventTime', '10 seconds'),
    dropDuplicates(),
    select(col('eventTime').cast('long')),
  );
  return { input, frame };
}

for (const store of STATE_STORES) {
  const spark = onStore(store, suite(store.name === 'memory' ? 'StreamingDeduplicationSuite' : 'RocksDBStateStoreStreamingDeduplicationSuite'), [
    'deduplicate with watermark',
    'deduplicate with aggregate - append mode',
    'SPARK-35880: custom metric numDroppedDuplicateRows in state operator progress',
    'SPARK-39650: duplicate with specific keys should allow input to change schema',
  ]);

  spark.scenario('deduplicate with all columns', async () => {
    const input = memoryInput('value STRING');
    const assertNumStateRows = stateRowsChecker();
    await testStream(input.frame.pipe(dropDuplicates()), { configure: store.configure },
      addData(input, 'a'), checkLastBatch('a'), assertNumStateRows({ total: 1, updated: 1 }),
      addData(input, 'a'), checkLastBatch(), assertNumStateRows({ total: 1, updated: 0 }),
      addData(input, 'b'), checkLastBatch('b'), assertNumStateRows({ total: 2, updated: 1 }));
  });

  spark.scenario('deduplicate with some columns', async () => {
    const input = memoryInput('_1 STRING, _2 INT');
    const assertNumStateRows = stateRowsChecker();
    await testStream(input.frame.pipe(dropDuplicates('_1')), { configure: store.configure },
      addData(input, ['a', 1]), checkLastBatch(['a', 1]), assertNumStateRows({ total: 1, updated: 1, droppedByWatermark: 0 }),
      addData(input, ['a', 2]), checkLastBatch(), assertNumStateRows({ total: 1, updated: 0, droppedByWatermark: 0 }),
      addData(input, ['b', 1]), checkLastBatch(['b', 1]), assertNumStateRows({ total: 2, updated: 1, droppedByWatermark: 0 }));
  });

  spark.scenario('multiple deduplicates', async () => {
    const input = memoryInput('_1 STRING, _2 INT');
    const assertNumStateRows = stateRowsChecker();
    await testStream(input.frame.pipe(dropDuplicates(), dropDuplicates('_1')), { configure: store.configure },
      addData(input, ['a', 1]), checkLastBatch(['a', 1]), assertNumStateRows({ total: [1, 1], updated: [1, 1] }),
      addData(input, ['a', 2]), checkLastBatch(), assertNumStateRows({ total: [1, 2], updated: [0, 1] }),
      addData(input, ['b', 1]), checkLastBatch(['b', 1]), assertNumStateRows({ total: [2, 3], updated: [1, 1] }));
  });

  spark.scenario('SPARK-35896: metrics in StateOperatorProgress are output correctly', async () => {
    const { input, frame } = dedupWithWatermark();
    const assertNumStateRows = stateRowsChecker();
    await testStream(frame, { configure: (w) => store.configure(w.option('spark.sql.shuffle.partitions', 2)) },
      addData(input, ...fiveTimes10to15), checkAnswer(10, 11, 12, 13, 14, 15),
      assertNumStateRows({ total: 6, updated: 6, droppedByWatermark: 0, removed: 0 }),
      addData(input, 25), checkNewAnswer(25), assertNumStateRows({ total: 1, updated: 1, droppedByWatermark: 0, removed: 6 }),
      addData(input, 10), checkNewAnswer(), assertNumStateRows({ total: 1, updated: 0, droppedByWatermark: 1, removed: 0 }),
      addData(input, 10), checkNewAnswer(),
      assertOnQuery(({ query }) => {
        const operator = query.lastProgress!.stateOperators[0]!;
        expect(operator.operatorName).toBe('dedupe');
        expect(operator.numShufflePartitions).toBe(2);
        expect(operator.numStateStoreInstances).toBe(2);
      }, 'assertStateOperatorProgressMetric(dedupe, 2, 2)'));
  });

  spark.scenario('deduplicate with watermark', async () => {
    const { input, frame } = dedupWithWatermark();
    const assertNumStateRows = stateRowsChecker();
    await testStream(frame, { configure: store.configure },
      addData(input, ...fiveTimes10to15), checkAnswer(10, 11, 12, 13, 14, 15), assertNumStateRows({ total: 6, updated: 6 }),
      addData(input, 25), checkNewAnswer(25), assertNumStateRows({ total: 1, updated: 1 }),
      addData(input, 10), checkNewAnswer(), assertNumStateRows({ total: 1, updated: 0, droppedByWatermark: 1 }),
      addData(input, 45), checkNewAnswer(45), assertNumStateRows({ total: 1, updated: 1 }));
  });

  spark.scenario('deduplicate with aggregate - append mode', async () => {
    const input = intStream();
    const frame = input.frame.pipe(
      withColumn('eventTime', col('value').cast('timestamp')),
      withWatermark('eventTime', '10 seconds'),
      dropDuplicates(),
      groupBy(window('eventTime', '5 seconds')).agg(count().alias('count')),
      select(col('window.start').cast('long'), col('count')),
    );
    const assertNumStateRows = stateRowsChecker();
    await testStream(frame, { configure: store.configure },
      addData(input, ...fiveTimes10to15), checkLastBatch(), assertNumStateRows({ total: [2, 6], updated: [2, 6] }),
      addData(input, 25), checkLastBatch([10, 5]), assertNumStateRows({ total: [2, 1], updated: [1, 1] }),
      addData(input, 10), checkLastBatch(), assertNumStateRows({ total: [2, 1], updated: [0, 0], droppedByWatermark: [0, 1] }),
      addData(input, 40), checkLastBatch([15, 1], [25, 1]), assertNumStateRows({ total: [1, 1], updated: [1, 1] }));
  });

  for (const mode of ['update', 'complete'] as const) {
    spark.scenario(`deduplicate with aggregate - ${mode} mode`, async () => {
      const input = memoryInput('_1 STRING, _2 INT');
      const frame = input.frame.pipe(select(col('_1').alias('str'), col('_2').alias('num')), dropDuplicates(), groupBy('str').agg(sum('num')));
      const assertNumStateRows = stateRowsChecker();
      await testStream(frame, { outputMode: mode, configure: store.configure },
        addData(input, ['a', 1]), checkLastBatch(['a', 1]), assertNumStateRows({ total: [1, 1], updated: [1, 1] }),
        addData(input, ['a', 1]), checkLastBatch(...(mode === 'complete' ? [['a', 1]] : [])), assertNumStateRows({ total: [1, 1], updated: [0, 0] }),
        addData(input, ['a', 2]), checkLastBatch(['a', 3]), assertNumStateRows({ total: [1, 2], updated: [1, 1] }),
        addData(input, ['b', 1]), checkLastBatch(...(mode === 'complete' ? [['a', 3], ['b', 1]] : [['b', 1]])), assertNumStateRows({ total: [2, 3], updated: [1, 1] }));
    });
  }

  spark.scenario('SPARK-19841: watermarkPredicate should filter based on keys', async () => {
    const input = memoryInput('time INT, id INT');
    const frame = input.frame.pipe(
      withColumn('time', col('time').cast('timestamp')),
      withWatermark('time', '1 second'),
      dropDuplicates('id', 'time'),
      select('id'),
    );
    await testStream(frame, { configure: store.configure },
      addData(input, [1, 1], [1, 1], [1, 2]), checkAnswer(1, 2),
      addData(input, [1, 1], [2, 3], [2, 4]), checkNewAnswer(3, 4),
      addData(input, [1, 0], [1, 1], [3, 5], [3, 6]), checkNewAnswer(5, 6),
      addData(input, [1, 0], [4, 7]), checkNewAnswer(7));
  });

  spark.scenario("SPARK-21546: dropDuplicates should ignore watermark when it's not a key", async () => {
    const input = memoryInput('id INT, time INT');
    const frame = input.frame.pipe(
      withColumn('time', col('time').cast('timestamp')),
      withWatermark('time', '1 second'),
      dropDuplicates('id'),
      select(col('id'), col('time').cast('long')),
    );
    await testStream(frame, { configure: store.configure }, addData(input, [1, 1], [1, 2], [2, 2]), checkAnswer([1, 1], [2, 2]));
  });

  for (const flag of [true, false]) {
    spark.scenario(`test no-data flag (spark.sql.streaming.noDataMicroBatches.enabled = ${flag})`, async () => {
      const { input, frame } = dedupWithWatermark();
      const assertNumStateRows = stateRowsChecker();
      await testStream(frame, { configure: (w) => store.configure(w.option('spark.sql.streaming.noDataMicroBatches.enabled', String(flag))) },
        addData(input, 10, 11, 12, 13, 14, 15), checkAnswer(10, 11, 12, 13, 14, 15), assertNumStateRows({ total: 6, updated: 6 }),
        addData(input, 25), checkNewAnswer(25),
        // The state is cleaned by the no-data batch when they run, and not otherwise.
        flag ? assertNumStateRows({ total: 1, updated: 1 }) : assertNumStateRows({ total: 7, updated: 1 }),
        assertOnQuery(({ query }) => expect(query.lastProgress!.sink.numOutputRows).toBe(flag ? 0 : 1), 'lastProgress.sink.numOutputRows'));
    });
  }

  spark.scenario("SPARK-29438: ensure UNION doesn't lead streaming deduplication to use shifted partition IDs", async () => {
    const input1 = intStream('input1');
    const input2 = intStream('input2');
    const frame = input1.frame.pipe(select('value')).union(input2.frame.pipe(dropDuplicates('value')));
    await testStream(frame, { configure: store.configure },
      multiAddData([input1, [11, 12]], [input2, [21, 22]]), checkNewAnswer(11, 12, 21, 22),
      stopStream, startStream(),
      multiAddData([input1, [13, 14]], [input2, [22, 23]]), checkNewAnswer(13, 14, 23));
  });

  spark.scenario('SPARK-35880: custom metric numDroppedDuplicateRows in state operator progress', async () => {
    const input = memoryInput('_1 STRING, _2 INT');
    await testStream(input.frame.pipe(dropDuplicates('_1')), { configure: store.configure },
      addData(input, ['a', 1]), checkLastBatch(['a', 1]), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 0),
      addData(input, ['a', 2], ['b', 3]), checkLastBatch(['b', 3]), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 1),
      addData(input, ['a', 5], ['b', 2], ['c', 9]), checkLastBatch(['c', 9]), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 2));

    const { input: withWm, frame } = dedupWithWatermark();
    await testStream(frame, { configure: store.configure },
      addData(withWm, ...fiveTimes10to15), checkAnswer(10, 11, 12, 13, 14, 15), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 24),
      addData(withWm, 14), checkNewAnswer(), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 1),
      addData(withWm, 25), checkNewAnswer(25), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 0),
      addData(withWm, 10), checkNewAnswer(), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 0),
      addData(withWm, 26, 26), checkNewAnswer(26), assertStateOperatorCustomMetric('numDroppedDuplicateRows', 1));
  });

  spark.scenario('SPARK-39650: duplicate with specific keys should allow input to change schema', async () => {
    const before = memoryInput('_1 STRING, _2 INT');
    const after = memoryInput('_1 STRING, _2 INT, _3 STRING');
    let checkpoint: CheckpointStore | undefined;
    await testStream(before.frame.pipe(dropDuplicates('_1')), { configure: store.configure },
      addData(before, ['a', 1]), checkLastBatch(['a', 1]),
      addData(before, ['a', 2], ['b', 3]), checkLastBatch(['b', 3]),
      assertOnQuery((q) => void (checkpoint = q.checkpoint)));
    // The new input replays the batches the checkpoint already holds, with a third column.
    after.add(['a', 1, 'dummy']);
    after.add(['a', 2, 'dummy'], ['b', 3, 'dummy']);
    await testStream(after.frame.pipe(dropDuplicates('_1')), { checkpoint: checkpoint!, configure: store.configure },
      addData(after, ['a', 5, 'a'], ['b', 2, 'b'], ['c', 9, 'c']), checkLastBatch(['c', 9, 'c']));
  });

  spark.scenario('SPARK-39650: recovery with changes on key schema is not allowed', async () => {
    const before = memoryInput('_1 STRING, _2 INT');
    const after = memoryInput('_1 STRING, _2 INT, _3 STRING');
    let checkpoint: CheckpointStore | undefined;
    await testStream(before.frame.pipe(dropDuplicates('_1')), { configure: store.configure },
      addData(before, ['a', 1]), checkLastBatch(['a', 1]),
      assertOnQuery((q) => void (checkpoint = q.checkpoint)));
    after.add(['a', 1, 'dummy']);
    // Spark: STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE; Sluice refuses the changed state at start.
    const error = await testStream(after.frame.pipe(dropDuplicates('_1', '_2')), { checkpoint: checkpoint!, configure: store.configure },
      addData(after, ['a', 5, 'a']), checkLastBatch(['a', 5, 'a'])).then(() => undefined, (e: unknown) => e);
    expect(isSluiceError(error, 'STATE_SCHEMA_MISMATCH'), String(error)).toBe(true);
  });
}
