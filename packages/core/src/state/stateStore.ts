import type { Schema } from 'apache-arrow';
import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import type { Logger } from '../logger.ts';

/**
 * # The state store contract
 *
 * Every stateful operator (aggregation today; deduplication, joins, session windows,
 * `flatMapGroupsWithState` / `transformWithState` next) keeps its state here, never in one value
 * rewritten per batch. A batch costs what it touches.
 *
 * **Shape.** An operator declares a {@link StateSchema}: one or more named *key spaces* (Spark
 * 3.5's column families), each with an Arrow schema for its keys and one for its values, e.g. a
 * stream–stream join side keeps `keyToNumValues` and `keyWithIndexToValue`, `transformWithState`
 * keeps one space per ValueState/ListState/MapState plus `timers`. Its state is split by key hash
 * into `numPartitions` partitions (fixed at the query's first run, recorded in the checkpoint);
 * each partition is one {@link StateStore} holding every key space of the operator for the keys
 * that hash there. Put all entries that belong to one grouping key in the partition of that key
 * (`partitionOf(groupingKeyBytes)`), also in secondary spaces such as timers, so one partition
 * can later be processed on its own (another thread, another process).
 *
 * **Versions.** Batch N reads version N of the state and the engine commits what it wrote as
 * version N+1 after the batch's sink write. A replayed batch N reads version N again, so its
 * output is what it was the first time. Operators never commit or abort: the engine does, for
 * every partition at once.
 *
 * **Keys and values** are compact binary rows of their space's schemas ({@link RowCodec}: keys in
 * the *ordered* encoding, values in the *compact* one), never JSON. In an `ordered` key space
 * keys are kept in byte order — the order of their column values — so a range scan or a prefix
 * scan touches only what it returns: put the event time (or timer expiry) first in the key and
 * eviction below the watermark, or finding due timers, reads only the expired entries.
 *
 * **Batch first.** Reads take many keys at once (`getMany`): on an embedded KV store an awaited
 * `get` per key runs at ~10 k/s, a batched read at 300 k/s+. Writes (`put`, `delete`) are
 * synchronous and buffered; reads in the same batch see them.
 *
 * @example
 * An operator's step, per batch (see `operators/groupBy.ts` for the whole thing)
 * ```ts
 * const state = context.state(step);                         // OperatorState, loaded by the engine
 * const { key, value } = state.codecs('default');            // RowCodecs of the space's schemas
 * const keys = groups.map((g) => key.encode(g.values));
 * for (const [p, idx] of state.split(keys)) {                // key indexes per partition
 *   const space = state.store(p).space('default');
 *   const old = await space.getMany(idx.map((i) => keys[i]!));
 *   idx.forEach((i, j) => space.put(keys[i]!, value.encode(fold(old[j], groups[i]!))));
 * }
 * // eviction: an ordered space whose keys start with the window end
 * for (let p = 0; p < state.numPartitions; p++) {
 *   const space = state.store(p).space('default');
 *   for await (const chunk of space.scan({ lt: key.encodePrefix([watermarkMs]) })) for (const e of chunk) space.delete(e.key);
 * }
 * ```
 */
export interface StateSchema {
  /** The operator's key spaces; the first is its main one. Names are unique, at most 250 spaces. */
  readonly keySpaces: readonly KeySpaceSpec[];
}

/** One key space (column family) of an operator's state. */
export interface KeySpaceSpec {
  /** Unique within the operator, e.g. `default`, `keyToNumValues`, `timers`. */
  readonly name: string;
  /** Key columns, encoded in the ordered encoding. Nullable columns sort nulls first. */
  readonly key: Schema;
  /** Value columns, encoded in the compact encoding. */
  readonly value: Schema;
  /**
   * Keep keys in byte order so `scan` takes ranges and prefixes and visits keys in order. Costs
   * an ordered index in the in-memory provider (RocksDB is ordered anyway). Unordered spaces
   * allow only whole-space scans, in no particular order.
   */
  readonly ordered?: boolean;
  /** An index or bookkeeping space: its keys are not counted in `numRowsTotal` (Spark's internal column families). */
  readonly internal?: boolean;
}

/** A byte range of keys in an ordered key space. All bounds optional; `prefix` combines with the others. */
export interface KeyRange {
  /** Only keys that start with these bytes, e.g. `codec.encodePrefix([groupingKey])`. */
  readonly prefix?: Uint8Array;
  /** From this key on (inclusive). */
  readonly gte?: Uint8Array;
  /** Up to this key (exclusive). */
  readonly lt?: Uint8Array;
}

/** One key and value of a state store key space, as binary rows. */
export interface StateEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Which keys a scan visits: a prefix, or a range (ordered key spaces only). */
export interface ScanOptions {
  /** Entries per chunk (default 1024). Deleting what a chunk returned before asking for the next is safe. */
  readonly chunkSize?: number;
  /** Stop after this many entries. */
  readonly limit?: number;
}

/** One key space of one partition, as an operator uses it during a batch. */
export interface KeySpace {
  readonly spec: KeySpaceSpec;
  /** The values of `keys`, in order (undefined where absent). Sees this batch's writes. */
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Set a key's value. Buffered until the engine commits; the caller may not reuse the arrays afterwards. */
  put(key: Uint8Array, value: Uint8Array): void;
  /** Remove a key (a no-op when absent). */
  delete(key: Uint8Array): void;
  /**
   * The entries in `range` (ordered spaces: in key order) in chunks. Without a range, the whole
   * space. Writes made while a scan runs may or may not be seen by it; deleting entries a chunk
   * returned is always safe.
   */
  scan(range?: KeyRange, options?: ScanOptions): AsyncIterable<readonly StateEntry[]>;
  /**
   * Optional fast path of a provider that holds keys and values as latin1 strings (one char per
   * byte, see `state/latin1.ts`): `getMany` of keys given that way, values returned that way — no
   * array per key or value. `RowCodec.encodeLatin1`/`decodeLatin1` make and read such strings.
   */
  getManyLatin1?(keys: readonly string[]): (string | undefined)[];
  /** `put` of a key and value held as latin1 strings (see `getManyLatin1`). */
  putLatin1?(key: string, value: string): void;
}

/** One partition's state, at the version the current batch started from. */
export interface StateStore {
  readonly partition: number;
  /** The version this batch read (= batchId). */
  readonly version: number;
  space(name: string): KeySpace;
}

/** What a store did in a batch; summed over partitions into `stateOperators[]` of the progress. */
export interface StateStoreMetrics {
  /** Keys in the non-internal spaces after the batch. */
  readonly numKeys: number;
  /** Distinct keys put this batch in the non-internal spaces. */
  readonly numKeysUpdated: number;
  /** Distinct keys removed this batch from the non-internal spaces. */
  readonly numKeysRemoved: number;
  /** Estimated memory the store holds (no serialisation: counted as keys come and go). */
  readonly memoryUsedBytes: number;
  /** Bytes written to the checkpoint for this version. */
  readonly bytesWritten: number;
  /** Provider-specific, with Spark's names (`loadedMapCacheHitCount`, `rocksdbGetLatency`, …). */
  readonly custom: Readonly<Record<string, number>>;
}

/** A store opened to write version `version + 1`. The engine commits or aborts it; operators never do. */
export interface WritableStateStore extends StateStore {
  /** Make this batch's writes durable as version `version + 1` (whole or not at all). */
  commit(): Promise<void>;
  /** Forget this batch's writes: the store is at `version` again. */
  abort(): void;
  metrics(): StateStoreMetrics;
}

/**
 * One partition of one operator, for the life of a query run. Implementations: the in-memory
 * provider (`state/memory/`), RocksDB (`@sluice/state-rocksdb`).
 *
 * Must hold, at every instant of a crash: a committed version is never lost; `load(v)` for any
 * retained `v` gives exactly what was committed as `v`, even when a later attempt at `v + 1`
 * was committed and then abandoned (the replay overwrites it); files another engine wrote are
 * refused, never read as empty.
 */
export interface StateStoreProvider {
  /**
   * Open version `version` (0 = empty) for a batch that will write `version + 1`; files of
   * later versions are then known to be an abandoned attempt and go — unless an intact
   * `commits/<v-1>` vouches for one, which means another run took the checkpoint over
   * (CHECKPOINT_LOCKED, nothing touched). The engine loads `version` only once it is committed.
   * A commit creates its files exclusively: it may run before offsets/N's put-if-absent proves the
   * checkpoint is still this run's, so it must never replace a file the run that took over wrote. With `readOnly` (reading
   * old state, `readState`), nothing on disk changes and the store refuses writes and commit.
   */
  load(version: number, options?: LoadOptions): Promise<WritableStateStore>;
  /**
   * Background upkeep after a commit: snapshots every `minDeltasForSnapshot` versions and
   * deletion of files no retained version needs. The engine runs it off the batch path and
   * awaits it on close; a crash at any point of it loses nothing.
   */
  maintenance(): Promise<void>;
  /** Release files and memory (waits for maintenance in flight). */
  close(): Promise<void>;
}

/** How a state store version is loaded. */
export interface LoadOptions {
  readonly readOnly?: boolean;
}

/** How the engine opens a provider for one partition. */
export interface StateProviderContext {
  /** The checkpoint; the partition's files live under `dir`. */
  readonly checkpoint: CheckpointStore;
  /** `state/<operatorId>/<partition>` */
  readonly dir: string;
  readonly operatorId: number;
  readonly partition: number;
  readonly schema: StateSchema;
  /** The query's id (for local working directories of providers that need them). */
  readonly queryId: string;
  readonly settings: StateStoreSettings;
  readonly log: Logger;
}

/** State store settings of a query (Spark's `spark.sql.streaming.stateStore.*` confs). */
export interface StateStoreSettings {
  /** `memory` (default) or a registered provider's name such as `rocksdb`. */
  readonly provider: string;
  /** Partitions for a new checkpoint (recorded at the first run; an existing checkpoint keeps its own). */
  readonly numPartitions: number;
  /** Versions a provider must be able to load (Spark's `minBatchesToRetain`, default 100). */
  readonly minBatchesToRetain: number;
  /** Deltas between snapshots (Spark's `stateStore.minDeltasForSnapshot`, default 10). */
  readonly minDeltasForSnapshot: number;
  /** Provider-specific options, e.g. `rocksdb.localDir`, passed through as given. */
  readonly options: Readonly<Record<string, string>>;
}

/** A provider implementation, registered by name (see `registerStateStoreProvider`). */
export interface StateStoreProviderFactory {
  /** The name queries select it by: `stateStore: 'rocksdb'`. */
  readonly name: string;
  /** Spark class names that select it through `spark.sql.streaming.stateStore.providerClass`. */
  readonly sparkClassNames: readonly string[];
  open(context: StateProviderContext): Promise<StateStoreProvider>;
}
