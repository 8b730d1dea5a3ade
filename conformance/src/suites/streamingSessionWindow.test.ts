import { expect } from 'vitest';
import { col, count, expr, groupBy, isSluiceError, selectExpr, sessionWindow, sum, withColumn, withWatermark, type Column, type SessionWindowSpec, type StreamFrame } from '@sluice/core';
import { memoryInput, intStream, type MemoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { onStore, STATE_STORES } from '../harness/stateStores.ts';
import { lastProgressWithData } from '../harness/stateRows.ts';
import { addData, checkAnswer, checkNewAnswer, execute, startStream, stopStream, testStream, type StreamAction } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingSessionWindowSuite.scala.

/** Spark's `sessionWindowQuery`: lines of words at a time (seconds), each word a session id; 30 s watermark; count per session. */
function sessionWindowQuery(input: MemoryInput, gap: string | Column = '10 seconds', key: SessionWindowSpec | Column = sessionWindow('eventTime', gap).as('session')): StreamFrame {
  return input.frame.pipe(
    selectExpr('_1 AS value', '_2 AS timestamp'),
    withColumn('eventTime', col('timestamp').cast('timestamp')),
    withWatermark('eventTime', '30 seconds'),
    selectExpr("explode(split(value, ' ')) AS sessionId", 'eventTime'),
    groupBy(key, 'sessionId').agg(count().alias('numEvents')),
    selectExpr('sessionId', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)', 'CAST(session.end AS LONG) - CAST(session.start AS LONG) AS durationMs', 'numEvents'),
  );
}

/** Spark's `sessionWindowQueryOnGlobalKey`: a session window and nothing else to group by. */
function globalSessionQuery(input: MemoryInput): StreamFrame {
  return input.frame.pipe(
    withColumn('eventTime', col('value').cast('timestamp')),
    withWatermark('eventTime', '10 seconds'),
    groupBy(sessionWindow('eventTime', '5 seconds').as('session')).agg(count().alias('count'), sum('value').alias('sum')),
  );
}

/** Spark's `assertNumRowsDroppedByWatermark`: the last batch with input rows dropped this many. */
function assertNumRowsDroppedByWatermark(n: number): StreamAction {
  return execute(async ({ query, processAllAvailable }) => {
    await processAllAvailable();
    expect(lastProgressWithData(query.recentProgress)!.stateOperators[0]!.numRowsDroppedByWatermark).toBe(n);
  }, `assertNumRowsDroppedByWatermark(${n})`);
}

const lines = () => memoryInput('_1 STRING, _2 BIGINT');

for (const store of STATE_STORES) {
  const spark = onStore(store, suite(store.name === 'memory' ? 'StreamingSessionWindowSuite' : 'StreamingSessionWindowSuite (RocksDB)'), ['append mode - session window', 'complete mode - session window']);

  spark.scenario('complete mode - session window', async () => {
    const input = lines();
    await testStream(sessionWindowQuery(input), { outputMode: 'complete', configure: store.configure },
      addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
      checkNewAnswer(['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['streaming', 40, 51, 11, 2], ['spark', 40, 50, 10, 1], ['structured', 41, 51, 10, 1]),
      // placing new sessions "before" previous sessions
      addData(input, ['spark streaming', 25]),
      checkNewAnswer(['spark', 25, 35, 10, 1], ['streaming', 25, 35, 10, 1], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['streaming', 40, 51, 11, 2], ['spark', 40, 50, 10, 1], ['structured', 41, 51, 10, 1]),
      // concatenating multiple previous sessions into one
      addData(input, ['spark streaming', 30]),
      checkNewAnswer(['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1]),
      // placing new sessions after previous sessions
      addData(input, ['hello apache spark', 60]),
      checkNewAnswer(
        ['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1],
        ['hello', 60, 70, 10, 1], ['apache', 60, 70, 10, 1], ['spark', 60, 70, 10, 1],
      ),
      addData(input, ['structured streaming', 90]),
      checkNewAnswer(
        ['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1],
        ['hello', 60, 70, 10, 1], ['apache', 60, 70, 10, 1], ['spark', 60, 70, 10, 1], ['structured', 90, 100, 10, 1], ['streaming', 90, 100, 10, 1],
      ));
  });

  spark.scenario('complete mode - session window - multiple col key', async () => {
    const input = lines();
    const frame = input.frame.pipe(
      selectExpr('_1 AS value', '_2 AS timestamp'),
      withColumn('eventTime', col('timestamp').cast('timestamp')),
      withWatermark('eventTime', '30 seconds'),
      selectExpr("explode(split(value, ' ')) AS single", 'eventTime'),
      selectExpr("concat(single, '/', single) AS double", 'single', 'eventTime'),
      groupBy(sessionWindow('eventTime', '10 seconds').as('session'), 'double', 'single').agg(count().alias('numEvents')),
      selectExpr('double', 'single', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)', 'numEvents'),
    );
    await testStream(frame, { outputMode: 'complete', configure: store.configure },
      addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
      checkNewAnswer(['hello/hello', 'hello', 40, 51, 2], ['world/world', 'world', 40, 51, 2], ['streaming/streaming', 'streaming', 40, 51, 2], ['spark/spark', 'spark', 40, 50, 1], ['structured/structured', 'structured', 41, 51, 1]),
      addData(input, ['spark streaming', 30]),
      checkNewAnswer(['hello/hello', 'hello', 40, 51, 2], ['world/world', 'world', 40, 51, 2], ['streaming/streaming', 'streaming', 30, 51, 3], ['spark/spark', 'spark', 30, 50, 2], ['structured/structured', 'structured', 41, 51, 1]));
  });

  for (const mode of ['complete', 'append'] as const) {
    spark.scenario(`${mode} mode - session window - no key`, async () => {
      const input = intStream();
      let error: unknown;
      try {
        await testStream(globalSessionQuery(input), { outputMode: mode, configure: store.configure }, addData(input, 40), checkAnswer());
      } catch (e) {
        error = e;
      }
      expect(isSluiceError(error, 'INVALID_QUERY')).toBe(true);
      for (const m of ['global aggregation with session window', 'not supported']) expect((error as Error).message.toLowerCase()).toContain(m);
    });
  }

  spark.scenario('append mode - session window', async () => {
    const input = lines();
    await testStream(sessionWindowQuery(input), { outputMode: 'append', configure: store.configure },
      addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
      checkNewAnswer(), // watermark 11
      addData(input, ['spark streaming', 25]),
      checkNewAnswer(),
      // a late event: its session would end at 10, before the watermark 11
      addData(input, ['spark streaming', 0]),
      checkNewAnswer(),
      assertNumRowsDroppedByWatermark(2),
      // concatenating multiple previous sessions into one
      addData(input, ['spark streaming', 30]),
      checkNewAnswer(),
      addData(input, ['hello apache spark', 60]), // watermark 30
      checkNewAnswer(),
      addData(input, ['structured streaming', 90]), // watermark 60
      checkNewAnswer(['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1]));
  });

  spark.scenario('append mode - session window as the SQL function session_window(...) in groupBy (not in Spark\'s suite)', async () => {
    // Spark's functions.session_window and the SQL function are one expression; the answer is the scenario above's.
    const input = lines();
    await testStream(sessionWindowQuery(input, '10 seconds', expr("session_window(eventTime, '10 seconds')").as('session')), { outputMode: 'append', configure: store.configure },
      addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]), checkNewAnswer(),
      addData(input, ['spark streaming', 25]), checkNewAnswer(),
      addData(input, ['spark streaming', 0]), checkNewAnswer(), assertNumRowsDroppedByWatermark(2),
      addData(input, ['spark streaming', 30]), checkNewAnswer(),
      addData(input, ['hello apache spark', 60]), checkNewAnswer(),
      addData(input, ['structured streaming', 90]),
      checkNewAnswer(['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1]));
  });

  spark.scenario('SPARK-36465: dynamic gap duration', async () => {
    const input = lines();
    // Spark's UDF: hello → 1 s; structured → 0 s and world → -10 s (left out); otherwise 10 s.
    const withGap = input.frame.pipe(
      selectExpr('_1 AS value', '_2 AS timestamp'),
      withColumn('eventTime', col('timestamp').cast('timestamp')),
      withWatermark('eventTime', '30 seconds'),
      selectExpr("explode(split(value, ' ')) AS sessionId", 'eventTime'),
      selectExpr('sessionId', 'eventTime', "CASE sessionId WHEN 'hello' THEN '1 second' WHEN 'structured' THEN '0 second' WHEN 'world' THEN '-10 seconds' ELSE '10 seconds' END AS gapDuration"),
      groupBy(sessionWindow('eventTime', col('gapDuration')).as('session'), 'sessionId').agg(count().alias('numEvents')),
      selectExpr('sessionId', 'CAST(session.start AS LONG)', 'CAST(session.end AS LONG)', 'CAST(session.end AS LONG) - CAST(session.start AS LONG) AS durationMs', 'numEvents'),
    );
    await testStream(withGap, { outputMode: 'append', configure: store.configure },
      addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
      checkNewAnswer(),
      addData(input, ['spark streaming', 25]),
      checkNewAnswer(),
      addData(input, ['spark streaming', 0]),
      checkNewAnswer(),
      assertNumRowsDroppedByWatermark(2),
      addData(input, ['spark streaming', 30]),
      checkNewAnswer(),
      addData(input, ['hello apache spark', 60]),
      checkNewAnswer(),
      addData(input, ['structured streaming', 90]),
      checkNewAnswer(['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 42, 2, 2]));
  });

  spark.scenario('update mode - session window', async () => {
    const input = lines();
    const error = await testStream(sessionWindowQuery(input), { outputMode: 'update', configure: store.configure }, addData(input, ['hello', 40]), checkAnswer()).catch((e: unknown) => e as Error);
    expect(isSluiceError(error, 'UNSUPPORTED_OUTPUT_MODE')).toBe(true);
    for (const m of ['update output mode', 'not supported', 'for session window']) expect((error as Error).message.toLowerCase()).toContain(m);
  });

  spark.scenario('append mode - session window - restarts keep open sessions', async () => {
    // Not in Spark's suite by this name: Spark's append-mode scenario with a stop and restart between every step.
    const input = lines();
    await testStream(sessionWindowQuery(input), { outputMode: 'append', configure: store.configure },
      addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
      checkNewAnswer(), stopStream, startStream(),
      addData(input, ['spark streaming', 25]), checkNewAnswer(), stopStream, startStream(),
      addData(input, ['spark streaming', 30]), checkNewAnswer(), stopStream, startStream(),
      addData(input, ['hello apache spark', 60]), checkNewAnswer(), stopStream, startStream(),
      addData(input, ['structured streaming', 90]),
      checkNewAnswer(['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1]));
  });
}
