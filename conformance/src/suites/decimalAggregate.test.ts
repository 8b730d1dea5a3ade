import { avg, groupBy, max, min, sum } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/DataFrameAggregateSuite.scala
// (decimal sums and averages), run as streaming aggregations over micro-batches.
const spark = suite('DataFrameAggregateSuite');

spark.scenario('SPARK-28067: Aggregate sum should not return wrong results for decimal overflow', async () => {
  // Spark's BigDecimal("10000000000000000000") columns are DECIMAL(38,18): at most 20 integer
  // digits. Nine of them sum to 9e19; the running sum passing 1e20 is null for good (ANSI off).
  const input = memoryInput('decNum DECIMAL(38,18), intNum INT');
  const e19 = '10000000000000000000';
  await testStream(input.frame.pipe(groupBy('intNum').agg(sum('decNum'))), { outputMode: 'complete' },
    addData(input, ...Array.from({ length: 9 }, () => [e19, 1]), [e19, 2]),
    checkAnswer([1, '90000000000000000000.000000000000000000'], [2, '10000000000000000000.000000000000000000']),
    addData(input, [e19, 1], [e19, 1], ['-30000000000000000000', 1]),
    checkAnswer([1, null], [2, '10000000000000000000.000000000000000000']));
});

spark.scenario('SPARK-17641 / SPARK-24957: sum, avg, min and max of decimals keep exact digits across batches', async () => {
  // avg(DECIMAL(10,2)) is DECIMAL(14,6), sum is DECIMAL(20,2): Spark's answers for these inputs.
  const input = memoryInput('k STRING, d DECIMAL(10,2)');
  await testStream(input.frame.pipe(groupBy('k').agg(sum('d'), avg('d'), min('d'), max('d'))), { outputMode: 'complete' },
    addData(input, ['a', '0.10'], ['a', '0.20'], ['b', null]),
    checkAnswer(['a', '0.30', '0.150000', '0.10', '0.20'], ['b', null, null, null, null]),
    addData(input, ['a', '0.01'], ['b', '-99999999.99']),
    checkAnswer(['a', '0.31', '0.103333', '0.01', '0.20'], ['b', '-99999999.99', '-99999999.990000', '-99999999.99', '-99999999.99']));
});
