import type { KeyRange, KeySpace, KeySpaceSpec, ScanOptions, StateEntry, StateStoreMetrics, WritableStateStore } from '@sluice/core';
import { afterPrefix, fromLatin1, toLatin1 } from '@sluice/core/state-provider';
import { dbKey, type LocalDb } from './localDb.ts';

/** A write of this batch, by the database key's latin1 string. */
interface Pending {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/** What the store asks of its provider when the batch ends, and the counters it keeps. */
export interface StoreHost {
  commit(store: RocksDbStateStore): Promise<void>;
  closed(store: RocksDbStateStore): void;
  custom(store: RocksDbStateStore): Record<string, number>;
  readonly memoryUsedBytes: () => number;
}

/**
 * A batch on a RocksDB partition: reads go to the database at the batch's version; writes wait
 * in `pending` (RocksDB's WriteBatchWithIndex, in JS) until commit, so `abort` is forgetting
 * them and the database never holds a version that was not written to the changelog first.
 * Reads see the batch's own writes.
 */
export class RocksDbStateStore implements WritableStateStore {
  readonly pending = new Map<string, Pending>();
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
    readonly db: LocalDb,
    readonly readOnly: boolean,
    private readonly host: StoreHost,
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

  write(space: number, key: Uint8Array, value: Uint8Array | null): void {
    this.assertOpen();
    if (this.readOnly) throw new Error(`State version ${this.version} of partition ${this.partition} was opened read-only`);
    const full = dbKey(space, key);
    this.pending.set(full.toString('latin1'), { key: full, value: value === null ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength) });
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
  constructor(
    private readonly store: RocksDbStateStore,
    private readonly index: number,
    readonly spec: KeySpaceSpec,
    private readonly clock: () => number,
  ) {}

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const store = this.store;
    const out = new Array<Uint8Array | undefined>(keys.length);
    const missing: Buffer[] = [];
    const missingAt: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const full = dbKey(this.index, keys[i]!);
      const pending = store.pending.get(full.toString('latin1'));
      if (pending) out[i] = pending.value ?? undefined;
      else {
        missing.push(full);
        missingAt.push(i);
      }
    }
    if (missing.length > 0) {
      const started = this.clock();
      const values = await store.db.getMany(missing);
      store.stats.getMs += this.clock() - started;
      store.stats.gets += missing.length;
      values.forEach((value, j) => {
        out[missingAt[j]!] = value;
        if (value) store.stats.bytesRead += value.length;
        store.existed.set(missing[j]!.toString('latin1'), value !== undefined);
      });
    }
    return out;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    const started = this.clock();
    this.store.write(this.index, key, value);
    this.store.stats.puts++;
    this.store.stats.putMs += this.clock() - started;
  }

  delete(key: Uint8Array): void {
    this.store.write(this.index, key, null);
  }

  async *scan(range: KeyRange = {}, options: ScanOptions = {}): AsyncIterable<readonly StateEntry[]> {
    const chunkSize = options.chunkSize ?? 1024;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    if (!this.spec.ordered && (range.prefix || range.gte || range.lt)) throw new Error(`Key space '${this.spec.name}' is not ordered: declare it { ordered: true } to scan ranges or prefixes`);
    // The range as database keys (latin1 strings compare as the bytes do).
    const space = String.fromCharCode(this.index);
    let from = space + (range.gte ? toLatin1(range.gte) : '');
    let to = range.lt ? space + toLatin1(range.lt) : String.fromCharCode(this.index + 1);
    if (range.prefix) {
      const prefix = space + toLatin1(range.prefix);
      if (prefix > from) from = prefix;
      const end = afterPrefix(prefix);
      if (end !== undefined && end < to) to = end;
    }
    if (from >= to) return;
    // This batch's writes in the range, merged into the database's entries in key order.
    const pending = [...this.store.pending].filter(([k]) => k >= from && k < to).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let p = 0;
    let chunk: StateEntry[] = [];
    const db = this.store.db.scan(fromLatin1(from), fromLatin1(to), Math.min(chunkSize, 4096));
    try {
      for await (const entries of db) {
        for (const [k, v] of entries) {
          const key = k.toString('latin1');
          let overridden = false;
          while (p < pending.length && pending[p]![0] <= key) {
            const [pk, pv] = pending[p++]!;
            overridden = pk === key;
            if (pv.value) {
              chunk.push({ key: fromLatin1(pk.slice(1)), value: pv.value });
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
        if (!pv.value) continue;
        chunk.push({ key: fromLatin1(pk.slice(1)), value: pv.value });
        if (--remaining <= 0) return void (yield chunk);
        if (chunk.length >= chunkSize) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      await db.return(undefined);
    }
  }
}
