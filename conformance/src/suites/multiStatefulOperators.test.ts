import { col, count, dropDuplicates, expr, groupBy, groupByKey, join, select, selectExpr, sessionWindow, sum, window, withColumn, withWatermark } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, checkAnswer, checkNewAnswer, multiAddData, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/MultiStatefulOperatorsSuite.scala:
// chained stateful operators in append mode (Spark 3.4+). Each operator drops input rows as late
// by the previous batch's watermark and evicts by the current one, so what one emits because the
// watermark moved is never late for the next.
const spark = suite('MultiStatefulOperatorsSuite');

const seconds = () => {
  const input = intStream();
  return { input, frame: input.frame.pipe(withColumn('eventTime', col('value').cast('timestamp'))) };
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

spark.scenario('window agg -> window agg, append mode', async () => {
  const { input, frame } = seconds();
  const stream = frame.pipe(
    withWatermark('eventTime', '0 seconds'),
    groupBy(window('eventTime', '5 seconds')).agg(count().alias('count')),
    groupBy(window('window', '10 seconds')).agg(count().alias('count'), sum('count').alias('sum')),
    select(col('window.start').cast('long'), col('count'), col('sum')),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(stream, { outputMode: 'append' },
    addData(input, ...range(10, 21)), checkNewAnswer([10, 2, 10]), assertNumStateRows({ total: [0, 1], droppedByWatermark: [0, 0] }),
    addData(input, ...range(10, 29)), checkNewAnswer(), assertNumStateRows({ total: [1, 1], droppedByWatermark: [0, 2] }),
    addData(input, 30, 31), checkNewAnswer([20, 2, 12]), assertNumStateRows({ total: [0, 1], droppedByWatermark: [0, 0] }));
});

spark.scenario('agg -> agg -> agg, append mode', async () => {
  const { input, frame } = seconds();
  const stream = frame.pipe(
    withWatermark('eventTime', '0 seconds'),
    groupBy(window('eventTime', '5 seconds')).agg(count().alias('count')),
    groupBy(window('window', '10 seconds')).agg(count().alias('count'), sum('count').alias('sum')),
    groupBy(window('window', '20 seconds')).agg(count().alias('count'), sum('sum').alias('sum')),
    select(col('window.start').cast('long'), col('window.end').cast('long'), col('count'), col('sum')),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(stream, { outputMode: 'append' },
    addData(input, ...range(0, 37)), checkNewAnswer([0, 20, 2, 20]), assertNumStateRows({ total: [1, 1, 1], droppedByWatermark: [0, 0, 0] }),
    addData(input, ...range(30, 60)), checkNewAnswer([20, 40, 2, 23], [40, 60, 2, 20]), assertNumStateRows({ total: [0, 0, 1], droppedByWatermark: [0, 0, 1] }));
});

spark.scenario('stream deduplication -> aggregation, append mode', async () => {
  const { input, frame } = seconds();
  const stream = frame.pipe(
    withWatermark('eventTime', '10 seconds'),
    dropDuplicates('value', 'eventTime'),
    groupBy(window('eventTime', '5 seconds')).agg(count().alias('count'), sum('value').alias('sum')),
    select(col('window.start').cast('long'), col('count')),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(stream, { outputMode: 'append' },
    addData(input, ...range(1, 15)), checkNewAnswer([0, 4]), assertNumStateRows({ total: [3, 10], droppedByWatermark: [0, 0] }));
});

spark.scenario('aggregation -> stream deduplication, append mode', async () => {
  const { input, frame } = seconds();
  const aggregated = frame.pipe(
    withWatermark('eventTime', '0 seconds'),
    groupBy(window('eventTime', '5 seconds')).agg(count().alias('count')),
    withColumn('windowEnd', expr('window.end')),
  );
  // Without an event-time key, the dedup state is not trimmed as the watermark moves.
  const assertNumStateRows = stateRowsChecker();
  await testStream(aggregated.pipe(dropDuplicates('count', 'windowEnd'), select(col('windowEnd').cast('long'), col('count'))), { outputMode: 'append' },
    addData(input, 1, 5, 10, 15), checkNewAnswer([5, 1], [10, 1], [15, 1]), assertNumStateRows({ total: [3, 1], droppedByWatermark: [0, 0] }));
});

spark.scenario('session window -> window agg, append mode (not in Spark\'s suite)', async () => {
  // Sessions of a key close as the watermark passes their end; each closed session is counted once
  // in the 20-second window holding its end.
  const input = memoryInput('key STRING, t INT');
  const stream = input.frame.pipe(
    withColumn('eventTime', col('t').cast('timestamp')),
    withWatermark('eventTime', '0 seconds'),
    groupBy(sessionWindow('eventTime', '5 seconds').as('session'), 'key').agg(count().alias('events')),
    groupBy(window('session', '20 seconds')).agg(count().alias('sessions'), sum('events').alias('events')),
    select(col('window.start').cast('long'), col('sessions'), col('events')),
  );
  await testStream(stream, { outputMode: 'append' },
    addData(input, ['a', 1], ['a', 3], ['b', 2], ['a', 12]), checkNewAnswer(),
    // watermark 40: a's [1, 8) and [12, 17) and b's [2, 7) close (all in [0, 20)), and so does [0, 20)
    addData(input, ['a', 40]), checkNewAnswer([0, 3, 4]),
    // watermark 61: a's [40, 45) closes, and then [40, 60)
    addData(input, ['b', 61]), checkNewAnswer([40, 1, 1]));
});

spark.scenario('flatMapGroupsWithState (append) -> aggregation, append mode (not in Spark\'s suite)', async () => {
  const { input, frame } = seconds();
  const stream = frame.pipe(
    withWatermark('eventTime', '0 seconds'),
    withColumn('parity', expr('value % 2')),
    groupByKey('parity').flatMapGroupsWithState<number>({ outputMode: 'append', outputSchema: 'parity INT, eventTime TIMESTAMP' }, (key, rows) =>
      rows.map((r) => ({ parity: key['parity'], eventTime: r['eventTime'] }))),
    groupBy(window('eventTime', '10 seconds')).agg(count().alias('count')),
    select(col('window.start').cast('long'), col('count')),
  );
  await testStream(stream, { outputMode: 'append' },
    addData(input, ...range(0, 12)), checkNewAnswer([0, 10]),
    addData(input, 25), checkNewAnswer([10, 3]));
});

// A stream–stream join passes its state watermark on as the watermark of the operators after it
// (Spark's produceOutputWatermark): with a time-range condition it trails the input watermark, so
// the rows the join emits late (outer rows at eviction) are neither dropped as late downstream nor
// counted after their window closed.
const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

spark.scenario('stream stream join -> window agg, append mode', async () => {
  const input1 = intStream('input1');
  const input2 = intStream('input2');
  const side = (input: typeof input1, n: 1 | 2) =>
    input.frame.pipe(select(col('value').alias(`value${n}`)), withColumn(`eventTime${n}`, col(`value${n}`).cast('timestamp')), withWatermark(`eventTime${n}`, '0 seconds'));
  const stream = side(input1, 1).pipe(
    join(side(input2, 2), expr('eventTime1 = eventTime2'), 'inner'),
    groupBy(window('eventTime1', '5 seconds')).agg(count().alias('count')),
    select(col('window.start').cast('long'), col('count')),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(stream, { outputMode: 'append' },
    // the join's state watermark is its input's (a key predicate): [0, 5) stays open at watermark 4
    multiAddData([input1, [1, 2, 3, 4]], [input2, [1, 2, 3, 4]]), checkNewAnswer(), assertNumStateRows({ total: [1, 0], droppedByWatermark: [0, 0] }),
    multiAddData([input1, [5]], [input2, [5]]), checkNewAnswer([0, 4]), assertNumStateRows({ total: [1, 0], droppedByWatermark: [0, 0] }));
});

spark.scenario('join with range join on non-time intervals -> window agg, append mode, shouldn\'t fail', async () => {
  const input1 = intStream('input1');
  const input2 = memoryInput('start INT, end INT', 'input2');
  const left = input1.frame.pipe(
    select(col('value').alias('value1')), withColumn('eventTime1', col('value1').cast('timestamp')), withColumn('v1', col('value1').cast('timestamp')), withWatermark('eventTime1', '0 seconds'));
  const right = input2.frame.pipe(
    withColumn('eventTime2Start', col('start').cast('timestamp')), withColumn('start2', col('start').cast('timestamp')), withColumn('end2', col('end').cast('timestamp')), withWatermark('eventTime2Start', '0 seconds'));
  const stream = left.pipe(
    join(right, expr('v1 >= start2 AND v1 < end2 AND eventTime1 = start2'), 'inner'),
    groupBy(window('eventTime1', '5 seconds')).agg(count().alias('count')),
    select(col('window.start').cast('long'), col('count')),
  );
  const assertNumStateRows = stateRowsChecker();
  await testStream(stream, { outputMode: 'append' },
    addData(input1, 1, 2, 3, 4), addData(input2, [1, 2], [2, 3], [3, 4], [4, 5]), checkNewAnswer(), assertNumStateRows({ total: [1, 0], droppedByWatermark: [0, 0] }));
});

spark.scenario('stream-stream time interval left outer join -> aggregation, append mode', async () => {
  const input1 = memoryInput('leftTime TIMESTAMP, id STRING, comment STRING', 'input1');
  const input2 = memoryInput('rightTime TIMESTAMP, rid STRING, name STRING', 'input2');
  const joined = input1.frame.pipe(withWatermark('leftTime', '2 minutes')).pipe(
    join(input2.frame.pipe(withWatermark('rightTime', '4 minutes')), expr('id = rid AND leftTime BETWEEN rightTime - INTERVAL 40 seconds AND rightTime + INTERVAL 30 seconds'), 'left_outer'),
  );
  const stream = joined.pipe(groupBy(window('leftTime', '30 seconds')).agg(count().alias('cnt')), select(col('window.start').alias('window_start'), col('window.end').alias('window_end'), col('cnt')));
  await testStream(stream, { outputMode: 'append' },
    multiAddData(
      [input1, [[at('2020-01-01 00:00:00'), 'abc', 'has no join partner'], [at('2020-01-02 00:00:00'), 'abc', 'joined with A'], [at('2020-01-02 01:00:00'), 'abc', 'joined with B']]],
      [input2, [[at('2020-01-02 00:00:10'), 'abc', 'A'], [at('2020-01-02 00:59:59'), 'abc', 'B'], [at('2020-01-02 02:00:00'), 'abc', 'C']]],
    ),
    // The watermark becomes 2020-01-02 00:58 (the left's); the join's state watermark, 40 s below it,
    // evicts the unmatched left row of 2020-01-01 (emitted with nulls), and the aggregation after the
    // join closes the windows below 00:57:20, not 00:58: both windows come out once, nothing is late.
    checkNewAnswer([at('2020-01-01 00:00:00'), at('2020-01-01 00:00:30'), 1], [at('2020-01-02 00:00:00'), at('2020-01-02 00:00:30'), 1]),
    multiAddData([input1, [[at('2020-01-05 00:00:00'), 'abc', 'joined with D']]], [input2, [[at('2020-01-05 00:00:10'), 'abc', 'D']]]),
    checkNewAnswer([at('2020-01-02 01:00:00'), at('2020-01-02 01:00:30'), 1]));
});

spark.scenario('stream-stream time interval left outer join (left side condition) -> time window aggregation', async () => {
  const impressions = memoryInput('id INT, ts TIMESTAMP', 'impressions');
  const clicks = memoryInput('id INT, ts TIMESTAMP', 'clicks');
  const stream = impressions.frame.pipe(select(col('id').alias('id1'), col('ts').alias('ts1')), withWatermark('ts1', '1 hour')).pipe(
    join(clicks.frame.pipe(select(col('id').alias('id2'), col('ts').alias('ts2')), withWatermark('ts2', '1 hour')), expr('id1 = id2 AND ts1 + interval 5 minutes > ts2'), 'left_outer'),
    groupBy(window('ts1', '5 minutes')).agg(count().alias('count')),
    select(col('window.start'), col('window.end'), col('count')),
  );
  await testStream(stream, { outputMode: 'append' },
    multiAddData(
      [impressions, [[1, at('2022-01-01 01:30:55.888')], [2, at('2022-01-01 03:30:55.888')], [4, at('2022-01-01 05:30:55.888')]]],
      [clicks, [[1, at('2022-01-01 01:31:55.888')], [3, at('2022-01-01 02:40:55.888')], [6, at('2022-01-01 05:30:55.888')]]],
    ),
    checkNewAnswer([at('2022-01-01 01:30:00'), at('2022-01-01 01:35:00'), 1], [at('2022-01-01 03:30:00'), at('2022-01-01 03:35:00'), 1]));
});

spark.scenario('time interval inner join -> window agg: a row matched after the watermark passed its time still counts (not in Spark\'s suite)', async () => {
  // The left row at 100 s waits for a right row up to 40 s later. The right row at 130 s comes
  // once the watermark is at 100 s: the joined row (leftTime 100 s) is at the query's watermark,
  // but above the join's output watermark (100 − 40 s), so the aggregation after the join counts it,
  // and closes its window only when the join's output watermark passes the window's end.
  const left = memoryInput('leftTime TIMESTAMP, id STRING', 'left');
  const right = memoryInput('rightTime TIMESTAMP, rid STRING', 'right');
  const stream = left.frame.pipe(withWatermark('leftTime', '0 seconds')).pipe(
    join(right.frame.pipe(withWatermark('rightTime', '0 seconds')), expr('id = rid AND leftTime BETWEEN rightTime - INTERVAL 40 seconds AND rightTime'), 'inner'),
    groupBy(window('leftTime', '5 seconds')).agg(count().alias('count')),
    select(col('window.start').cast('long'), col('count')),
  );
  await testStream(stream, { outputMode: 'append' },
    multiAddData([left, [[100_000, 'a']]], [right, [[100_000, 'x']]]), checkNewAnswer(),
    addData(right, [130_000, 'a']), checkNewAnswer(),
    // watermark 140 s: the join's output watermark is 100 s, so [100, 105) is still open
    multiAddData([left, [[140_000, 'y']]], [right, [[140_000, 'z']]]), checkNewAnswer(),
    // watermark 200 s, the join's 160 s: [100, 105) closes with the joined row in it
    multiAddData([left, [[200_000, 'y']]], [right, [[200_000, 'z']]]), checkNewAnswer([100, 1]));
});

// Spark 3.5+ (SPARK-42376) propagates each operator's output watermark to the next, so a
// time-interval join may feed an aggregation in append mode: these scenarios are Spark's current
// suite. (Spark 3.4's "join on time interval -> window agg, append mode, should fail" was removed
// from the suite when that support landed; Spark now runs that query, and so does Sluice.)
const timed = (name: string) => memoryInput(`id${name} STRING, timestamp${name} TIMESTAMP`, `input${name}`);
const hhmmss = (time: string) => at(`2023-01-01 ${time}`);

for (const how of ['left', 'right'] as const) {
  spark.scenario(`stream-stream time interval ${how} outer join -> aggregation, append mode`, async () => {
    const input1 = timed('1');
    const input2 = timed('2');
    const s1 = input1.frame.pipe(withWatermark('timestamp1', '0 seconds'));
    const s2 = input2.frame.pipe(withWatermark('timestamp2', '0 seconds'));
    const agg = s1.pipe(
      join(s2, expr('id1 = id2 AND (timestamp1 BETWEEN timestamp2 - INTERVAL 1 hour AND timestamp2 + INTERVAL 1 hour)'), `${how}_outer`),
      groupBy(window(how === 'left' ? 'timestamp1' : 'timestamp2', '10 minutes')).agg(count().alias('cnt')),
      select(col('window.start').alias('window_start'), col('window.end').alias('window_end'), col('cnt')),
    );
    // The outer side's rows are `outer`; the other side's are `other` (Spark's right outer test swaps the inputs).
    const [outer, other] = how === 'left' ? [input1, input2] : [input2, input1];
    await testStream(agg, { outputMode: 'append' },
      // the join waits up to an hour for partners: its output watermark trails the input's by an hour
      multiAddData([outer, [['1', hhmmss('01:00:10')], ['2', hhmmss('01:00:30')]]], [other, [['1', hhmmss('01:00:20')]]]),
      checkAnswer(),
      multiAddData([outer, [['5', hhmmss('01:15:00')]]], [other, [['6', hhmmss('01:15:00')]]]),
      checkAnswer(),
      // watermark 02:16: the unmatched rows of 01:00:30 and 01:15 come out with nulls, and the
      // aggregation closes [01:00, 01:10) with the matched and the unmatched row in it
      multiAddData([outer, [['5', hhmmss('02:16:00')]]], [other, [['6', hhmmss('02:16:00')]]]),
      checkAnswer([hhmmss('01:00:00'), hhmmss('01:10:00'), 2]));
  });
}

spark.scenario('SPARK-49829 time window agg per each source followed by stream-stream join', async () => {
  const inputStream1 = memoryInput('value BIGINT', 'inputStream1');
  const inputStream2 = memoryInput('value BIGINT', 'inputStream2');
  const windowed = (input: typeof inputStream1, name: string) =>
    input.frame.pipe(
      selectExpr('value', 'timestamp_seconds(value) AS ts'),
      withWatermark('ts', '5 seconds'),
      groupBy(window('ts', '10 seconds')).agg(sum('value').alias(name)),
    );
  const joined = windowed(inputStream1, 'sum_df1').pipe(join(windowed(inputStream2, 'sum_df2'), 'window', 'inner'), selectExpr('CAST(window.end AS long) AS window_end', 'sum_df1', 'sum_df2'));
  await testStream(joined, { outputMode: 'append' },
    multiAddData([inputStream1, [1, 2, 3, 4, 5]], [inputStream2, [5, 6, 7, 8, 9]]),
    checkNewAnswer(), // watermark 0
    multiAddData([inputStream1, [11, 12, 13, 14, 15]], [inputStream2, [15, 16, 17, 18, 19]]),
    checkNewAnswer([10, 15, 35]), // watermark 10: both [0, 10) windows come out and meet in the join
    multiAddData([inputStream1, [100]], [inputStream2, [101]]),
    checkNewAnswer([20, 65, 85])); // watermark 95
});
