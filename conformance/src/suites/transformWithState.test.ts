import { expect } from 'vitest';
import {
  col, groupByKey, processingTime, select, StatefulProcessor, withWatermark, type ListState, type MapState, type TimerValues, type ValueState,
} from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { onStore, STATE_STORES } from '../harness/stateStores.ts';
import { addData, advanceManualClock, checkNewAnswer, startStream, stopStream, testStream } from '../harness/streamTest.ts';

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
