import { expect } from 'vitest';
import { join, selectExpr, staticTable, type StreamingQueryProgress } from '@sluice/core';
import { intStream } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, assertOnQuery, checkAnswer, testStream } from '../harness/streamTest.ts';

// StreamingQuerySuite's input-row scenarios (apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingQuerySuite.scala):
// numInputRows counts the rows read from streaming sources, once per read of a source.
const spark = suite('StreamingQuerySuite');

const lastProgressWithData = (progress: readonly StreamingQueryProgress[]) => progress.filter((p) => p.numInputRows > 0).at(-1);

spark.scenario('input row calculation with mixed batch and streaming sources', async () => {
  const input = intStream();
  const staticInput = staticTable('value INT, anotherValue STRING', [{ value: 1, anotherValue: '1' }, { value: 2, anotherValue: '2' }]);
  const joined = input.frame.pipe(join(staticInput, 'value'));
  await testStream(joined, {},
    addData(input, ...Array.from({ length: 10 }, (_, i) => i + 1)),
    checkAnswer([1, '1'], [2, '2']),
    assertOnQuery(({ query }) => {
      // The stream read 10 rows; the static table's 2 are not input rows.
      const progress = lastProgressWithData(query.recentProgress)!;
      expect(progress.numInputRows).toBe(10);
      expect(progress.sources).toHaveLength(1);
      expect(progress.sources[0]!.numInputRows).toBe(10);
    }));
});

spark.scenario('input row calculation with same V2 source used twice in self-union', async () => {
  const input = intStream();
  await testStream(input.frame.union(input.frame), {},
    addData(input, 1, 2, 3),
    checkAnswer(1, 1, 2, 2, 3, 3),
    assertOnQuery(({ query }) => {
      const progress = lastProgressWithData(query.recentProgress)!;
      // The source is scanned twice because of the self-union.
      expect(progress.numInputRows).toBe(6);
      expect(progress.sources).toHaveLength(1);
      expect(progress.sources[0]!.numInputRows).toBe(6);
    }));
});

spark.scenario('input row calculation with same V2 source used twice in self-join', async () => {
  // Spark's default (exchange reuse on): a frame joined with itself is scanned once, 3 input rows
  // (Spark adds a useful projection, `value + 0`, so that both sides are one plan).
  const input = intStream();
  const streamDF = input.frame.pipe(selectExpr('value + 0 AS v'));
  await testStream(streamDF.pipe(join(streamDF, 'v')), {},
    addData(input, 1, 2, 3),
    checkAnswer(1, 2, 3),
    assertOnQuery(({ query }) => {
      const progress = lastProgressWithData(query.recentProgress)!;
      expect(progress.sources).toHaveLength(1);
      expect(progress.numInputRows).toBe(3);
    }));
});
