import { expect } from 'vitest';
import { col, withColumn, withWatermark } from '@sluice/core';
import { planSteps } from '@sluice/core/internal';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';

// Restated from apache/spark sql/catalyst/src/test/scala/org/apache/spark/sql/catalyst/util/IntervalUtilsSuite.scala
// ("string to interval" tests), run through what reads such strings in a stream: the delay of
// withWatermark (Spark's `IntervalUtils.fromIntervalString`, then `EventTimeWatermark.getDelayMs`:
// a month is 31 days, and the microseconds are cut to whole milliseconds toward zero).
const spark = suite('IntervalUtilsSuite');

const MS_PER_DAY = 86_400_000;
/** Spark's getDelayMs of CalendarInterval(months, days, microseconds). */
const delayMs = (months: number, days: number, micros: number) => Math.trunc(((months * 31 + days) * MS_PER_DAY * 1000 + micros) / 1000);

const events = () => memoryInput('t BIGINT').frame.pipe(withColumn('eventTime', col('t').cast('timestamp')));

function watermarkDelay(delay: string): number {
  const frame = events().pipe(withWatermark('eventTime', delay));
  return planSteps(frame.node).find((s) => s.watermark)!.watermark!.delayMs;
}

function refusal(delay: string): Error {
  try {
    events().pipe(withWatermark('eventTime', delay));
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected withWatermark('eventTime', ${JSON.stringify(delay)}) to be refused`);
}

const HOUR = 3_600_000_000;
const MINUTE = 60_000_000;
const SECOND = 1_000_000;

spark.scenario('string to interval: basic', () => {
  const units: [string, number, number, number][] = [
    ['YEAR', 36, 0, 0], ['Month', 3, 0, 0], ['Week', 0, 21, 0], ['DAY', 0, 3, 0], ['HouR', 0, 0, 3 * HOUR], ['MiNuTe', 0, 0, 3 * MINUTE],
    ['Second', 0, 0, 3 * SECOND], ['MilliSecond', 0, 0, 3000], ['MicroSecond', 0, 0, 3],
  ];
  for (const [unit, months, days, micros] of units) {
    for (const prefix of ['interval ', '']) {
      for (const text of [`${prefix}3 ${unit}`, `${prefix}3 ${unit}s`]) expect(watermarkDelay(text), text).toBe(delayMs(months, days, micros));
    }
  }
  for (const input of ['', 'interval', 'foo', 'foo 1 day']) expect(refusal(input).message, input).toMatch(/interval|Cannot parse/i);
});

spark.scenario('string to interval: multiple units', () => {
  expect(watermarkDelay(' 123 MONTHS        123 DAYS  123 Microsecond    ')).toBe(delayMs(123, 123, 123));
  expect(watermarkDelay('  interval  8  years -11 months 123  weeks   -1 day 23 hours -22 minutes 1 second  -123  millisecond    567 microseconds ')).toBe(delayMs(85, 860, 81480877567));
  // Negative in all (a month as 31 days): not a delay.
  for (const negative of ['-1 MONTH 1 day -1 microseconds', 'interval -1 day +3 Microseconds', 'interval -   1 day +     3 Microseconds']) {
    expect(refusal(negative).message, negative).toContain('should not be negative');
  }
});

spark.scenario('string to interval: special cases', () => {
  // Any order of units; duplicated units add up.
  expect(watermarkDelay('1 day 1 year')).toBe(delayMs(12, 1, 0));
  expect(watermarkDelay('1 day 10 day')).toBe(delayMs(0, 11, 0));
  // Only the seconds units can have a fractional part.
  expect(watermarkDelay('1.5 seconds')).toBe(1500);
  for (const bad of ['1.5 days', '1. hour', '1 hourX', '~1 hour', '1 Mour', '1 aour', '1a1 hour', '1.1.1 seconds', '2234567890 days']) {
    expect(refusal(bad), bad).toBeInstanceOf(Error);
  }
});

spark.scenario('string to interval: interval with dangling parts should not results null', () => {
  for (const dangling of ['+', '-', '+ 2', '- 1', '1', '1.2', '1 day 2', '1 day 2.2', '1 day -', '-.']) {
    expect(refusal(dangling).message, dangling).toMatch(/interval|Cannot parse/i);
  }
});

spark.scenario('from day-time string: interval literals as watermark delays', () => {
  // The ANSI forms Spark's parser gives fromIntervalString through `interval '…' <qualifier>`.
  expect(watermarkDelay("interval '1 2:3:4' day to second")).toBe(delayMs(0, 1, 2 * HOUR + 3 * MINUTE + 4 * SECOND));
  expect(watermarkDelay("interval '1 2:3' day to minute")).toBe(delayMs(0, 1, 2 * HOUR + 3 * MINUTE));
  expect(watermarkDelay("interval '1 2' day to hour")).toBe(delayMs(0, 1, 2 * HOUR));
  expect(watermarkDelay("interval '2:3:4.5' hour to second")).toBe(delayMs(0, 0, 2 * HOUR + 3 * MINUTE + 4.5 * SECOND));
  expect(watermarkDelay("interval '3:4' minute to second")).toBe(delayMs(0, 0, 3 * MINUTE + 4 * SECOND));
  expect(watermarkDelay("interval '1-2' year to month")).toBe(delayMs(14, 0, 0));
  expect(watermarkDelay("interval '10' second")).toBe(10_000);
  expect(watermarkDelay("interval '1' day '2' hours")).toBe(delayMs(0, 1, 2 * HOUR));
  expect(watermarkDelay('1 day 2 hours')).toBe(delayMs(0, 1, 2 * HOUR));
  expect(watermarkDelay('2 years 5 months')).toBe(delayMs(29, 0, 0));
});

const watermarkSuite = suite('EventTimeWatermarkSuite');

watermarkSuite.scenario('SPARK-35815: Support ANSI intervals for delay threshold', () => {
  const DAY = MS_PER_DAY;
  const spellings: [string[], number][] = [
    [['3 days', 'Interval 3 day', "inTerval '3' day"], 3 * DAY],
    [[' 5 hours', 'INTERVAL 5 hour', "interval '5' hour"], 5 * 3_600_000],
    [['\t8 minutes', 'interval 8 minute', "interval '8' minute"], 8 * 60_000],
    [['10 seconds', 'interval 10 second', "interval '10' second"], 10_000],
    [['1 years', 'interval 1 year', "interval '1' year"], 12 * 31 * DAY],
    [['1 months', 'interval 1 month', "interval '1' month"], 31 * DAY],
    [['1 day 2 hours 3 minutes 4 seconds', ' interval 1 day 2 hours 3 minutes 4 seconds', "\tinterval '1' day '2' hours '3' minutes '4' seconds", "interval '1 2:3:4' day to second"],
      DAY + 2 * 3_600_000 + 3 * 60_000 + 4_000],
    [[' 1 year 2 months', 'interval 1 year 2 month', "interval '1' year '2' month", "\tinterval '1-2' year to month"], (12 * 31 + 2 * 31) * DAY],
  ];
  expect(spellings.flatMap(([variants]) => variants)).toHaveLength(26);
  for (const [variants, expected] of spellings) for (const delay of variants) expect(watermarkDelay(delay), JSON.stringify(delay)).toBe(expected);
});
