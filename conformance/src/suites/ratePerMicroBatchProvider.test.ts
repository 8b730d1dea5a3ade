/** RatePerMicroBatchProviderSuite, restated on the virtual clock. */
import { expect } from 'vitest';
import { col, isSluiceError, readStream, select } from '@sluice/core';
import '@sluice/sources';
import { suite } from '../harness/scenario.ts';
import { advanceManualClock, checkAnswer, checkLastBatch, startStream, stopStream, testStream } from '../harness/streamTest.ts';

const spark = suite('RatePerMicroBatchProviderSuite');
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

spark.scenario('RatePerMicroBatchProvider in registry', () => {
  expect(readStream().format('rate-micro-batch').option('rowsPerBatch', '1').load().schema.fields.map((f) => f.name)).toEqual(['timestamp', 'value']);
});

spark.scenario('basic', () => {
  const input = readStream().format('rate-micro-batch').option('rowsPerBatch', '10').option('startTimestamp', '1000').option('advanceMillisPerBatch', '50').load();
  // A processing-time trigger runs its first batch at start (clock 0), then one every 10 ms. (Spark's
  // test reads each batch's rows one clock move later: its check does not wait for the batch the
  // move starts.)
  return testStream(input, { trigger: { processingTime: 10 } },
    checkLastBatch(...range(0, 10).map((v) => [1000, v])),
    advanceManualClock(10),
    checkLastBatch(...range(10, 20).map((v) => [1050, v])),
    advanceManualClock(10),
    checkLastBatch(...range(20, 30).map((v) => [1100, v])));
});

spark.scenario('restart', () => {
  const input = readStream().format('rate-micro-batch').option('rowsPerBatch', '10').load().pipe(select(col('value')));
  // Two batches, stop, two more on the same checkpoint: each row exactly once, in order.
  return testStream(input, { trigger: { processingTime: 10 } },
    advanceManualClock(10),
    checkAnswer(...range(0, 20)),
    stopStream,
    startStream(),
    advanceManualClock(10),
    checkAnswer(...range(0, 40)));
});

spark.scenario('illegal option values', async () => {
  const cases: [string, string, string][] = [
    ['rowsPerBatch', '-1', 'positive'], ['rowsPerBatch', '0', 'positive'],
    ['numPartitions', '-1', 'positive'], ['numPartitions', '0', 'positive'],
    ['advanceMillisPerBatch', '-1', 'non-negative'], ['startTimestamp', '-1', 'non-negative'],
  ];
  for (const [option, value, rule] of cases) {
    let error: unknown;
    try {
      let reader = readStream().format('rate-micro-batch').option(option, value);
      if (option !== 'rowsPerBatch') reader = reader.option('rowsPerBatch', '1');
      await reader.load().writeStream().format('console').start();
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error), `${option}=${value}: ${String(error)}`).toBe(true);
    for (const part of [value, option, rule]) expect(String(error), `${option}=${value}`).toContain(part);
  }
});

spark.scenario('user-specified schema given', () => {
  expect(() => readStream().format('rate-micro-batch').option('rowsPerBatch', '10').schema('id BIGINT').load()).toThrow(/rate-micro-batch source does not support a user-specified schema/);
});
