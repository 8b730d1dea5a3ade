import { dropDuplicates, groupBy, selectExpr, sum } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { stateRowsChecker } from '../harness/stateRows.ts';
import { addData, checkLastBatch, testStream } from '../harness/streamTest.ts';

// More of apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingDeduplicationSuite.scala
// (the rest is in streamingDeduplication.test.ts).
const spark = suite('StreamingDeduplicationSuite');

const dedupThenSum = () => {
  const input = memoryInput('_1 STRING, _2 INT');
  const frame = input.frame.pipe(selectExpr('_1 AS str', '_2 AS num'), dropDuplicates(), groupBy('str').agg(sum('num')));
  return { input, frame };
};

spark.scenario('deduplicate with aggregate - update mode', async () => {
  const { input, frame } = dedupThenSum();
  // State operators as Spark lists them: the aggregation, then the deduplication.
  const assertNumStateRows = stateRowsChecker();
  await testStream(frame, { outputMode: 'update' },
    addData(input, ['a', 1]), checkLastBatch(['a', 1]), assertNumStateRows({ total: [1, 1], updated: [1, 1] }),
    addData(input, ['a', 1]), checkLastBatch(), assertNumStateRows({ total: [1, 1], updated: [0, 0] }),
    addData(input, ['a', 2]), checkLastBatch(['a', 3]), assertNumStateRows({ total: [1, 2], updated: [1, 1] }),
    addData(input, ['b', 1]), checkLastBatch(['b', 1]), assertNumStateRows({ total: [2, 3], updated: [1, 1] }));
});

spark.scenario('deduplicate with aggregate - complete mode', async () => {
  const { input, frame } = dedupThenSum();
  await testStream(frame, { outputMode: 'complete' },
    addData(input, ['a', 1]), checkLastBatch(['a', 1]),
    addData(input, ['a', 1]), checkLastBatch(['a', 1]),
    addData(input, ['a', 2]), checkLastBatch(['a', 3]),
    addData(input, ['b', 1]), checkLastBatch(['a', 3], ['b', 1]));
});
