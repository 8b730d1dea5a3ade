import { col, count, dropDuplicates, expr, groupBy, groupByKey, select, sessionWindow, sum, window, withColumn, withWatermark } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, checkNewAnswer, testStream } from '../harness/streamTest.ts';

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
