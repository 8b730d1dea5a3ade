import { expect } from 'vitest';
import { expr, isSluiceError, join, selectExpr, withWatermark } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { setupJoinWithRangeCondition, setupSelfJoin, setupStream, setupWindowedJoin, setupWindowedJoinWithCondition } from '../harness/joinSetups.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, checkAnswer, checkNewAnswer, multiAddData, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingJoinSuite.scala (StreamingInnerJoinSuite).

const inner = suite('StreamingInnerJoinSuite');

inner.scenario('stream stream inner join on non-time column', async () => {
  const input1 = intStream();
  const input2 = intStream();
  const df1 = input1.frame.pipe(selectExpr('value AS key', 'value * 2 AS leftValue'));
  const df2 = input2.frame.pipe(selectExpr('value AS key', 'value * 3 AS rightValue'));
  await testStream(df1.pipe(join(df2, 'key')), {},
    addData(input1, 1), checkAnswer(),
    addData(input2, 1, 10), checkNewAnswer([1, 2, 3]),
    addData(input1, 10), checkNewAnswer([10, 20, 30]),
    addData(input2, 1), checkNewAnswer([1, 2, 3]),
    stopStream, startStream(),
    addData(input1, 1), checkNewAnswer([1, 2, 3], [1, 2, 3]),
    stopStream, startStream(),
    addData(input1, 100), addData(input2, 100), checkNewAnswer([100, 200, 300]));
});

inner.scenario('stream stream inner join on windows - without watermark', async () => {
  const input1 = intStream();
  const input2 = intStream();
  const df1 = input1.frame.pipe(selectExpr('value AS key', 'timestamp_seconds(value) AS timestamp', 'value * 2 AS leftValue'), selectExpr('key', "window(timestamp, '10 seconds') AS window", 'leftValue'));
  const df2 = input2.frame.pipe(selectExpr('value AS key', 'timestamp_seconds(value) AS timestamp', 'value * 3 AS rightValue'), selectExpr('key', "window(timestamp, '10 seconds') AS window", 'rightValue'));
  const joined = df1.pipe(join(df2, ['key', 'window']), selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue', 'rightValue'));
  await testStream(joined, {},
    addData(input1, 1), checkNewAnswer(),
    addData(input2, 1), checkNewAnswer([1, 10, 2, 3]),
    stopStream, startStream(),
    addData(input1, 25), checkNewAnswer(),
    stopStream, startStream(),
    addData(input2, 25), checkNewAnswer([25, 30, 50, 75]),
    addData(input1, 1), checkNewAnswer([1, 10, 2, 3]),
    stopStream, startStream(),
    addData(input1, 5), checkNewAnswer(),
    addData(input2, 5), checkNewAnswer([5, 10, 10, 15]));
});

inner.scenario('stream stream inner join on windows - with watermark', async () => {
  const input1 = intStream();
  const input2 = intStream();
  const df1 = input1.frame.pipe(
    selectExpr('value AS key', 'timestamp_seconds(value) AS timestamp', 'value * 2 AS leftValue'),
    withWatermark('timestamp', '10 seconds'),
    selectExpr('key', "window(timestamp, '10 seconds') AS window", 'leftValue'),
  );
  const df2 = input2.frame.pipe(selectExpr('value AS key', 'timestamp_seconds(value) AS timestamp', 'value * 3 AS rightValue'), selectExpr('key', "window(timestamp, '10 seconds') AS window", 'rightValue'));
  const joined = df1.pipe(join(df2, ['key', 'window']), selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue', 'rightValue'));
  const assertNumStateRows = stateRowsChecker();
  await testStream(joined, {},
    addData(input1, 1), checkAnswer(), assertNumStateRows({ total: 1, updated: 1 }),
    addData(input2, 1), checkAnswer([1, 10, 2, 3]), assertNumStateRows({ total: 2, updated: 1 }),
    stopStream, startStream(),
    addData(input1, 25), checkNewAnswer(), assertNumStateRows({ total: 1, updated: 1 }),
    addData(input2, 25), checkNewAnswer([25, 30, 50, 75]), assertNumStateRows({ total: 2, updated: 1 }),
    stopStream, startStream(),
    addData(input2, 1), checkNewAnswer(), assertNumStateRows({ total: 2, updated: 0 }),
    addData(input1, 5), checkNewAnswer(), assertNumStateRows({ total: 2, updated: 0, droppedByWatermark: 1 }));
});

inner.scenario('stream stream inner join with time range - with watermark - one side condition', async () => {
  const leftInput = memoryInput('_1 INT, _2 INT');
  const rightInput = memoryInput('_1 INT, _2 INT');
  const df1 = leftInput.frame.pipe(selectExpr('_1 AS leftKey', 'timestamp_seconds(_2) AS leftTime', '_1 * 2 AS leftValue'), withWatermark('leftTime', '10 seconds'));
  const df2 = rightInput.frame.pipe(selectExpr('_1 AS rightKey', 'timestamp_seconds(_2) AS rightTime', '_1 * 3 AS rightValue'), withWatermark('rightTime', '10 seconds'));
  const joined = df1.pipe(join(df2, expr('leftKey = rightKey AND leftTime < rightTime - interval 5 seconds')), selectExpr('leftKey', 'CAST(leftTime AS INT)', 'CAST(rightTime AS INT)'));
  const assertNumStateRows = stateRowsChecker();
  await testStream(joined, {},
    addData(leftInput, [1, 5]), checkAnswer(),
    addData(rightInput, [1, 11]), checkNewAnswer([1, 5, 11]),
    addData(rightInput, [1, 10]), checkNewAnswer(),
    assertNumStateRows({ total: 3, updated: 3 }),
    addData(leftInput, [1, 3], [1, 30]), checkNewAnswer([1, 3, 10], [1, 3, 11]),
    assertNumStateRows({ total: 5, updated: 2 }),
    addData(rightInput, [0, 30]), checkNewAnswer(),
    assertNumStateRows({ total: 4, updated: 1 }),
    addData(rightInput, [1, 20], [1, 21], [1, 28]), checkNewAnswer([1, 3, 21], [1, 5, 21], [1, 3, 28], [1, 5, 28]),
    assertNumStateRows({ total: 5, updated: 1, droppedByWatermark: 1 }),
    addData(leftInput, [1, 20], [1, 21]), checkNewAnswer([1, 21, 28]),
    assertNumStateRows({ total: 6, updated: 1, droppedByWatermark: 1 }));
});


inner.scenario('stream stream inner join with time range - with watermark - two side conditions', async () => {
  const leftInput = memoryInput('_1 INT, _2 INT');
  const rightInput = memoryInput('_1 INT, _2 INT');
  const df1 = leftInput.frame.pipe(selectExpr('_1 AS leftKey', 'timestamp_seconds(_2) AS leftTime', '_1 * 2 AS leftValue'), withWatermark('leftTime', '20 seconds'));
  const df2 = rightInput.frame.pipe(selectExpr('_1 AS rightKey', 'timestamp_seconds(_2) AS rightTime', '_1 * 3 AS rightValue'), withWatermark('rightTime', '30 seconds'));
  const joined = df1.pipe(
    join(df2, expr('leftKey = rightKey AND leftTime BETWEEN rightTime - interval 10 seconds AND rightTime + interval 5 seconds')),
    selectExpr('leftKey', 'CAST(leftTime AS INT)', 'CAST(rightTime AS INT)'),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(joined, {},
    addData(leftInput, [1, 20]), checkAnswer(),
    addData(rightInput, [1, 14], [1, 15], [1, 25], [1, 26], [1, 30], [1, 31]),
    checkNewAnswer([1, 20, 15], [1, 20, 25], [1, 20, 26], [1, 20, 30]),
    assertNumStateRows({ total: 7, updated: 7 }),
    addData(rightInput, [1, 60]), checkNewAnswer(),
    addData(leftInput, [1, 49], [1, 50], [1, 65], [1, 66]), checkNewAnswer([1, 50, 60], [1, 65, 60]),
    assertNumStateRows({ total: 10, updated: 5 }),
    addData(leftInput, [1, 30], [1, 31]), checkNewAnswer([1, 31, 26], [1, 31, 30], [1, 31, 31]),
    assertNumStateRows({ total: 11, updated: 1, droppedByWatermark: 1 }),
    addData(rightInput, [1, 80]), checkNewAnswer(),
    assertNumStateRows({ total: 6, updated: 1 }),
    addData(rightInput, [1, 46], [1, 50]), checkNewAnswer([1, 49, 50], [1, 50, 50]),
    assertNumStateRows({ total: 7, updated: 1, droppedByWatermark: 1 }));
});

inner.scenario('stream stream inner join without equality predicate', () => {
  const input1 = intStream();
  const input2 = intStream();
  const df1 = input1.frame.pipe(selectExpr('value AS leftKey', 'value * 2 AS leftValue'));
  const df2 = input2.frame.pipe(selectExpr('value AS rightKey', 'value * 3 AS rightValue'));
  let error: unknown;
  try {
    df1.pipe(join(df2, expr('leftKey < rightKey')));
  } catch (e) {
    error = e;
  }
  expect(isSluiceError(error, 'UNSUPPORTED_JOIN')).toBe(true);
  expect((error as Error).message).toMatch(/Stream-stream join without equality predicate is not supported/);
});

inner.scenario('stream stream self join', async () => {
  const input = intStream();
  const df = input.frame;
  // Spark's output has two columns named `value`; the harness reads rows by column name, so the right one is `value2` here.
  const joined = df.pipe(selectExpr('value % 5 AS key', 'value')).pipe(join(df.pipe(selectExpr('value % 5 AS key', 'value AS value2')), 'key'));
  await testStream(joined, {},
    addData(input, 1, 2), checkAnswer([1, 1, 1], [2, 2, 2]),
    stopStream, startStream(),
    addData(input, 3, 6), checkAnswer([3, 3, 3], [1, 1, 1], [1, 1, 6], [2, 2, 2], [1, 6, 1], [1, 6, 6]));
});

inner.scenario('join between three streams', async () => {
  const input1 = intStream();
  const input2 = intStream();
  const input3 = intStream();
  const df1 = input1.frame.pipe(selectExpr('value AS leftKey', 'value * 2 AS leftValue'));
  const df2 = input2.frame.pipe(selectExpr('value AS middleKey', 'value * 3 AS middleValue'));
  const df3 = input3.frame.pipe(selectExpr('value AS rightKey', 'value * 5 AS rightValue'));
  const joined = df1.pipe(join(df2, expr('leftKey = middleKey')), join(df3, expr('rightKey = middleKey')));
  await testStream(joined, {},
    addData(input1, 1, 5), addData(input2, 1, 5, 10), addData(input3, 5, 10),
    checkNewAnswer([5, 10, 5, 15, 5, 25]));
});

const refusals = suite('StreamingJoinSuite (refusals)');

refusals.scenario('stream stream outer join without watermark is refused', () => {
  const input1 = intStream();
  const input2 = intStream();
  const df1 = input1.frame.pipe(selectExpr('value AS key', 'value * 2 AS leftValue'));
  const df2 = input2.frame.pipe(selectExpr('value AS key', 'value * 3 AS rightValue'));
  for (const how of ['left_outer', 'right_outer', 'full_outer', 'left_semi']) {
    let error: unknown;
    try {
      df1.pipe(join(df2, 'key', how));
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'UNSUPPORTED_JOIN'), how).toBe(true);
    expect((error as Error).message).toMatch(/without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition/);
  }
  expect(() => df1.pipe(join(df2, 'key', 'left_anti'))).toThrow(/LeftAnti joins with a streaming DataFrame\/Dataset on the right are not supported/);
});

refusals.scenario('stream stream join in update or complete mode is refused', async () => {
  const input1 = intStream();
  const input2 = intStream();
  const joined = input1.frame.pipe(selectExpr('value AS key')).pipe(join(input2.frame.pipe(selectExpr('value AS key')), 'key'));
  await expect(testStream(joined, { outputMode: 'update' })).rejects.toThrow(/Join between two streaming DataFrames\/Datasets is not supported in Update output mode, only in Append output mode/);
});
