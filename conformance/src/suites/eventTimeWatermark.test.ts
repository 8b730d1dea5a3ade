import { expect } from 'vitest';
import { col, count, FileCheckpointStore, groupBy, isSluiceError, once as onceTrigger, select, sum, withColumn, withWatermark, type StreamingQuery } from '@sluice/core';
import { planSteps } from '@sluice/core/internal';
import { intStream, memoryInput, type MemoryInput } from '../harness/memoryInput.ts';
import { windowedCount, withEventTime } from '../harness/queries.ts';
import { suite } from '../harness/scenario.ts';
import { fixture } from '../fixtures/sparkCheckpoints.ts';
import { hashDirectory, writeFixture } from '../fixtures/fixtureFiles.ts';
import {
  addData, assertOnQuery, awaitTermination, checkAnswer, checkLastBatch, checkNewAnswer, execute, multiAddData, startStream, stopStream, testStream,
  type QueryContext, type StreamAction,
} from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/EventTimeWatermarkSuite.scala.
const spark = suite('EventTimeWatermarkSuite');

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Spark's assertEventStats: the eventTime map of the last progress that had input rows. */
function assertEventStats(min: number, max: number, avg: number, watermark: number): StreamAction {
  return execute(({ query }) => {
    const progress = query.recentProgress.filter((p) => p.numInputRows > 0).at(-1);
    expect(progress?.eventTime).toMatchObject({ min: iso(min), max: iso(max), watermark: iso(watermark) });
    // Spark's test formats the average truncated to whole seconds.
    expect(Math.trunc(Date.parse(progress!.eventTime!['avg']!) / 1000)).toBe(Math.trunc(avg));
  }, 'assertEventStats');
}

function assertNoEventStats(): StreamAction {
  return execute(({ query }) => expect(query.recentProgress.filter((p) => p.numInputRows > 0).at(-1)?.eventTime).toBeUndefined(), 'assertEventStats(empty)');
}

/** Spark's assertNumStateRows: numRowsTotal of the first state operator in the last progress. */
function assertNumStateRows(total: number): StreamAction {
  return execute(async ({ query, processAllAvailable }) => {
    await processAllAvailable();
    expect(query.recentProgress.at(-1)?.stateOperators[0]?.numRowsTotal).toBe(total);
  }, `assertNumStateRows(${total})`);
}

spark.scenario('error on bad column', () => {
  const error = catchError(() => intStream().frame.pipe(withWatermark('badColumn', '1 minute')));
  expect(isSluiceError(error)).toBe(true);
  expect(error.message).toContain('badColumn');
});

spark.scenario('error on wrong type', () => {
  const error = catchError(() => intStream().frame.pipe(withWatermark('value', '1 minute')));
  expect(error.message).toContain('value');
  expect(error.message).toContain('int');
});

spark.scenario('event time and watermark metrics', async () => {
  const input1 = intStream();
  await testStream(windowedCount(input1, null), { outputMode: 'complete' },
    addData(input1, 15), checkAnswer([15, 1]), assertNoEventStats(),
    addData(input1, 10, 12, 14), checkAnswer([10, 3], [15, 1]), assertNoEventStats());

  const input2 = intStream();
  await testStream(windowedCount(input2), {},
    addData(input2, 15), checkAnswer(), assertEventStats(15, 15, 15, 0),
    addData(input2, 10, 12, 14), checkAnswer(), assertEventStats(10, 14, 12, 5),
    addData(input2, 25), checkAnswer([10, 3]), assertEventStats(25, 25, 25, 5));
});

spark.scenario('event time and watermark metrics with Trigger.Once (SPARK-24699)', async () => {
  const input = intStream();
  const once = () => startStream({ trigger: onceTrigger() });
  // Trigger.Once runs one batch per start and never a no-data batch: what a watermark closes
  // is emitted by the next start.
  await testStream(windowedCount(input), {},
    once(), awaitTermination(),
    addData(input, 15), once(), awaitTermination(), checkNewAnswer(), assertEventStats(15, 15, 15, 0),
    addData(input, 10, 12, 14), once(), awaitTermination(), checkNewAnswer(), assertEventStats(10, 14, 12, 5),
    addData(input, 25), once(), awaitTermination(), checkNewAnswer(), assertEventStats(25, 25, 25, 5),
    addData(input, 50), once(), awaitTermination(), checkNewAnswer([10, 3]), assertEventStats(50, 50, 50, 15),
    addData(input, 50), once(), awaitTermination(), checkNewAnswer([15, 1], [25, 1]), assertEventStats(50, 50, 50, 40));
});

spark.deviation('recovery from Spark ver 2.3.1 commit log without commit metadata (SPARK-24699)', async () => {
  // Spark resumes its 2.3.1 checkpoint (its commits carry no watermark: read as 0, the offset log's
  // 5 s wins). Sluice reads those logs the same way but cannot read Spark's state files: it refuses
  // the checkpoint, untouched, instead of counting from empty state (README).
  const input = intStream();
  input.add(15);
  input.add(10, 12, 14);
  const dir = await writeFixture(fixture('checkpoint-version-2.3.1-without-commit-log-metadata'));
  const before = await hashDirectory(dir);
  input.add(25);
  const error = await testStream(windowedCount(input), { startManually: true }, startStream({ trigger: onceTrigger(), checkpoint: new FileCheckpointStore(dir) })).catch((e: unknown) => e as Error);
  expect(isSluiceError(error, 'STATE_FORMAT_UNSUPPORTED'), String(error)).toBe(true);
  expect(error!.message).toContain('state');
  expect(await hashDirectory(dir)).toBe(before);
});

spark.scenario('append mode', async () => {
  const input = intStream();
  await testStream(windowedCount(input), {},
    addData(input, 10, 11, 12, 13, 14, 15), checkNewAnswer(),
    addData(input, 25), checkNewAnswer([10, 5]), assertNumStateRows(2),
    addData(input, 10), checkNewAnswer(), assertNumStateRows(2));
});

spark.scenario('update mode', async () => {
  const input = intStream();
  await testStream(windowedCount(input), { outputMode: 'update' },
    addData(input, 10, 11, 12, 13, 14, 15), checkNewAnswer([10, 5], [15, 1]),
    addData(input, 25), checkNewAnswer([25, 1]), assertNumStateRows(2),
    addData(input, 10, 25), checkNewAnswer([25, 2]), assertNumStateRows(2),
    addData(input, 10), checkNewAnswer(), assertNumStateRows(2));
});

spark.scenario('recovery', async () => {
  const input = intStream();
  await testStream(windowedCount(input), {},
    addData(input, 10, 11, 12, 13, 14, 15), checkAnswer(),
    addData(input, 25), checkAnswer([10, 5]),
    stopStream,
    // Spark's commitLog.purge(latest) removes the commits *before* the latest, and the sink is cleared.
    assertOnQuery(async ({ checkpoint, clearSink }) => {
      const commits = (await checkpoint.list('commits')).map(Number).sort((a, b) => a - b);
      for (const id of commits.slice(0, -1)) await checkpoint.delete(`commits/${id}`);
      clearSink();
    }),
    startStream(),
    addData(input, 10, 27, 30), checkAnswer([15, 1]),
    stopStream, startStream(),
    addData(input, 17), checkAnswer([15, 1]),
    addData(input, 40), checkNewAnswer([25, 2]));
});

spark.scenario('complete mode', async () => {
  const input = intStream();
  await testStream(windowedCount(input), { outputMode: 'complete' },
    addData(input, 10, 11, 12), checkAnswer([10, 3]),
    addData(input, 25), checkAnswer([10, 3], [25, 1]),
    addData(input, 25), checkAnswer([10, 3], [25, 2]),
    addData(input, 10), checkAnswer([10, 4], [25, 2]),
    addData(input, 25), checkAnswer([10, 4], [25, 3]));
});

spark.scenario('group by on raw timestamp', async () => {
  const input = intStream();
  const query = withEventTime(input.frame).pipe(
    withWatermark('eventTime', '10 seconds'),
    groupBy('eventTime').agg(count().alias('count')),
    select(col('eventTime').cast('long'), col('count')),
  );
  await testStream(query, {}, addData(input, 10), checkAnswer(), addData(input, 25), checkAnswer([10, 1]));
});

spark.scenario('delay threshold should not be negative.', () => {
  const frame = intStream().frame;
  for (const delay of ['-1 year', '1 year -13 months', '1 month -40 days', '-10 seconds']) {
    const error = catchError(() => frame.pipe(withWatermark('value', delay)));
    expect(error.message, delay).toContain('should not be negative.');
  }
});

spark.scenario('delay in months and years handled correctly', async () => {
  const nowMs = Date.UTC(2024, 6, 15, 12, 0, 0);
  const input = memoryInput('value BIGINT');
  await testStream(windowedCount(input, '2 years 5 months'), { clockStartMs: nowMs },
    addData(input, BigInt(nowMs / 1000)), checkAnswer(),
    addData(input, BigInt(nowMs / 1000)), checkAnswer(),
    execute(({ query }) => {
      const eventTime = query.recentProgress.filter((p) => p.numInputRows > 0).at(-1)!.eventTime!;
      expect(Date.parse(eventTime['max']!)).toBe(nowMs);
      const watermark = new Date(eventTime['watermark']!);
      const monthsSinceEpoch = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
      expect([29, 30]).toContain(monthsSinceEpoch(new Date(nowMs)) - monthsSinceEpoch(watermark));
    }));
});

spark.scenario('the new watermark should override the old one', () => {
  // Spark 3.5+ refuses a second watermark on one stream unless asked (see the README): the
  // option keeps the old rule, under which the later withWatermark wins.
  const frame = memoryInput('_1 BIGINT, _2 BIGINT').frame.pipe(
    withColumn('first', col('_1').cast('timestamp')),
    withColumn('second', col('_2').cast('timestamp')),
    withWatermark('first', '1 minute'),
  );
  const error = catchError(() => frame.pipe(withWatermark('second', '2 minutes')));
  expect(isSluiceError(error, 'INVALID_QUERY')).toBe(true);
  const both = frame.pipe(withWatermark('second', '2 minutes', { allowMultipleOnSameStream: true }));
  const eventTimeColumns = planSteps(both.node).flatMap((s) => (s.watermark ? [s.watermark.column] : []));
  expect(eventTimeColumns).toEqual(['second']);
});

spark.scenario('watermark with 2 streams', async () => {
  const first = intStream('first');
  const second = intStream('second');
  const firstDf = withEventTime(first.frame).pipe(withWatermark('eventTime', '10 seconds'), select('value'));
  const secondDf = withEventTime(second.frame).pipe(withWatermark('eventTime', '5 seconds'), select('value'));
  const unioned = firstDf.union(secondDf).pipe(groupBy().agg(sum('value')));
  // getWatermarkAfterData: add the data, process it, add a dummy row so a batch runs with the new watermark.
  const after = (firstData: number[], secondData: number[], expected: number): StreamAction =>
    execute(async (ctx) => {
      if (firstData.length) first.add(...firstData);
      if (secondData.length) second.add(...secondData);
      await ctx.processAllAvailable();
      first.add(0);
      await ctx.processAllAvailable();
      expect(batchWatermark(ctx), `after first=${firstData} second=${secondData}`).toBe(expected);
    }, `watermark after (${firstData}) (${secondData})`);
  await testStream(unioned, { outputMode: 'complete' },
    after([11], [], 0), after([], [6], 1000), after([], [8], 1000), after([21], [], 3000),
    after([], [17, 28, 39], 11000), after([31], [], 21000), after([41], [], 31000), after([51], [], 34000),
    after([100], [100], 90000), after([120], [110], 105000), after([130], [125], 120000),
    after([100], [100], 120000), after([140], [100], 120000), after([100], [135], 130000),
    after([200], [190], 185000),
    stopStream, startStream(),
    after([], [], 185000), after([], [200], 185000), after([200], [], 190000));
});

spark.scenario('test no-data flag', async () => {
  for (const flag of [true, false]) {
    const input = intStream();
    await testStream(windowedCount(input), { configure: (w) => w.option('spark.sql.streaming.noDataMicroBatches.enabled', flag) },
      addData(input, 10, 11, 12, 13, 14, 15), checkNewAnswer(),
      addData(input, 25), flag ? checkNewAnswer([10, 5]) : checkNewAnswer());
  }
});

/** Spark's dfWithMultipleWatermarks: two inputs (delays 10 s and 15 s) unioned, cast back to int. */
function twoWatermarks(input1: MemoryInput, input2: MemoryInput) {
  const df1 = withEventTime(input1.frame).pipe(withWatermark('eventTime', '10 seconds'));
  const df2 = withEventTime(input2.frame).pipe(withWatermark('eventTime', '15 seconds'));
  return df1.union(df2).pipe(select(col('eventTime').cast('int')));
}

/** Spark's checkWatermark: add a row to `input`, process, read the last progress's watermark. */
function checkWatermark(input: MemoryInput, seconds: number): StreamAction {
  return execute(async ({ query, processAllAvailable }) => {
    input.add(1);
    await processAllAvailable();
    expect(query.lastProgress?.eventTime?.['watermark']).toBe(iso(seconds));
  }, `checkWatermark(${seconds})`);
}

spark.scenario('MultipleWatermarkPolicy: max', async () => {
  const input1 = intStream();
  const input2 = intStream();
  await testStream(twoWatermarks(input1, input2), { configure: (w) => w.option('multipleWatermarkPolicy', 'max') },
    multiAddData([input1, [20]], [input2, [30]]), checkLastBatch(20, 30), checkWatermark(input1, 15),
    stopStream, startStream(), checkWatermark(input1, 15),
    multiAddData([input1, [120]], [input2, [130]]), checkLastBatch(120, 130), checkWatermark(input1, 115),
    addData(input1, 150), checkLastBatch(150), checkWatermark(input1, 140));
});

spark.scenario('MultipleWatermarkPolicy: min', async () => {
  const input1 = intStream();
  const input2 = intStream();
  await testStream(twoWatermarks(input1, input2), { configure: (w) => w.option('multipleWatermarkPolicy', 'min') },
    multiAddData([input1, [20]], [input2, [30]]), checkLastBatch(20, 30), checkWatermark(input1, 10),
    stopStream, startStream(), checkWatermark(input1, 10),
    multiAddData([input1, [120]], [input2, [130]]), checkLastBatch(120, 130), checkWatermark(input2, 110),
    addData(input2, 150), checkLastBatch(150), checkWatermark(input2, 110));
});

spark.scenario('MultipleWatermarkPolicy: recovery from checkpoints ignores session conf', async () => {
  const input1 = intStream();
  const input2 = intStream();
  let checkpoint: QueryContext['checkpoint'] | undefined;
  await testStream(twoWatermarks(input1, input2), { configure: (w) => w.option('multipleWatermarkPolicy', 'max') },
    multiAddData([input1, [20]], [input2, [30]]), checkLastBatch(20, 30), checkWatermark(input1, 15),
    execute((ctx) => void (checkpoint = ctx.checkpoint)));
  await testStream(twoWatermarks(input1, input2), { checkpoint: checkpoint!, configure: (w) => w.option('multipleWatermarkPolicy', 'min') },
    checkWatermark(input1, 15),
    multiAddData([input1, [120]], [input2, [130]]), checkLastBatch(120, 130), checkWatermark(input1, 115),
    addData(input1, 150), checkLastBatch(150), checkWatermark(input1, 140));
});

spark.scenario('MultipleWatermarkPolicy: recovery from Spark ver 2.3.1 checkpoints ensures min policy', async () => {
  const input1 = intStream();
  const input2 = intStream();
  // The data the fixture's two batches read (Spark's MemoryStream offsets 0 and 1, and 0).
  input1.add(20);
  input2.add(30);
  input1.add(10);
  const checkpoint = new FileCheckpointStore(await writeFixture(fixture('checkpoint-version-2.3.1-for-multi-watermark-policy')));
  await testStream(twoWatermarks(input1, input2), { configure: (w) => w.option('multipleWatermarkPolicy', 'max') },
    startStream({ checkpoint }),
    execute(({ processAllAvailable }) => processAllAvailable()),
    multiAddData([input1, [120]], [input2, [130]]), checkLastBatch(120, 130),
    // 'min' even though the session asks for 'max': a 2.3.1 checkpoint ran with 'min'.
    checkWatermark(input2, 110),
    addData(input2, 150), checkLastBatch(150), checkWatermark(input2, 110));
});

spark.scenario('MultipleWatermarkPolicy: fail on incorrect conf values', async () => {
  for (const value of ['', 'random']) {
    const error = await startWith(value).catch((e: unknown) => e as Error);
    expect(isSluiceError(error, 'INVALID_OPTION'), String(error)).toBe(true);
    expect((error as Error).message.toLowerCase()).toContain("valid values are 'min' and 'max'");
  }
  async function startWith(policy: string): Promise<StreamingQuery> {
    const input1 = intStream();
    let started: StreamingQuery | undefined;
    await testStream(twoWatermarks(input1, intStream()), { startManually: true, configure: (w) => w.option('multipleWatermarkPolicy', policy) },
      startStream(), execute(({ query }) => void (started = query)));
    return started!;
  }
});

function batchWatermark(ctx: QueryContext): number {
  const last = ctx.query.lastProgress?.eventTime?.['watermark'];
  return last === undefined ? Number.NaN : Date.parse(last);
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

// SPARK-35815: every spelling of a delay Spark accepts (conventional, `interval` with quoted
// units, the ANSI `day to second` / `year to month` forms) and the ones it refuses. Months count
// 31 days for a delay. Spark runs it with spark.sql.legacy.interval.enabled true and false: the
// answers are the same, and Sluice has no legacy interval mode, so both read the same way.
for (const legacyIntervalEnabled of ['true', 'false']) {
  spark.scenario(`SPARK-35815: Support ANSI intervals for delay threshold (spark.sql.legacy.interval.enabled=${legacyIntervalEnabled})`, () => {
    const SECOND = 1000;
    const MINUTE = 60 * SECOND;
    const HOUR = 60 * MINUTE;
    const DAY = 24 * HOUR;
    const cases: [string[], number][] = [
      [['3 days', 'Interval 3 day', "inTerval '3' day"], 3 * DAY],
      [[' 5 hours', 'INTERVAL 5 hour', "interval '5' hour"], 5 * HOUR],
      [['\t8 minutes', 'interval 8 minute', "interval '8' minute"], 8 * MINUTE],
      [['10 seconds', 'interval 10 second', "interval '10' second"], 10 * SECOND],
      [['1 years', 'interval 1 year', "interval '1' year"], 12 * 31 * DAY],
      [['1 months', 'interval 1 month', "interval '1' month"], 31 * DAY],
      [['1 day 2 hours 3 minutes 4 seconds', ' interval 1 day 2 hours 3 minutes 4 seconds', "\tinterval '1' day '2' hours '3' minutes '4' seconds", "interval '1 2:3:4' day to second"], DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND],
      [[' 1 year 2 months', 'interval 1 year 2 month', "interval '1' year '2' month", "\tinterval '1-2' year to month"], (12 * 31 + 2 * 31) * DAY],
    ];
    const frame = withEventTime(intStream().frame);
    for (const [spellings, expectedMs] of cases) {
      for (const delay of spellings) {
        const steps = planSteps(frame.pipe(withWatermark('eventTime', delay)).node).flatMap((s) => (s.watermark ? [s.watermark] : []));
        expect(steps, JSON.stringify(delay)).toEqual([{ column: 'eventTime', delayMs: expectedMs }]);
      }
    }
    for (const delay of ['1 foo', 'interva 2 day', "intrval '3' day", 'interval 4 foo', "interval '5' foo", "interval '1 2:3:4' day to hour", "interval '1 2' year to month"]) {
      expect(isSluiceError(catchError(() => frame.pipe(withWatermark('eventTime', delay)))), JSON.stringify(delay)).toBe(true);
    }
  });
}

spark.scenario('SPARK-21565: watermark operator accepts attributes from replacement', async () => {
  // Spark reads (symbol, price, eventTime) rows from JSON files and groups by symbol and
  // eventTime under a watermark; the point is that the plan is accepted and runs.
  const input = memoryInput('symbol STRING, price DOUBLE, eventTime TIMESTAMP');
  const groupEvents = input.frame.pipe(
    withWatermark('eventTime', '2 seconds'),
    groupBy('symbol', 'eventTime').agg(count('price').alias('count')),
    select(col('symbol'), col('eventTime'), col('count')),
  );
  await testStream(groupEvents, {}, addData(input, ['a', 100.0, 100]), checkAnswer());
});
