import { expect } from 'vitest';
import { expr, isSluiceError, join, selectExpr, withWatermark } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { setupJoinWithRangeCondition, setupSelfJoin, setupStream, setupWindowedJoin, setupWindowedJoinWithCondition } from '../harness/joinSetups.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, checkAnswer, checkNewAnswer, multiAddData, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingJoinSuite.scala
// (StreamingOuterJoinSuite, StreamingFullOuterJoinSuite, StreamingLeftSemiJoinSuite).

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


outer.scenario('left outer early state exclusion on left', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('left_outer', 'left');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3]], [right, [3, 4, 5]]),
    checkNewAnswer([3, 10, 6, '9'], [1, 10, 2, null], [2, 10, 4, null]),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]), checkNewAnswer(),
    addData(right, 20), checkNewAnswer([20, 30, 40, '60']));
});

outer.scenario('left outer early state exclusion on right', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('left_outer', 'right');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [3, 4, 5]], [right, [1, 2, 3]]),
    checkNewAnswer([3, 10, 6, '9']),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]), checkNewAnswer([4, 10, 8, null], [5, 10, 10, null]),
    addData(right, 20), checkNewAnswer([20, 30, 40, '60']));
});

outer.scenario('right outer early state exclusion on left', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('right_outer', 'left');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3]], [right, [3, 4, 5]]),
    checkNewAnswer([3, 10, 6, '9']),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]), checkNewAnswer([4, 10, null, '12'], [5, 10, null, '15']),
    addData(right, 20), checkNewAnswer([20, 30, 40, '60']));
});

outer.scenario('right outer early state exclusion on right', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('right_outer', 'right');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [3, 4, 5]], [right, [1, 2, 3]]),
    checkNewAnswer([3, 10, 6, '9'], [1, 10, null, '3'], [2, 10, null, '6']),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]), checkNewAnswer(),
    addData(right, 20), checkNewAnswer([20, 30, 40, '60']));
});

outer.scenario('windowed right outer join', async () => {
  const { left, right, frame } = setupWindowedJoin('right_outer');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3, 4, 5]], [right, [3, 4, 5, 6, 7]]),
    checkNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]),
    multiAddData([left, [21]], [right, [22]]),
    checkNewAnswer([6, 10, null, 18], [7, 10, null, 21]),
    assertNumStateRows({ total: 2, updated: 12 }),
    addData(left, 22), checkNewAnswer([22, 30, 44, 66]),
    assertNumStateRows({ total: 3, updated: 1 }));
});

for (const [how, outerResult] of [['left_outer', [3, null, 5, null]], ['right_outer', [null, 2, null, 5]]] as const) {
  outer.scenario(`${how.replace('_', ' ')} with watermark range condition`, async () => {
    {
      const { leftInput, rightInput, frame } = setupJoinWithRangeCondition(how);
      const assertNumStateRows = stateRowsChecker();
      await testStream(frame, {},
        addData(leftInput, [1, 5], [3, 5]), checkAnswer(),
        addData(rightInput, [1, 10], [2, 5]), checkNewAnswer([1, 1, 5, 10]),
        addData(rightInput, [1, 11]), checkNewAnswer(),
        assertNumStateRows({ total: 5, updated: 5 }),
        addData(leftInput, [1, 7], [1, 30]), checkNewAnswer([1, 1, 7, 10], [1, 1, 7, 11]),
        assertNumStateRows({ total: 7, updated: 2 }),
        addData(rightInput, [0, 30]), checkNewAnswer(outerResult),
        assertNumStateRows({ total: 2, updated: 1 }));
    }
    for (const bound of ['interval 3 minutes 30 seconds', "interval '3:30' minute to second"]) {
      const { leftInput, rightInput, frame } = setupJoinWithRangeCondition(how, '10 minutes', bound, bound);
      const assertNumStateRows = stateRowsChecker();
      await testStream(frame, {},
        addData(leftInput, [1, 210], [3, 5]), checkAnswer(),
        addData(rightInput, [1, 300], [2, 5]), checkNewAnswer([1, 1, 210, 300]),
        addData(rightInput, [1, 450]), checkNewAnswer(),
        assertNumStateRows({ total: 5, updated: 5 }),
        addData(leftInput, [1, 260], [1, 1800]), checkNewAnswer([1, 1, 260, 300], [1, 1, 260, 450]),
        assertNumStateRows({ total: 7, updated: 2 }),
        addData(rightInput, [0, 1800]), checkNewAnswer(outerResult),
        assertNumStateRows({ total: 2, updated: 1 }));
    }
  });
}

outer.deviation('left outer join with non-key condition violated', async () => {
  const l = setupStream('left', 2);
  const r = setupStream('right', 3);
  const left = l.frame.pipe(selectExpr('key', "window(leftTime, '10 seconds') AS window", 'leftValue'));
  const right = r.frame.pipe(selectExpr('key AS rightKey', "window(rightTime, '10 seconds') AS rightWindow", 'rightValue'));
  const frame = left.pipe(
    join(right, expr('key = rightKey AND window = rightWindow AND leftValue > 10 AND (rightValue < 300 OR rightValue > 1000)'), 'left_outer'),
    selectExpr('key', 'CAST(window.end AS BIGINT)', 'leftValue', 'rightValue'),
  );
  const [leftInput, rightInput] = [l.input, r.input];
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([leftInput, [1, 2, 3]], [rightInput, [1, 2, 3]]),
    checkNewAnswer([1, 10, 2, null], [2, 10, 4, null], [3, 10, 6, null]),
    assertNumStateRows({ total: 3, updated: 3 }),
    multiAddData([leftInput, [20]], [rightInput, [21]]), checkNewAnswer(),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(rightInput, 20), checkNewAnswer([20, 30, 40, 60]),
    assertNumStateRows({ total: 3, updated: 1 }),
    multiAddData([leftInput, [40, 41]], [rightInput, [40, 41]]), checkNewAnswer([40, 50, 80, 120], [41, 50, 82, 123]),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([leftInput, [70]], [rightInput, [71]]), checkNewAnswer(),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(rightInput, 70), checkNewAnswer([70, 80, 140, 210]),
    assertNumStateRows({ total: 3, updated: 1 }),
    multiAddData([leftInput, [101, 102, 103]], [rightInput, [101, 102, 103]]), checkNewAnswer(),
    // Spark: total 6 (its optimizer filters the right rows below withWatermark, so the watermark stays at 61).
    assertNumStateRows({ total: 3, updated: 3 }),
    multiAddData([leftInput, [1000]], [rightInput, [1001]]),
    checkNewAnswer([101, 110, 202, null], [102, 110, 204, null], [103, 110, 206, null]),
    assertNumStateRows({ total: 2, updated: 2 }));
});

outer.scenario('SPARK-26187 self left outer join should not return outer nulls for already matched rows', async () => {
  const { input, frame } = setupSelfJoin('left_outer');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    addData(input, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]), checkNewAnswer([2, 2, 2, 2], [4, 4, 4, 4]),
    assertNumStateRows({ total: 7, updated: 7 }),
    addData(input, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]), checkNewAnswer([6, 6, 6, 6], [8, 8, 8, 8], [10, 10, 10, 10]),
    assertNumStateRows({ total: 13, updated: 8 }),
    addData(input, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]),
    checkNewAnswer([12, 12, 12, 12], [14, 14, 14, 14], [1, 1, null, null], [3, 3, null, null]),
    assertNumStateRows({ total: 15, updated: 7 }));
});

const fullOuter = suite('StreamingFullOuterJoinSuite');

fullOuter.scenario('windowed full outer join', async () => {
  const { left, right, frame } = setupWindowedJoin('full_outer');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3, 4, 5]], [right, [3, 4, 5, 6, 7]]),
    checkNewAnswer([3, 10, 6, 9], [4, 10, 8, 12], [5, 10, 10, 15]),
    assertNumStateRows({ total: 10, updated: 10 }),
    multiAddData([left, [21]], [right, [22]]),
    checkNewAnswer([1, 10, 2, null], [2, 10, 4, null], [6, 10, null, 18], [7, 10, null, 21]),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(left, 22), checkNewAnswer([22, 30, 44, 66]),
    assertNumStateRows({ total: 3, updated: 1 }),
    stopStream, startStream(),
    addData(left, 1), checkNewAnswer(),
    assertNumStateRows({ total: 3, updated: 0, droppedByWatermark: 1 }),
    addData(right, 5), checkNewAnswer(),
    assertNumStateRows({ total: 3, updated: 0, droppedByWatermark: 1 }));
});

fullOuter.scenario('full outer early state exclusion on left', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('full_outer', 'left');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3]], [right, [3, 4, 5]]),
    checkNewAnswer([1, 10, 2, null, null, null], [2, 10, 4, null, null, null], [3, 10, 6, 3, 10, '9']),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]),
    checkNewAnswer([null, null, null, 4, 10, '12'], [null, null, null, 5, 10, '15']),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(right, 20), checkNewAnswer([20, 30, 40, 20, 30, '60']),
    assertNumStateRows({ total: 3, updated: 1 }));
});

fullOuter.scenario('full outer early state exclusion on right', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('full_outer', 'right');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [3, 4, 5]], [right, [1, 2, 3]]),
    checkNewAnswer([null, null, null, 1, 10, '3'], [null, null, null, 2, 10, '6'], [3, 10, 6, 3, 10, '9']),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]),
    checkNewAnswer([4, 10, 8, null, null, null], [5, 10, 10, null, null, null]),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(right, 20), checkNewAnswer([20, 30, 40, 20, 30, '60']),
    assertNumStateRows({ total: 3, updated: 1 }));
});

fullOuter.scenario('full outer join with watermark range condition', async () => {
  const { leftInput, rightInput, frame } = setupJoinWithRangeCondition('full_outer');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    addData(leftInput, [1, 5], [3, 5]), checkNewAnswer(), assertNumStateRows({ total: 2, updated: 2 }),
    addData(rightInput, [1, 10], [2, 5]), checkNewAnswer([1, 1, 5, 10]), assertNumStateRows({ total: 4, updated: 2 }),
    addData(rightInput, [1, 9]), checkNewAnswer([1, 1, 5, 9]), assertNumStateRows({ total: 5, updated: 1 }),
    addData(leftInput, [1, 7], [1, 30]), checkNewAnswer([1, 1, 7, 9], [1, 1, 7, 10]), assertNumStateRows({ total: 7, updated: 2 }),
    addData(rightInput, [0, 30]), checkNewAnswer([3, null, 5, null], [null, 2, null, 5]), assertNumStateRows({ total: 2, updated: 1 }));
});

fullOuter.scenario('self full outer join', async () => {
  const { input, frame } = setupSelfJoin('full_outer');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    addData(input, [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]), checkNewAnswer([2, 2, 2, 2], [4, 4, 4, 4]),
    assertNumStateRows({ total: 7, updated: 7 }),
    addData(input, [6, 6], [7, 7], [8, 8], [9, 9], [10, 10]), checkNewAnswer([6, 6, 6, 6], [8, 8, 8, 8], [10, 10, 10, 10]),
    assertNumStateRows({ total: 13, updated: 8 }),
    addData(input, [11, 11], [12, 12], [13, 13], [14, 14], [15, 15]),
    checkNewAnswer([12, 12, 12, 12], [14, 14, 14, 14], [1, 1, null, null], [3, 3, null, null]),
    assertNumStateRows({ total: 15, updated: 7 }));
});

const semi = suite('StreamingLeftSemiJoinSuite');

semi.scenario('windowed left semi join', async () => {
  const { left, right, frame } = setupWindowedJoin('left_semi');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3, 4, 5]], [right, [3, 4, 5, 6, 7]]),
    checkNewAnswer([3, 10, 6], [4, 10, 8], [5, 10, 10]),
    assertNumStateRows({ total: 10, updated: 10 }),
    multiAddData([left, [21]], [right, [22]]), checkNewAnswer(),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(left, 22), checkNewAnswer([22, 30, 44]),
    assertNumStateRows({ total: 2, updated: 0 }),
    stopStream, startStream(),
    addData(left, 1), checkNewAnswer(),
    assertNumStateRows({ total: 2, updated: 0, droppedByWatermark: 1 }),
    addData(right, 5), checkNewAnswer(),
    assertNumStateRows({ total: 2, updated: 0, droppedByWatermark: 1 }));
});

semi.scenario('left semi early state exclusion on left', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('left_semi', 'left');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [1, 2, 3]], [right, [3, 4, 5]]), checkNewAnswer([3, 10, 6]),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]), checkNewAnswer(),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(right, 20), checkNewAnswer([20, 30, 40]),
    assertNumStateRows({ total: 3, updated: 1 }));
});

semi.scenario('left semi early state exclusion on right', async () => {
  const { left, right, frame } = setupWindowedJoinWithCondition('left_semi', 'right');
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, {},
    multiAddData([left, [3, 4, 5]], [right, [1, 2, 3]]), checkNewAnswer([3, 10, 6]),
    assertNumStateRows({ total: 4, updated: 4 }),
    multiAddData([left, [20]], [right, [21]]), checkNewAnswer(),
    assertNumStateRows({ total: 2, updated: 2 }),
    addData(right, 20), checkNewAnswer([20, 30, 40]),
    assertNumStateRows({ total: 3, updated: 1 }));
});

