import { expect } from 'vitest';
import { col, count, groupBy, groupByKey, isSluiceError, processingTime, select, withWatermark, type GroupState } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { onStore, STATE_STORES } from '../harness/stateStores.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, advanceManualClock, checkNewAnswer, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/FlatMapGroupsWithStateSuite.scala.
// Spark's `groupByKey(x => x)` over a MemoryStream[String] is groupByKey('value') here; the
// function's (key, count) tuples are rows of `_1 STRING, _2 STRING`.

type RunningCount = { count: number };
const strings = () => memoryInput('value STRING');
const OUT = '_1 STRING, _2 STRING';

/** Running count up to 2, then the state goes; the count is returned while there is state. */
function countUpToTwo(key: Record<string, unknown>, rows: readonly unknown[], state: GroupState<RunningCount>): Record<string, unknown>[] {
  expect(state.getCurrentProcessingTimeMs()).toBeGreaterThanOrEqual(0);
  expect(() => state.getCurrentWatermarkMs()).toThrow(/without setting watermark/);
  const n = (state.getOption()?.count ?? 0) + rows.length;
  if (n === 3) {
    state.remove();
    return [];
  }
  state.update({ count: n });
  return [{ _1: key['value'], _2: String(n) }];
}

for (const store of STATE_STORES) {
  const spark = onStore(store, suite(store.name === 'memory' ? 'FlatMapGroupsWithStateSuite' : 'FlatMapGroupsWithStateSuite (RocksDB)'), [
    'flatMapGroupsWithState - streaming with processing time timeout',
    'flatMapGroupsWithState - streaming w/ event time timeout + watermark',
  ]);

  spark.scenario('flatMapGroupsWithState - streaming', async () => {
    const input = strings();
    const result = input.frame.pipe(groupByKey('value').flatMapGroupsWithState<RunningCount>({ outputMode: 'update', timeout: 'none', outputSchema: OUT }, countUpToTwo));
    const assertNumStateRows = stateRowsChecker();
    await testStream(result, { outputMode: 'update', configure: store.configure },
      addData(input, 'a'), checkNewAnswer(['a', '1']), assertNumStateRows({ total: 1, updated: 1 }),
      addData(input, 'a', 'b'), checkNewAnswer(['a', '2'], ['b', '1']), assertNumStateRows({ total: 2, updated: 2 }),
      stopStream, startStream(),
      addData(input, 'a', 'b'), // removes the state of a, returns nothing for a
      checkNewAnswer(['b', '2']), assertNumStateRows({ total: 1, updated: 1, removed: 1 }),
      stopStream, startStream(),
      addData(input, 'a', 'c'), // recreates the state of a
      checkNewAnswer(['a', '1'], ['c', '1']), assertNumStateRows({ total: 3, updated: 2 }));
  });

  spark.scenario('flatMapGroupsWithState - streaming + aggregation', async () => {
    const input = strings();
    const result = input.frame.pipe(
      groupByKey('value').flatMapGroupsWithState<RunningCount>({ outputMode: 'append', timeout: 'none', outputSchema: OUT }, (key, rows, state) => {
        const n = (state.getOption()?.count ?? 0) + rows.length;
        if (n === 3) {
          state.remove();
          return [{ _1: key['value'], _2: '-1' }];
        }
        state.update({ count: n });
        return [{ _1: key['value'], _2: String(n) }];
      }),
      groupBy('_1').agg(count().alias('count')),
    );
    await testStream(result, { outputMode: 'complete', configure: store.configure },
      addData(input, 'a'), checkNewAnswer(['a', 1]),
      addData(input, 'a', 'b'), checkNewAnswer(['a', 2], ['b', 1]),
      stopStream, startStream(),
      addData(input, 'a', 'b'), checkNewAnswer(['a', 3], ['b', 2]),
      stopStream, startStream(),
      addData(input, 'a', 'c'), checkNewAnswer(['a', 4], ['b', 2], ['c', 1]));
  });

  spark.scenario('flatMapGroupsWithState - streaming with processing time timeout', async () => {
    const input = strings();
    const result = input.frame.pipe(
      groupByKey('value').flatMapGroupsWithState<RunningCount>({ outputMode: 'update', timeout: 'processingTime', outputSchema: OUT }, (key, rows, state) => {
        if (state.hasTimedOut) {
          state.remove();
          return [{ _1: key['value'], _2: '-1' }];
        }
        const n = (state.getOption()?.count ?? 0) + rows.length;
        state.update({ count: n });
        state.setTimeoutDuration('10 seconds');
        return [{ _1: key['value'], _2: String(n) }];
      }),
    );
    const assertNumStateRows = stateRowsChecker();
    await testStream(result, { outputMode: 'update', configure: store.configure, startManually: true },
      startStream({ trigger: processingTime('1 second') }),
      addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '1']), assertNumStateRows({ total: 1, updated: 1 }),
      addData(input, 'b'), advanceManualClock(1000), checkNewAnswer(['b', '1']), assertNumStateRows({ total: 2, updated: 1 }),
      addData(input, 'b'), advanceManualClock(10_000), checkNewAnswer(['a', '-1'], ['b', '2']), assertNumStateRows({ total: 1, updated: 1, removed: 1 }),
      stopStream, startStream({ trigger: processingTime('1 second') }),
      addData(input, 'c'), advanceManualClock(11_000), checkNewAnswer(['b', '-1'], ['c', '1']), assertNumStateRows({ total: 1, updated: 1, removed: 1 }),
      advanceManualClock(12_000), checkNewAnswer(['c', '-1']), assertNumStateRows({ total: 0, removed: 1 }));
  });

  spark.scenario('flatMapGroupsWithState - streaming w/ event time timeout + watermark', async () => {
    const input = memoryInput('_1 STRING, _2 INT');
    const result = input.frame.pipe(
      select(col('_1').alias('key'), col('_2').cast('timestamp').alias('eventTime')),
      withWatermark('eventTime', '10 seconds'),
      groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'eventTime', outputSchema: '_1 STRING, _2 INT' }, (key, rows, state) => {
        expect(state.getCurrentWatermarkMs()).toBeGreaterThanOrEqual(-1);
        if (state.hasTimedOut) {
          state.remove();
          return [{ _1: key['key'], _2: -1 }];
        }
        const maxEventTimeSec = Math.max(...rows.map((r) => (r['eventTime'] as number) / 1000), state.getOption() ?? 0);
        state.update(maxEventTimeSec);
        state.setTimeoutTimestamp((maxEventTimeSec + 5) * 1000);
        return [{ _1: key['key'], _2: maxEventTimeSec }];
      }),
    );
    await testStream(result, { outputMode: 'update', configure: store.configure },
      addData(input, ['a', 11], ['a', 13], ['a', 15]), checkNewAnswer(['a', 15]), // watermark 5, a times out at 20
      addData(input, ['a', 4]), checkNewAnswer(), // below the watermark: dropped
      addData(input, ['a', 10]), checkNewAnswer(['a', 15]),
      addData(input, ['b', 31]), checkNewAnswer(['a', -1], ['b', 31])); // watermark 21: a times out
  });

  spark.scenario('mapGroupsWithState - streaming', async () => {
    const input = strings();
    const result = input.frame.pipe(
      groupByKey('value').mapGroupsWithState<RunningCount>({ outputSchema: OUT }, (key, rows, state) => {
        const n = (state.getOption()?.count ?? 0) + rows.length;
        if (n === 3) {
          state.remove();
          return { _1: key['value'], _2: '-1' };
        }
        state.update({ count: n });
        return { _1: key['value'], _2: String(n) };
      }),
    );
    const assertNumStateRows = stateRowsChecker();
    await testStream(result, { outputMode: 'update', configure: store.configure },
      addData(input, 'a'), checkNewAnswer(['a', '1']), assertNumStateRows({ total: 1, updated: 1 }),
      addData(input, 'a', 'b'), checkNewAnswer(['a', '2'], ['b', '1']), assertNumStateRows({ total: 2, updated: 2 }),
      stopStream, startStream(),
      addData(input, 'a', 'b'), checkNewAnswer(['a', '-1'], ['b', '2']), assertNumStateRows({ total: 1, updated: 1, removed: 1 }),
      stopStream, startStream(),
      addData(input, 'a', 'c'), checkNewAnswer(['a', '1'], ['c', '1']), assertNumStateRows({ total: 3, updated: 2 }));
  });

  spark.scenario('mapGroupsWithState - append mode is refused', async () => {
    const input = strings();
    const result = input.frame.pipe(groupByKey('value').mapGroupsWithState<RunningCount>({ outputSchema: OUT }, (key) => ({ _1: key['value'], _2: '' })));
    const error = await testStream(result, { outputMode: 'append', configure: store.configure }, addData(input, 'a'), checkNewAnswer()).catch((e: unknown) => e as Error);
    expect(isSluiceError(error, 'UNSUPPORTED_OUTPUT_MODE')).toBe(true);
    expect((error as Error).message).toContain('mapGroupsWithState is not supported with Append output mode');
  });
}
