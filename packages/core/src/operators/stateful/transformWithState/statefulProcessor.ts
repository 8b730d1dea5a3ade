import type { SchemaLike } from '../../../arrow/schema.ts';
import type { OutputMode } from '../../../types.ts';

/** Spark's `TimeMode` of `transformWithState`: which timers a processor may use. */
export type TimeMode = 'none' | 'processingTime' | 'eventTime';

/** Spark's `TTLConfig`: state values expire this long after they were last written (processing time). */
export interface TTLConfig {
  /** ms or a duration string such as '1 hour'. */
  readonly ttlDuration: number | string;
}

/** Options of a state variable: its schema (values are row objects of it; without one, any JSON value) and TTL. */
export interface StateVariableOptions {
  readonly schema?: SchemaLike;
  readonly ttl?: TTLConfig;
}

/** Options of a map state variable: the schemas of its user keys and of its values. */
export interface MapStateOptions {
  readonly keySchema?: SchemaLike;
  readonly valueSchema?: SchemaLike;
  readonly ttl?: TTLConfig;
}

/** One value per grouping key (Spark's `ValueState`). */
export interface ValueState<T> {
  exists(): boolean;
  /** The value, or undefined. */
  get(): T | undefined;
  update(value: T): void;
  clear(): void;
}

/** A list per grouping key (Spark's `ListState`). */
export interface ListState<T> {
  exists(): boolean;
  get(): T[];
  put(values: readonly T[]): void;
  appendValue(value: T): void;
  appendList(values: readonly T[]): void;
  clear(): void;
}

/** A map per grouping key (Spark's `MapState`). */
export interface MapState<K, V> {
  exists(): boolean;
  getValue(key: K): V | undefined;
  containsKey(key: K): boolean;
  updateValue(key: K, value: V): void;
  iterator(): [K, V][];
  keys(): K[];
  values(): V[];
  removeKey(key: K): void;
  clear(): void;
}

/** The times a processor's call sees (Spark's `TimerValues`): both fixed for the batch, the same on a replay. */
export interface TimerValues {
  getCurrentProcessingTimeInMs(): number;
  /** The watermark (event-time mode), else -1 as in Spark. */
  getCurrentWatermarkInMs(): number;
}

/** The timer that fired (Spark's `ExpiredTimerInfo`). */
export interface ExpiredTimerInfo {
  getExpiryTimeInMs(): number;
}

/** What a processor does with its state and timers (Spark's `StatefulProcessorHandle`); calls act on the current grouping key. */
export interface StatefulProcessorHandle {
  getValueState<T>(name: string, options?: StateVariableOptions): ValueState<T>;
  getListState<T>(name: string, options?: StateVariableOptions): ListState<T>;
  getMapState<K, V>(name: string, options?: MapStateOptions): MapState<K, V>;
  /** A timer for the current key at `expiryTimestampMs` (processing time or event time, by the time mode); registering one twice is a no-op. */
  registerTimer(expiryTimestampMs: number): void;
  deleteTimer(expiryTimestampMs: number): void;
  /** The current key's timers, earliest first. */
  listTimers(): number[];
  /** Drop a state variable's values for the current key. */
  deleteIfExists(name: string): void;
  /** The running query and batch (Spark's `QueryInfo`): the query's id (stable across restarts) and the batch id. */
  getQueryInfo(): QueryInfo;
}

/** Spark's `QueryInfo`, as `getHandle().getQueryInfo()` returns it. */
export interface QueryInfo {
  readonly queryId: string;
  readonly batchId: number;
  getQueryId(): string;
  getBatchId(): number;
}

/**
 * Spark 4's `StatefulProcessor`, the program of `transformWithState`: `init` declares the state
 * variables (it runs when the query is defined, to learn the state's schema, and at every batch);
 * `handleInputRows` is called per grouping key with the key's rows of the batch,
 * `handleExpiredTimer` per timer that fired. Both return output rows. State variables and
 * timers live in the state store and the checkpoint: a restart fires exactly the timers that
 * were due.
 *
 * @example
 * class CountAndExpire extends StatefulProcessor {
 *   private count!: ValueState<number>;
 *   init() { this.count = this.getHandle().getValueState<number>('count'); }
 *   handleInputRows(key, rows, timers) {
 *     this.count.update((this.count.get() ?? 0) + rows.length);
 *     this.getHandle().registerTimer(timers.getCurrentProcessingTimeInMs() + 60_000);
 *     return [];
 *   }
 *   handleExpiredTimer(key) { const n = this.count.get(); this.count.clear(); return [{ ...key, n }]; }
 * }
 */
export abstract class StatefulProcessor {
  private handle: StatefulProcessorHandle | null = null;

  /** Declare state variables (`this.getHandle().getValueState(...)`). */
  abstract init(outputMode: OutputMode, timeMode: TimeMode): void;

  abstract handleInputRows(
    key: Record<string, unknown>,
    rows: readonly Record<string, unknown>[],
    timerValues: TimerValues,
  ): Iterable<Record<string, unknown>> | Promise<Iterable<Record<string, unknown>>>;

  /**
   * Spark 4's `StatefulProcessorWithInitialState.handleInitialState`: called in the query's first
   * batch, before any input row, once per row of the `initialState` given to `transformWithState`
   * (the row's grouping key is current), to seed the key's state variables and timers.
   */
  handleInitialState?(key: Record<string, unknown>, initialState: Record<string, unknown>, timerValues: TimerValues): void | Promise<void>;

  /** A timer of `key` fired (it is deleted once this returns). */
  handleExpiredTimer(key: Record<string, unknown>, timerValues: TimerValues, expiredTimerInfo: ExpiredTimerInfo): Iterable<Record<string, unknown>> | Promise<Iterable<Record<string, unknown>>> {
    void key;
    void timerValues;
    void expiredTimerInfo;
    return [];
  }

  /** Called at the end of every batch. */
  close(): void {}

  getHandle(): StatefulProcessorHandle {
    if (!this.handle) throw new Error('The StatefulProcessorHandle is only available while transformWithState runs the processor (in init and the handle* methods).');
    return this.handle;
  }

  /** Set by the engine around each batch. */
  setHandle(handle: StatefulProcessorHandle | null): void {
    this.handle = handle;
  }
}
