import type { KeyRange, KeySpace, KeySpaceSpec, ScanOptions, StateEntry, StateStoreMetrics, WritableStateStore } from '@sluice/core/connector';
import { afterPrefix, fromLatin1, toLatin1 } from '@sluice/core/state-provider';
import type { LocalDb } from './localDb.ts';

/** What the store asks of its provider: reads at the batch's version, the batch's end, and the counters it keeps. */
export interface StoreHost {
  /**
   * Values of full keys (key space char + key, latin1) at the batch's version, undefined when
   * absent: from the committed writes not yet in the database, the row cache, then one MultiGet.
   */
  read(keys: readonly string[]): (string | undefined)[];
  /** Bring the database to the batch's version (committed writes applied), for a range scan; returns it. */
  settled(): Promise<LocalDb>;
  commit(store: RocksDbStateStore): Promise<void>;
  closed(store: RocksDbStateStore): void;
  custom(store: RocksDbStateStore): Record<string, number>;
  readonly memoryUsedBytes: () => number;
}

/**
 * A batch on a RocksDB partition: reads go to the partition's state at the batch's version;
 * writes wait in `pending` (RocksDB's WriteBatchWithIndex, in JS) until commit, so `abort` is
 * forgetting them and nothing holds a version that was not written to the changelog first.
 * Reads see the batch's own writes. Keys are full keys (the key space's char, then the key) and
 * values are held as latin1 strings, as the aggregation hands them over (`getManyLatin1`).
 */
export class RocksDbStateStore implements WritableStateStore {
  /** This batch's writes by full key (null: deleted). */
  readonly pending = new Map<string, string | null>();
  /** Whether a key existed at the batch's version, for keys the batch read or must count. */
  readonly existed = new Map<string, boolean>();
  readonly stats = { gets: 0, getMs: 0, puts: 0, putMs: 0, bytesRead: 0 };
  result = { numKeys: 0, updated: 0, removed: 0, bytesWritten: 0 };
  private readonly handles = new Map<string, KeySpace>();
  private state: 'open' | 'committed' | 'aborted' = 'open';

  constructor(
    readonly partition: number,
    readonly version: number,
    readonly specs: readonly KeySpaceSpec[],
    readonly readOnly: boolean,
    readonly host: StoreHost,
    private readonly clock: () => number,
  ) {}

  space(name: string): KeySpace {
    let handle = this.handles.get(name);
    if (!handle) {
      const index = this.specs.findIndex((s) => s.name === name);
      if (index < 0) throw new Error(`No key space '${name}' in this operator's state (it has ${this.specs.map((s) => s.name).join(', ')})`);
      handle = new RocksDbKeySpace(this, index, this.specs[index]!, this.clock);
      this.handles.set(name, handle);
    }
    return handle;
  }

  write(full: string, value: string | null): void {
    this.assertOpen();
    if (this.readOnly) throw new Error(`State version ${this.version} of partition ${this.partition} was opened read-only`);
    this.pending.set(full, value);
  }

  async commit(): Promise<void> {
    this.assertOpen();
    if (this.readOnly) throw new Error(`State version ${this.version} of partition ${this.partition} was opened read-only`);
    try {
      await this.host.commit(this);
    } catch (error) {
      this.abort();
      throw error;
    }
    this.state = 'committed';
    this.host.closed(this);
  }

  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.pending.clear();
    this.host.closed(this);
  }

  metrics(): StateStoreMetrics {
    return {
      numKeys: this.result.numKeys,
      numKeysUpdated: this.result.updated,
      numKeysRemoved: this.result.removed,
      memoryUsedBytes: this.host.memoryUsedBytes(),
      bytesWritten: this.result.bytesWritten,
      custom: this.host.custom(this),
    };
  }

  assertOpen(): void {
    if (this.state !== 'open') throw new Error(`State version ${this.version} of partition ${this.partition} was already ${this.state}`);
  }
}

class RocksDbKeySpace implements KeySpace {
  /** The key space's char that leads its full keys. */
  private readonly lead: string;

  constructor(
    private readonly store: RocksDbStateStore,
    private readonly index: number,
    readonly spec: KeySpaceSpec,
    private readonly clock: () => number,
  ) {
    this.lead = String.fromCharCode(index);
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const values = this.getManyLatin1(keys.map(toLatin1));
    return values.map((v) => (v === undefined ? undefined : fromLatin1(v)));
  }

  getManyLatin1(keys: readonly string[]): (string | undefined)[] {
    const store = this.store;
    const out = new Array<string | undefined>(keys.length);
    const missing: string[] = [];
    const missingAt: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const full = this.lead + keys[i]!;
      const pending = store.pending.get(full);
      if (pending !== undefined) out[i] = pending ?? undefined;
      else {
        missing.push(full);
        missingAt.push(i);
      }
    }
    if (missing.length > 0) {
      const started = this.clock();
      const values = store.host.read(missing);
      store.stats.getMs += this.clock() - started;
      store.stats.gets += missing.length;
      for (let j = 0; j < values.length; j++) {
        const value = values[j];
        out[missingAt[j]!] = value;
        if (value !== undefined) store.stats.bytesRead += value.length;
        store.existed.set(missing[j]!, value !== undefined);
      }
    }
    return out;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.putLatin1(toLatin1(key), toLatin1(value));
  }

  putLatin1(key: string, value: string): void {
    const started = this.clock();
    this.store.write(this.lead + key, value);
    this.store.stats.puts++;
    this.store.stats.putMs += this.clock() - started;
  }

  delete(key: Uint8Array): void {
    this.store.write(this.lead + toLatin1(key), null);
  }

  async *scan(range: KeyRange = {}, options: ScanOptions = {}): AsyncIterable<readonly StateEntry[]> {
    const chunkSize = options.chunkSize ?? 1024;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (!this.spec.ordered && (range.prefix || range.gte || range.lt)) throw new Error(`Key space '${this.spec.name}' is not ordered: declare it { ordered: true } to scan ranges or prefixes`);
    // The range as full keys (latin1 strings compare as the bytes do).
    let from = this.lead + (range.gte ? toLatin1(range.gte) : '');
    let to = range.lt ? this.lead + toLatin1(range.lt) : String.fromCharCode(this.index + 1);
    if (range.prefix) {
      const prefix = this.lead + toLatin1(range.prefix);
      if (prefix > from) from = prefix;
      const end = afterPrefix(prefix);
      if (end !== undefined && end < to) to = end;
    }
    if (from >= to) return;
    // The database at the batch's version, then this batch's writes in the range merged in key order.
    const db = await this.store.host.settled();
    const pending = [...this.store.pending].filter(([k]) => k >= from && k < to).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let p = 0;
    let chunk: StateEntry[] = [];
    const entries = db.scan(fromLatin1(from), fromLatin1(to), Math.min(chunkSize, 4096));
    try {
      for await (const found of entries) {
        for (const [k, v] of found) {
          const key = k.toString('latin1');
          let overridden = false;
          while (p < pending.length && pending[p]![0] <= key) {
            const [pk, pv] = pending[p++]!;
            overridden = pk === key;
            if (pv !== null) {
              chunk.push({ key: fromLatin1(pk.slice(1)), value: fromLatin1(pv) });
              if (--remaining <= 0) return void (yield chunk);
              if (chunk.length >= chunkSize) {
                yield chunk;
                chunk = [];
              }
            }
          }
          if (overridden) continue;
          chunk.push({ key: k.subarray(1), value: v });
          if (--remaining <= 0) return void (yield chunk);
          if (chunk.length >= chunkSize) {
            yield chunk;
            chunk = [];
          }
        }
      }
      for (; p < pending.length; p++) {
        const [pk, pv] = pending[p]!;
        if (pv === null) continue;
        chunk.push({ key: fromLatin1(pk.slice(1)), value: fromLatin1(pv) });
        if (--remaining <= 0) return void (yield chunk);
        if (chunk.length >= chunkSize) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      await entries.return(undefined);
    }
  }
}
