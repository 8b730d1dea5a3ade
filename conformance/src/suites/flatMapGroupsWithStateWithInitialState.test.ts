import { expect } from 'vitest';
import { col, groupByKey, processingTime, select, withWatermark, type GroupState } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, advanceManualClock, checkNewAnswer, expectFailure, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/FlatMapGroupsWithStateWithInitialStateSuite.scala.
// Spark's initial state is a grouped batch Dataset; here it is the list of (key, state) pairs it holds.
const spark = suite('FlatMapGroupsWithStateWithInitialStateSuite');

type RunningCount = { count: number };
const OUT = 'key STRING, values ARRAY<STRING>, count STRING';

/** Spark's flatMapGroupsWithStateFunc: the key, its values and the count, the state counting values. */
function countValues(key: Record<string, unknown>, rows: readonly Record<string, unknown>[], state: GroupState<RunningCount>): Record<string, unknown>[] {
  const name = key['value'] as string;
  if (rows.length === 0) expect(state.exists).toBe(true); // called on the initial state alone
  expect(() => state.getCurrentWatermarkMs()).toThrow();
  expect(state.hasTimedOut).toBe(false);
  const count = (state.getOption()?.count ?? 0) + rows.length;
  if (!name.includes('NoUpdate')) state.update({ count });
  return [{ key: name, values: rows.map((r) => r['value']), count: String(count) }];
}
const initial = (...pairs: [string, number][]) => pairs.map(([key, count]) => ({ key: { value: key }, state: { count } }));

for (const partitions of ['1', '2', '6']) {
  spark.scenario(`flatMapGroupsWithState - initial state - all cases - shuffle partitions ${partitions}`, async () => {
    const input = memoryInput('value STRING');
    const result = input.frame.pipe(
      groupByKey('value').flatMapGroupsWithState<RunningCount>(
        { outputMode: 'update', timeout: 'none', outputSchema: OUT, initialState: initial(['keyInStateAndData-1', 1], ['keyInStateAndData-2', 2], ['keyNoUpdate', 2], ['keyOnlyInState-1', 1]) },
        countValues,
      ),
    );
    const assertNumStateRows = stateRowsChecker();
    await testStream(result, { outputMode: 'update', configure: (w) => w.option('spark.sql.shuffle.partitions', partitions) },
      addData(input, 'keyOnlyInData', 'keyInStateAndData-2'),
      checkNewAnswer(
        ['keyOnlyInState-1', [], '1'],
        ['keyNoUpdate', [], '2'], // not updated by the function, kept
        ['keyInStateAndData-2', ['keyInStateAndData-2'], '3'],
        ['keyInStateAndData-1', [], '1'],
        ['keyOnlyInData', ['keyOnlyInData'], '1']),
      assertNumStateRows({ total: 5, updated: 4 }),
      // a restart does not apply the initial state again
      stopStream, startStream(),
      addData(input, 'keyInStateAndData-1'),
      checkNewAnswer(['keyInStateAndData-1', ['keyInStateAndData-1'], '2']),
      assertNumStateRows({ total: 5, updated: 1 }),
      stopStream);
  });
}

spark.scenario('flatMapGroupsWithState - initial state - case class key', async () => {
  const input = memoryInput('name STRING, id STRING');
  const result = input.frame.pipe(
    groupByKey('name', 'id').flatMapGroupsWithState<number>(
      {
        outputMode: 'update', outputSchema: 'name STRING, id STRING, values ARRAY<STRING>, count STRING',
        initialState: [{ key: { name: 'keyInStateAndData', id: '1' }, state: 1 }, { key: { name: 'keyOnlyInState', id: '1' }, state: 1 }, { key: { name: 'keyNoUpdate', id: '2' }, state: 2 }],
      },
      (key, rows, state) => {
        if (rows.length === 0) expect(state.exists).toBe(true);
        const count = (state.getOption() ?? 0) + rows.length;
        if (!(key['name'] as string).includes('NoUpdate')) state.update(count);
        return [{ name: key['name'], id: key['id'], values: rows.map((r) => r['name']), count: String(count) }];
      },
    ),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(result, { outputMode: 'update' },
    addData(input, ['keyInStateAndData', '1'], ['keyOnlyInData', '1']),
    checkNewAnswer(
      ['keyInStateAndData', '1', ['keyInStateAndData'], '2'],
      ['keyOnlyInState', '1', [], '1'],
      ['keyNoUpdate', '2', [], '2'],
      ['keyOnlyInData', '1', ['keyOnlyInData'], '1']),
    assertNumStateRows({ total: 4, updated: 3 }),
    stopStream, startStream(),
    addData(input, ['keyOnlyInData', '1']),
    checkNewAnswer(['keyOnlyInData', '1', ['keyOnlyInData'], '2']),
    assertNumStateRows({ total: 4, updated: 1 }),
    stopStream);
});

spark.scenario('flatMapGroupsWithState - initial state - duplicate keys', async () => {
  const input = memoryInput('value STRING');
  const result = input.frame.pipe(groupByKey('value').flatMapGroupsWithState<RunningCount>({ outputMode: 'update', outputSchema: OUT, initialState: initial(['a', 2], ['a', 1]) }, countValues));
  await testStream(result, { outputMode: 'update' },
    addData(input, 'a'),
    expectFailure(/The initial state provided contained multiple rows\(state\) with the same key/));
});

spark.scenario('mapGroupsWithState - initial state - null key', async () => {
  const input = memoryInput('value STRING');
  const result = input.frame.pipe(
    groupByKey('value').mapGroupsWithState<RunningCount>({ outputSchema: '_1 STRING, _2 STRING', initialState: [{ key: { value: 'key' }, state: { count: 5 } }, { key: { value: null }, state: { count: 2 } }] }, (key, rows, state) => {
      const count = (state.getOption()?.count ?? 0) + rows.length;
      state.update({ count });
      return { _1: key['value'], _2: String(state.get().count) };
    }),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(result, { outputMode: 'update' },
    addData(input, 'key', null),
    checkNewAnswer(['key', '6'], [null, '3']),
    assertNumStateRows({ total: 2, updated: 2 }),
    stopStream);
});

spark.scenario('flatMapGroupsWithState - initial state - processing time timeout', async () => {
  const input = memoryInput('key STRING, time BIGINT');
  const result = input.frame.pipe(
    select(col('key'), col('time').cast('timestamp').alias('timestamp')),
    withWatermark('timestamp', '10 second'),
    groupByKey('key').flatMapGroupsWithState<RunningCount>({ outputMode: 'update', timeout: 'processingTime', outputSchema: '_1 STRING, _2 STRING', initialState: [{ key: { key: 'c' }, state: { count: 2 } }] }, (key, rows, state) => {
      if (state.hasTimedOut) {
        state.remove();
        return [{ _1: key['key'], _2: '-1' }];
      }
      const count = (state.getOption()?.count ?? 0) + rows.length;
      state.update({ count });
      state.setTimeoutDuration('10 seconds');
      return [{ _1: key['key'], _2: String(count) }];
    }),
  );
  await testStream(result, { outputMode: 'update', startManually: true },
    startStream({ trigger: processingTime('1 second') }),
    addData(input, ['a', 1]),
    advanceManualClock(1000), // a and c are processed for the first time
    checkNewAnswer(['a', '1'], ['c', '2']),
    advanceManualClock(10_000),
    addData(input, ['b', 1]), // a and c time out
    advanceManualClock(1000),
    checkNewAnswer(['a', '-1'], ['b', '1'], ['c', '-1']));
});
