import { expect } from 'vitest';
import { col, count, dropDuplicates, expr, groupBy, groupByKey, isSluiceError, join, orderBy, select, window, withColumn, withWatermark, type OutputMode, type StreamFrame } from '@sluice/core';
import { noopSink } from '@sluice/sinks';
import { intStream } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';

// Restated from apache/spark sql/catalyst/src/test/scala/org/apache/spark/sql/catalyst/analysis/UnsupportedOperationsSuite.scala:
// the operator and output-mode combinations of the stateful operators Sluice has. Spark's
// assertNotSupportedInStreamingPlan also checks that every refusal says "streaming",
// "DataFrame", "Dataset" and "not supported".
const spark = suite('UnsupportedOperationsSuite');

function validate(frame: StreamFrame, mode: OutputMode): Error | undefined {
  try {
    frame.writeStream().sink(noopSink()).outputMode(mode).validate();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

function expectRefused(frame: StreamFrame, mode: OutputMode, ...messages: string[]): void {
  const error = validate(frame, mode);
  expect(error, 'refused').toBeDefined();
  expect(isSluiceError(error), String(error)).toBe(true);
  for (const m of [...messages, 'streaming', 'DataFrame', 'Dataset', 'not supported']) expect(error!.message.toLowerCase()).toContain(m.toLowerCase());
}

function expectSupported(frame: StreamFrame, mode: OutputMode): void {
  expect(validate(frame, mode)).toBeUndefined();
}

const stream = () => intStream().frame.pipe(withColumn('eventTime', col('value').cast('timestamp')));
const watermarked = () => stream().pipe(withWatermark('eventTime', '10 seconds'));
const aggregate = (frame: StreamFrame) => frame.pipe(groupBy('value').agg(count().alias('c')));
const windowed = (frame: StreamFrame) => frame.pipe(groupBy(window('eventTime', '5 seconds')).agg(count().alias('c')));

spark.scenario('streaming plan - aggregate - multiple streaming aggregations: not supported', () => {
  expectRefused(aggregate(stream()).pipe(groupBy('c').agg(count().alias('d'))), 'update', 'multiple streaming aggregations');
});

spark.scenario('streaming plan - aggregate - streaming aggregations in update and complete mode: supported', () => {
  expectSupported(aggregate(stream()), 'update');
  expectSupported(aggregate(stream()), 'complete');
});

spark.scenario('streaming plan - aggregate - streaming aggregations with watermark in append mode: supported', () => {
  expectSupported(windowed(watermarked()), 'append');
});

spark.scenario('streaming plan - aggregate - streaming aggregations without watermark in append mode: not supported', () => {
  expectRefused(aggregate(stream()), 'append', 'streaming aggregations', 'without watermark');
});

spark.scenario('streaming plan - Deduplicate - Deduplicate on streaming relation before aggregation: supported', () => {
  expectSupported(windowed(watermarked().pipe(dropDuplicates('value'))), 'append');
});

spark.scenario('streaming plan - Deduplicate - Deduplicate on streaming relation after aggregation: not supported', () => {
  expectRefused(aggregate(stream()).pipe(dropDuplicates('c')), 'complete', 'dropDuplicates');
});

spark.scenario('Global watermark limit - streaming aggregation after deduplicate in Append mode', () => {
  expectSupported(windowed(watermarked().pipe(dropDuplicates('value', 'eventTime'))), 'append');
});

spark.scenario('streaming plan - Complete output mode - no aggregation: not supported', () => {
  expectRefused(stream().pipe(select('value')), 'complete', 'aggregation', 'complete output mode');
});

spark.scenario('MultiStatefulOperatorsSuite: chained window aggregations run in append mode only', () => {
  const chained = windowed(watermarked()).pipe(groupBy(window('window', '10 seconds')).agg(count().alias('n')));
  expectSupported(chained, 'append');
  expectRefused(chained, 'update', 'multiple streaming aggregations');
});

// Sort: only after an aggregation, in complete mode (the whole result is re-sent each batch).
const globalCount = (frame: StreamFrame) => frame.pipe(groupBy().agg(count().alias('c')));

spark.scenario('streaming plan - sort - sort after aggregation in Complete output mode: supported', () => {
  expectSupported(globalCount(stream()).pipe(orderBy('c')), 'complete');
});

spark.scenario('streaming plan - sort - sort before aggregation in Complete output mode: not supported', () => {
  expectRefused(globalCount(stream().pipe(orderBy('value'))), 'complete', 'sort', 'aggregat', 'complete');
});

spark.scenario('streaming plan - sort - sort over aggregated data in Update output mode: not supported', () => {
  expectRefused(globalCount(stream()).pipe(orderBy('c')), 'update', 'sort', 'aggregat', 'complete');
});

// Spark's checkStreamingQueryGlobalWatermarkLimit (spark.sql.streaming.statefulOperator.checkCorrectness.enabled,
// on by default): a stateful operator after [flat]MapGroupsWithState with an event-time timeout,
// which may emit rows older than the watermark, is refused unless the check is turned off.
const CORRECTNESS = "Detected pattern of possible 'correctness' issue";
const withTimeouts = (frame: StreamFrame, timeout: 'eventTime' | 'none') =>
  frame.pipe(groupByKey('value').flatMapGroupsWithState({ outputMode: 'append', timeout, outputSchema: 'value INT, eventTime TIMESTAMP' }, (_key, rows) => rows.map((r) => ({ value: r['value'], eventTime: r['eventTime'] }))));

function expectCorrectnessRefusal(frame: StreamFrame): void {
  const error = validate(frame, 'append');
  expect(isSluiceError(error), String(error)).toBe(true);
  expect(error!.message).toContain(CORRECTNESS);
  // Spark's conf turns the check off.
  expect(() => frame.writeStream().sink(noopSink()).outputMode('append').option('spark.sql.streaming.statefulOperator.checkCorrectness.enabled', 'false').validate()).not.toThrow();
}

spark.scenario('Global watermark limit - single FlatMapGroupsWithState in Append mode', () => {
  expectSupported(withTimeouts(watermarked(), 'eventTime'), 'append');
});

spark.scenario('Global watermark limit - streaming aggregation after FlatMapGroupsWithState in Append mode', () => {
  expectCorrectnessRefusal(windowed(withTimeouts(watermarked(), 'eventTime')));
});

spark.scenario('Global watermark limit - FlatMapGroupsWithState after FlatMapGroupsWithState in Append mode', () => {
  expectCorrectnessRefusal(withTimeouts(withTimeouts(watermarked(), 'eventTime'), 'none'));
});

spark.scenario('Global watermark limit - stream-stream Inner after FlatMapGroupsWithState in Append mode', () => {
  const right = watermarked().pipe(select(col('value').alias('v2'), col('eventTime').alias('t2')));
  expectCorrectnessRefusal(withTimeouts(watermarked(), 'eventTime').pipe(join(right, expr('eventTime = t2'))));
});

spark.scenario('Global watermark limit - deduplicate after FlatMapGroupsWithState in Append mode', () => {
  // no event-time timeout upstream, and a dedup without event time is not counted
  expectSupported(withTimeouts(watermarked(), 'none').pipe(dropDuplicates('value')), 'append');
});

spark.scenario('Global watermark limit - chained streaming aggregations in Append mode', () => {
  expectSupported(windowed(watermarked()).pipe(groupBy(window('window', '10 seconds')).agg(count().alias('d'))), 'append');
});
