import { expect } from 'vitest';
import { col, count, expr, first, groupBy, isSluiceError, last, maxBy, minBy, selectExpr, sessionWindow, sum, withColumn, withWatermark } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, checkNewAnswer, testStream } from '../harness/streamTest.ts';

// More of apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingSessionWindowSuite.scala
// (the rest is in streamingSessionWindow.test.ts).
const spark = suite('StreamingSessionWindowSuite');

spark.scenario('dynamic gap duration - multiple col key', async () => {
  const input = memoryInput('_1 STRING, _2 BIGINT');
  // Spark's UDF of (aggKeyDouble, aggKeySingle): hello → 1 s; structured → 0 s and world → -10 s (left out); otherwise 10 s.
  const frame = input.frame.pipe(
    selectExpr('_1 AS value', '_2 AS timestamp'),
    withColumn('eventTime', col('timestamp').cast('timestamp')),
    withWatermark('eventTime', '30 seconds'),
    selectExpr("explode(split(value, ' ')) AS aggKeySingle", 'eventTime'),
    selectExpr('named_struct(\'_1\', aggKeySingle, \'_2\', aggKeySingle) AS aggKeyDouble', 'aggKeySingle', 'eventTime',
      "CASE aggKeySingle WHEN 'hello' THEN '1 second' WHEN 'structured' THEN '0 second' WHEN 'world' THEN '-10 seconds' ELSE '10 seconds' END AS gap"),
    groupBy(sessionWindow('eventTime', col('gap')).as('session'), 'aggKeyDouble', 'aggKeySingle').agg(count().alias('numEvents')),
    selectExpr('aggKeyDouble', 'aggKeySingle', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)', 'CAST(session.end AS LONG) - CAST(session.start AS LONG) AS durationMs', 'numEvents'),
  );
  await testStream(frame, { outputMode: 'append' },
    addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]), checkNewAnswer(),
    addData(input, ['spark streaming', 25]), checkNewAnswer(),
    addData(input, ['spark streaming', 0]), checkNewAnswer(),
    addData(input, ['spark streaming', 30]), checkNewAnswer(),
    addData(input, ['hello apache spark', 60]), checkNewAnswer(),
    addData(input, ['structured streaming', 90]),
    checkNewAnswer([['spark', 'spark'], 'spark', 25, 50, 25, 3], [['streaming', 'streaming'], 'streaming', 25, 51, 26, 4], [['hello', 'hello'], 'hello', 40, 42, 2, 2]));
});

spark.scenario('update mode - session window - no key', async () => {
  const input = intStream();
  const frame = input.frame.pipe(
    withColumn('eventTime', col('value').cast('timestamp')),
    withWatermark('eventTime', '10 seconds'),
    groupBy(sessionWindow('eventTime', '5 seconds').as('session')).agg(count().alias('count'), sum('value').alias('sum')),
  );
  let error: unknown;
  try {
    await testStream(frame, { outputMode: 'update' }, addData(input, 40), checkAnswer());
  } catch (e) {
    error = e;
  }
  expect(isSluiceError(error), String(error)).toBe(true);
  for (const m of ['update output mode', 'not supported', 'for session window']) expect((error as Error).message.toLowerCase()).toContain(m);
});

/** Spark's events of the first/last and more-aggregates tests: `explode(split(value, ' ')) AS sessionId`, 30 s watermark. */
const sessionEvents = (input: ReturnType<typeof memoryInput>) =>
  input.frame.pipe(
    selectExpr('_1 AS value', '_2 AS timestamp'),
    withColumn('eventTime', col('timestamp').cast('timestamp')),
    withColumn('single', col('timestamp')),
    withWatermark('eventTime', '30 seconds'),
    selectExpr("explode(split(value, ' ')) AS sessionId", 'eventTime', 'single'),
  );

spark.scenario('session window with first/last function', async () => {
  const input = memoryInput('_1 STRING, _2 BIGINT');
  const frame = sessionEvents(input).pipe(
    groupBy(sessionWindow('eventTime', '10 seconds').as('session'), 'sessionId').agg(
      first('eventTime').alias('firstTime'), last('eventTime').alias('lastTime'), minBy('eventTime', 'eventTime').alias('minTime'), maxBy('eventTime', 'eventTime').alias('maxTime')),
    selectExpr('sessionId', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)', 'CAST(minTime AS LONG)', 'CAST(maxTime AS LONG)'),
  );
  await testStream(frame, { outputMode: 'append' },
    addData(input, ['a', 41]), addData(input, ['a', 42]), addData(input, ['a', 40]), checkAnswer(),
    addData(input, ['b', 100]), // the watermark moves past the end of the session
    addData(input, ['b', 101]),
    checkAnswer(['a', 40, 52, 40, 42]));
});

spark.scenario('session window with min_by/max_by in SQL (not in Spark\'s suite)', async () => {
  const input = memoryInput('_1 STRING, _2 BIGINT');
  const frame = sessionEvents(input).pipe(
    selectExpr('sessionId', 'eventTime', "CASE WHEN single = 41 THEN 'middle' WHEN single = 40 THEN 'earliest' ELSE 'latest' END AS label", 'IF(single = 42, NULL, single) AS maybe'),
    groupBy(sessionWindow('eventTime', '10 seconds').as('session'), 'sessionId').agg(expr('min_by(label, eventTime)').alias('a'), expr('max_by(label, eventTime)').alias('b'), expr('max_by(label, maybe)').alias('c')),
    selectExpr('sessionId', 'a', 'b', 'c'),
  );
  await testStream(frame, { outputMode: 'append' },
    addData(input, ['a', 41]), addData(input, ['a', 42]), addData(input, ['a', 40]),
    addData(input, ['b', 100]), addData(input, ['b', 101]),
    // a null ordering does not count: max_by over (41, null, 40) is the row of 41
    checkAnswer(['a', 'earliest', 'latest', 'middle']));
});
