import { expr, join, selectExpr, where, withWatermark, type StreamFrame } from '@sluice/core';
import { intStream, memoryInput, type MemoryInput } from '../harness/memoryInput.ts';

// The query builders of apache/spark StreamingJoinSuite.scala (its abstract base), restated.

/** Spark's `setupStream(prefix, multiplier)`: key, `<prefix>Time` = value seconds, `<prefix>Value` = value × multiplier, watermark 10 s. */
export function setupStream(prefix: string, multiplier: number): { input: MemoryInput; frame: StreamFrame } {
  const input = intStream();
  const frame = input.frame.pipe(
    selectExpr('value AS key', `timestamp_seconds(value) AS ${prefix}Time`, `value * ${multiplier} AS ${prefix}Value`),
    withWatermark(`${prefix}Time`, '10 seconds'),
  );
  return { input, frame };
}

/** Spark's `setupWindowedJoin(joinType)`: both sides windowed by 10 s, joined on key and window. */
export function setupWindowedJoin(how: string) {
  const l = setupStream('left', 2);
  const r = setupStream('right', 3);
  const left = l.frame.pipe(selectExpr('key', "window(leftTime, '10 seconds') AS window", 'leftValue'));
  const right = r.frame.pipe(selectExpr('key', "window(rightTime, '10 seconds') AS window", 'rightValue'));
  const joined = left.pipe(join(right, ['key', 'window'], how));
  const out = how === 'left_semi' ? joined.pipe(selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue')) : joined.pipe(selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue', 'rightValue'));
  return { left: l.input, right: r.input, frame: out };
}

/** Spark's `setupJoinWithRangeCondition(joinType)`: leftTime BETWEEN rightTime - 5 s AND rightTime + 5 s, watermarks 10 s. */
export function setupJoinWithRangeCondition(how: string, watermark = '10 seconds', lower = 'interval 5 seconds', upper = 'interval 5 seconds') {
  const leftInput = memoryInput('_1 INT, _2 INT');
  const rightInput = memoryInput('_1 INT, _2 INT');
  const left = leftInput.frame.pipe(selectExpr('_1 AS leftKey', 'timestamp_seconds(_2) AS leftTime', '_1 * 2 AS leftValue'), withWatermark('leftTime', watermark));
  const right = rightInput.frame.pipe(selectExpr('_1 AS rightKey', 'timestamp_seconds(_2) AS rightTime', '_1 * 3 AS rightValue'), withWatermark('rightTime', watermark));
  const joined = left.pipe(join(right, expr(`leftKey = rightKey AND leftTime BETWEEN rightTime - ${lower} AND rightTime + ${upper}`), how));
  const out = how === 'left_semi' ? joined.pipe(selectExpr('leftKey', 'CAST(leftTime AS INT)')) : joined.pipe(selectExpr('leftKey', 'rightKey', 'CAST(leftTime AS INT)', 'CAST(rightTime AS INT)'));
  return { leftInput, rightInput, frame: out };
}


/**
 * Spark's `setupWindowedJoinWithLeftCondition` / `…RightCondition`: Spark names both sides' `key`
 * and `window` (`left("key") === right("key")`); Sluice's expression joins need distinct names,
 * so the right side's are `rightKey`, `rightWindow` — the same join, the same answers.
 */
export function setupWindowedJoinWithCondition(how: string, condition: 'left' | 'right') {
  const l = setupStream('left', 2);
  const r = setupStream('right', 3);
  const left = l.frame.pipe(selectExpr('key', "window(leftTime, '10 seconds') AS window", 'leftValue'));
  const right = r.frame.pipe(selectExpr('key AS rightKey', "window(rightTime, '10 seconds') AS rightWindow", 'CAST(rightValue AS STRING) AS rightValue'));
  const extra = condition === 'left' ? 'leftValue > 4' : 'CAST(rightValue AS INT) > 7';
  const joined = left.pipe(join(right, expr(`key = rightKey AND window = rightWindow AND ${extra}`), how));
  const out =
    how === 'left_semi' ? joined.pipe(selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue'))
    : how === 'left_outer' ? joined.pipe(selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue', 'rightValue'))
    : how === 'right_outer' ? joined.pipe(selectExpr('rightKey', 'CAST(rightWindow.end AS BIGINT)', 'leftValue', 'rightValue'))
    : joined.pipe(selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue', 'rightKey', 'CAST(rightWindow.end AS BIGINT)', 'rightValue'));
  return { left: l.input, right: r.input, frame: out };
}

/** Spark's `setupSelfJoin(joinType)`: one input, the right side only its even ids, rightTime within 5 s after leftTime. */
export function setupSelfJoin(how: string) {
  const input = memoryInput('_1 INT, _2 BIGINT');
  const df = input.frame.pipe(selectExpr('_1 AS value', 'timestamp_seconds(_2) AS timestamp'));
  const leftStream = df.pipe(selectExpr('value AS leftId', 'timestamp AS leftTime'), withWatermark('leftTime', '5 seconds'));
  const rightStream = df.pipe(where('value % 2 = 0'), selectExpr('value AS rightId', 'timestamp AS rightTime'), withWatermark('rightTime', '5 seconds'));
  const joined = leftStream.pipe(join(rightStream, expr('leftId = rightId AND rightTime >= leftTime AND rightTime <= leftTime + interval 5 seconds'), how));
  const frame = how === 'left_semi' ? joined.pipe(selectExpr('leftId', 'CAST(leftTime AS INT)')) : joined.pipe(selectExpr('leftId', 'CAST(leftTime AS INT)', 'rightId', 'CAST(rightTime AS INT)'));
  return { input, frame };
}

