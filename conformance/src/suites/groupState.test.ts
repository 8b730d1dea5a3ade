import { expect } from 'vitest';
import { col, groupByKey, isSluiceError, processingTime, select, withWatermark, type GroupState, type GroupStateTimeout } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, advanceManualClock, checkNewAnswer, expectFailure, startStream, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/FlatMapGroupsWithStateSuite.scala:
// its GroupState and InputProcessor tests. Spark checks a GroupStateImpl built by hand; here the
// same calls run inside a real query's function, and what Spark asserts (values, exceptions, the
// timeout it leaves) is what the function returns or when the engine calls it again.
const spark = suite('FlatMapGroupsWithStateSuite');

const OUT = '_1 STRING, _2 STRING';
const strings = () => memoryInput('value STRING');
/** 'ok' when `body` returns, 'threw' when it throws (Spark's intercept[…]). */
const attempt = (body: () => unknown): string => {
  try {
    body();
    return 'ok';
  } catch {
    return 'threw';
  }
};
/** Spark's testTimeoutDurationNotAllowed calls. */
const durationSetters = (state: GroupState<unknown>) => [attempt(() => state.setTimeoutDuration(1000)), attempt(() => state.setTimeoutDuration('2 second'))];
/** Spark's testTimeoutTimestampNotAllowed calls. */
const timestampSetters = (state: GroupState<unknown>) => [
  attempt(() => state.setTimeoutTimestamp(2000)),
  attempt(() => state.setTimeoutTimestamp(2000, '1 second')),
  attempt(() => state.setTimeoutTimestamp(new Date(2000))),
  attempt(() => state.setTimeoutTimestamp(new Date(2000), '1 second')),
];
const everyTimeoutSetter = (state: GroupState<unknown>) => [...durationSetters(state), ...timestampSetters(state)];
/** A query over (key, seconds) rows with `withWatermark(eventTime, '10 seconds')`. */
const keyedEvents = () => {
  const input = memoryInput('_1 STRING, _2 INT');
  const frame = input.frame.pipe(select(col('_1').alias('key'), col('_2').cast('timestamp').alias('eventTime')), withWatermark('eventTime', '10 seconds'));
  return { input, frame };
};
const onTrigger = { startManually: true } as const;
const everySecond = () => startStream({ trigger: processingTime('1 second') });

spark.scenario('GroupState - get, exists, update, remove', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<string>({ outputMode: 'update', outputSchema: OUT }, (key, _rows, state) => {
      const seen = (): string => `${state.exists}:${attempt(() => state.get())}:${JSON.stringify(state.getOption() ?? null)}`;
      const out: string[] = [seen()];
      if (!state.exists) {
        state.update(''); // updating empty state
        out.push(seen());
        state.update('2');
      } else if (state.get() === '2') {
        state.update('3'); // updating existing state
        out.push(seen());
        state.remove();
        out.push(seen());
        out.push(attempt(() => state.remove())); // still callable
        state.update('4');
        out.push(seen());
        out.push(attempt(() => state.update(null as unknown as string))); // updating by null fails
        out.push(seen());
      }
      return [{ _1: key['value'], _2: out.join(' ') }];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, 'a'), checkNewAnswer(['a', 'false:threw:null true:ok:""']),
    addData(input, 'a'), checkNewAnswer(['a', 'true:ok:"2" true:ok:"3" false:threw:null ok true:ok:"4" threw true:ok:"4"']),
    addData(input, 'a'), checkNewAnswer(['a', 'true:ok:"4"']));
});

spark.scenario('GroupState - setTimeout - with NoTimeout', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'none', outputSchema: OUT }, (key, _rows, state) => {
      const before = state.exists;
      const tries = everyTimeoutSetter(state);
      state.update(5);
      return [{ _1: key['value'], _2: `${before} ${tries.join(',')}` }];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, 'a'), checkNewAnswer(['a', 'false threw,threw,threw,threw,threw,threw']),
    addData(input, 'a'), checkNewAnswer(['a', 'true threw,threw,threw,threw,threw,threw']));
});

spark.scenario('GroupState - setTimeout - with ProcessingTimeTimeout', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'processingTime', outputSchema: OUT }, (key, _rows, state) => {
      const now = state.getCurrentProcessingTimeMs();
      if (state.hasTimedOut) return [{ _1: key['value'], _2: `timed out at ${now}, state ${state.exists}` }];
      const out = [attempt(() => state.setTimeoutDuration('-1 month 31 days 1 second')), attempt(() => state.setTimeoutDuration(500)), ...timestampSetters(state)];
      if (key['value'] === 'b') {
        state.update(5);
        out.push(attempt(() => state.setTimeoutDuration(1000)), attempt(() => state.setTimeoutDuration('2 second')));
        state.remove();
        out.push(attempt(() => state.setTimeoutDuration(500))); // still settable after remove
      }
      return [{ _1: key['value'], _2: `${now} ${out.join(',')}` }];
    }),
  );
  await testStream(result, { outputMode: 'update', ...onTrigger },
    everySecond(),
    addData(input, 'a', 'b'), advanceManualClock(1000),
    checkNewAnswer(['a', '1000 ok,ok,threw,threw,threw,threw'], ['b', '1000 ok,ok,threw,threw,threw,threw,ok,ok,ok']),
    // both timeouts are 1000 + 500 ms: the batch at 2000 calls the function for them, without state
    advanceManualClock(1000), checkNewAnswer(['a', 'timed out at 2000, state false'], ['b', 'timed out at 2000, state false']),
    advanceManualClock(5000), checkNewAnswer());
});

spark.scenario('GroupState - setTimeout - with EventTimeTimeout', async () => {
  const { input, frame } = keyedEvents();
  const result = frame.pipe(
    groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'eventTime', outputSchema: OUT }, (key, _rows, state) => {
      if (state.hasTimedOut) return [{ _1: key['key'], _2: `timed out at watermark ${state.getCurrentWatermarkMs()}, state ${state.exists}` }];
      if (key['key'] !== 'a') return [];
      const out = [...durationSetters(state), attempt(() => state.setTimeoutTimestamp(5000))]; // can be set without state
      state.update(5);
      out.push(attempt(() => state.setTimeoutTimestamp(10000)), attempt(() => state.setTimeoutTimestamp(new Date(20000))), ...durationSetters(state));
      state.remove();
      out.push(attempt(() => state.setTimeoutTimestamp(5000)), ...durationSetters(state)); // can be set after removing state
      return [{ _1: key['key'], _2: out.join(',') }];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, ['a', 1]), checkNewAnswer(['a', 'threw,threw,ok,ok,ok,threw,threw,ok,threw,threw']),
    // watermark 6 s passes a's timeout of 5 s: the function is called for a, whose state was removed
    addData(input, ['b', 16]), checkNewAnswer(['a', 'timed out at watermark 6000, state false']),
    addData(input, ['b', 40]), checkNewAnswer());
});

spark.scenario('GroupState - illegal params to setTimeout', async () => {
  const input = strings();
  const processing = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'processingTime', outputSchema: OUT }, (key, _rows, state) => {
      if (state.hasTimedOut) return [{ _1: key['value'], _2: 'timed out' }];
      if (!state.exists) state.update(5);
      const out = [-1000, 0, '-2 second', '-1 month', '1 month -31 day'].map((d) => attempt(() => state.setTimeoutDuration(d)));
      return [{ _1: key['value'], _2: out.join(',') }];
    }),
  );
  await testStream(processing, { outputMode: 'update', ...onTrigger },
    everySecond(),
    addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', 'threw,threw,threw,threw,threw']),
    // no timeout was set: nothing times out, however long the query waits
    advanceManualClock(60_000), checkNewAnswer());

  const { input: events, frame } = keyedEvents();
  const eventTime = frame.pipe(
    groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'eventTime', outputSchema: OUT }, (key, _rows, state) => {
      if (state.hasTimedOut) return [{ _1: key['key'], _2: 'timed out' }];
      if (!state.exists) state.update(5);
      const out = [
        attempt(() => state.setTimeoutTimestamp(-10000)),
        attempt(() => state.setTimeoutTimestamp(10000, '-3 second')),
        attempt(() => state.setTimeoutTimestamp(10000, '-1 month')),
        attempt(() => state.setTimeoutTimestamp(10000, '1 month -32 day')),
        attempt(() => state.setTimeoutTimestamp(new Date(-10000))),
        attempt(() => state.setTimeoutTimestamp(new Date(-10000), '-3 second')),
        attempt(() => state.setTimeoutTimestamp(new Date(-10000), '-1 month')),
        attempt(() => state.setTimeoutTimestamp(new Date(-10000), '1 month -32 day')),
      ];
      return key['key'] === 'a' ? [{ _1: key['key'], _2: out.join(',') }] : [];
    }),
  );
  await testStream(eventTime, { outputMode: 'update' },
    addData(events, ['a', 1]), checkNewAnswer(['a', 'threw,threw,threw,threw,threw,threw,threw,threw']),
    addData(events, ['b', 100]), checkNewAnswer());
});

spark.scenario('GroupState - hasTimedOut', async () => {
  for (const timeout of ['none', 'processingTime', 'eventTime'] as const satisfies readonly GroupStateTimeout[]) {
    const { input, frame } = keyedEvents();
    const result = frame.pipe(
      groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout, outputSchema: OUT }, (key, rows, state) => {
        if (key['key'] === 'a' && timeout === 'eventTime' && !state.hasTimedOut) state.setTimeoutTimestamp(15_000);
        if (key['key'] === 'a' && timeout === 'processingTime' && !state.hasTimedOut) state.setTimeoutDuration(500);
        return [{ _1: key['key'], _2: `${rows.length} ${state.hasTimedOut}` }];
      }),
    );
    const timedOut = timeout === 'none' ? [] : [['a', '0 true']];
    await testStream(result, { outputMode: 'update', ...onTrigger },
      everySecond(),
      addData(input, ['a', 10]), advanceManualClock(1000), checkNewAnswer(['a', '1 false']),
      // the watermark moves to 20 s and the clock to 2 s: both kinds of timeout are due
      addData(input, ['b', 30]), advanceManualClock(1000), advanceManualClock(1000), checkNewAnswer(['b', '1 false'], ...timedOut));
  }
});

spark.scenario('GroupState - getCurrentWatermarkMs', async () => {
  for (const timeout of ['none', 'eventTime', 'processingTime'] as const) {
    // Without a watermark in the query (an event-time timeout needs one, so it is left out).
    if (timeout !== 'eventTime') {
      const input = strings();
      const result = input.frame.pipe(
        groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout, outputSchema: OUT }, (key, _rows, state) => {
          let message = '';
          try {
            state.getCurrentWatermarkMs();
          } catch (e) {
            message = (e as Error).message;
          }
          return [{ _1: key['value'], _2: String(message.includes('Cannot get event time watermark timestamp without setting watermark')) }];
        }),
      );
      await testStream(result, { outputMode: 'update' }, addData(input, 'a'), checkNewAnswer(['a', 'true']));
    }
    const { input, frame } = keyedEvents();
    const result = frame.pipe(
      groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout, outputSchema: OUT }, (key, _rows, state) => [{ _1: key['key'], _2: String(state.getCurrentWatermarkMs()) }]),
    );
    await testStream(result, { outputMode: 'update' },
      addData(input, ['a', 15]), checkNewAnswer(['a', '0']),
      addData(input, ['a', 20]), checkNewAnswer(['a', '5000']),
      addData(input, ['a', 21]), checkNewAnswer(['a', '10000']));
  }
});

spark.scenario('GroupState - getCurrentProcessingTimeMs', async () => {
  for (const timeout of ['none', 'processingTime'] as const) {
    const input = strings();
    const result = input.frame.pipe(
      groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout, outputSchema: OUT }, (key, _rows, state) => [{ _1: key['value'], _2: String(state.getCurrentProcessingTimeMs()) }]),
    );
    await testStream(result, { outputMode: 'update', ...onTrigger },
      everySecond(),
      addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '1000']),
      addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '2000']));
  }
});

spark.scenario('GroupState - primitive type', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', outputSchema: OUT }, (key, _rows, state) => {
      const out = [attempt(() => state.get()), String(state.getOption() ?? 'none')];
      if (!state.exists) state.update(10);
      else if (state.get() === 10) {
        state.update(0);
        out.push(String(state.get()));
        state.remove();
        out.push(attempt(() => state.get()));
        state.update(0);
      }
      return [{ _1: key['value'], _2: out.join(' ') }];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, 'a'), checkNewAnswer(['a', 'threw none']),
    addData(input, 'a'), checkNewAnswer(['a', 'ok 10 0 threw']),
    addData(input, 'a'), checkNewAnswer(['a', 'ok 0'])); // a state of 0 is a state
});

spark.scenario('flatMapGroupsWithState - streaming + func returns iterator that updates state lazily', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<{ count: number }>({ outputMode: 'update', outputSchema: OUT }, function* (key, rows, state) {
      // the state changes as the engine consumes the returned iterator
      for (let i = 0; i < rows.length; i++) {
        const count = (state.getOption()?.count ?? 0) + 1;
        if (count === 3) {
          state.remove();
        } else {
          state.update({ count });
          yield { _1: key['value'], _2: String(count) };
        }
      }
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, 'a', 'a', 'b'), checkNewAnswer(['a', '1'], ['a', '2'], ['b', '1']),
    { kind: 'stop', label: 'StopStream' }, startStream(),
    addData(input, 'a', 'b'), checkNewAnswer(['b', '2']),
    { kind: 'stop', label: 'StopStream' }, startStream(),
    addData(input, 'a', 'c'), checkNewAnswer(['a', '1'], ['c', '1']));
});

spark.scenario('disallow complete mode', () => {
  const input = strings();
  let error: unknown;
  try {
    input.frame.pipe(groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'complete' as 'update', outputSchema: OUT }, () => []));
  } catch (e) {
    error = e;
  }
  expect(isSluiceError(error, 'INVALID_OPTION')).toBe(true);
  expect((error as Error).message).toContain('The output mode of function should be append or update');
});

for (const timeout of ['NoTimeout', 'ProcessingTimeTimeout']) {
  spark.scenario(`SPARK-20714: watermark does not fail query when timeout = ${timeout}`, async () => {
    const input = memoryInput('key STRING, time BIGINT');
    const result = input.frame.pipe(
      select(col('key'), col('time').cast('timestamp').alias('timestamp')),
      withWatermark('timestamp', '10 second'),
      groupByKey('key').flatMapGroupsWithState<{ count: number }>({ outputMode: 'update', timeout: 'processingTime', outputSchema: OUT }, (key, rows, state) => {
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
    await testStream(result, { outputMode: 'update', ...onTrigger },
      everySecond(), addData(input, ['a', 1]), advanceManualClock(1000), checkNewAnswer(['a', '1']));
  });
}

spark.scenario('StateStore.abort on task failure handling', async () => {
  let failInTask = false;
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').mapGroupsWithState<number>({ outputSchema: '_1 STRING, _2 BIGINT' }, (key, rows, state) => {
      if (failInTask) throw new Error('expected failure');
      const count = (state.getOption() ?? 0) + rows.length;
      state.update(count);
      return { _1: key['value'], _2: count };
    }),
  );
  const setFailInTask = (value: boolean) => ({ kind: 'assert', label: `setFailInTask(${value})`, body: () => { failInTask = value; } }) as const;
  await testStream(result, { outputMode: 'update' },
    setFailInTask(false),
    addData(input, 'a'), checkNewAnswer(['a', 1]),
    addData(input, 'a'), checkNewAnswer(['a', 2]),
    setFailInTask(true),
    addData(input, 'a'), expectFailure(/expected failure/), // the batch fails and its state is not kept
    setFailInTask(false),
    startStream(), checkNewAnswer(['a', 3]));
});

// InputProcessor: what one call leaves behind (state and timeout), seen through the next calls.

spark.scenario('InputProcessor - process new data - ProcessingTimeTimeout - prior state set, prior timeout set - no update', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'processingTime', outputSchema: OUT }, (key, _rows, state) => {
      if (state.hasTimedOut) return [{ _1: key['value'], _2: 'timed out' }];
      if (!state.exists) {
        state.update(0);
        state.setTimeoutDuration(5000);
      }
      return [{ _1: key['value'], _2: `state ${state.get()}` }];
    }),
  );
  await testStream(result, { outputMode: 'update', ...onTrigger },
    everySecond(),
    addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', 'state 0']),
    // new data and no timeout set in this call: the prior timeout (6 s) is gone, the state stays
    addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', 'state 0']),
    advanceManualClock(10_000), checkNewAnswer(),
    addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', 'state 0']));
});

spark.scenario('InputProcessor - process new data - ProcessingTimeTimeout - prior state set, prior timeout set - timeout updated after state removed', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'processingTime', outputSchema: OUT }, (key, _rows, state) => {
      const now = state.getCurrentProcessingTimeMs();
      if (state.hasTimedOut) return [{ _1: key['value'], _2: `timed out at ${now}, state ${state.exists}` }];
      if (!state.exists) {
        state.update(0);
        state.setTimeoutDuration(1000);
      } else {
        state.remove();
        state.setTimeoutDuration(5000);
      }
      return [{ _1: key['value'], _2: `${now}` }];
    }),
  );
  await testStream(result, { outputMode: 'update', ...onTrigger },
    everySecond(),
    addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '1000']),
    addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '2000']),
    // the state is gone but the timeout of 7 s stays: the batch at 8 s calls the function
    advanceManualClock(5000), checkNewAnswer(),
    advanceManualClock(1000), checkNewAnswer(['a', 'timed out at 8000, state false']));
});

spark.scenario('InputProcessor - process new data - EventTimeTimeout - prior state set, no prior timeout - timeout timestamp updated to before watermark', async () => {
  const { input, frame } = keyedEvents();
  const result = frame.pipe(
    groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'eventTime', outputSchema: OUT }, (key, _rows, state) => {
      if (state.hasTimedOut) return [{ _1: key['key'], _2: 'timed out' }];
      state.update(5);
      const tried = attempt(() => state.setTimeoutTimestamp(state.getCurrentWatermarkMs() - 1)); // before the watermark
      return [{ _1: key['key'], _2: `${state.getCurrentWatermarkMs()} ${tried}` }];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, ['a', 15]), checkNewAnswer(['a', '0 threw']),
    addData(input, ['a', 16]), checkNewAnswer(['a', '5000 threw']),
    // no timeout was left: a never times out
    addData(input, ['b', 100]), checkNewAnswer(['b', '6000 threw']),
    addData(input, ['b', 200]), checkNewAnswer(['b', '90000 threw']));
});

spark.scenario('InputProcessor - process timed out state - ProcessingTimeTimeout - should timeout - timeout duration updated', async () => {
  const input = strings();
  const result = input.frame.pipe(
    groupByKey('value').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'processingTime', outputSchema: OUT }, (key, _rows, state) => {
      const now = state.getCurrentProcessingTimeMs();
      if (state.hasTimedOut) {
        state.setTimeoutDuration(2000); // the state stays, the timeout moves
        return [{ _1: key['value'], _2: `timed out at ${now}, state ${state.get()}` }];
      }
      state.update(5);
      state.setTimeoutDuration(500);
      return [{ _1: key['value'], _2: `${now}` }];
    }),
  );
  await testStream(result, { outputMode: 'update', ...onTrigger },
    everySecond(),
    addData(input, 'a'), advanceManualClock(1000), checkNewAnswer(['a', '1000']),
    advanceManualClock(1000), checkNewAnswer(['a', 'timed out at 2000, state 5']),
    advanceManualClock(1000), checkNewAnswer(),
    advanceManualClock(1000), checkNewAnswer(),
    advanceManualClock(1000), checkNewAnswer(['a', 'timed out at 5000, state 5']));
});

spark.scenario('InputProcessor - process timed out state - EventTimeTimeout - should timeout - timeout timestamp updated', async () => {
  const { input, frame } = keyedEvents();
  const result = frame.pipe(
    groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'eventTime', outputSchema: OUT }, (key, _rows, state) => {
      const wm = state.getCurrentWatermarkMs();
      if (state.hasTimedOut) {
        state.setTimeoutTimestamp(wm + 5000);
        return [{ _1: key['key'], _2: `timed out at ${wm}, state ${state.get()}` }];
      }
      if (key['key'] === 'a') {
        state.update(5);
        state.setTimeoutTimestamp(5000);
      }
      return [];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, ['a', 1]), checkNewAnswer(),
    addData(input, ['b', 16]), checkNewAnswer(['a', 'timed out at 6000, state 5']), // timeout moves to 11 s
    addData(input, ['b', 21]), checkNewAnswer(), // watermark 11 s: not past 11 s
    addData(input, ['b', 22]), checkNewAnswer(['a', 'timed out at 12000, state 5']));
});

spark.scenario('InputProcessor - process timed out state - EventTimeTimeout - should timeout - remove state', async () => {
  const { input, frame } = keyedEvents();
  const result = frame.pipe(
    groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'eventTime', outputSchema: OUT }, (key, rows, state) => {
      if (state.hasTimedOut) {
        state.remove();
        return [{ _1: key['key'], _2: 'timed out' }];
      }
      const had = state.exists;
      state.update(5);
      state.setTimeoutTimestamp(Math.max(...rows.map((r) => r['eventTime'] as number)));
      return [{ _1: key['key'], _2: `had state ${had}` }];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, ['a', 10]), checkNewAnswer(['a', 'had state false']),
    addData(input, ['b', 25]), checkNewAnswer(['a', 'timed out'], ['b', 'had state false']),
    addData(input, ['a', 20]), checkNewAnswer(['a', 'had state false'])); // removed: a starts again
});

spark.scenario('InputProcessor - process timed out state - EventTimeTimeout - should not timeout', async () => {
  // A timeout fires only once the watermark is past it (timeout < watermark), not when equal.
  const { input, frame } = keyedEvents();
  const result = frame.pipe(
    groupByKey('key').flatMapGroupsWithState<number>({ outputMode: 'update', timeout: 'eventTime', outputSchema: OUT }, (key, _rows, state) => {
      if (state.hasTimedOut) return [{ _1: key['key'], _2: `timed out at ${state.getCurrentWatermarkMs()}` }];
      if (key['key'] === 'a') {
        state.update(5);
        state.setTimeoutTimestamp(10_000);
      }
      return [];
    }),
  );
  await testStream(result, { outputMode: 'update' },
    addData(input, ['a', 1]), checkNewAnswer(),
    addData(input, ['b', 20]), checkNewAnswer(), // watermark 10 s = the timeout
    addData(input, ['b', 21]), checkNewAnswer(['a', 'timed out at 11000']));
});

spark.scenario("SPARK-29438: ensure UNION doesn't lead (flat)MapGroupsWithState to use shifted partition IDs", async () => {
  const construct = () => {
    const input1 = memoryInput('value STRING', 'input1');
    const input2 = memoryInput('value STRING', 'input2');
    const df1 = input1.frame.pipe(select(col('value').alias('_1'), col('value').alias('_2')));
    const df2 = input2.frame.pipe(
      groupByKey('value').mapGroupsWithState<number>({ outputSchema: OUT }, (key, rows, state) => {
        const count = (state.getOption() ?? 0) + rows.length;
        state.update(count);
        return { _1: key['value'], _2: String(count) };
      }),
    );
    return { input1, input2, frame: df1.union(df2) };
  };
  const first = construct();
  let checkpoint: import('@sluice/core').CheckpointStore | undefined;
  await testStream(first.frame, { outputMode: 'update' },
    { kind: 'add', label: 'MultiAddData', inputs: [[first.input1, ['input1-a']], [first.input2, ['input2-a']]] },
    checkNewAnswer(['input1-a', 'input1-a'], ['input2-a', '1']),
    { kind: 'assert', label: 'keep the checkpoint', body: (c) => { checkpoint = c.checkpoint; } });
  const second = construct();
  second.input1.add('input1-a');
  second.input2.add('input2-a');
  await testStream(second.frame, { outputMode: 'update', checkpoint: checkpoint!, startManually: true },
    startStream(),
    { kind: 'add', label: 'MultiAddData', inputs: [[second.input1, ['input1-a']], [second.input2, ['input2-a', 'input2-b']]] },
    checkNewAnswer(['input1-a', 'input1-a'], ['input2-a', '2'], ['input2-b', '1']));
});
