import { expect, it } from 'vitest';
import { BatchFrame, col, dropTempView, tableFromRows, toSchema, count, groupBy, isSluiceError, memoryCheckpoint, selectExpr, sql, StreamFrame, withColumn, withWatermark, type StreamingQuery } from '@sluice/core';
import { registerTableView } from '@sluice/core/connector';
import { dropMemoryTable, memorySink, noopSink } from '@sluice/sinks';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { withEventTime } from '../harness/queries.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, checkLastBatch, checkNewAnswer, execute, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// SQL over streams and memory tables, restated from Spark's suites that run spark.sql on
// streaming temp views and memory-sink tables (StreamSuite, MemorySinkSuite,
// EventTimeWatermarkSuite, StreamingAggregationSuite), with Spark's answers.

function streamOf(frame: StreamFrame | BatchFrame): StreamFrame {
  if (!frame.isStreaming) throw new Error('expected sql() over a stream to give a StreamFrame');
  return frame;
}

/** The error a stream gets when it is started in `mode` (Spark's checks run before any batch). */
function refusal(frame: StreamFrame, mode: 'append' | 'update' | 'complete'): Error | undefined {
  try {
    frame.writeStream().sink(noopSink()).outputMode(mode).validate();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

function batchOf(frame: StreamFrame | BatchFrame): BatchFrame {
  if (frame.isStreaming) throw new Error('expected sql() over a memory table to give a BatchFrame');
  return frame;
}

const streamSuite = suite('StreamSuite');

streamSuite.scenario('sql queries', async () => {
  // MemoryStream[Int] as temp view "stream"; sql("SELECT * FROM stream WHERE value % 2 = 0").
  const input = intStream();
  input.frame.createOrReplaceTempView('stream');
  const evens = streamOf(sql('select * from stream where value % 2 = 0'));
  await testStream(evens, {}, addData(input, 1, 2, 3, 4), checkAnswer(2, 4));
});

const memorySinkSuite = suite('MemorySinkSuite');

for (const [mode, label] of [['append', 'Append'], ['update', 'Update']] as const) {
  memorySinkSuite.scenario(`registering as a table in ${label} output mode (read with spark.sql)`, async () => {
    const input = intStream();
    const table = `memstream_sql_${mode}`;
    await testStream(input.frame, { outputMode: mode, sink: memorySink({ tableName: table }) },
      addData(input, 1, 2, 3), execute(async ({ processAllAvailable }) => {
        await processAllAvailable();
        expect((await batchOf(sql(`SELECT * FROM ${table}`)).collect()).map((r) => r['value'])).toEqual([1, 2, 3]);
      }),
      addData(input, 4, 5, 6), execute(async ({ processAllAvailable }) => {
        await processAllAvailable();
        expect((await batchOf(sql(`SELECT * FROM ${table}`)).collect()).map((r) => r['value'])).toEqual([1, 2, 3, 4, 5, 6]);
      }));
    dropMemoryTable(table);
  });
}

memorySinkSuite.scenario('registering as a table in Complete output mode (read with spark.sql)', async () => {
  const input = intStream();
  const counts = input.frame.pipe(groupBy('value').agg(count()));
  const rows = async () => (await batchOf(sql('SELECT value, count FROM memstream_sql_complete ORDER BY value')).collect()).map((r) => [r['value'], Number(r['count'])]);
  await testStream(counts, { outputMode: 'complete', sink: memorySink({ tableName: 'memstream_sql_complete' }) },
    addData(input, 1, 2, 3), execute(async ({ processAllAvailable }) => {
      await processAllAvailable();
      expect(await rows()).toEqual([[1, 1], [2, 1], [3, 1]]);
    }),
    addData(input, 4, 5, 6), execute(async ({ processAllAvailable }) => {
      await processAllAvailable();
      expect(await rows()).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1], [6, 1]]);
    }));
  dropMemoryTable('memstream_sql_complete');
});

memorySinkSuite.scenario('the table exists (empty, with its columns) as soon as the query starts', async () => {
  const input = intStream();
  await testStream(input.frame, { sink: memorySink({ tableName: 'memstream_sql_empty' }) },
    execute(async () => {
      const result = batchOf(sql('SELECT * FROM memstream_sql_empty'));
      expect(result.columns).toEqual(['value']);
      expect(await result.count()).toBe(0);
      expect(await result.showString()).toBe('+-----+\n|value|\n+-----+\n+-----+\n');
    }));
  dropMemoryTable('memstream_sql_empty');
});

const watermarkSuite = suite('EventTimeWatermarkSuite');

// The windowed count of EventTimeWatermarkSuite, written in SQL over a watermarked view.
function windowedCountSql(input: ReturnType<typeof intStream>, view: string): StreamFrame {
  withEventTime(input.frame).pipe(withWatermark('eventTime', '10 seconds')).createOrReplaceTempView(view);
  return streamOf(sql(`SELECT CAST(window.start AS LONG) AS start, count(*) AS count FROM ${view} GROUP BY window(eventTime, '5 seconds')`));
}

watermarkSuite.scenario('append mode (in SQL)', async () => {
  const input = intStream();
  await testStream(windowedCountSql(input, 'events_append'), {},
    addData(input, 10, 11, 12, 13, 14, 15), checkNewAnswer(),
    addData(input, 25), checkNewAnswer([10, 5]),
    addData(input, 10), checkNewAnswer());
});

watermarkSuite.scenario('update mode (in SQL)', async () => {
  const input = intStream();
  await testStream(windowedCountSql(input, 'events_update'), { outputMode: 'update' },
    addData(input, 10, 11, 12, 13, 14, 15), checkNewAnswer([10, 5], [15, 1]),
    addData(input, 25), checkNewAnswer([25, 1]),
    addData(input, 10, 25), checkNewAnswer([25, 2]),
    addData(input, 10), checkNewAnswer());
});

const aggregationSuite = suite('StreamingAggregationSuite');

aggregationSuite.scenario('count distinct / HAVING in SQL: groups with more than one row, complete mode', async () => {
  // inputData.toDF().groupBy($"value").agg(count("*")).where($"count(1)" > 1), written as SQL.
  const input = intStream();
  input.frame.createOrReplaceTempView('numbers');
  const frequent = streamOf(sql('SELECT value, count(*) AS c FROM numbers GROUP BY value HAVING count(*) > 1'));
  await testStream(frequent, { outputMode: 'complete' },
    addData(input, 3, 2, 3), checkLastBatch([3, 2]),
    addData(input, 2, 1), checkLastBatch([3, 2], [2, 2]));
});

aggregationSuite.scenario('SELECT DISTINCT is a streaming aggregation: refused in append mode without a watermark', async () => {
  const input = intStream();
  input.frame.createOrReplaceTempView('dups');
  const distinct = streamOf(sql('SELECT DISTINCT value FROM dups'));
  expect(isSluiceError(refusal(distinct, 'append'), 'UNSUPPORTED_OUTPUT_MODE')).toBe(true);
  expect(refusal(distinct, 'append')!.message).toContain('Append output mode not supported when there are streaming aggregations');
  await testStream(distinct, { outputMode: 'update' },
    addData(input, 1, 2, 1), checkNewAnswer(1, 2),
    addData(input, 2, 3), checkNewAnswer(2, 3));
});

aggregationSuite.scenario('ORDER BY on an aggregation in complete mode; refused on a stream otherwise', async () => {
  const input = memoryInput('word STRING');
  input.frame.createOrReplaceTempView('words');
  const top = streamOf(sql('SELECT word, count(*) AS n FROM words GROUP BY word ORDER BY n DESC, word LIMIT 2'));
  await testStream(top, { outputMode: 'complete' },
    addData(input, 'b', 'a', 'b', 'c', 'c', 'c'), checkLastBatch(['c', 3], ['b', 2]),
    addData(input, 'a', 'a', 'a'), checkLastBatch(['a', 4], ['c', 3]));
  expect(refusal(top, 'update')?.message).toContain('Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode');
  expect(refusal(streamOf(sql('SELECT word FROM words ORDER BY word')), 'append')?.message).toContain('Sorting is not supported on streaming');
  expect(refusal(streamOf(sql('SELECT word, count(*) FROM words GROUP BY word LIMIT 3')), 'complete')).toBeUndefined();
  expect(refusal(streamOf(sql('SELECT word FROM words LIMIT 3')), 'append')?.message).toContain('Limits are supported on streaming DataFrames/Datasets only after an aggregation in complete output mode');
});

const sessionSuite = suite('StreamingSessionWindowSuite');

sessionSuite.scenario('complete mode - session window (in SQL: GROUP BY session_window(...))', async () => {
  // Spark's sessionWindowQuery: words of a line are session ids, 10 s gap, 30 s watermark.
  const input = memoryInput('_1 STRING, _2 BIGINT');
  input.frame.pipe(selectExpr('_1 AS value', '_2 AS timestamp'), withColumn('eventTime', col('timestamp').cast('timestamp')), withWatermark('eventTime', '30 seconds'))
    .createOrReplaceTempView('session_lines');
  const sessions = streamOf(sql(`
    SELECT sessionId, CAST(session_window.start AS LONG) AS start, CAST(session_window.end AS LONG) AS end,
           CAST(session_window.end AS LONG) - CAST(session_window.start AS LONG) AS durationMs, count(*) AS numEvents
    FROM (SELECT explode(split(value, ' ')) AS sessionId, eventTime FROM session_lines)
    GROUP BY session_window(eventTime, '10 seconds'), sessionId`));
  await testStream(sessions, { outputMode: 'complete' },
    addData(input, ['hello world spark streaming', 40], ['world hello structured streaming', 41]),
    checkNewAnswer(['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['streaming', 40, 51, 11, 2], ['spark', 40, 50, 10, 1], ['structured', 41, 51, 10, 1]),
    addData(input, ['spark streaming', 25]),
    checkNewAnswer(['spark', 25, 35, 10, 1], ['streaming', 25, 35, 10, 1], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['streaming', 40, 51, 11, 2], ['spark', 40, 50, 10, 1], ['structured', 41, 51, 10, 1]),
    addData(input, ['spark streaming', 30]),
    checkNewAnswer(['spark', 25, 50, 25, 3], ['streaming', 25, 51, 26, 4], ['hello', 40, 51, 11, 2], ['world', 40, 51, 11, 2], ['structured', 41, 51, 10, 1]));
});

const innerJoinSuite = suite('StreamingInnerJoinSuite');

innerJoinSuite.scenario('stream stream inner join on non-time column (in SQL: JOIN … USING)', async () => {
  const input1 = intStream();
  const input2 = intStream();
  input1.frame.pipe(selectExpr('value AS key', 'value * 2 AS leftValue')).createOrReplaceTempView('join_left');
  input2.frame.pipe(selectExpr('value AS key', 'value * 3 AS rightValue')).createOrReplaceTempView('join_right');
  const joined = streamOf(sql('SELECT * FROM join_left JOIN join_right USING (key)'));
  expect(joined.schema.fields.map((f) => f.name)).toEqual(['key', 'leftValue', 'rightValue']);
  await testStream(joined, {},
    addData(input1, 1), checkAnswer(),
    addData(input2, 1, 10), checkNewAnswer([1, 2, 3]),
    addData(input1, 10), checkNewAnswer([10, 20, 30]),
    addData(input2, 1), checkNewAnswer([1, 2, 3]),
    stopStream, startStream(),
    addData(input1, 1), checkNewAnswer([1, 2, 3], [1, 2, 3]),
    stopStream, startStream(),
    addData(input1, 100), addData(input2, 100), checkNewAnswer([100, 200, 300]));
});

streamSuite.scenario('join (in SQL: a stream JOIN a table view ON a condition)', async () => {
  // MemoryStream[Int].toDF().join(Seq((1,"one"),(2,"two"),(4,"four")).toDF("number","word"), $"value" === $"number")
  const words = tableFromRows(toSchema('number INT, word STRING'), [{ number: 1, word: 'one' }, { number: 2, word: 'two' }, { number: 4, word: 'four' }]);
  registerTableView('join_words', { schema: words.schema, read: () => words, description: 'LocalRelation' });
  const input = intStream();
  input.frame.createOrReplaceTempView('join_numbers');
  const joined = streamOf(sql('SELECT n.value, w.number, w.word FROM join_numbers AS n JOIN join_words w ON n.value = w.number'));
  await testStream(joined, {},
    addData(input, 1, 2, 3), checkAnswer([1, 1, 'one'], [2, 2, 'two']),
    addData(input, 4), checkAnswer([1, 1, 'one'], [2, 2, 'two'], [4, 4, 'four']));
  dropTempView('join_words');
});

it('SQL over streams :: UNION ALL of two stream views, WHERE and expressions on each side', async () => {
  const a = intStream();
  const b = intStream();
  a.frame.createOrReplaceTempView('left_ints');
  b.frame.createOrReplaceTempView('right_ints');
  const both = streamOf(sql("SELECT value * 10 AS v, 'l' AS side FROM left_ints WHERE value > 1 UNION ALL SELECT value, 'r' FROM right_ints"));
  expect(both.schema.fields.map((f) => f.name)).toEqual(['v', 'side']);
  await testStream(both, {}, addData(a, 1, 2), addData(b, 5), checkAnswer([20, 'l'], [5, 'r']));
});

it("SQL over streams :: the blog's memory-sink example runs as written", async () => {
  // df.writeStream.format("memory").queryName("my_result").outputMode("complete").start()
  // spark.sql("SELECT * FROM my_result").show()
  const input = memoryInput('device STRING, signal INT');
  input.frame.createOrReplaceTempView('devices');
  const counts = streamOf(sql('SELECT device, count(*) AS events, avg(signal) AS avg_signal FROM devices WHERE signal > 10 GROUP BY device'));
  const query: StreamingQuery = await counts.writeStream().format('memory').queryName('my_result').outputMode('complete').option('checkpointLocation', memoryCheckpoint()).start();
  try {
    input.add(['a', 20], ['b', 5], ['a', 40], ['c', 12]);
    await query.processAllAvailable();
    const shown: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (shown.push(chunk), true)) as typeof process.stdout.write;
    try {
      await sql('SELECT * FROM my_result ORDER BY device').show();
    } finally {
      process.stdout.write = write;
    }
    expect(shown.join('')).toBe([
      '+------+------+----------+',
      '|device|events|avg_signal|',
      '+------+------+----------+',
      '|     a|     2|      30.0|',
      '|     c|     1|      12.0|',
      '+------+------+----------+',
      '',
    ].join('\n'));
  } finally {
    await query.stop();
    dropMemoryTable('my_result');
  }
});

it('SQL over streams :: a stream cannot be shown and a table cannot be written, with Spark messages', async () => {
  const input = intStream();
  input.frame.createOrReplaceTempView('shown_stream');
  const stream = sql('SELECT value FROM shown_stream');
  expect(() => stream.show()).toThrow(/Queries with streaming sources must be executed with writeStream.start\(\)/);
  await testStream(input.frame, { sink: memorySink({ tableName: 'written_table' }) }, execute(() => {
    const table = sql('SELECT * FROM written_table');
    expect(() => table.writeStream()).toThrow(/'writeStream' can be called only on streaming Dataset\/DataFrame/);
    try {
      sql('SELECT * FROM shown_stream UNION ALL SELECT * FROM written_table');
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error, 'INVALID_QUERY')).toBe(true);
      expect((error as Error).message).toContain('Union between streaming and batch DataFrames/Datasets is not supported');
    }
  }));
  dropMemoryTable('written_table');
});
