import { col, collectList, collectSet, count, groupBy, last, memoryCheckpoint, orderBy, select, selectExpr } from '@sluice/core';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkLastBatch, checkLastBatchSorted, checkNewAnswer, multiAddData, startStream, stopStream, testStream } from '../harness/streamTest.ts';

// More of apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingAggregationSuite.scala
// (the rest is in streamingAggregation.test.ts). Named for Spark's default state format (2).
const spark = suite('StreamingAggregationSuite');
const v2 = (name: string) => `${name} - state format version 2`;

spark.scenario(v2('count distinct'), async () => {
  const input = memoryInput('_1 INT, _2 ARRAY<INT>');
  const aggregated = input.frame.pipe(selectExpr('*', 'explode(_2) AS value'), groupBy('_1').agg(collectSet('value').alias('set')), selectExpr('_1', 'size(set)'));
  await testStream(aggregated, { outputMode: 'update' },
    addData(input, [1, [1, 2]]), checkLastBatch([1, 2]));
});

spark.scenario(v2('sort after aggregate in complete mode'), async () => {
  const input = intStream();
  const aggregated = input.frame.pipe(groupBy('value').agg(count().alias('count')), orderBy(col('count').desc()));
  await testStream(aggregated, { outputMode: 'complete' },
    addData(input, 3), checkLastBatchSorted([3, 1]),
    addData(input, 2, 3), checkLastBatchSorted([3, 2], [2, 1]),
    stopStream, startStream(),
    addData(input, 3, 2, 1), checkLastBatchSorted([3, 3], [2, 2], [1, 1]),
    addData(input, 4, 4, 4, 4), checkLastBatchSorted([4, 4], [3, 3], [2, 2], [1, 1]));
});

spark.scenario(v2('SPARK-22230: last should change with new batches'), async () => {
  const input = intStream();
  await testStream(input.frame.pipe(groupBy().agg(last('value'))), { outputMode: 'complete' },
    addData(input, 1, 2, 3), checkLastBatch(3),
    addData(input, 4, 5, 6), checkLastBatch(6),
    addData(input), checkLastBatch(6),
    addData(input, 0), checkLastBatch(0));
});

spark.scenario(v2("SPARK-29438: ensure UNION doesn't lead streaming aggregation to use shifted partition IDs"), async () => {
  const checkpoint = memoryCheckpoint();
  const unionOf = () => {
    const input1 = intStream();
    const input2 = intStream();
    const df1 = input1.frame.pipe(select(col('value'), col('value').plus(1).alias('next')));
    const df2 = input2.frame.pipe(groupBy('value').agg(count().alias('next')), select(col('value'), col('next').cast('int').alias('next')));
    return { input1, input2, frame: df1.union(df2) };
  };
  const first = unionOf();
  await testStream(first.frame, { outputMode: 'update', checkpoint },
    multiAddData([first.input1, [11, 12]], [first.input2, [21, 22]]),
    checkNewAnswer([11, 12], [12, 13], [21, 1], [22, 1]),
    stopStream);
  // Restored with new sources holding the data the first run saw (Spark's re-created MemoryStreams).
  const second = unionOf();
  second.input1.add(11, 12);
  second.input2.add(21, 22);
  await testStream(second.frame, { outputMode: 'update', checkpoint },
    multiAddData([second.input1, [13, 14]], [second.input2, [22, 23]]),
    checkNewAnswer([13, 14], [14, 15], [22, 2], [23, 1]));
});

spark.scenario(v2('SPARK-23004: Ensure that TypedImperativeAggregate functions do not throw errors'), async () => {
  // 128 rows (Spark's sort-based fallback threshold) in one batch, each its own group of collect_list.
  const input = intStream();
  const values = Array.from({ length: 128 }, (_, i) => i + 1);
  const aggregated = input.frame.pipe(selectExpr('value AS group', 'value'), groupBy('group').agg(collectList('value')));
  await testStream(aggregated, { outputMode: 'update' },
    addData(input, ...values),
    checkLastBatch(...values.map((v) => [v, [v]])));
});
