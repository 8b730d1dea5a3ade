/**
 * @sluice/core/internal: what Sluice's own packages share and applications should not use. No
 * stability promise: names here change without notice and are absent from the API reference.
 *
 * @packageDocumentation
 */

/* JSON ⇄ Arrow (from_json / to_json, the json format) */
export { DEFAULT_CORRUPT_RECORD_COLUMN, parseJsonRecords } from './arrow/json/parseJsonRecords.ts';
export type { ParseJsonOptions, ParseMode } from './arrow/json/parseJsonRecords.ts';
export { tableToJsonLines } from './arrow/json/tableToJsonLines.ts';
export { columnBuilder } from './arrow/json/columnBuilders.ts';
export type { ColumnBuilder } from './arrow/json/columnBuilders.ts';
export { formatIsoDateDays, formatIsoTimestampMs, parseIsoDateDays, parseIsoTimestampMs } from './arrow/json/temporal.ts';

/* Plans */
export { executePlan, planSteps, standaloneOperatorContext } from './builders/plan.ts';
export type { EventTimeStats, OperatorContext, PlanNode, PlanStep, StateMetrics } from './builders/plan.ts';
export { defaultTrigger, nextBatchTime, toTrigger } from './triggers/trigger.ts';
export { canonicalJson, sameOffset } from './query/canonicalJson.ts';

/* Lifecycle (for inspection and model-based tests) */
export { queryLifecycleMachine } from './lifecycle/queryLifecycle.ts';
export type { LifecycleContext, LifecycleEvent, LifecycleInput, LifecycleStateName } from './lifecycle/queryLifecycle.ts';
export { statusOf } from './lifecycle/status.ts';

/* Intervals (Spark's CalendarInterval spellings) */
export { formatInterval, intervalToMs, parseInterval } from './time/interval.ts';
export type { Interval } from './time/interval.ts';
export { fromIntervalString, isNegativeInterval, toMs } from './time/intervalString.ts';

/* Time */
export { schedulerClock } from './time/schedulerClock.ts';
export { VirtualScheduler, settleMicrotasks } from './time/virtualScheduler.ts';

/* Checkpoint internals */
export type { CheckpointLock, LockOwner, WriteOptions } from './checkpoint/checkpointStore.ts';
export { checkpointPath } from './checkpoint/fileCheckpointStore.ts';
export { Checkpoint } from './checkpoint/checkpoint.ts';
export type { Recovery } from './checkpoint/checkpoint.ts';
export type { CommitMetadata, OffsetSeq, OffsetSeqMetadata } from './checkpoint/logEntries.ts';
export { checkJsonMapKeys, JSON_PARSE_OPTION_NAMES, jsonSyntaxOf, jsonValueOptionsOf, temporalWriters } from './arrow/json/jsonOptions.ts';
export type { JsonParseOptions } from './arrow/json/jsonOptions.ts';
export { isLenient, parseJsonExact } from './arrow/json/exactJson.ts';
export type { JsonSyntax } from './arrow/json/exactJson.ts';
export type { JsonValueOptions } from './arrow/json/columnBuilders.ts';
