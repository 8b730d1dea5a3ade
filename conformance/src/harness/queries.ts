import { col, count, groupBy, select, window, withColumn, withWatermark, type Aggregate, type StreamFrame } from '@sluice/core';
import type { MemoryInput } from './memoryInput.ts';

/**
 * The queries Spark's suites build again and again, restated once.
 */

/** `value.cast("timestamp") as eventTime`: Spark reads an int as seconds since the epoch. */
export function withEventTime(frame: StreamFrame): StreamFrame {
  return frame.pipe(withColumn('eventTime', col('value').cast('timestamp')));
}

/**
 * EventTimeWatermarkSuite's windowed count: `withWatermark("eventTime", delay)`,
 * `groupBy(window($"eventTime", "5 seconds")).agg(count("*"))`, then
 * `select(window.start.cast("long"), count)` — answers are `(windowStartSeconds, count)`.
 */
export function windowedCount(input: MemoryInput, delay: string | null = '10 seconds', aggregates: readonly Aggregate[] = [count().alias('count')]): StreamFrame {
  let frame = withEventTime(input.frame);
  if (delay !== null) frame = frame.pipe(withWatermark('eventTime', delay));
  return frame.pipe(
    groupBy(window('eventTime', '5 seconds')).agg(...aggregates),
    select(col('window.start').cast('long').alias('start'), ...aggregates.map((a) => col(a.name ?? 'count'))),
  );
}
