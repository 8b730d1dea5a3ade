import { expect } from 'vitest';
import { col, count, groupBy, groupByKey, isSluiceError, withColumn, withWatermark, type OutputMode, type StreamFrame } from '@sluice/core';
import { noopSink } from '@sluice/sinks';
import { intStream } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';

// Restated from apache/spark sql/catalyst/src/test/scala/org/apache/spark/sql/catalyst/analysis/UnsupportedOperationsSuite.scala:
// its flatMapGroupsWithState / mapGroupsWithState plans (unsupportedOperations.test.ts holds the
// others). As there, a refusal says "streaming", "DataFrame", "Dataset" and "not supported".
const spark = suite('UnsupportedOperationsSuite');

function validate(frame: StreamFrame, mode: OutputMode): Error | undefined {
  try {
    frame.writeStream().sink(noopSink()).outputMode(mode).option('spark.sql.streaming.statefulOperator.checkCorrectness.enabled', 'false').validate();
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

const watermarked = () => intStream().frame.pipe(withColumn('eventTime', col('value').cast('timestamp')), withWatermark('eventTime', '10 seconds'));
const plain = () => intStream().frame.pipe(withColumn('eventTime', col('value').cast('timestamp')));
const OUT = 'value INT, eventTime TIMESTAMP';
const fmgws = (outputMode: 'append' | 'update', timeout: 'none' | 'eventTime' = 'none') => (frame: StreamFrame) =>
  frame.pipe(groupByKey('value').flatMapGroupsWithState({ outputMode, timeout, outputSchema: OUT }, (_key, rows) => rows.map((r) => ({ value: r['value'], eventTime: r['eventTime'] }))));
const mgws = (timeout: 'none' | 'eventTime' = 'none') => (frame: StreamFrame) =>
  frame.pipe(groupByKey('value').mapGroupsWithState({ timeout, outputSchema: OUT }, (key) => ({ value: key['value'], eventTime: null })));
const aggregate = (frame: StreamFrame) => frame.pipe(groupBy('eventTime').agg(count().alias('c')));

spark.scenario('flatMapGroupsWithState - flatMapGroupsWithState(Update) on streaming relation without aggregation in update mode', () => {
  expectSupported(fmgws('update')(watermarked()), 'update');
});

spark.scenario('flatMapGroupsWithState - flatMapGroupsWithState(Update) on streaming relation without aggregation in append mode', () => {
  expectRefused(fmgws('update')(watermarked()), 'append', 'flatMapGroupsWithState in update mode', 'Append');
});

spark.scenario('flatMapGroupsWithState - flatMapGroupsWithState(Update) on streaming relation without aggregation in complete mode', () => {
  expectRefused(fmgws('update')(watermarked()), 'complete', 'Complete');
});

for (const mode of ['append', 'update', 'complete'] as const) {
  spark.scenario(`flatMapGroupsWithState - flatMapGroupsWithState(Update) on streaming relation with aggregation in ${mode[0]!.toUpperCase()}${mode.slice(1)} mode`, () => {
    expectRefused(aggregate(watermarked()).pipe(groupByKey('eventTime').flatMapGroupsWithState({ outputMode: 'update', outputSchema: 'eventTime TIMESTAMP' }, () => [])), mode, 'flatMapGroupsWithState in update mode', 'with aggregation');
  });
}

spark.scenario('flatMapGroupsWithState - flatMapGroupsWithState(Append) on streaming relation without aggregation in append mode', () => {
  expectSupported(fmgws('append')(watermarked()), 'append');
});

spark.scenario('flatMapGroupsWithState - flatMapGroupsWithState(Append) on streaming relation without aggregation in update mode', () => {
  expectRefused(fmgws('append')(watermarked()), 'update', 'flatMapGroupsWithState in append mode', 'update');
});

for (const mode of ['append', 'update', 'complete'] as const) {
  spark.scenario(`flatMapGroupsWithState - flatMapGroupsWithState(Append) on streaming relation before aggregation in ${mode[0]!.toUpperCase()}${mode.slice(1)} mode`, () => {
    expectSupported(aggregate(fmgws('append')(watermarked())), mode);
  });
}

spark.scenario('flatMapGroupsWithState - flatMapGroupsWithState(Update) on streaming relation in complete mode', () => {
  expectRefused(fmgws('append')(watermarked()), 'complete', 'Complete');
});

spark.scenario('flatMapGroupsWithState - multiple flatMapGroupsWithStates on streaming relation and all are in append mode', () => {
  expectSupported(fmgws('append')(fmgws('append')(watermarked())), 'append');
});

spark.scenario('flatMapGroupsWithState -  multiple flatMapGroupsWithStates on s streaming relation but some are not in append mode', () => {
  expectRefused(fmgws('update')(fmgws('append')(watermarked())), 'append', 'multiple flatMapGroupsWithState', 'append');
});

spark.scenario('mapGroupsWithState - mapGroupsWithState on streaming relation without aggregation in append mode', () => {
  expectRefused(mgws()(watermarked()), 'append', 'mapGroupsWithState', 'append');
});

spark.scenario('mapGroupsWithState - mapGroupsWithState on streaming relation without aggregation in complete mode', () => {
  expectRefused(mgws()(watermarked()), 'complete', 'Complete');
});

for (const mode of ['append', 'update', 'complete'] as const) {
  spark.scenario(`mapGroupsWithState - mapGroupsWithState on streaming relation with aggregation in ${mode[0]!.toUpperCase()}${mode.slice(1)} mode`, () => {
    expectRefused(aggregate(watermarked()).pipe(groupByKey('eventTime').mapGroupsWithState({ outputSchema: 'eventTime TIMESTAMP' }, (k) => ({ eventTime: k['eventTime'] }))), mode, 'mapGroupsWithState', 'with aggregation');
  });
}

spark.scenario('mapGroupsWithState - multiple mapGroupsWithStates on streaming relation and all are in append mode', () => {
  expectRefused(mgws()(mgws()(watermarked())), 'append', 'multiple mapGroupsWithStates');
});

spark.scenario('mapGroupsWithState - mixing mapGroupsWithStates and flatMapGroupsWithStates on streaming relation', () => {
  expectRefused(mgws()(fmgws('update')(watermarked())), 'append', 'Mixing mapGroupsWithStates and flatMapGroupsWithStates');
});

spark.scenario('mapGroupsWithState - mapGroupsWithState with event time timeout without watermark', () => {
  let error: unknown;
  try {
    expectRefused(mgws('eventTime')(plain()), 'update', 'watermark');
    return;
  } catch (e) {
    error = e;
  }
  // Sluice refuses the operator as it is built, with Spark's message
  expect(isSluiceError(error), String(error)).toBe(true);
  expect((error as Error).message).toContain('Watermark must be specified');
});

spark.scenario('mapGroupsWithState - mapGroupsWithState with event time timeout with watermark', () => {
  expectSupported(mgws('eventTime')(watermarked()), 'update');
});
