/**
 * RateStreamProviderSuite, restated: the rate source on the virtual clock (Spark's
 * `useManualClock`): `AdvanceRateManualClock(s)` is the clock moving s seconds under a
 * one-second processing-time trigger, so each batch reads exactly the seconds that passed.
 */
import { expect } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { col, isSluiceError, memoryCheckpoint, readStream, select, silentLogger, tableToRows } from '@sluice/core';
import { Checkpoint, VirtualScheduler } from '@sluice/core/internal';
import type { Source, SourceContext } from '@sluice/core/connector';
import '@sluice/sources';
import { rateProvider, valueAtSecond } from '@sluice/sources/internal';
import { suite } from '../harness/scenario.ts';
import { advanceManualClock, checkAnswer, checkLastBatch, startStream, stopStream, testStream } from '../harness/streamTest.ts';

const spark = suite('RateStreamProviderSuite');
const SECOND = { processingTime: 1000 } as const;
const advanceRateManualClock = (seconds: number) => advanceManualClock(seconds * 1000);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Spark's `new RateStreamMicroBatchStream(...)` driven directly. */
async function rateStream(options: Record<string, unknown>, clock = new VirtualScheduler(0)): Promise<Source<number>> {
  const context: SourceContext = { queryId: 'q', runId: 'r', sourceIndex: 0, metadata: new Checkpoint(memoryCheckpoint()).sourceMetadata(0), scheduler: clock, log: silentLogger };
  return (await rateProvider(options).open(context)) as Source<number>;
}

spark.scenario('RateStreamProvider in registry', () => {
  const frame = readStream().format('rate').load();
  expect(frame.schema.fields.map((f) => f.name)).toEqual(['timestamp', 'value']);
});

spark.scenario('microbatch - basic', () =>
  testStream(readStream().format('rate').option('rowsPerSecond', '10').load(), { trigger: SECOND },
    advanceRateManualClock(1),
    checkLastBatch(...range(0, 10).map((v) => [v * 100, v]))));

spark.scenario('microbatch - restart', () => {
  const input = readStream().format('rate').option('rowsPerSecond', '10').load().pipe(select(col('value')));
  return testStream(input, { trigger: SECOND },
    advanceRateManualClock(2),
    stopStream,
    checkAnswer(...range(0, 20)),
    startStream(),
    advanceRateManualClock(2),
    stopStream,
    checkAnswer(...range(0, 40)));
});

spark.scenario('microbatch - uniform distribution of event timestamps', () =>
  testStream(readStream().format('rate').option('rowsPerSecond', '1500').load(), { trigger: SECOND },
    advanceRateManualClock(1),
    checkLastBatch(...range(0, 1500).map((v) => [Math.round(v * (1000 / 1500)), v]))));

spark.scenario('microbatch - infer offsets', async () => {
  const clock = new VirtualScheduler(0);
  const stream = await rateStream({ rowsPerSecond: 100 }, clock);
  await clock.advanceBy(100_000);
  expect(await stream.initialOffset()).toBe(0);
  expect(await stream.latestOffset(0, { kind: 'all' })).toBeGreaterThanOrEqual(100);
});

spark.scenario('microbatch - predetermined batch size', async () => {
  const stream = await rateStream({ rowsPerSecond: 20 });
  const table = await firstValueFrom(stream.read(0, 1));
  expect(table.batches.length).toBe(1);
  expect(table.numRows).toBe(20);
});

spark.scenario('microbatch - data read', async () => {
  const stream = await rateStream({ rowsPerSecond: 33, numPartitions: 11 });
  const table = await firstValueFrom(stream.read(0, 1));
  expect(table.batches.length).toBe(11);
  expect(tableToRows(table).map((r) => Number(r['value'])).sort((a, b) => a - b)).toEqual(range(0, 33));
});

spark.scenario('valueAtSecond', () => {
  expect(valueAtSecond(0, 5, 0)).toBe(0);
  expect(valueAtSecond(1, 5, 0)).toBe(5);
  expect([0, 1, 2, 3].map((s) => valueAtSecond(s, 5, 2))).toEqual([0, 1, 3, 8]);
  expect([0, 1, 2, 3, 4, 5].map((s) => valueAtSecond(s, 10, 4))).toEqual([0, 2, 6, 12, 20, 30]);
});

spark.scenario('rampUpTime', () =>
  testStream(readStream().format('rate').option('rowsPerSecond', '10').option('rampUpTime', '4s').load(), { trigger: SECOND },
    advanceRateManualClock(1),
    checkLastBatch(...range(0, 2).map((v) => [v * 500, v])), // speed = 2
    advanceRateManualClock(1),
    checkLastBatch(...range(2, 6).map((v) => [1000 + (v - 2) * 250, v])), // speed = 4
    advanceRateManualClock(1),
    checkLastBatch([2000, 6], [2167, 7], [2333, 8], [2500, 9], [2667, 10], [2833, 11]), // speed = 6
    advanceRateManualClock(1),
    checkLastBatch(...range(12, 20).map((v) => [3000 + (v - 12) * 125, v])), // speed = 8
    advanceRateManualClock(1),
    checkLastBatch(...range(20, 30).map((v) => [4000 + (v - 20) * 100, v])), // full speed
    advanceRateManualClock(1),
    checkLastBatch(...range(30, 40).map((v) => [5000 + (v - 30) * 100, v])),
    advanceRateManualClock(1),
    checkLastBatch(...range(40, 50).map((v) => [6000 + (v - 40) * 100, v]))));

spark.scenario('illegal option values', async () => {
  for (const option of ['rowsPerSecond', 'numPartitions']) {
    let error: unknown;
    try {
      await readStream().format('rate').option(option, '-1').load().writeStream().format('console').start();
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error), String(error)).toBe(true);
    for (const part of ['-1', option, 'positive']) expect(String(error)).toContain(part);
  }
});

spark.scenario('user-specified schema given', () => {
  let error: unknown;
  try {
    readStream().format('rate').schema('id BIGINT').load();
  } catch (e) {
    error = e;
  }
  expect(String(error)).toMatch(/rate.*does not support (a )?user-specified schema/i);
});
