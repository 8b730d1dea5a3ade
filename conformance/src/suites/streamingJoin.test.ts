import { expect } from 'vitest';
import { col, expr, isSluiceError, join, select, selectExpr, withWatermark, type StreamFrame } from '@sluice/core';
import { intStream, memoryInput, type MemoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, checkAnswer, checkNewAnswer, multiAddData, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingJoinSuite.scala
// (StreamingInnerJoinSuite, StreamingOuterJoinSuite, StreamingFullOuterJoinSuite, StreamingLeftSemiJoinSuite).

/** Spark's `setupStream(prefix, multiplier)`: key, `<prefix>Time` = value seconds, `<prefix>Value` = value × multiplier, watermark 10 s. */
function setupStream(prefix: string, multiplier: number): { input: MemoryInput; frame: StreamFrame } {
  const input = intStream();
  const frame = input.frame.pipe(
    selectExpr('value AS key', `timestamp_seconds(value) AS ${prefix}Time`, `value * ${multiplier} AS ${prefix}Value`),
    withWatermark(`${prefix}Time`, '10 seconds'),
  );
  return { input, frame };
}

/** Spark's `setupWindowedJoin(joinType)`: both sides windowed by 10 s, joined on key and window. */
function setupWindowedJoin(how: string) {
  const l = setupStream('left', 2);
  const r = setupStream('right', 3);
  const left = l.frame.pipe(selectExpr('key', "window(leftTime, '10 seconds') AS window", 'leftValue'));
  const right = r.frame.pipe(selectExpr('key', "window(rightTime, '10 seconds') AS window", 'rightValue'));
  const joined = left.pipe(join(right, ['key', 'window'], how));
  const out = how === 'left_semi' ? joined.pipe(selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue')) : joined.pipe(selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue', 'rightValue'));
  return { left: l.input, right: r.input, frame: out };
}

/** Spark's `setupJoinWithRangeCondition(joinType)`: leftTime BETWEEN rightTime - 5 s AND rightTime + 5 s, watermarks 10 s. */
function setupJoinWithRangeCondition(how: string, watermark = '10 seconds', lower = 'interval 5 seconds', upper = 'interval 5 seconds') {
  const leftInput = memoryInput('_1 INT, _2 INT');
  const rightInput = memoryInput('_1 INT, _2 INT');
  const left = leftInput.frame.pipe(selectExpr('_1 AS leftKey', 'timestamp_seconds(_2) AS leftTime', '_1 * 2 AS leftValue'), withWatermark('leftTime', watermark));
  const right = rightInput.frame.pipe(selectExpr('_1 AS rightKey', 'timestamp_seconds(_2) AS rightTime', '_1 * 3 AS rightValue'), withWatermark('rightTime', watermark));
  const joined = left.pipe(join(right, expr(`leftKey = rightKey AND leftTime BETWEEN rightTime - ${lower} AND rightTime + ${upper}`), how));
  const out = how === 'left_semi' ? joined.pipe(selectExpr('leftKey', 'CAST(leftTime AS INT)')) : joined.pipe(selectExpr('leftKey', 'rightKey', 'CAST(leftTime AS INT)', 'CAST(rightTime AS INT)'));
  return { leftInput, rightInput, frame: out };
}

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

const outer = suite('StreamingOuterJoinSuite');

outer.scenario('windowed left outer join', async () => {
  const { left, right, frame } = setupWindowedJoin('left_outer');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3, 4, 5]], [right, [3, 4, 5, 6, 7]]),
    checkNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]),
    multiAddData([left, [21]], [right, [22]]),
    checkNewAnswer([1, 10, 2, null], [2, 10, 4, null]),
    assertNumStateRows({ total: 2 }));
});

outer.scenario('left outer join with time range', async () => {
  const { leftInput, rightInput, frame } = setupJoinWithRangeCondition('left_outer');
  await testStream(frame, {},
    addData(leftInput, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]),
    addData(rightInput, [3, 3], [4, 4], [5, 5], [6, 6], [7, 7]),
    checkNewAnswer([3, 3, 3, 3], [4, 4, 4, 4], [5, 5, 5, 5]),
    multiAddData([leftInput, [[6, 21]]], [rightInput, [[6, 22]]]),
    checkNewAnswer([6, 6, 21, 22], [1, null, 1, null], [2, null, 2, null]));
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
  void col;
  void select;
});
