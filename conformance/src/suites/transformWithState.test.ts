import { expect } from 'vitest';
import {
  col, groupByKey, processingTime, select, StatefulProcessor, withWatermark, type ListState, type MapState, type TimerValues, type ValueState,
} from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { onStore, STATE_STORES } from '../harness/stateStores.ts';
import { addData, advanceManualClock, assertOnQuery, checkNewAnswer, expectFailure, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/TransformWithStateSuite.scala
// (its processors rewritten against Spark 4's API: expired timers go to handleExpiredTimer).

type Row = Record<string, unknown>;
const OUT = '_1 STRING, _2 STRING';

/** Spark's RunningCountStatefulProcessor: a count per key, up by one per call; at 3 the state goes. */
class RunningCount extends StatefulProcessor {
  protected countState!: ValueState<number>;
  init(): void {
    this.countState = this.getHandle().getValueState<number>('countState');
  }
  handleInputRows(key: Row, _rows: readonly Row[], _timers: TimerValues): Row[] {
    const count = (this.countState.get() ?? 0) + 1;
    if (count === 3) {
      this.countState.clear();
      return [];
    }
    this.countState.update(count);
    return [{ _1: key['value'], _2: String(count) }];
  }
}

/** Spark's RunningCountStatefulProcessorWithProcTimeTimer: keys a and c get a timer 5 s after their first row. */
class RunningCountWithProcTimeTimer extends RunningCount {
  override handleInputRows(key: Row, rows: readonly Row[], timers: TimerValues): Row[] {
    if ((this.countState.get() ?? 0) === 0 && (key['value'] === 'a' || key['value'] === 'c')) this.getHandle().registerTimer(timers.getCurrentProcessingTimeInMs() + 5000);
    return super.handleInputRows(key, rows, timers);
  }
  override handleExpiredTimer(key: Row): Row[] {
    this.countState.clear();
    return [{ _1: key['value'], _2: '-1' }];
  }
}

/** Spark's RunningCountStatefulProcessorWithProcTimeTimerUpdates: a's timer is replaced on its second call. */
class RunningCountWithTimerUpdates extends RunningCount {
  private timerState!: ValueState<number>;
  override init(): void {
    super.init();
    this.timerState = this.getHandle().getValueState<number>('timerState');
  }
  override handleInputRows(key: Row, rows: readonly Row[], timers: TimerValues): Row[] {
    const current = this.countState.get() ?? 0;
    const count = current + rows.length;
    this.countState.update(count);
    if (key['value'] === 'a') {
      if (current === 0) {
        const next = timers.getCurrentProcessingTimeInMs() + 5000;
        this.getHandle().registerTimer(next);
        this.timerState.update(next);
      } else if (current === 1) {
        this.getHandle().deleteTimer(this.timerState.get()!);
        const next = timers.getCurrentProcessingTimeInMs() + 7500;
        this.getHandle().registerTimer(next);
        this.timerState.update(next);
      }
    }
    return [{ _1: key['value'], _2: String(count) }];
  }
  override handleExpiredTimer(key: Row): Row[] {
    this.timerState.clear();
    return [{ _1: key['value'], _2: '-1' }];
  }
}

/** Spark's RunningCountStatefulProcessorWithMultipleTimers: three timers per key; the last one clears the count. */
class RunningCountWithMultipleTimers extends RunningCount {
  override handleInputRows(_key: Row, rows: readonly Row[], timers: TimerValues): Row[] {
    this.countState.update((this.countState.get() ?? 0) + rows.length);
    const handle = this.getHandle();
    if (handle.listTimers().length === 0) {
      for (const d of [5000, 10000, 15000]) handle.registerTimer(timers.getCurrentProcessingTimeInMs() + d);
      expect(handle.listTimers()).toHaveLength(3);
    }
    return [];
  }
  override handleExpiredTimer(key: Row): Row[] {
    const count = this.countState.get() ?? 0;
    if (this.getHandle().listTimers().length === 1) this.countState.clear();
    return [{ _1: key['value'], _2: String(count) }];
  }
}

/** Spark's MaxEventTimeStatefulProcessor: the max event time per key, and a timer 5 s after it. */
class MaxEventTime extends StatefulProcessor {
  private maxEventTime!: ValueState<number>;
  private timer!: ValueState<number>;
  init(): void {
    this.maxEventTime = this.getHandle().getValueState<number>('maxEventTimeState');
    this.timer = this.getHandle().getValueState<number>('timerState');
  }
  handleInputRows(key: Row, rows: readonly Row[]): Row[] {
    const maxSec = Math.max(...rows.map((r) => (r['eventTime'] as number) / 1000), this.maxEventTime.get() ?? 0);
    const timeoutMs = (maxSec + 5) * 1000;
    this.maxEventTime.update(maxSec);
    const registered = this.timer.get() ?? 0;
    if (registered < timeoutMs) {
      this.getHandle().deleteTimer(registered);
      this.getHandle().registerTimer(timeoutMs);
      this.timer.update(timeoutMs);
    }
    return [{ _1: key['key'], _2: maxSec }];
  }
  override handleExpiredTimer(key: Row): Row[] {
    this.maxEventTime.clear();
    return [{ _1: key['key'], _2: -1 }];
  }
}

/** Not a Spark processor: list, map and TTL'd value state side by side. */
class Collections extends StatefulProcessor {
  private seen!: ListState<string>;
  private perValue!: MapState<string, number>;
  private last!: ValueState<{ v: string }>;
  init(): void {
    const handle = this.getHandle();
    this.seen = handle.getListState<string>('seen');
    this.perValue = handle.getMapState<string, number>('perValue');
    this.last = handle.getValueState<{ v: string }>('last', { schema: 'v STRING', ttl: { ttlDuration: '5 seconds' } });
  }
  handleInputRows(key: Row, rows: readonly Row[]): Row[] {
    const previous = this.last.get()?.v ?? '';
    for (const r of rows) {
      const v = r['_2'] as string;
      this.seen.appendValue(v);
      this.perValue.updateValue(v, (this.perValue.getValue(v) ?? 0) + 1);
      this.last.update({ v });
    }
    const counts = this.perValue.iterator().sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}=${n}`).join(',');
    return [{ key: key['_1'], seen: this.seen.get().join(','), counts, previous }];
  }
}

for (const store of STATE_STORES) {
  const spark = onStore(store, suite(store.name === 'memory' ? 'TransformWithStateSuite' : 'TransformWithStateSuite (RocksDB)'), [
    'transformWithState - streaming with rocksdb should succeed',
    'transformWithState - streaming with rocksdb and processing time timer and updating timers should succeed',
  ]);
  const strings = () => memoryInput('value STRING');

  spark.scenario('transformWithState - streaming with rocksdb should succeed', async () => {
    const input = strings();
    const result = input.frame.pipe(groupByKey('value').transformWithState(new RunningCount(), { timeMode: 'none', outputMode: 'update', outputSchema: OUT }));
    await testStream(result, { outputMode: 'update', configure: store.configure },
      addData(input, 'a'), checkNewAnswer(['a', '1']),
      addData(input, 'a', 'b'), checkNewAnswer(['a', '2'], ['b', '1']),
      stopStream, startStream(),
      addData(input, 'a', 'b'), checkNewAnswer(['b', '2']),
      stopStream, startStream(),
      addData(input, 'a', 'c'), checkNewAnswer(['a', '1'], ['c', '1']));
  });

  spark.scenario('transformWithState - streaming with rocksdb and processing time timer should succeed', async () => {
    const input = strings();
    const result = input.frame.pipe(groupByKey('value').transformWithState(new RunningCountWithProcTimeTimer(), { timeMode: 'processingTime', outputMode: 'update', outputSchema: OUT }));
    const trigger = processingTime('1 second');
    await testStream(result, { outputMode: 'update', configure: store.configure, startManually: true },
      startStream({ trigger }),
      addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '1']),
      addData(input, 'b'), advanceManualClock(1000), checkNewAnswer(['b', '1']),
      addData(input, 'b'), advanceManualClock(10_000), checkNewAnswer(['a', '-1'], ['b', '2']),
      stopStream, startStream({ trigger }),
      addData(input, 'b'), addData(input, 'c'), advanceManualClock(1000), checkNewAnswer(['c', '1']), // b reaches 3: its state goes
      addData(input, 'd'), advanceManualClock(10_000), checkNewAnswer(['c', '-1'], ['d', '1']),
      stopStream);
  });

  spark.scenario('transformWithState - streaming with rocksdb and processing time timer and updating timers should succeed', async () => {
    const input = strings();
    const result = input.frame.pipe(groupByKey('value').transformWithState(new RunningCountWithTimerUpdates(), { timeMode: 'processingTime', outputMode: 'update', outputSchema: OUT }));
    const trigger = processingTime('1 second');
    await testStream(result, { outputMode: 'update', configure: store.configure, startManually: true },
      startStream({ trigger }),
      addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '1']), // ts 1 s: timer a → 6 s
      addData(input, 'a'), advanceManualClock(2000), checkNewAnswer(['a', '2']), // ts 3 s: timer a → 10.5 s
      stopStream, startStream({ trigger }),
      // ts 13 s: a's timer fires once (it was replaced, not added to)
      addData(input, 'd'), advanceManualClock(10_000), checkNewAnswer(['a', '-1'], ['d', '1']),
      stopStream);
  });

  spark.scenario('transformWithState - streaming with rocksdb and processing time timer and multiple timers should succeed', async () => {
    const input = strings();
    const result = input.frame.pipe(groupByKey('value').transformWithState(new RunningCountWithMultipleTimers(), { timeMode: 'processingTime', outputMode: 'update', outputSchema: OUT }));
    const trigger = processingTime('1 second');
    await testStream(result, { outputMode: 'update', configure: store.configure, startManually: true },
      startStream({ trigger }),
      addData(input, 'a'), advanceManualClock(1000), // ts 1 s: timers at 6, 11, 16 s
      addData(input, 'a'), advanceManualClock(6000), checkNewAnswer(['a', '2']), // ts 7 s: the first fires
      addData(input, 'a'), advanceManualClock(5000), checkNewAnswer(['a', '3']), // ts 12 s: the second
      stopStream, startStream({ trigger }),
      addData(input, 'a'), advanceManualClock(5000), checkNewAnswer(['a', '4']), // ts 17 s: the third
      stopStream);
  });

  spark.scenario('transformWithState - streaming with rocksdb and event time based timer', async () => {
    const input = memoryInput('_1 STRING, _2 INT');
    const result = input.frame.pipe(
      select(col('_1').alias('key'), col('_2').cast('timestamp').alias('eventTime')),
      withWatermark('eventTime', '10 seconds'),
      groupByKey('key').transformWithState(new MaxEventTime(), { timeMode: 'eventTime', outputMode: 'update', outputSchema: '_1 STRING, _2 INT' }),
    );
    await testStream(result, { outputMode: 'update', configure: store.configure },
      addData(input, ['a', 11], ['a', 13], ['a', 15]), checkNewAnswer(['a', 15]), // watermark 5, a's timer at 20
      addData(input, ['a', 4]), checkNewAnswer(), // below the watermark: dropped
      addData(input, ['a', 10]), checkNewAnswer(['a', 15]),
      addData(input, ['b', 31]), checkNewAnswer(['a', -1], ['b', 31])); // watermark 21: a's timer fires
  });

  spark.scenario('transformWithState - list, map and TTL value state across restarts', async () => {
    const input = memoryInput('_1 STRING, _2 STRING');
    const result = input.frame.pipe(
      groupByKey('_1').transformWithState(new Collections(), { timeMode: 'processingTime', outputMode: 'update', outputSchema: 'key STRING, seen STRING, counts STRING, previous STRING' }),
    );
    const trigger = processingTime('1 second');
    await testStream(result, { outputMode: 'update', configure: store.configure, startManually: true },
      startStream({ trigger }),
      addData(input, ['k', 'x'], ['k', 'y']), advanceManualClock(1000), checkNewAnswer(['k', 'x,y', 'x=1,y=1', '']),
      stopStream, startStream({ trigger }),
      addData(input, ['k', 'x']), advanceManualClock(1000), checkNewAnswer(['k', 'x,y,x', 'x=2,y=1', 'y']),
      // 'last' was written at 2 s with a 5 s TTL: gone by 8 s
      addData(input, ['k', 'z']), advanceManualClock(6000), checkNewAnswer(['k', 'x,y,x,z', 'x=2,y=1,z=1', '']));
  });
}

// Restated from apache/spark TransformWithStateInitialStateSuite.scala: Spark 4's initialState,
// handed to handleInitialState in the query's first batch only.

/** Spark's AccumulateStatefulProcessorWithInitState: a running sum per key, seeded from the initial state. */
class AccumulateWithInitialState extends StatefulProcessor {
  private sum!: ValueState<number>;
  init(): void {
    this.sum = this.getHandle().getValueState<number>('testValueInit');
  }
  override handleInitialState(_key: Row, initial: Row): void {
    this.sum.update(Number(initial['value']));
  }
  handleInputRows(key: Row, rows: readonly Row[]): Row[] {
    const out: Row[] = [];
    for (const row of rows) {
      if (row['action'] === 'getOption') out.push({ key: key['key'], action: row['action'], value: this.sum.get() ?? 0 });
      else if (row['action'] === 'add') this.sum.update((this.sum.get() ?? 0) + Number(row['value']));
      else if (row['action'] === 'remove') this.sum.clear();
    }
    return out;
  }
}

/** Spark's StatefulProcessorWithInitialStateProcTimerClass: a count per key; key "a" keeps a processing-time timer (seeded by the initial state too). */
class CountWithInitialTimer extends StatefulProcessor {
  private count!: ValueState<number>;
  private timer!: ValueState<number>;
  init(): void {
    this.count = this.getHandle().getValueState<number>('countState');
    this.timer = this.getHandle().getValueState<number>('timerState');
  }
  private unexpired(key: Row, current: number, count: number, timers: TimerValues): void {
    this.count.update(count);
    if (key['value'] !== 'a') return;
    if (current === 0) {
      const next = timers.getCurrentProcessingTimeInMs() + 5000;
      this.getHandle().registerTimer(next);
      this.timer.update(next);
    } else if (current === 1) {
      this.getHandle().deleteTimer(this.timer.get()!);
      const next = timers.getCurrentProcessingTimeInMs() + 7500;
      this.getHandle().registerTimer(next);
      this.timer.update(next);
    }
  }
  override handleInitialState(key: Row, _initial: Row, timers: TimerValues): void {
    this.unexpired(key, 0, 1, timers);
  }
  handleInputRows(key: Row, rows: readonly Row[], timers: TimerValues): Row[] {
    const current = this.count.get() ?? 0;
    const count = current + rows.length;
    this.unexpired(key, current, count, timers);
    return [{ _1: key['value'], _2: String(count) }];
  }
  override handleExpiredTimer(key: Row): Row[] {
    this.timer.clear();
    return [{ _1: key['value'], _2: '-1' }];
  }
}

{
  const spark = suite('TransformWithStateInitialStateSuite');
  const actions = () => memoryInput('key STRING, action STRING, value DOUBLE');
  const ACTION_OUT = 'key STRING, action STRING, value DOUBLE';
  // Spark's scenarios give the operator OutputMode.Append() and run the query in update mode; Sluice
  // checks the operator's mode against the query's (as Spark's checker does for flatMapGroupsWithState), so both are update here.

  spark.scenario('transformWithStateWithInitialState - correctness test, processInitialState should only run once', async () => {
    const input = actions();
    const initialState = [{ key: 'init_1', value: 40 }, { key: 'init_2', value: 100 }];
    const result = input.frame.pipe(groupByKey('key').transformWithState(new AccumulateWithInitialState(), { timeMode: 'none', outputMode: 'update', outputSchema: ACTION_OUT, initialState }));
    await testStream(result, { outputMode: 'update' },
      addData(input, ['init_1', 'add', 50]),
      addData(input, ['init_2', 'add', 60]),
      addData(input, ['init_1', 'add', 50]),
      // were the initial state applied more than once, the sums would be reset
      addData(input, ['init_1', 'getOption', -1], ['init_2', 'getOption', -1]),
      checkNewAnswer(['init_2', 'getOption', 160], ['init_1', 'getOption', 140]));
  });

  spark.scenario('transformWithStateWithInitialState - cannot re-initialize state during initial state handling', async () => {
    const input = actions();
    const initialState = [{ key: 'init_1', value: 40 }, { key: 'init_2', value: 100 }, { key: 'init_1', value: 50 }];
    const result = input.frame.pipe(groupByKey('key').transformWithState(new AccumulateWithInitialState(), { timeMode: 'none', outputMode: 'update', outputSchema: ACTION_OUT, initialState }));
    await testStream(result, { outputMode: 'update' },
      addData(input, ['k1', 'add', 50]),
      expectFailure((error) => {
        expect(error.message).toContain('STATEFUL_PROCESSOR_CANNOT_REINITIALIZE_STATE_ON_KEY');
        expect(error.message).toContain('init_1');
      }));
  });

  spark.scenario('transformWithStateWithInitialState - streaming with processing time timer, can emit expired initial state rows when grouping key is not received for new input rows', async () => {
    const input = memoryInput('value STRING');
    const result = input.frame.pipe(groupByKey('value').transformWithState(new CountWithInitialTimer(), { timeMode: 'processingTime', outputMode: 'update', outputSchema: OUT, initialState: [{ value: 'a' }, { value: 'b' }] }));
    const trigger = processingTime('1 second');
    await testStream(result, { outputMode: 'update', startManually: true },
      startStream({ trigger }),
      addData(input, 'c'), advanceManualClock(1000), checkNewAnswer(['c', '1']), // the timers of a (from its initial row) are at 6 000
      addData(input, 'c'), advanceManualClock(6000), checkNewAnswer(['a', '-1'], ['c', '2']), // a expires though it never came
      addData(input, 'a', 'a'), advanceManualClock(1000), checkNewAnswer(['a', '3']), // a's timer now at 15 500
      addData(input, 'b'), advanceManualClock(8000), checkNewAnswer(['a', '-1'], ['b', '2']), // b's initial row counted too
      stopStream);
  });

  spark.scenario('getQueryInfo: the query id (stable across restarts) and the batch id (not in Spark\'s suite)', async () => {
    const seen: { queryId: string; batchId: number }[] = [];
    class Info extends StatefulProcessor {
      init(): void {}
      handleInputRows(key: Row): Row[] {
        const info = this.getHandle().getQueryInfo();
        seen.push({ queryId: info.getQueryId(), batchId: info.getBatchId() });
        return [{ _1: key['value'], _2: String(info.batchId) }];
      }
    }
    const input = memoryInput('value STRING');
    const result = input.frame.pipe(groupByKey('value').transformWithState(new Info(), { timeMode: 'none', outputMode: 'update', outputSchema: OUT }));
    let queryId = '';
    await testStream(result, { outputMode: 'update' },
      addData(input, 'a'), checkNewAnswer(['a', '0']),
      assertOnQuery(({ query }) => void (queryId = query.id)),
      stopStream, startStream(),
      addData(input, 'b'), checkNewAnswer(['b', '1']));
    expect(queryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen).toEqual([{ queryId, batchId: 0 }, { queryId, batchId: 1 }]);
  });
}
