import type { StateMetrics } from '../builders/plan.ts';
import type { OperatorStateMetrics } from '../state/operatorStates.ts';
import type { StateOperatorProgress } from './progress.ts';

/** One operator's `stateOperators[]` entry, in Spark's field order, from its stores' and its own counters. */
export function stateOperatorProgress(operatorName: string, store: OperatorStateMetrics, own: StateMetrics): StateOperatorProgress {
  return {
    operatorName,
    numRowsTotal: store.numKeys,
    numRowsUpdated: own.numRowsUpdated ?? store.numKeysUpdated,
    allUpdatesTimeMs: Math.round(own.allUpdatesTimeMs ?? 0),
    numRowsRemoved: store.numKeysRemoved,
    allRemovalsTimeMs: Math.round(own.allRemovalsTimeMs ?? 0),
    commitTimeMs: Math.round(store.commitTimeMs),
    memoryUsedBytes: store.memoryUsedBytes,
    numRowsDroppedByWatermark: own.numRowsDroppedByWatermark ?? 0,
    numShufflePartitions: store.numPartitions,
    numStateStoreInstances: store.numPartitions,
    customMetrics: Object.fromEntries(Object.entries({ ...store.custom, ...own.customMetrics }).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, Math.round(v)])),
  };
}
