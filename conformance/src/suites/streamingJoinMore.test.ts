import { expr, join, selectExpr, where, withWatermark, type StreamFrame } from '@sluice/core';
import { intStream, memoryInput, type MemoryInput } from '../harness/memoryInput.ts';
import { setupJoinWithRangeCondition, setupSelfJoin, setupStream } from '../harness/joinSetups.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, checkNewAnswer, multiAddData, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingJoinSuite.scala:
// the scenarios streamingJoin.test.ts and streamingOuterJoin.test.ts do not hold.
const inner = suite('StreamingInnerJoinSuite');
const outer = suite('StreamingOuterJoinSuite');
const semi = suite('StreamingLeftSemiJoinSuite');

const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

/** Spark's `testForJoinKeyNullability`: `leftKey <=> rightKey` (null-safe equality joins null keys). */
function nullSafeJoin(left: MemoryInput, right: MemoryInput): StreamFrame {
  const df1 = left.frame.pipe(selectExpr('value AS leftKey', 'value * 2 AS leftValue'));
  const df2 = right.frame.pipe(selectExpr('value AS rightKey', 'value * 3 AS rightValue'));
  return df1.pipe(join(df2, expr('leftKey <=> rightKey')), selectExpr('leftKey', 'rightKey', 'leftValue', 'rightValue'));
}

inner.scenario('joining non-nullable left join key with nullable right join key', async () => {
  const input1 = memoryInput('value INT NOT NULL');
  const input2 = intStream();
  await testStream(nullSafeJoin(input1, input2), {},
    addData(input1, 1, 5), addData(input2, 1, 5, 10, null),
    checkNewAnswer([1, 1, 2, 3], [5, 5, 10, 15]));
});

inner.scenario('joining nullable left join key with non-nullable right join key', async () => {
  const input1 = intStream();
  const input2 = memoryInput('value INT NOT NULL');
  await testStream(nullSafeJoin(input1, input2), {},
    addData(input1, 1, 5, 10, null), addData(input2, 1, 5),
    checkNewAnswer([1, 1, 2, 3], [5, 5, 10, 15]));
});

inner.scenario('joining nullable left join key with nullable right join key', async () => {
  const input1 = intStream();
  const input2 = intStream();
  await testStream(nullSafeJoin(input1, input2), {},
    addData(input1, 1, 5, 10, null), addData(input2, 1, 5, null),
    checkNewAnswer([1, 1, 2, 3], [5, 5, 10, 15], [null, null, null, null]));
});

inner.scenario('SPARK-35896: metrics in StateOperatorProgress are output correctly', async () => {
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
    addData(input1, 1), checkNewAnswer(),
    addData(input2, 1), checkNewAnswer([1, 10, 2, 3]), assertNumStateRows({ total: 2, updated: 2, droppedByWatermark: 0, removed: 0 }),
    addData(input1, 25), checkNewAnswer(), // watermark 15: the no-data batch removes both rows of window [0, 10)
    assertNumStateRows({ total: 1, updated: 1, droppedByWatermark: 0, removed: 2 }),
    addData(input2, 25), checkNewAnswer([25, 30, 50, 75]), assertNumStateRows({ total: 2, updated: 1, droppedByWatermark: 0, removed: 0 }));
});

/** Spark's `testForLeftOuterJoinKeyNullability`: windows of 10 s, `leftKey1 <=> rightKey1`, left outer. */
function leftOuterNullSafe(left: MemoryInput, right: MemoryInput): StreamFrame {
  const df1 = left.frame.pipe(
    selectExpr('_1 AS leftKey1', '_2 AS leftKey2', 'timestamp_seconds(_2) AS leftTime', '_2 * 2 AS leftValue'),
    withWatermark('leftTime', '10 seconds'),
    selectExpr('leftKey1', 'leftKey2', "window(leftTime, '10 seconds') AS leftWindow", 'leftValue'),
  );
  const df2 = right.frame.pipe(
    selectExpr('_1 AS rightKey1', '_2 AS rightKey2', 'timestamp_seconds(_2) AS rightTime', '_2 * 3 AS rightValue'),
    withWatermark('rightTime', '10 seconds'),
    selectExpr('rightKey1', 'rightKey2', "window(rightTime, '10 seconds') AS rightWindow", 'rightValue'),
  );
  return df1.pipe(
    join(df2, expr('leftKey1 <=> rightKey1 AND leftKey2 = rightKey2 AND leftWindow = rightWindow'), 'left_outer'),
    selectExpr('leftKey1', 'rightKey1', 'leftKey2', 'rightKey2', 'CAST(leftWindow.end AS BIGINT)', 'leftValue', 'rightValue'),
  );
}

outer.scenario('left-outer: joining non-nullable left join key with nullable right join key', async () => {
  const input1 = memoryInput('_1 INT NOT NULL, _2 INT NOT NULL');
  const input2 = memoryInput('_1 INT, _2 INT NOT NULL');
  await testStream(leftOuterNullSafe(input1, input2), {},
    addData(input1, [1, 1], [1, 2], [1, 3], [1, 4], [1, 5]),
    addData(input2, [1, 3], [1, 4], [1, 5], [1, 6]),
    checkNewAnswer([1, 1, 3, 3, 10, 6, 9], [1, 1, 4, 4, 10, 8, 12], [1, 1, 5, 5, 10, 10, 15]),
    addData(input1, [1, 21]),
    addData(input2, [1, 22]), // watermark 11: the no-data batch emits the unmatched rows with nulls
    checkNewAnswer([1, null, 1, null, 10, 2, null], [1, null, 2, null, 10, 4, null]));
});

outer.scenario('left-outer: joining nullable left join key with non-nullable right join key', async () => {
  const input1 = memoryInput('_1 INT, _2 INT NOT NULL');
  const input2 = memoryInput('_1 INT NOT NULL, _2 INT NOT NULL');
  await testStream(leftOuterNullSafe(input1, input2), {},
    addData(input1, [1, 1], [null, 2], [1, 3], [1, 4], [1, 5]),
    addData(input2, [1, 3], [1, 4], [1, 5], [1, 6]),
    checkNewAnswer([1, 1, 3, 3, 10, 6, 9], [1, 1, 4, 4, 10, 8, 12], [1, 1, 5, 5, 10, 10, 15]),
    addData(input1, [1, 21]),
    addData(input2, [1, 22]),
    checkNewAnswer([1, null, 1, null, 10, 2, null], [null, null, 2, null, 10, 4, null]));
});

outer.scenario('left-outer: joining nullable left join key with nullable right join key', async () => {
  const input1 = memoryInput('_1 INT, _2 INT NOT NULL');
  const input2 = memoryInput('_1 INT, _2 INT NOT NULL');
  await testStream(leftOuterNullSafe(input1, input2), {},
    addData(input1, [1, 1], [null, 2], [1, 3], [null, 4], [1, 5]),
    addData(input2, [1, 3], [null, 4], [1, 5], [1, 6]),
    checkNewAnswer([1, 1, 3, 3, 10, 6, 9], [null, null, 4, 4, 10, 8, 12], [1, 1, 5, 5, 10, 10, 15]),
    addData(input1, [1, 21]),
    addData(input2, [1, 22]),
    checkNewAnswer([1, null, 1, null, 10, 2, null], [null, null, 2, null, 10, 4, null]));
});

outer.scenario('SPARK-26187 self right outer join should not return outer nulls for already matched rows', async () => {
  const input = memoryInput('_1 INT, _2 BIGINT');
  const df = input.frame.pipe(selectExpr('_1 AS value', 'timestamp_seconds(_2) AS timestamp'));
  // left and right flipped from the self left outer join
  const leftStream = df.pipe(where('value % 2 = 0'), selectExpr('value AS leftId', 'timestamp AS leftTime'), withWatermark('leftTime', '5 seconds'));
  const rightStream = df.pipe(selectExpr('value AS rightId', 'timestamp AS rightTime'), withWatermark('rightTime', '5 seconds'));
  const query = leftStream.pipe(
    join(rightStream, expr('leftId = rightId AND leftTime >= rightTime AND leftTime <= rightTime + interval 5 seconds'), 'right_outer'),
    selectExpr('leftId', 'CAST(leftTime AS INT)', 'rightId', 'CAST(rightTime AS INT)'),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(query, {},
    addData(input, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]), checkNewAnswer([2, 2, 2, 2], [4, 4, 4, 4]), assertNumStateRows({ total: 7, updated: 7 }),
    addData(input, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]), checkNewAnswer([6, 6, 6, 6], [8, 8, 8, 8], [10, 10, 10, 10]), assertNumStateRows({ total: 13, updated: 8 }),
    addData(input, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]),
    checkNewAnswer([12, 12, 12, 12], [14, 14, 14, 14], [null, null, 1, 1], [null, null, 3, 3]), assertNumStateRows({ total: 15, updated: 7 }));
});

const events = (name: string) => memoryInput('eventTime TIMESTAMP, id STRING, comment STRING', name);

outer.scenario('SPARK-32148 stream-stream join regression on Spark 3.0.0', async () => {
  const input1 = events('input1');
  const input2 = events('input2');
  const left = input1.frame.pipe(withWatermark('eventTime', '2 minutes'), selectExpr('eventTime AS leftTime', 'id AS leftId', 'comment'));
  const right = input2.frame.pipe(withWatermark('eventTime', '4 minutes'), selectExpr('eventTime AS rightTime', 'id AS rightId', 'comment AS name'));
  const joined = left.pipe(join(right, expr('leftId = rightId AND leftTime BETWEEN rightTime - INTERVAL 30 seconds AND rightTime + INTERVAL 30 seconds'), 'left_outer'));
  await testStream(joined, {},
    multiAddData(
      [input1, [[at('2020-01-01 00:00:00'), 'abc', 'has no join partner'], [at('2020-01-02 00:00:00'), 'abc', 'joined with A'], [at('2020-01-02 01:00:00'), 'abc', 'joined with B']]],
      [input2, [[at('2020-01-02 00:00:10'), 'abc', 'A'], [at('2020-01-02 00:59:59'), 'abc', 'B'], [at('2020-01-02 02:00:00'), 'abc', 'C']]],
    ),
    checkNewAnswer(
      [at('2020-01-01 00:00:00'), 'abc', 'has no join partner', null, null, null],
      [at('2020-01-02 00:00:00'), 'abc', 'joined with A', at('2020-01-02 00:00:10'), 'abc', 'A'],
      [at('2020-01-02 01:00:00'), 'abc', 'joined with B', at('2020-01-02 00:59:59'), 'abc', 'B']));
});

outer.scenario('SPARK-38684: outer join works correctly even if processing input rows and evicting state rows for same grouping key happens in the same micro-batch', async () => {
  const input1 = events('input1');
  const input2 = events('input2');
  const left = input1.frame.pipe(withWatermark('eventTime', '0 second'), selectExpr('eventTime AS leftTime', 'id AS leftId', 'comment AS leftComment'));
  const right = input2.frame.pipe(withWatermark('eventTime', '0 second'), selectExpr('eventTime AS rightTime', 'id AS rightId', 'comment AS rightComment'));
  const joined = left.pipe(join(right, expr('leftId = rightId AND leftTime BETWEEN rightTime - INTERVAL 30 seconds AND rightTime + INTERVAL 30 seconds'), 'left_outer'));
  await testStream(joined, { configure: (w) => w.option('spark.sql.streaming.noDataMicroBatches.enabled', 'false') },
    multiAddData([input1, [[at('2020-01-02 00:00:00'), 'abc', 'left in batch 1']]], [input2, [[at('2020-01-02 00:01:00'), 'abc', 'right in batch 1']]]),
    checkNewAnswer(),
    multiAddData([input1, [[at('2020-01-02 01:00:00'), 'abc', 'left in batch 2']]], [input2, [[at('2020-01-02 01:01:00'), 'abc', 'right in batch 2']]]),
    checkNewAnswer(), // watermark 2020-01-02 00:00:00
    addData(input1, [at('2020-01-02 01:30:00'), 'abc', 'left in batch 3']),
    // watermark 01:00: the left row of batch 1 is evicted unmatched
    checkNewAnswer([at('2020-01-02 00:00:00'), 'abc', 'left in batch 1', null, null, null]),
    // watermark 01:01: "left in batch 2" is evicted in the batch in which "left in batch 3" matches
    addData(input2, [at('2020-01-02 01:30:10'), 'abc', 'match with left in batch 3']),
    checkNewAnswer(
      [at('2020-01-02 01:00:00'), 'abc', 'left in batch 2', null, null, null],
      [at('2020-01-02 01:30:00'), 'abc', 'left in batch 3', at('2020-01-02 01:30:10'), 'abc', 'match with left in batch 3']));
});

outer.scenario("SPARK-29438: ensure UNION doesn't lead stream-stream join to use shifted partition IDs", async () => {
  const construct = () => {
    const input1 = intStream('input1');
    const df1 = input1.frame.pipe(selectExpr('value AS key', 'value AS leftValue', 'value AS rightValue'));
    const l = setupStream('left', 2);
    const r = setupStream('right', 3);
    const joined = l.frame.pipe(join(r.frame.pipe(selectExpr('key AS rightKey', 'rightTime', 'rightValue')), expr('key = rightKey AND leftTime = rightTime'), 'inner'), selectExpr('key', 'leftValue', 'rightValue'));
    return { input1, input2: l.input, input3: r.input, frame: df1.union(joined) };
  };
  const first = construct();
  let checkpoint: import('@sluice/core').CheckpointStore | undefined;
  await testStream(first.frame, {},
    multiAddData([first.input1, [11, 12, 13]], [first.input2, [11, 12, 13, 14, 15]], [first.input3, [13, 14, 15, 16, 17]]),
    checkNewAnswer([11, 11, 11], [12, 12, 12], [13, 13, 13], [13, 26, 39], [14, 28, 42], [15, 30, 45]),
    { kind: 'assert', label: 'keep the checkpoint', body: (c) => { checkpoint = c.checkpoint; } },
    stopStream);
  // The same query, restarted from the checkpoint with fresh sources holding the same offsets.
  const second = construct();
  second.input1.add(11, 12, 13);
  second.input2.add(11, 12, 13, 14, 15);
  second.input3.add(13, 14, 15, 16, 17);
  await testStream(second.frame, { checkpoint: checkpoint!, startManually: true },
    startStream(),
    multiAddData([second.input1, [21, 22, 23]], [second.input2, [21, 22, 23, 24, 25]], [second.input3, [23, 24, 25, 26, 27]]),
    checkNewAnswer([21, 21, 21], [22, 22, 22], [23, 23, 23], [23, 46, 69], [24, 48, 72], [25, 50, 75]));
});

semi.scenario('left semi join with watermark range condition', async () => {
  const { leftInput, rightInput, frame } = setupJoinWithRangeCondition('left_semi');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    addData(leftInput, [1, 5], [3, 5]), checkNewAnswer(), assertNumStateRows({ total: 2, updated: 2 }),
    addData(rightInput, [1, 10], [2, 5]), checkNewAnswer([1, 5]), assertNumStateRows({ total: 4, updated: 2 }),
    addData(rightInput, [1, 9]), checkNewAnswer(), assertNumStateRows({ total: 5, updated: 1 }), // (1, 5) already matched
    // watermark to 20 s; a matched left row is not kept
    addData(leftInput, [1, 7], [1, 30]), checkNewAnswer([1, 7]), assertNumStateRows({ total: 6, updated: 1 }),
    addData(rightInput, [0, 30]), checkNewAnswer(), assertNumStateRows({ total: 2, updated: 1 }));
});

semi.scenario('self left semi join', async () => {
  // Spark pushes `value % 2 = 0` below the join onto the left side too (PushPredicateThroughJoin),
  // so its state holds fewer left rows; the answers do not depend on it.
  const { input, frame } = setupSelfJoin('left_semi');
  await testStream(frame, {},
    addData(input, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]), checkNewAnswer([2, 2], [4, 4]),
    addData(input, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]), checkNewAnswer([6, 6], [8, 8], [10, 10]),
    addData(input, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]), checkNewAnswer([12, 12], [14, 14]));
});

