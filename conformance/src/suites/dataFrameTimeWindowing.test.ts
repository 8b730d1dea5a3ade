import { expect } from 'vitest';
import { col, count, groupBy, isSluiceError, select, selectExpr, sum, window, type StreamFrame } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/DataFrameTimeWindowingSuite.scala.
// Spark runs these on batch DataFrames; here the same rows arrive as one micro-batch of a memory
// stream, aggregations answer in complete mode and projections in append mode. Times are UTC
// (Spark's tests cast the window bounds to strings in the session time zone); answers hold epoch ms.
const spark = suite('DataFrameTimeWindowingSuite');

const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const events = () => memoryInput('time TIMESTAMP, value INT, id STRING');
/** Spark's three rows used by most tests of the suite. */
const threeRows = (day = '2016-03-27'): unknown[][] => [[at(`${day} 19:39:34`), 1, 'a'], [at(`${day} 19:39:56`), 2, 'a'], [at(`${day} 19:39:27`), 4, 'b']];
const countsByWindow = (frame: StreamFrame, spec: ReturnType<typeof window>, ...keys: string[]) =>
  frame.pipe(groupBy(spec, ...keys).agg(count().alias('counts')), select(col('window.start'), col('window.end'), col('counts')));

spark.scenario('simple tumbling window with record at window start', async () => {
  const input = events();
  await testStream(countsByWindow(input.frame, window('time', '10 seconds')), { outputMode: 'complete' },
    addData(input, [at('2016-03-27 19:39:30'), 1, 'a']),
    checkAnswer([at('2016-03-27 19:39:30'), at('2016-03-27 19:39:40'), 1]));
});

spark.scenario('SPARK-21590: tumbling window using negative start time', async () => {
  const input = events();
  await testStream(countsByWindow(input.frame, window('time', '10 seconds', '10 seconds', '-5 seconds')), { outputMode: 'complete' },
    addData(input, [at('2016-03-27 19:39:30'), 1, 'a'], [at('2016-03-27 19:39:25'), 2, 'a']),
    checkAnswer([at('2016-03-27 19:39:25'), at('2016-03-27 19:39:35'), 2]));
});

spark.scenario('tumbling window groupBy statement', async () => {
  const input = events();
  await testStream(countsByWindow(input.frame, window('time', '10 seconds')), { outputMode: 'complete' },
    addData(input, ...threeRows()),
    checkAnswer(
      [at('2016-03-27 19:39:20'), at('2016-03-27 19:39:30'), 1],
      [at('2016-03-27 19:39:30'), at('2016-03-27 19:39:40'), 1],
      [at('2016-03-27 19:39:50'), at('2016-03-27 19:40:00'), 1]));
});

spark.scenario('tumbling window groupBy statement with startTime', async () => {
  const input = events();
  await testStream(countsByWindow(input.frame, window('time', '10 seconds', '10 seconds', '5 seconds'), 'id'), { outputMode: 'complete' },
    addData(input, ...threeRows()),
    // 19:39:27 → [19:39:25, 19:39:35) b; 19:39:34 → the same window, a; 19:39:56 → [19:39:55, 19:40:05) a
    checkAnswer(
      [at('2016-03-27 19:39:25'), at('2016-03-27 19:39:35'), 1],
      [at('2016-03-27 19:39:25'), at('2016-03-27 19:39:35'), 1],
      [at('2016-03-27 19:39:55'), at('2016-03-27 19:40:05'), 1]));
});

spark.scenario('SPARK-21590: tumbling window groupBy statement with negative startTime', async () => {
  const input = events();
  await testStream(countsByWindow(input.frame, window('time', '10 seconds', '10 seconds', '-5 seconds'), 'id'), { outputMode: 'complete' },
    addData(input, ...threeRows()),
    checkAnswer(
      [at('2016-03-27 19:39:25'), at('2016-03-27 19:39:35'), 1],
      [at('2016-03-27 19:39:25'), at('2016-03-27 19:39:35'), 1],
      [at('2016-03-27 19:39:55'), at('2016-03-27 19:40:05'), 1]));
});

spark.scenario('tumbling window with multi-column projection', async () => {
  const input = events();
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds') AS window", 'value'), selectExpr('window.start', 'window.end', 'value')), {},
    addData(input, ...threeRows()),
    checkAnswer(
      [at('2016-03-27 19:39:20'), at('2016-03-27 19:39:30'), 4],
      [at('2016-03-27 19:39:30'), at('2016-03-27 19:39:40'), 1],
      [at('2016-03-27 19:39:50'), at('2016-03-27 19:40:00'), 2]));
});

spark.scenario('sliding window grouping', async () => {
  const input = events();
  await testStream(countsByWindow(input.frame, window('time', '10 seconds', '3 seconds', '0 second')), { outputMode: 'complete' },
    addData(input, ...threeRows()),
    // 19:39:27 falls in 4 windows, 19:39:34 and 19:39:56 in 3 each
    checkAnswer(
      [at('2016-03-27 19:39:18'), at('2016-03-27 19:39:28'), 1],
      [at('2016-03-27 19:39:21'), at('2016-03-27 19:39:31'), 1],
      [at('2016-03-27 19:39:24'), at('2016-03-27 19:39:34'), 1],
      [at('2016-03-27 19:39:27'), at('2016-03-27 19:39:37'), 2],
      [at('2016-03-27 19:39:30'), at('2016-03-27 19:39:40'), 1],
      [at('2016-03-27 19:39:33'), at('2016-03-27 19:39:43'), 1],
      [at('2016-03-27 19:39:48'), at('2016-03-27 19:39:58'), 1],
      [at('2016-03-27 19:39:51'), at('2016-03-27 19:40:01'), 1],
      [at('2016-03-27 19:39:54'), at('2016-03-27 19:40:04'), 1]));
});

spark.scenario('sliding window projection', async () => {
  const input = events();
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds', '3 seconds', '0 second') AS window", 'value'), selectExpr('value')), {},
    addData(input, ...threeRows()),
    checkAnswer(4, 4, 4, 4, 1, 1, 1, 2, 2, 2));
});

spark.scenario('null timestamps', async () => {
  const input = memoryInput('time TIMESTAMP, value INT');
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds') AS window", 'value'), selectExpr('value')), {},
    addData(input, [at('2016-03-27 09:00:05'), 1], [at('2016-03-27 09:00:32'), 2], [null, 3], [null, 4]),
    checkAnswer(1, 2)); // rows with a null time have no window and are dropped
});

spark.scenario('null timestamps (in a windowed aggregation)', async () => {
  const input = memoryInput('time TIMESTAMP, value INT');
  await testStream(input.frame.pipe(groupBy(window('time', '10 seconds')).agg(sum('value').alias('total')), select(col('window.start'), col('total'))), { outputMode: 'complete' },
    addData(input, [at('2016-03-27 09:00:05'), 1], [at('2016-03-27 09:00:32'), 2], [null, 3], [null, 4]),
    checkAnswer([at('2016-03-27 09:00:00'), 1], [at('2016-03-27 09:00:30'), 2]));
});

spark.scenario('negative timestamps', async () => {
  const input = memoryInput('time TIMESTAMP, value INT');
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds', '10 seconds', '5 seconds') AS window", 'value'), selectExpr('window.start', 'window.end', 'value')), {},
    addData(input, [at('1970-01-01 00:00:02'), 1], [at('1970-01-01 00:00:12'), 2]),
    checkAnswer([at('1969-12-31 23:59:55'), at('1970-01-01 00:00:05'), 1], [at('1970-01-01 00:00:05'), at('1970-01-01 00:00:15'), 2]));
});

spark.scenario('negative timestamps (windowed aggregation)', async () => {
  const input = memoryInput('time TIMESTAMP, value INT');
  await testStream(input.frame.pipe(groupBy(window('time', '10 seconds', '10 seconds', '5 seconds')).agg(sum('value').alias('v')), select(col('window.start'), col('window.end'), col('v'))), { outputMode: 'complete' },
    addData(input, [at('1970-01-01 00:00:02'), 1], [at('1970-01-01 00:00:12'), 2], [at('1969-12-31 23:59:50'), 4]),
    checkAnswer([at('1969-12-31 23:59:45'), at('1969-12-31 23:59:55'), 4], [at('1969-12-31 23:59:55'), at('1970-01-01 00:00:05'), 1], [at('1970-01-01 00:00:05'), at('1970-01-01 00:00:15'), 2]));
});

spark.scenario('aliased windows', async () => {
  const input = events();
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds') AS time_window", 'value'), selectExpr('time_window.start', 'value')), {},
    addData(input, [at('2016-03-27 19:39:34'), 1, 'a'], [at('2016-03-27 19:39:56'), 2, 'a']),
    checkAnswer([at('2016-03-27 19:39:30'), 1], [at('2016-03-27 19:39:50'), 2]));
});

spark.scenario('millisecond precision sliding windows', async () => {
  const input = memoryInput('time TIMESTAMP, value INT');
  await testStream(countsByWindow(input.frame, window('time', '200 milliseconds', '40 milliseconds', '0 milliseconds')), { outputMode: 'complete' },
    addData(input, [at('2016-03-27 09:00:00.410'), 3], [at('2016-03-27 09:00:00.620'), 6], [at('2016-03-27 09:00:00.715'), 8]),
    checkAnswer(
      ...[
        ['00.240', '00.440', 1], ['00.280', '00.480', 1], ['00.320', '00.520', 1], ['00.360', '00.560', 1], ['00.400', '00.600', 1], ['00.440', '00.640', 1],
        ['00.480', '00.680', 1], ['00.520', '00.720', 2], ['00.560', '00.760', 2], ['00.600', '00.800', 2], ['00.640', '00.840', 1], ['00.680', '00.880', 1],
      ].map(([s, e, n]) => [at(`2016-03-27 09:00:${s as string}`), at(`2016-03-27 09:00:${e as string}`), n])));
});


spark.scenario('time window in SQL with single string expression', async () => {
  const input = memoryInput('time TIMESTAMP, value INT');
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds')", 'value'), selectExpr('window.start', 'window.end', 'value')), {},
    addData(input, [at('2016-03-27 19:39:34'), 1], [at('2016-03-27 19:39:56'), 2], [at('2016-03-27 19:39:27'), 4]),
    checkAnswer(
      [at('2016-03-27 19:39:20'), at('2016-03-27 19:39:30'), 4],
      [at('2016-03-27 19:39:30'), at('2016-03-27 19:39:40'), 1],
      [at('2016-03-27 19:39:50'), at('2016-03-27 19:40:00'), 2]));
});

spark.scenario('time window in SQL with two expressions', async () => {
  // the slide as a number is microseconds: 10000000 = 10 seconds
  const input = memoryInput('time TIMESTAMP, value INT');
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds', 10000000)", 'value'), selectExpr('window.start', 'window.end', 'value')), {},
    addData(input, [at('2016-03-27 19:39:34'), 1], [at('2016-03-27 19:39:56'), 2], [at('2016-03-27 19:39:27'), 4]),
    checkAnswer(
      [at('2016-03-27 19:39:20'), at('2016-03-27 19:39:30'), 4],
      [at('2016-03-27 19:39:30'), at('2016-03-27 19:39:40'), 1],
      [at('2016-03-27 19:39:50'), at('2016-03-27 19:40:00'), 2]));
});

for (const [name, start] of [['time window in SQL with three expressions', '5 seconds'], ['SPARK-21590: time window in SQL with three expressions including negative start time', '-5 seconds']] as const) {
  spark.scenario(name, async () => {
    const input = memoryInput('time TIMESTAMP, value INT');
    await testStream(input.frame.pipe(selectExpr(`window(time, '10 seconds', 10000000, '${start}')`, 'value'), selectExpr('window.start', 'window.end', 'value')), {},
      addData(input, [at('2016-03-27 19:39:34'), 1], [at('2016-03-27 19:39:56'), 2], [at('2016-03-27 19:39:27'), 4]),
      checkAnswer(
        [at('2016-03-27 19:39:25'), at('2016-03-27 19:39:35'), 1],
        [at('2016-03-27 19:39:25'), at('2016-03-27 19:39:35'), 4],
        [at('2016-03-27 19:39:55'), at('2016-03-27 19:40:05'), 2]));
  });
}

spark.scenario('No need to filter windows when windowDuration is multiple of slideDuration', async () => {
  // The answer of Spark's query (the suite checks the plan has no range filter): each row in 3 windows.
  const input = events();
  await testStream(input.frame.pipe(selectExpr("window(time, '9 seconds', '3 seconds', '0 second') AS window", 'value'), selectExpr('window.start', 'value')), {},
    addData(input, ...threeRows('2022-02-15')),
    checkAnswer(
      [at('2022-02-15 19:39:21'), 4], [at('2022-02-15 19:39:24'), 4], [at('2022-02-15 19:39:27'), 4],
      [at('2022-02-15 19:39:27'), 1], [at('2022-02-15 19:39:30'), 1], [at('2022-02-15 19:39:33'), 1],
      [at('2022-02-15 19:39:48'), 2], [at('2022-02-15 19:39:51'), 2], [at('2022-02-15 19:39:54'), 2]));
});

spark.scenario('multiple time windows in a single operator throws nice exception', () => {
  const input = memoryInput('time TIMESTAMP, value INT');
  let error: unknown;
  try {
    input.frame.pipe(selectExpr("window(time, '10 second')", "window(time, '15 second')"));
  } catch (e) {
    error = e;
  }
  expect(isSluiceError(error)).toBe(true);
  expect((error as Error).message).toContain('Multiple time/session window expressions would result in a cartesian product');
});

spark.scenario('windowing combined with explode expression', async () => {
  const input = memoryInput('time TIMESTAMP, value INT, ids ARRAY<STRING>');
  await testStream(input.frame.pipe(selectExpr("window(time, '10 seconds')", 'value', 'explode(ids)'), selectExpr('value')), {},
    addData(input, [at('2016-03-27 19:39:34'), 1, ['a', 'b']], [at('2016-03-27 19:39:56'), 2, ['a', 'c', 'd']]),
    // the first window explodes to two rows (a, b), the second to three
    checkAnswer(1, 1, 2, 2, 2));
});
