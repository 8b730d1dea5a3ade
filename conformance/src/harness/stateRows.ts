import { expect } from 'vitest';
import type { StateOperatorProgress, StreamingQueryProgress } from '@sluice/core';
import { execute, type StreamAction } from './streamTest.ts';

/**
 * Spark's `StateStoreMetricsTest.assertNumStateRows`, restated: `total` is each state operator's
 * `numRowsTotal` in the last batch; `updated`, `droppedByWatermark` and `removed` are summed over
 * every batch since the previous check (a data batch and the no-data batch after it count
 * together). Operators are listed as in progress: the one nearest the sink first.
 */
export function stateRowsChecker() {
  let checked = -1;
  return function assertNumStateRows(expected: { total: number | number[]; updated?: number | number[]; droppedByWatermark?: number | number[]; removed?: number | number[] }): StreamAction {
    return execute(async ({ query, processAllAvailable }) => {
      await processAllAvailable();
      const batches = query.recentProgress.filter((p) => p.stateOperators.length > 0);
      const since = batches.filter((p) => p.batchId > checked);
      expect(since.length, 'batches since the last check').toBeGreaterThan(0);
      checked = batches.at(-1)!.batchId;
      const list = (v: number | number[]) => (Array.isArray(v) ? v : [v]);
      const sum = (field: (s: StateOperatorProgress) => number) => since[0]!.stateOperators.map((_, i) => since.reduce((n, p) => n + field(p.stateOperators[i]!), 0));
      expect(since.at(-1)!.stateOperators.map((s) => s.numRowsTotal), 'numRowsTotal').toEqual(list(expected.total));
      if (expected.updated !== undefined) expect(sum((s) => s.numRowsUpdated), 'numRowsUpdated').toEqual(list(expected.updated));
      if (expected.droppedByWatermark !== undefined) expect(sum((s) => s.numRowsDroppedByWatermark), 'numRowsDroppedByWatermark').toEqual(list(expected.droppedByWatermark));
      if (expected.removed !== undefined) expect(sum((s) => s.numRowsRemoved), 'numRowsRemoved').toEqual(list(expected.removed));
    }, `assertNumStateRows(${JSON.stringify(expected)})`);
  };
}

/** The last progress that ran a batch with input rows (Spark's filter on `numInputRows > 0`). */
export function lastProgressWithData(progress: readonly StreamingQueryProgress[]): StreamingQueryProgress | undefined {
  return progress.filter((p) => p.numInputRows > 0).at(-1);
}

/** Spark's `assertStateOperatorCustomMetric`: a custom metric of the first state operator, in the last batch that had input rows. */
export function assertStateOperatorCustomMetric(name: string, expected: number): StreamAction {
  return execute(async ({ query, processAllAvailable }) => {
    await processAllAvailable();
    const last = lastProgressWithData(query.recentProgress);
    expect(last?.stateOperators[0]?.customMetrics?.[name], name).toBe(expected);
  }, `assertStateOperatorCustomMetric(${name}, ${expected})`);
}
