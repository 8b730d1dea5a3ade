import { expect } from 'vitest';
import { isSluiceError, processingTime } from '@sluice/core';
import { nextBatchTime } from '@sluice/core/internal';
import { suite } from '../harness/scenario.ts';

// apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/ProcessingTimeSuite.scala and
// sql/core/src/test/scala/org/apache/spark/sql/execution/streaming/ProcessingTimeExecutorSuite.scala.
const processingTimeSuite = suite('ProcessingTimeSuite');
const executorSuite = suite('ProcessingTimeExecutorSuite');

const intervalMs = (interval: number | string) => {
  const trigger = processingTime(interval);
  return trigger.kind === 'processingTime' ? trigger.intervalMs : 0;
};

processingTimeSuite.scenario('create', () => {
  expect(intervalMs(10_000)).toBe(10 * 1000);
  expect(intervalMs('10 seconds')).toBe(10 * 1000);
  expect(intervalMs('1 minute')).toBe(60 * 1000);
  expect(intervalMs('interval 1 minute')).toBe(60 * 1000);
  // Spark: IllegalArgumentException for each of these; Sluice: INVALID_OPTION.
  for (const bad of [null, '', 'invalid', '1 month', '1 year', -1, '-1 second']) {
    let error: unknown;
    try {
      processingTime(bad as never);
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'INVALID_OPTION'), String(bad)).toBe(true);
  }
});

executorSuite.scenario('nextBatchTime', () => {
  const next = (now: number) => nextBatchTime(now, 100);
  expect(next(0)).toBe(100);
  expect(next(1)).toBe(100);
  expect(next(99)).toBe(100);
  expect(next(100)).toBe(200);
  expect(next(101)).toBe(200);
  expect(next(150)).toBe(200);
});

executorSuite.scenario('calling nextBatchTime with the result of a previous call should return the next interval', () => {
  let next = 0;
  for (let i = 1; i <= 10; i++) next = nextBatchTime(next, 100);
  expect(next).toBe(100 * 10);
});
