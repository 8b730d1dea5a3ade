import { expect } from 'vitest';
import { col, dropDuplicatesWithinWatermark, isSluiceError, select, withColumn, withWatermark, type CheckpointStore } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { onStore, STATE_STORES } from '../harness/stateStores.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, assertOnQuery, checkAnswer, checkNewAnswer, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingDeduplicationWithinWatermarkSuite.scala.
for (const store of STATE_STORES) {
  const spark = onStore(store, suite(store.name === 'memory' ? 'StreamingDeduplicationWithinWatermarkSuite' : 'RocksDBStateStoreStreamingDeduplicationWithinWatermarkSuite'), [
    'deduplicate with subset of columns which event time column is not in subset',
  ]);

  spark.scenario('deduplicate without event time column should result in error', () => {
    const input = memoryInput('value STRING');
    const refusals = [
      () => input.frame.pipe(dropDuplicatesWithinWatermark()),
      () => input.frame.pipe(withColumn('newcol', col('value')), dropDuplicatesWithinWatermark('newcol')),
    ];
    for (const define of refusals) {
      let error: unknown;
      try {
        define();
      } catch (e) {
        error = e;
      }
      expect(isSluiceError(error, 'INVALID_QUERY')).toBe(true);
      expect((error as Error).message).toContain('dropDuplicatesWithinWatermark is not supported');
      expect((error as Error).message).toContain('streaming DataFrames/DataSets without watermark');
    }
  });

  spark.scenario('deduplicate with all columns with event time column in DataFrame', async () => {
    const input = intStream();
    const frame = input.frame.pipe(
      withColumn('eventTime', col('value').cast('timestamp')),
      withWatermark('eventTime', '10 seconds'),
      dropDuplicatesWithinWatermark(),
      select(col('eventTime').cast('long')),
    );
    const assertNumStateRows = stateRowsChecker();
    await testStream(frame, { configure: store.configure },
      addData(input, ...Array.from({ length: 5 }, () => [10, 11, 12, 13, 14, 15]).flat()), checkAnswer(10, 11, 12, 13, 14, 15),
      assertNumStateRows({ total: 6, updated: 6 }),
      addData(input, 13, 14, 15, 16, 17), checkNewAnswer(16, 17), assertNumStateRows({ total: 8, updated: 2 }),
      addData(input, 5), checkNewAnswer(), assertNumStateRows({ total: 8, updated: 0, droppedByWatermark: 1 }),
      addData(input, 35), checkNewAnswer(35), assertNumStateRows({ total: 3, updated: 1 }),
      addData(input, 55), checkNewAnswer(55), assertNumStateRows({ total: 1, updated: 1 }));
  });

  spark.scenario('deduplicate with subset of columns which event time column is not in subset', async () => {
    const input = memoryInput('_1 STRING, _2 INT');
    const frame = input.frame.pipe(
      withColumn('eventTime', col('_2').cast('timestamp')),
      withWatermark('eventTime', '2 seconds'),
      dropDuplicatesWithinWatermark('_1'),
      select(col('_1'), col('eventTime').cast('long')),
    );
    const assertNumStateRows = stateRowsChecker();
    await testStream(frame, { configure: store.configure },
      addData(input, ['a', 17]), checkNewAnswer(['a', 17]), assertNumStateRows({ total: 1, updated: 1 }),
      addData(input, ['a', 16]), checkNewAnswer(), assertNumStateRows({ total: 1, updated: 0 }),
      addData(input, ['a', 13]), checkNewAnswer(), assertNumStateRows({ total: 1, updated: 0, droppedByWatermark: 1 }),
      addData(input, ['b', 22], ['c', 21]), checkNewAnswer(['b', 22], ['c', 21]), assertNumStateRows({ total: 2, updated: 2 }),
      // "a" is new again: the previous batch evicted its key (expired at 19).
      addData(input, ['a', 21]), checkNewAnswer(['a', 21]), assertNumStateRows({ total: 3, updated: 1 }),
      addData(input, ['d', 25]), checkNewAnswer(['d', 25]), assertNumStateRows({ total: 2, updated: 1 }));
  });

  spark.scenario('SPARK-39650: duplicate with specific keys should allow input to change schema', async () => {
    const before = memoryInput('_1 STRING, _2 INT');
    const after = memoryInput('_1 STRING, _2 INT, _3 STRING');
    const query = (frame: typeof before.frame, extra: string[]) =>
      frame.pipe(
        withColumn('eventTime', col('_2').cast('timestamp')),
        withWatermark('eventTime', '10 second'),
        dropDuplicatesWithinWatermark(['_1']),
        select(col('_1'), col('eventTime').cast('long'), ...extra),
      );
    let checkpoint: CheckpointStore | undefined;
    await testStream(query(before.frame, []), { configure: store.configure },
      addData(before, ['a', 1]), checkNewAnswer(['a', 1]),
      addData(before, ['a', 2], ['b', 3]), checkNewAnswer(['b', 3]),
      assertOnQuery((q) => void (checkpoint = q.checkpoint)));
    after.add(['a', 1, 'dummy']);
    after.add(['a', 2, 'dummy'], ['b', 3, 'dummy']);
    await testStream(query(after.frame, ['_3']), { checkpoint: checkpoint!, configure: store.configure },
      addData(after, ['a', 5, 'a'], ['b', 2, 'b'], ['c', 9, 'c']), checkNewAnswer(['c', 9, 'c']));
  });

  spark.scenario('SPARK-50492: drop event time column after dropDuplicatesWithinWatermark', async () => {
    const input = memoryInput('_1 INT, _2 INT');
    const frame = input.frame.pipe(
      withColumn('first', col('_1').cast('timestamp')),
      withWatermark('first', '10 seconds'),
      dropDuplicatesWithinWatermark('_2'),
      select('_2'),
    );
    await testStream(frame, { configure: store.configure }, addData(input, [1, 2]), checkAnswer(2));
  });
}
