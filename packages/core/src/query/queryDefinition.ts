import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import type { FaultInjector } from '../lifecycle/faults.ts';
import type { PlanNode } from '../builders/plan.ts';
import type { StateStoreSettings } from '../state/stateStore.ts';
import type { Trigger } from '../triggers/trigger.ts';
import type { OutputMode, SinkProvider, SourceProvider } from '../types.ts';
import type { WatermarkPolicy } from './watermarks.ts';

/** Everything a started query is made of, fixed at `start()`; each run (restart) reuses it. */
export interface QueryDefinition {
  readonly plan: PlanNode;
  readonly sources: readonly SourceProvider[];
  readonly sink: SinkProvider;
  readonly outputMode: OutputMode;
  readonly trigger: Trigger;
  readonly name: string | null;
  readonly checkpoint: CheckpointStore;
  /** The checkpoint was made up because none was given; it is deleted on a clean stop. */
  readonly temporaryCheckpoint: boolean;
  /** Offsets/commits entries kept (Spark's spark.sql.streaming.minBatchesToRetain, 100). */
  readonly minBatchesToRetain: number;
  /** Which state store keeps the stateful operators' state, and its settings. */
  readonly stateStore: StateStoreSettings;
  /** Default trigger: wait this long before asking sources again when they had nothing (10 ms). */
  readonly pollingDelayMs: number;
  /** At most one idle progress event per this interval (Spark's noDataProgressEventInterval, 10 s). */
  readonly noDataProgressEventIntervalMs: number;
  /** Which input's watermark a query with several follows; a checkpoint's recorded policy wins. */
  readonly multipleWatermarkPolicy: WatermarkPolicy;
  /** Run a batch without new data when the watermark moved (Spark's noDataMicroBatches.enabled). */
  readonly noDataMicroBatches: boolean;
  /** Crash points for fault-injection tests. */
  readonly faults?: FaultInjector;
}
