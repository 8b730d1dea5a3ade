import { expect } from 'vitest';
import {
  approxCountDistinct, col, collectList, collectSet, count, countDistinct, expr, first, groupBy, isSluiceError, last, lit, percentileApprox, withColumn, type Aggregate,
} from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark: the aggregate functions' documented examples (ExpressionDescription of
// First, Last, CollectList, CollectSet, HyperLogLogPlusPlus, ApproximatePercentile) and
// DataFrameAggregateSuite / HyperLogLogPlusPlusSuite / ApproximatePercentileQuerySuite, run as
// streaming aggregations in complete mode (one group).
const spark = suite('AggregateFunctions');

async function aggregateOf(values: readonly unknown[], type: string, ...aggregates: (Aggregate | string)[]): Promise<unknown[]> {
  const input = memoryInput(`col ${type}`);
  let row: unknown[] = [];
  const frame = input.frame.pipe(withColumn('g', lit(1)), groupBy('g').agg(...(aggregates as Aggregate[])));
  await testStream(frame, { outputMode: 'complete' }, addData(input, ...values), {
    kind: 'assert',
    label: 'read',
    body: ({ sinkBatches }) => {
      row = Object.values(sinkBatches().at(-1)!.rows[0]!).slice(1);
    },
  });
  return row;
}

spark.scenario('first / last (Spark docs)', async () => {
  expect(await aggregateOf([10, 5, 20], 'INT', first('col'), last('col'))).toEqual([10, 20]);
  expect(await aggregateOf([null, 5, 20], 'INT', first('col').alias('a'), first('col', true).alias('b'))).toEqual([null, 5]);
  expect(await aggregateOf([10, 5, null], 'INT', last('col').alias('a'), last('col', true).alias('b'))).toEqual([null, 5]);
  // SQL spellings, from the function registry
  expect(await aggregateOf([null, 5, 20], 'INT', 'first(col, true) AS f', 'first_value(col) AS fv', 'last(col) AS l')).toEqual([5, null, 20]);
});

spark.scenario('collect_list / collect_set (Spark docs)', async () => {
  expect(await aggregateOf([1, 2, 1], 'INT', collectList('col'), collectSet('col'))).toEqual([[1, 2, 1], [1, 2]]);
  expect(await aggregateOf([1, null, 2, 1], 'INT', 'collect_list(col) AS l', 'array_agg(col) AS a', 'collect_set(col) AS s')).toEqual([[1, 2, 1], [1, 2, 1], [1, 2]]);
});

spark.scenario('approx_count_distinct (Spark docs)', async () => {
  expect(await aggregateOf([1, 1, 2, 2, 3], 'INT', approxCountDistinct('col'), 'approx_count_distinct(col, 0.04) AS a')).toEqual([3, 3]);
});

spark.scenario('HyperLogLogPlusPlusSuite :: add and merge, within the relative error', async () => {
  // Spark's suite checks the estimate of n distinct values is within a few rsd of n.
  for (const n of [10, 500, 1500, 2000, 5000]) {
    const values = Array.from({ length: n }, (_, i) => i * 7919);
    const [estimate] = (await aggregateOf([...values, ...values.slice(0, n / 2)], 'BIGINT', approxCountDistinct('col'))) as [number];
    expect(Math.abs(Number(estimate) - n) / n, `n = ${n}, estimate ${estimate}`).toBeLessThan(3 * 0.05);
  }
});

spark.scenario('percentile_approx (Spark docs)', async () => {
  expect(await aggregateOf([0, 1, 2, 10], 'INT', percentileApprox('col', [0.5, 0.4, 0.1], 100))).toEqual([[1, 1, 0]]);
  expect(await aggregateOf([0, 6, 7, 9, 10], 'INT', percentileApprox('col', 0.5, 100), 'approx_percentile(col, 0.5, 100) AS p')).toEqual([7, 7]);
});

spark.scenario('ApproximatePercentileQuerySuite :: percentile_approx, single percentile value', async () => {
  // 1 to 1000: the p-th percentile is p · 1000.
  const values = Array.from({ length: 1000 }, (_, i) => i + 1);
  expect(await aggregateOf(values, 'INT', percentileApprox('col', 0.25).alias('a'), percentileApprox('col', 0.5).alias('b'), percentileApprox('col', 0.75).alias('c'), percentileApprox('col', [0.01, 0.99]).alias('d'))).toEqual([
    250, 500, 750, [10, 990],
  ]);
});

spark.scenario('count_distinct is refused on streams, as Spark refuses distinct aggregations', async () => {
  for (const agg of [() => countDistinct('col'), () => 'count(DISTINCT col) AS n', () => 'count_distinct(col) AS n']) {
    const error = await aggregateOf([1], 'INT', agg() as Aggregate).catch((e: unknown) => e as Error);
    expect(isSluiceError(error, 'INVALID_QUERY'), String(error)).toBe(true);
    expect((error as Error).message).toContain('Distinct aggregations are not supported on streaming DataFrames/Datasets');
  }
  void count;
  void col;
  void expr;
});
