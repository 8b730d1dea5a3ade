import type { Observable, SchedulerLike } from 'rxjs';
import type { Schema, Table } from 'apache-arrow';
import type { Logger } from './logger.ts';

/** A JSON value: the form every offset takes in the offset log and in progress JSON. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A source's position, in Spark's JSON forms: kafka `{"topic":{"0":42}}`, file `{"logOffset":7}`,
 * rate-micro-batch `{"offset":1000,"timestamp":1000}`, rate a bare number. Written verbatim into
 * `offsets/N`, so it must round-trip through `JSON.stringify`/`JSON.parse`.
 */
export type Offset = JsonValue;

/**
 * How much a source may admit into one batch (Spark's `ReadLimit`). The engine passes the
 * source's own default (from `maxOffsetsPerTrigger`, `maxFilesPerTrigger` …) except under
 * `Trigger.once`, which reads everything available.
 */
export type ReadLimit =
  | { readonly kind: 'all' }
  | { readonly kind: 'maxRows'; readonly maxRows: number }
  | { readonly kind: 'maxFiles'; readonly maxFiles: number }
  | { readonly kind: 'maxBytes'; readonly maxBytes: number }
  | { readonly kind: 'minRows'; readonly minRows: number; readonly maxTriggerDelayMs: number }
  | { readonly kind: 'composite'; readonly limits: readonly ReadLimit[] };

/** The read limit that admits everything available (Spark's ReadLimit.allAvailable). */
export const READ_ALL: ReadLimit = Object.freeze({ kind: 'all' });

/** Spark's output modes: `append` (new rows only), `update` (changed groups), `complete` (the whole result). */
export type OutputMode = 'append' | 'update' | 'complete';

/** Every output mode, in Spark's order. */
export const OUTPUT_MODES: readonly OutputMode[] = ['append', 'update', 'complete'];

/** Durable per-source key/value log under `<checkpoint>/sources/<i>/`, each entry written whole-or-nothing. */
export interface SourceMetadataStore {
  /** The stored value for `name`, or `create()`'s value stored now; the first write wins forever. */
  getOrCreate<T extends JsonValue>(name: string, create: () => T | Promise<T>): Promise<T>;
  get<T extends JsonValue>(name: string): Promise<T | undefined>;
  /** Replace a value atomically (for logs a source manages itself). */
  put(name: string, value: JsonValue): Promise<void>;
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
  /**
   * The raw text of an entry, or undefined: for logs a source keeps in a layout of its own
   * (the file source's `v1` + one JSON object per line, as Spark's FileStreamSourceLog).
   */
  readText(name: string): Promise<string | undefined>;
  /** Write raw text whole-or-nothing; with `ifAbsent` an existing entry is kept and false returned. */
  writeText(name: string, text: string, options?: { readonly ifAbsent?: boolean }): Promise<boolean>;
}

/** What a running source is given by the engine. */
export interface SourceContext {
  readonly queryId: string;
  readonly runId: string;
  /** Position of this source in the plan; its checkpoint folder is `sources/<index>/`. */
  readonly sourceIndex: number;
  readonly metadata: SourceMetadataStore;
  /** The query's clock and timer queue; sources never call `Date.now`/`setTimeout` themselves. */
  readonly scheduler: SchedulerLike;
  readonly log: Logger;
}

/**
 * A running source: a factory of offset-bounded batch observables (DESIGN §4).
 * `read(start, end)` must be deterministic for a range, which is what makes replay exact.
 */
export interface Source<O extends Offset = Offset> {
  /** Shown in progress, e.g. `RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, numPartitions=default`. */
  readonly description: string;
  readonly schema: Schema;
  /** Where a fresh query starts; must return the same value on every run of one checkpoint. */
  initialOffset(): Promise<O>;
  /** End of the next batch with the read limit applied, or `null` when the source has nothing yet. */
  latestOffset(start: O, limit: ReadLimit): Promise<O | null>;
  /** The rows in (start, end], as one or more tables with the source's schema. */
  read(start: O, end: O): Observable<Table>;
  /** Everything up to `end` is durable downstream; the source may discard it. */
  commit(end: O): Promise<void>;
  /** The limit the source applies when the trigger sets none (from its own options). */
  readonly defaultReadLimit?: ReadLimit;
  /**
   * Trigger.availableNow: pin the data present now as the target; later `latestOffset` calls
   * never go beyond it. Sources without it fall back to one batch of everything (Spark's rule).
   */
  prepareForAvailableNow?(): Promise<void>;
  /** The latest offset the source knows of, for progress `latestOffset` (may exceed the batch end). */
  reportLatestOffset?(): O | null;
  /** Source-specific progress metrics (Spark's `sources[].metrics`), given the batch end. */
  metrics?(end: O | null): Record<string, string>;
  /**
   * `processAllAvailable()` was called: a source that answers `latestOffset` from a cached view
   * (the file source between watcher events) must look again, so data present now is seen.
   */
  refresh?(): void;
  /** Push hint that wakes a waiting trigger early (chokidar, a Kafka fetch); never required for correctness. */
  readonly dataArrived$?: Observable<void>;
  stop(): Promise<void>;
}

/** A configured source, not yet running: what `format('rate').load()` and `rateSource({...})` build. */
export interface SourceProvider {
  readonly format: string;
  readonly schema: Schema;
  /** Options as given, for `explain()`; secrets are redacted when shown. */
  readonly options: Readonly<Record<string, unknown>>;
  open(context: SourceContext): Promise<Source>;
}

/** What the engine tells a sink about the batch it is writing. */
export interface BatchContext {
  readonly batchId: number;
  readonly queryId: string;
  readonly runId: string;
  readonly queryName: string | null;
  readonly outputMode: OutputMode;
  /** Frozen at planning time and stored in `offsets/N`, so a replayed batch sees the same value. */
  readonly batchTimestampMs: number;
  readonly watermarkMs: number;
  /** Aborted when the query is stopped mid-batch; long writes should give up promptly. */
  readonly signal: AbortSignal;
  /**
   * Sinks call this at the steps of their own write protocol (`await context.fault('files-written')`)
   * so that fault-injection tests can crash a write half-way. A no-op outside such tests.
   */
  fault(point: string): Promise<void>;
}

/** A running sink (DESIGN §5). `addBatch` is idempotent per batchId for exactly-once sinks. */
export interface Sink {
  readonly description: string;
  readonly guarantee: 'exactly-once' | 'at-least-once' | 'none';
  readonly outputModes: ReadonlySet<OutputMode>;
  addBatch(batchId: number, table: Table, context: BatchContext): Promise<void>;
  /** Rows written by the last batch, for progress `sink.numOutputRows`; -1 when unknown (Spark's v1 sinks). */
  lastBatchOutputRows?(): number;
  /** Sink-specific progress metrics. */
  metrics?(): Record<string, string>;
  /** Called once `commits/<batchId>` is durable: the batch will never be replayed (observable sinks emit here). */
  batchCommitted?(batchId: number): void;
  close(): Promise<void>;
}

/** What a sink is given when it opens. */
export interface SinkContext {
  readonly queryId: string;
  readonly runId: string;
  readonly queryName: string | null;
  readonly outputMode: OutputMode;
  /** The columns of the rows the query writes (its plan's output), known before the first batch. */
  readonly schema?: Schema;
  readonly scheduler: SchedulerLike;
  readonly log: Logger;
}

/** A configured sink, not yet running: what `format('console')` and `consoleSink({...})` build. */
export interface SinkProvider {
  readonly format: string;
  readonly guarantee: Sink['guarantee'];
  readonly outputModes: ReadonlySet<OutputMode>;
  readonly options: Readonly<Record<string, unknown>>;
  /** True when the sink may run without a `checkpointLocation` (Spark: console, memory, noop, foreach*). */
  readonly allowsTemporaryCheckpoint: boolean;
  open(context: SinkContext): Promise<Sink>;
}

/** One executed micro-batch, as foreachBatch and observable sinks see it. */
export interface MicroBatch {
  readonly batchId: number;
  readonly table: Table;
  readonly offsets: readonly { readonly start: Offset | null; readonly end: Offset | null }[];
  readonly eventTimeWatermarkMs: number;
}
