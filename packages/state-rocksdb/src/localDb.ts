import { mkdir, rm } from 'node:fs/promises';
import { RocksLevel } from '@nxtedition/rocksdb';

/** Keys under this space byte hold the database's own bookkeeping, never state. */
const META = 0xff;
const VERSION_KEY = Uint8Array.of(META, 0x76); // 'v'
const countKey = (space: number) => Uint8Array.of(META, 0x6e, space); // 'n' + space

export interface LocalDbOptions {
  readonly blockCacheBytes: number;
  /** One memtable's size; RocksDB keeps up to 6 (2 merged per flush to level 0). */
  readonly writeBufferBytes: number;
}

/**
 * One partition's RocksDB working copy on local disk. Every key is its key space's byte then
 * the state key, so a key space is one byte range. The version the database holds and each
 * space's key count are kept inside it, written in the same atomic batch as the state.
 */
export class LocalDb {
  private constructor(
    readonly path: string,
    private readonly db: RocksLevel,
  ) {}

  static async open(path: string, options: LocalDbOptions): Promise<LocalDb> {
    await mkdir(path, { recursive: true });
    const db = new RocksLevel(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    // Level compaction sized from the write buffer (Spark's writeBufferSizeMB; the binding
    // derives file and level sizes from a memtable budget of 4 buffers and compresses levels 2+
    // only, with zstd), and an uncompressed write-ahead log: the checkpoint's changelogs are
    // what is durable, the log only speeds up reopening the working copy. Measured with
    // `pnpm bench state` at 10 M keys (loaded 2-core machine, one noisy run each, the first
    // with an earlier snapshot scheme): this setting 85 ms/batch, RSS 768 MiB, 380 MiB of
    // checkpoint; RocksDB's defaults (64 MB memtables) with nothing compressed 129 ms/batch,
    // 1,030 MiB, 588 MiB.
    await db.open({
      createIfMissing: true,
      cacheSize: options.blockCacheBytes,
      filterPolicy: 'bloomfilter:10:false',
      infoLogLevel: 'error',
      walCompression: false,
      compaction: 'level',
      memtableMemoryBudget: options.writeBufferBytes * 4,
    });
    return new LocalDb(path, db);
  }

  /** Remove the working copy (it is rebuilt from the checkpoint). */
  static async destroy(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  /** The state version the database holds and the crc of the changelog that made it, or undefined for a new database. */
  async version(): Promise<{ version: number; crc: number } | undefined> {
    const [value] = await this.db.getMany([VERSION_KEY]);
    if (!value || value.length !== 12) return undefined;
    return { version: value.readUInt32LE(0) + value.readUInt32LE(4) * 0x100000000, crc: value.readUInt32LE(8) };
  }

  async counts(spaces: number): Promise<number[]> {
    const values = await this.db.getMany(Array.from({ length: spaces }, (_, s) => countKey(s)));
    return values.map((v) => (v ? v.readUInt32LE(0) + v.readUInt32LE(4) * 0x100000000 : 0));
  }

  getMany(keys: readonly Uint8Array[]): Promise<(Buffer | undefined)[]> {
    return this.db.getMany(keys);
  }

  /**
   * One MultiGet on the calling thread. A batch's reads are awaited anyway; measured on 2 cores,
   * the thread-pool hop of the asynchronous read cost as much again as the lookups.
   */
  getManySync(keys: readonly Uint8Array[]): (Buffer | undefined)[] {
    return this.db._getManySync(keys, {});
  }

  /** Apply committed writes held as latin1 strings (null: deleted), with the version they make. */
  async writeLatin1(entries: Iterable<[string, string | null]>, version: number, crc: number, counts: readonly number[]): Promise<void> {
    const batch = this.db.batch();
    for (const [key, value] of entries) {
      if (value === null) batch.del(Buffer.from(key, 'latin1'));
      else batch.put(Buffer.from(key, 'latin1'), Buffer.from(value, 'latin1'));
    }
    batch.put(VERSION_KEY, u64(version, crc));
    counts.forEach((n, s) => batch.put(countKey(s), u64(n)));
    await batch.write();
  }

  /** Apply one version's writes atomically, with the version it makes and the key counts after it. */
  async write(puts: readonly [Uint8Array, Uint8Array][], deletes: readonly Uint8Array[], version: number, crc: number, counts: readonly number[]): Promise<void> {
    const batch = this.db.batch();
    for (const [key, value] of puts) batch.put(key, value);
    for (const key of deletes) batch.del(key);
    batch.put(VERSION_KEY, u64(version, crc));
    counts.forEach((n, s) => batch.put(countKey(s), u64(n)));
    await batch.write();
  }

  /** Entries of [gte, lt) in key order, `chunk` at a time, as of the moment the scan starts. */
  async *scan(gte: Uint8Array, lt: Uint8Array, chunk: number): AsyncGenerator<[Buffer, Buffer][]> {
    const iterator = this.db.iterator({ gte, lt, keys: true, values: true });
    try {
      for (;;) {
        const entries = await iterator.nextv(chunk);
        if (entries.length === 0) return;
        yield entries;
      }
    } finally {
      await iterator.close();
    }
  }

  /** A numeric RocksDB property (`rocksdb.total-sst-files-size`…), 0 when the build does not report it. */
  property(name: string): number {
    try {
      const value = Number(this.db.getProperty(name));
      return Number.isFinite(value) ? value : 0;
    } catch {
      return 0;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function u64(n: number, crc?: number): Buffer {
  const out = Buffer.alloc(crc === undefined ? 8 : 12);
  out.writeUInt32LE(n >>> 0, 0);
  out.writeUInt32LE(Math.floor(n / 0x100000000), 4);
  if (crc !== undefined) out.writeUInt32LE(crc >>> 0, 8);
  return out;
}

/** The database key of a state key in key space `space`. */
export function dbKey(space: number, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = space;
  out.set(key, 1);
  return out;
}

/** The first key after every key of `space`. */
export function spaceEnd(space: number): Uint8Array {
  return Uint8Array.of(space + 1);
}
