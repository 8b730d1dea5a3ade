import type { JsonValue } from '../types.ts';
import { compactJson, prettyJson } from './prettyJson.ts';

/** Spark's `StreamingQueryStatus`. */
export interface StreamingQueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
}

/** Durations of one trigger, in ms; only the phases that ran are present (Spark omits the rest). */
export interface DurationMs {
  readonly addBatch?: number;
  readonly commitOffsets?: number;
  readonly getBatch?: number;
  readonly latestOffset?: number;
  readonly queryPlanning?: number;
  readonly triggerExecution?: number;
  readonly walCommit?: number;
}

/** One source's part of a progress report (Spark's SourceProgress): offsets, rows, metrics. */
export interface SourceProgress {
  readonly description: string;
  readonly startOffset: JsonValue;
  readonly endOffset: JsonValue;
  readonly latestOffset: JsonValue;
  readonly numInputRows: number;
  readonly inputRowsPerSecond?: number;
  readonly processedRowsPerSecond?: number;
  readonly metrics?: Readonly<Record<string, string>>;
}

/** The sink's part of a progress report (Spark's SinkProgress). */
export interface SinkProgress {
  readonly description: string;
  /** -1 when the sink cannot tell (Spark's v1 sinks: file, foreachBatch, Delta). */
  readonly numOutputRows: number;
  readonly metrics?: Readonly<Record<string, string>>;
}

/** Spark's `StateOperatorProgress`, fields in Spark's order. */
export interface StateOperatorProgress {
  readonly operatorName: string;
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly allUpdatesTimeMs?: number;
  readonly numRowsRemoved: number;
  readonly allRemovalsTimeMs?: number;
  readonly commitTimeMs?: number;
  readonly memoryUsedBytes: number;
  readonly numRowsDroppedByWatermark: number;
  readonly numShufflePartitions?: number;
  readonly numStateStoreInstances?: number;
  /** Provider metrics with Spark's names (HDFS: `loadedMapCacheHitCount`…; RocksDB: `rocksdbGetLatency`…). */
  readonly customMetrics?: Readonly<Record<string, number>>;
  readonly [key: string]: JsonValue | undefined;
}

/**
 * Spark's `StreamingQueryProgress`, with its field names and rules: rates are omitted when
 * undefined (NaN/Infinity in Spark), maps are omitted when empty.
 */
export interface StreamingQueryProgress {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  /** Trigger start, ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
  readonly batchId: number;
  readonly batchDuration: number;
  readonly numInputRows: number;
  readonly inputRowsPerSecond?: number;
  readonly processedRowsPerSecond?: number;
  readonly durationMs: DurationMs;
  readonly eventTime?: Readonly<Record<string, string>>;
  readonly stateOperators: readonly StateOperatorProgress[];
  readonly sources: readonly SourceProgress[];
  readonly sink: SinkProgress;
  readonly observedMetrics?: Readonly<Record<string, JsonValue>>;
}

/** rows / seconds, or undefined where Spark would print NaN/Infinity (and so omit the field). */
export function rowsPerSecond(rows: number, ms: number): number | undefined {
  if (!(ms > 0)) return undefined;
  const rate = rows / (ms / 1000);
  return Number.isFinite(rate) ? rate : undefined;
}

/** Drop undefined-valued keys so JSON and key-set checks match Spark's omission rules. */
export function compact<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/**
 * A progress as Spark writes it: `prettyJson` (the default, Jackson's pretty printer — `"id" : `,
 * arrays inline, rates with one decimal) or, with `{ pretty: false }`, Spark's compact `json`.
 *
 * @example
 * query.progress$.subscribe((p) => console.log(progressToJson(p)));
 */
export function progressToJson(progress: StreamingQueryProgress, options: { readonly pretty?: boolean } = {}): string {
  return options.pretty === false ? compactJson(progress) : prettyJson(progress);
}

/**
 * A status as Spark's `StreamingQueryStatus.prettyJson` (or compact `json`) writes it.
 *
 * @example
 * console.log(statusToJson(query.status)); // { "message" : "Waiting for next trigger", … }
 */
export function statusToJson(status: StreamingQueryStatus, options: { readonly pretty?: boolean } = {}): string {
  return options.pretty === false ? compactJson(status) : prettyJson(status);
}
