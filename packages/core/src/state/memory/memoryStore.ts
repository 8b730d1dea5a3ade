import { afterPrefix, fromLatin1, toLatin1 } from '../latin1.ts';
import type { KeyRange, KeySpace, KeySpaceSpec, ScanOptions, StateEntry, StateStoreMetrics, WritableStateStore } from '../stateStore.ts';
import type { LiveSpace, LiveState } from './liveState.ts';

/** What the store tells its provider: every first touch of a key (for a snapshot being taken) and the end of the batch. */
export interface StoreHooks {
  /** Called before a key of `space` changes for the first time this batch, with its value at the batch's start. */
  touched(space: number, key: string, before: string | undefined): void;
  /** Write the batch's changes as version `version + 1`; returns the bytes written. */
  persist(changes: readonly Map<string, string | null>[]): Promise<number>;
  closed(committed: boolean): void;
  custom(): Record<string, number>;
}

/**
 * A batch's view of the live state: writes go straight in. Per key space, `changes` holds the
 * latest write of each key this batch touched (the delta) and `before`, in the same order, its
 * value before the batch (the undo log for abort). One small map per space serves both: a write
 * costs one operation on it, and a key's first touch is told by the map growing.
 */
export class MemoryStateStore implements WritableStateStore {
  /** Per space: the latest write of each key this batch (null = deleted), in first-touch order. */
  readonly changes: Map<string, string | null>[];
  /** Per space: each touched key's value before the batch (undefined = absent), in the order of `changes`. */
  readonly before: (string | undefined)[][];
  private readonly handles = new Map<string, KeySpace>();
  private state: 'open' | 'committed' | 'aborted' = 'open';
  /** Open and not read-only. */
  private writable: boolean;
  private bytesWritten = 0;

  constructor(
    readonly partition: number,
    readonly version: number,
    private readonly live: LiveState,
    private readonly readOnly: boolean,
    private readonly hooks: StoreHooks,
  ) {
    this.writable = !readOnly;
    this.changes = live.spaces.map(() => new Map());
    this.before = live.spaces.map(() => []);
  }

  space(name: string): KeySpace {
    let handle = this.handles.get(name);
    if (!handle) {
      const index = this.live.spaces.findIndex((s) => s.spec.name === name);
      if (index < 0) throw new Error(`No key space '${name}' in this operator's state (it has ${this.live.spaces.map((s) => s.spec.name).join(', ')})`);
      handle = new MemoryKeySpace(this, index, this.live.spaces[index]!);
      this.handles.set(name, handle);
    }
    return handle;
  }

  /** Throws unless this batch may write (open, not read-only): one field read per put. */
  assertWritable(): void {
    if (this.writable) return;
    this.assertOpen();
    throw new Error(`State version ${this.version} of partition ${this.partition} was opened read-only`);
  }

  /** Note a write of `key` (null: a delete); `old` is its value just before this write, kept in the undo log if this is the batch's first. */
  write(space: number, key: string, value: string | null, old: string | undefined): void {
    const changes = this.changes[space]!;
    const size = changes.size;
    changes.set(key, value);
    if (changes.size === size) return;
    this.before[space]!.push(old);
    this.hooks.touched(space, key, old);
  }

  /** Each key this batch touched with its value before the batch. */
  forEachTouched(visit: (space: number, key: string, before: string | undefined) => void): void {
    this.changes.forEach((changes, s) => {
      const before = this.before[s]!;
      let i = 0;
      for (const key of changes.keys()) visit(s, key, before[i++]);
    });
  }

  async commit(): Promise<void> {
    this.assertWritable();
    try {
      this.bytesWritten = await this.hooks.persist(this.changes);
    } catch (error) {
      this.abort();
      throw error;
    }
    this.state = 'committed';
    this.writable = false;
    this.live.version = this.version + 1;
    this.hooks.closed(true);
  }

  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.writable = false;
    this.forEachTouched((s, key, before) => {
      const space = this.live.spaces[s]!;
      if (before === undefined) space.remove(key);
      else space.set(key, before);
    });
    this.hooks.closed(false);
  }

  metrics(): StateStoreMetrics {
    let updated = 0;
    let removed = 0;
    this.changes.forEach((changes, s) => {
      // Index and bookkeeping spaces are not rows (Spark's internal column families).
      if (this.live.spaces[s]!.spec.internal) return;
      const before = this.before[s]!;
      let i = 0;
      // forEach, not an iterator: no result object per key.
      changes.forEach((value) => {
        if (value !== null) updated++;
        else if (before[i] !== undefined) removed++;
        i++;
      });
    });
    return { numKeys: this.live.numKeys, numKeysUpdated: updated, numKeysRemoved: removed, memoryUsedBytes: this.live.bytes, bytesWritten: this.bytesWritten, custom: this.hooks.custom() };
  }

  assertOpen(): void {
    if (this.state !== 'open') throw new Error(`State version ${this.version} of partition ${this.partition} was already ${this.state}`);
  }
}

class MemoryKeySpace implements KeySpace {
  readonly spec: KeySpaceSpec;

  constructor(
    private readonly store: MemoryStateStore,
    private readonly index: number,
    private readonly live: LiveSpace,
  ) {
    this.spec = live.spec;
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const map = this.live.map;
    const out = new Array<Uint8Array | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const value = map.get(toLatin1(keys[i]!));
      out[i] = value === undefined ? undefined : fromLatin1(value);
    }
    return out;
  }

  getManyLatin1(keys: readonly string[]): (string | undefined)[] {
    const map = this.live.map;
    const out = new Array<string | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = map.get(keys[i]!);
    return out;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.putLatin1(toLatin1(key), toLatin1(value));
  }

  // Two operations on the live map per put (a read, a write): with millions of keys each is a cache miss.
  putLatin1(k: string, v: string): void {
    this.store.assertWritable();
    const old = this.live.map.get(k);
    this.store.write(this.index, k, v, old);
    this.live.replace(k, v, old);
  }

  delete(key: Uint8Array): void {
    const k = toLatin1(key);
    const before = this.live.map.get(k);
    if (before === undefined) return;
    this.store.assertWritable();
    this.store.write(this.index, k, null, before);
    this.live.remove(k);
  }

  async *scan(range: KeyRange = {}, options: ScanOptions = {}): AsyncIterable<readonly StateEntry[]> {
    const chunkSize = options.chunkSize ?? 1024;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    const map = this.live.map;
    const index = this.live.index;
    if (!index) {
      if (range.prefix || range.gte || range.lt) throw new Error(`Key space '${this.spec.name}' is not ordered: declare it { ordered: true } to scan ranges or prefixes`);
      let chunk: StateEntry[] = [];
      for (const [key, value] of map) {
        chunk.push({ key: fromLatin1(key), value: fromLatin1(value) });
        if (--remaining <= 0) break;
        if (chunk.length >= chunkSize) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
      return;
    }
    const prefix = range.prefix ? toLatin1(range.prefix) : undefined;
    let from = range.gte ? toLatin1(range.gte) : undefined;
    let to = range.lt ? toLatin1(range.lt) : undefined;
    if (prefix !== undefined) {
      if (from === undefined || from < prefix) from = prefix;
      const end = afterPrefix(prefix);
      if (end !== undefined && (to === undefined || end < to)) to = end;
    }
    let exclusive = false;
    while (remaining > 0) {
      const keys = index.range(from, exclusive, to, Math.min(chunkSize, remaining));
      if (keys.length === 0) return;
      const chunk: StateEntry[] = [];
      for (const key of keys) {
        const value = map.get(key);
        if (value !== undefined) chunk.push({ key: fromLatin1(key), value: fromLatin1(value) });
      }
      remaining -= keys.length;
      from = keys[keys.length - 1];
      exclusive = true;
      if (chunk.length > 0) yield chunk;
    }
  }
}
