import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { SluiceError } from '@sluice/core';
import type { LoadOptions, StateProviderContext, StateStoreProvider, StateStoreProviderFactory, WritableStateStore } from '@sluice/core/connector';
import { checkAbandoned, corrupt, DELETE, filesToDelete, listVersionFiles, readStateFile, StateFileWriter, takenOver, type VersionFiles } from '@sluice/core/state-provider';
import { dbKey, LocalDb } from './localDb.ts';
import { RocksDbStateStore } from './rocksdbStore.ts';
import { RowCache, rowBytes } from './rowCache.ts';
import { downloadSnapshot, linkFiles, readManifest, uploadSnapshot } from './snapshots.ts';

/** Spark's RocksDB custom metrics this binding has no figure for: reported as 0, as Spark does for a missing native statistic. */
const NOT_MEASURED: Readonly<Record<string, number>> = {
  rocksdbCommitCompactLatency: 0,
  rocksdbCommitFlushLatency: 0,
  rocksdbCommitPauseLatency: 0,
  rocksdbReadBlockCacheHitCount: 0,
  rocksdbReadBlockCacheMissCount: 0,
  rocksdbTotalBytesReadByCompaction: 0,
  rocksdbTotalBytesWrittenByCompaction: 0,
  rocksdbTotalCompactionLatencyMs: 0,
  rocksdbWriterStallLatencyMs: 0,
};

/** A snapshot's figures in a batch that took none. */
const NO_SNAPSHOT: Readonly<Record<string, number>> = {
  rocksdbCommitCheckpointLatency: 0,
  rocksdbBytesCopied: 0,
  rocksdbFilesCopied: 0,
  rocksdbFilesReused: 0,
  rocksdbZipFileBytesUncompressed: 0,
};

/** Keys applied per write batch while a changelog is replayed. */
const REPLAY_BATCH = 20_000;

/**
 * State larger than memory: each partition is a RocksDB database on local disk, checkpointed
 * as Spark 3.4+ does with changelog checkpointing. Each committed version writes
 * `state/<op>/<p>/<v>.changelog` (the keys it changed, fsync'd): that file is the version.
 * The database applies committed writes between batches, several versions in one write batch
 * (until then they are read from memory); every `minDeltasForSnapshot` versions it is closed,
 * its files hard-linked aside and reopened, and the copy uploaded in the background as a
 * snapshot (`<v>.rocksdb` + shared `SSTs/`), as Spark's maintenance thread uploads RocksDB
 * checkpoints. A restart on the
 * same machine reuses the local database when the changelog of the version it holds is intact
 * (then replays the changelogs after it); elsewhere it restores the newest snapshot and replays
 * the changelogs after it. Reads go through a bounded row cache, then one MultiGet per batch.
 *
 * Options (`.option('stateStore.rocksdb.localDir', …)`, Spark's `spark.sql.streaming.stateStore.rocksdb.*` names too):
 * `rocksdb.localDir` (default `<tmpdir>/sluice-rocksdb`), `rocksdb.blockCacheSizeMB` (default 64),
 * `rocksdb.writeBufferSizeMB` (one memtable, default 4), and Sluice's `rocksdb.rowCacheSizeMB`
 * (rows kept in the JS heap, default 64; 0 turns the cache off; committed writes not yet applied
 * are applied once they hold a quarter of it).
 *
 * @example
 * import '@sluice/state-rocksdb';
 * frame.writeStream().option('stateStore', 'rocksdb')
 */
export const rocksdbStateProviderFactory: StateStoreProviderFactory = {
  name: 'rocksdb',
  sparkClassNames: ['org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider', 'com.databricks.sql.streaming.state.RocksDBStateStoreProvider'],
  open: async (context) => new RocksDbStateProvider(context),
};

class RocksDbStateProvider implements StateStoreProvider {
  private db: LocalDb | null = null;
  /** The version the partition's state is at: the database plus `unapplied` (undefined: unknown or not to be trusted). */
  private dbVersion: number | undefined;
  /** The version the database itself holds, and the crc of the changelog that made `dbVersion`. */
  private appliedVersion = 0;
  private lastCrc = 0;
  private counts: number[] = [];
  /** Committed writes (changelogs already durable) the database has not applied yet, by full key. */
  private unapplied = new Map<string, string | null>();
  private unappliedBytes = 0;
  private applying: Promise<void> | null = null;
  private readonly cache: RowCache;
  private files: VersionFiles | null = null;
  private uploaded = new Map<string, string>();
  private current: RocksDbStateStore | null = null;
  /** Local upkeep (applying, staging a snapshot): a batch's load waits for it. */
  private maintaining: Promise<void> = Promise.resolve();
  /** Checkpoint upkeep (uploading a staged snapshot, retention): off the batches' path. */
  private upkeep: Promise<void> = Promise.resolve();
  /** The version staged for upload, until its manifest is written (or the upload failed). */
  private staged: number | undefined;
  /** The version at which the database was last reopened for a snapshot. */
  private reopened = 0;
  /**
   * The newest version loaded for writing, so committed (the engine loads v only once
   * `commits/<v-1>` exists). The state may be a version ahead (a commit whose batch has not yet
   * proved by putting offsets/N that the checkpoint is still its own): snapshots and retention go
   * by this version only.
   */
  private committed = 0;
  /** Snapshot and apply figures, reported with the next commit's metrics. */
  private snapshotMetrics: Record<string, number> = {};
  private applyMs = 0;
  private lastCommit: Record<string, number> = {};
  private readonly localPath: string;
  private readonly stagingPath: string;
  private readonly blockCacheBytes: number;
  private readonly writeBufferBytes: number;
  private readonly applyAtBytes: number;

  constructor(private readonly context: StateProviderContext) {
    const options = context.settings.options;
    const root = options['rocksdb.localDir'] ?? join(tmpdir(), 'sluice-rocksdb');
    this.localPath = join(root, context.queryId.replace(/[^A-Za-z0-9_-]/g, '_'), `${context.operatorId}-${context.partition}`);
    this.stagingPath = `${this.localPath}.snapshot`;
    this.blockCacheBytes = megabytes(options, 'rocksdb.blockCacheSizeMB', 64, 1);
    this.writeBufferBytes = megabytes(options, 'rocksdb.writeBufferSizeMB', 4, 1);
    const rowCacheBytes = megabytes(options, 'rocksdb.rowCacheSizeMB', 64, 0);
    this.cache = new RowCache(rowCacheBytes);
    this.applyAtBytes = Math.max(1 << 20, rowCacheBytes / 4);
  }

  async load(version: number, options: LoadOptions = {}): Promise<WritableStateStore> {
    if (this.current) throw new Error(`State of ${this.context.dir} is already open at version ${this.current.version}`);
    if (!options.readOnly && version > this.committed) {
      this.committed = version;
      // A snapshot is of a committed version only: this load proves `version` is one.
      if (this.db && this.dbVersion === version) this.maintaining = this.maintaining.then(() => this.maintain());
    }
    await this.maintaining;
    this.files ??= await listVersionFiles(this.context.checkpoint, this.context.dir, 'changelog', 'rocksdb');
    if (!this.db) {
      this.db = await this.openDb();
      const held = await this.db.version();
      this.dbVersion = await this.trustedVersion(held);
      this.appliedVersion = this.dbVersion ?? 0;
      this.lastCrc = held?.crc ?? 0;
      if (this.dbVersion !== undefined) this.counts = await this.db.counts(this.context.schema.keySpaces.length);
    }
    const held = this.dbVersion;
    if (held === undefined || held > version || !this.hasChangelogs(held + 1, version)) await this.restore(version);
    else if (held < version) await this.replay(held + 1, version);
    if (!options.readOnly) await this.discardAbandoned(version);
    const store: RocksDbStateStore = new RocksDbStateStore(this.context.partition, version, this.context.schema.keySpaces, options.readOnly ?? false, {
      read: (keys) => this.read(keys),
      settled: async () => {
        await this.apply();
        return this.db!;
      },
      commit: (s) => this.commit(s),
      closed: (s) => {
        if (this.current === s) this.current = null;
      },
      custom: () => ({ ...this.lastCommit }),
      memoryUsedBytes: () => this.memoryUsedBytes(),
    }, () => performance.now());
    store.result.numKeys = this.numKeys(this.counts);
    this.current = store;
    return store;
  }

  /** Resolves once the checkpoint upkeep it started (a snapshot's upload, retention) is done too; a batch's load waits only for the local part. */
  maintenance(): Promise<void> {
    this.maintaining = this.maintaining.then(() => this.maintain());
    return this.maintaining.then(() => this.upkeep);
  }

  async close(): Promise<void> {
    this.current?.abort();
    await this.maintaining.catch(() => undefined);
    // What is committed goes into the local database, so a restart here replays nothing.
    await this.apply().catch(() => undefined);
    await this.upkeep.catch(() => undefined);
    const db = this.db;
    this.db = null;
    await db?.close();
    await rm(this.stagingPath, { recursive: true, force: true }).catch(() => undefined);
  }

  private openDb(path = this.localPath): Promise<LocalDb> {
    return LocalDb.open(path, { blockCacheBytes: this.blockCacheBytes, writeBufferBytes: this.writeBufferBytes });
  }

  private path(version: number, ext: 'changelog' | 'rocksdb'): string {
    return `${this.context.dir}/${version}.${ext}`;
  }

  private location(path: string): string {
    return `${this.context.checkpoint.location.replace(/\/$/, '')}/${path}`;
  }

  private numKeys(counts: readonly number[]): number {
    return counts.reduce((n, c, s) => n + (this.context.schema.keySpaces[s]!.internal ? 0 : c), 0);
  }

  private memoryUsedBytes(): number {
    const db = this.db;
    if (!db) return 0;
    const native = db.property('rocksdb.cur-size-all-mem-tables') + db.property('rocksdb.block-cache-usage') + db.property('rocksdb.estimate-table-readers-mem');
    return native + this.cache.bytes + this.unappliedBytes;
  }

  private hasChangelogs(from: number, to: number): boolean {
    for (let v = from; v <= to; v++) if (!this.files!.deltas.has(v)) return false;
    return true;
  }

  /**
   * Trust the local database's version only if the checkpoint's changelog for it is the one it
   * applied (same crc): a working copy left by another lineage (a replay elsewhere, a restored
   * backup) is rebuilt instead.
   */
  private async trustedVersion(held: { version: number; crc: number } | undefined): Promise<number | undefined> {
    if (!held) return undefined;
    if (held.version === 0) return 0;
    if (!this.files!.deltas.has(held.version)) return undefined;
    const bytes = await this.context.checkpoint.readBytes(this.path(held.version, 'changelog'));
    return bytes && crc32(bytes) === held.crc ? held.version : undefined;
  }

  /** Values of full keys at `dbVersion`: committed but unapplied writes, the row cache, then one MultiGet for the rest. */
  private read(keys: readonly string[]): (string | undefined)[] {
    const out = new Array<string | undefined>(keys.length);
    const missing: Buffer[] = [];
    const missingAt: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      let value = this.unapplied.get(key);
      if (value === undefined) value = this.cache.get(key);
      if (value !== undefined) out[i] = value ?? undefined;
      else {
        missing.push(Buffer.from(key, 'latin1'));
        missingAt.push(i);
      }
    }
    if (missing.length === 0) return out;
    const values = this.db!.getManySync(missing);
    for (let j = 0; j < values.length; j++) {
      const found = values[j];
      // The binding answers null for a read it gave up on (a deadline; none is set).
      if (found === null) throw new Error(`RocksDB did not answer a read of the state of ${this.context.dir}`);
      const value = found === undefined ? null : found.toString('latin1');
      const i = missingAt[j]!;
      out[i] = value ?? undefined;
      this.cache.set(keys[i]!, value);
    }
    this.cache.trim();
    return out;
  }

  /** Apply the committed writes the database lacks, in one write batch with the version they make. */
  private apply(): Promise<void> {
    this.applying ??= this.applyNow().finally(() => {
      this.applying = null;
    });
    return this.applying;
  }

  private async applyNow(): Promise<void> {
    const db = this.db;
    const version = this.dbVersion;
    if (!db || version === undefined || version === this.appliedVersion) return;
    const started = performance.now();
    const entries = this.unapplied;
    await db.writeLatin1(entries, version, this.lastCrc, this.counts);
    this.unapplied = new Map();
    this.unappliedBytes = 0;
    this.appliedVersion = version;
    for (const [key, value] of entries) this.cache.set(key, value);
    this.cache.trim();
    this.applyMs += performance.now() - started;
  }

  /** Commit: the changelog (durable, it is the version); the database applies it later (`apply`). */
  private async commit(store: RocksDbStateStore): Promise<void> {
    const version = store.version + 1;
    const unknown: string[] = [];
    for (const key of store.pending.keys()) if (!store.existed.has(key)) unknown.push(key);
    if (unknown.length > 0) this.read(unknown).forEach((v, i) => store.existed.set(unknown[i]!, v !== undefined));
    const counts = this.counts.slice();
    const writer = new StateFileWriter('changelog', version);
    let updated = 0;
    let removed = 0;
    let bytesWritten = 0;
    for (const [full, value] of store.pending) {
      const space = full.charCodeAt(0);
      const existed = store.existed.get(full) ?? false;
      // Index and bookkeeping spaces are not rows (Spark's internal column families).
      const row = this.context.schema.keySpaces[space]!.internal ? 0 : 1;
      if (value !== null) {
        writer.putLatin1(space, full.slice(1), value);
        bytesWritten += full.length + value.length;
        updated += row;
        if (!existed) counts[space] = (counts[space] ?? 0) + 1;
      } else {
        writer.deleteLatin1(space, full.slice(1));
        bytesWritten += full.length;
        if (existed) {
          removed += row;
          counts[space] = (counts[space] ?? 0) - 1;
        }
      }
    }
    const changelog = writer.finish();
    const synced = performance.now();
    // In place (see the in-memory provider's deltas): only a version no commit vouched for can be
    // torn. Created exclusively: load removed every changelog after the version loaded, so one
    // found here was written since by a run that took the checkpoint over (this one was paused
    // past its lease before offsets/N could refuse it).
    const path = this.path(version, 'changelog');
    if (!(await this.context.checkpoint.write(path, changelog, { ifAbsent: true, atomic: false }))) throw takenOver(this.context.checkpoint, path, version, version - 1);
    this.files!.deltas.add(version);
    const written = performance.now();
    for (const [full, value] of store.pending) {
      if (!this.unapplied.has(full)) this.unappliedBytes += rowBytes(full, value);
      this.unapplied.set(full, value);
    }
    this.dbVersion = version;
    this.lastCrc = crc32(changelog);
    this.counts = counts;
    store.result = { numKeys: this.numKeys(counts), updated, removed, bytesWritten: changelog.length };
    this.lastCommit = {
      // Spark's full set every batch (RocksDBStateStoreProvider's custom metrics): what this
      // binding cannot measure (block cache hits, compaction, stalls) is 0, as Spark reports a
      // native statistic it does not have; a snapshot's figures are 0 in batches without one.
      ...NOT_MEASURED,
      ...NO_SNAPSHOT,
      ...this.snapshotMetrics,
      rocksdbGetCount: store.stats.gets,
      rocksdbGetLatency: store.stats.getMs,
      rocksdbPutCount: store.stats.puts,
      rocksdbPutLatency: store.stats.putMs,
      // The changelog's fsync, plus the snapshot's upload when one finished since the last commit.
      rocksdbCommitFileSyncLatencyMs: written - synced + (this.snapshotMetrics['rocksdbCommitFileSyncLatencyMs'] ?? 0),
      // The database's write batches since the last commit (committed writes are applied between batches).
      rocksdbCommitWriteBatchLatency: this.applyMs,
      rocksdbTotalBytesRead: store.stats.bytesRead,
      rocksdbTotalBytesWritten: bytesWritten,
      rocksdbSstFileSize: this.db!.property('rocksdb.total-sst-files-size'),
    };
    this.snapshotMetrics = {};
    this.applyMs = 0;
  }

  /** Rebuild the local database at `version`: the newest snapshot at or below it, then the changelogs after it. */
  private async restore(version: number): Promise<void> {
    // A snapshot still uploading ends first (it shares `uploaded` and the checkpoint's SSTs).
    await this.upkeep.catch(() => undefined);
    await this.db?.close();
    this.db = null;
    this.unapplied = new Map();
    this.unappliedBytes = 0;
    this.cache.clear();
    await LocalDb.destroy(this.localPath);
    const files = this.files!;
    const base = [...files.snapshots].filter((v) => v <= version).sort((a, b) => b - a)[0] ?? 0;
    this.uploaded = new Map();
    if (base > 0) {
      const manifest = await readManifest(this.context.checkpoint, this.context.dir, base);
      await LocalDb.destroy(this.localPath);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(this.localPath, { recursive: true });
      this.uploaded = await downloadSnapshot(this.context.checkpoint, this.context.dir, manifest, this.localPath);
    }
    this.db = await this.openDb();
    const held = await this.db.version();
    if ((held?.version ?? 0) !== base) throw corrupt(this.location(this.path(base, 'rocksdb')), `its database holds version ${held?.version ?? 0}`);
    this.dbVersion = base;
    this.appliedVersion = base;
    this.lastCrc = held?.crc ?? 0;
    this.counts = await this.db.counts(this.context.schema.keySpaces.length);
    await this.replay(base + 1, version);
  }

  /** Apply changelogs `from`..`to` to the local database, counting keys as it goes. */
  private async replay(from: number, to: number): Promise<void> {
    await this.apply();
    // The database changes under the row cache here.
    this.cache.clear();
    const db = this.db!;
    for (let v = from; v <= to; v++) {
      const path = this.path(v, 'changelog');
      if (!this.files!.deltas.has(v)) {
        throw corrupt(this.location(path), `it is missing, so version ${to} of the state of operator ${this.context.operatorId}, partition ${this.context.partition} cannot be rebuilt (a file was deleted by hand?)`);
      }
      const bytes = await this.context.checkpoint.readBytes(path);
      if (bytes === undefined) throw corrupt(this.location(path), 'it disappeared while the state was being loaded');
      const records: { put: boolean; key: Buffer; value: Buffer | null }[] = [];
      readStateFile(bytes, this.location(path), 'changelog', (op, space, buf, ks, ke, vs, ve) => {
        const key = dbKey(space, buf.subarray(ks, ke));
        records.push(op === DELETE ? { put: false, key, value: null } : { put: true, key, value: Buffer.from(buf.subarray(vs, ve)) });
      });
      const crc = crc32(bytes);
      for (let start = 0; start < records.length || start === 0; start += REPLAY_BATCH) {
        // A key written twice in a changelog is counted once: the last record wins, as in the file.
        const chunk = [...new Map(records.slice(start, start + REPLAY_BATCH).map((r) => [r.key.toString('latin1'), r] as const)).values()];
        const before = await db.getMany(chunk.map((r) => r.key));
        chunk.forEach((r, i) => {
          const space = r.key[0]!;
          if (r.put && before[i] === undefined) this.counts[space] = (this.counts[space] ?? 0) + 1;
          if (!r.put && before[i] !== undefined) this.counts[space] = (this.counts[space] ?? 0) - 1;
        });
        const last = start + REPLAY_BATCH >= records.length;
        await db.write(chunk.filter((r) => r.put).map((r) => [r.key, r.value!]), chunk.filter((r) => !r.put).map((r) => r.key), last ? v : v - 1, last ? crc : 0, this.counts);
        if (records.length === 0) break;
      }
      this.dbVersion = v;
      this.appliedVersion = v;
      this.lastCrc = crc;
    }
  }

  /**
   * Files after `version` are an attempt that never committed: this run rewrites `version + 1`
   * (exclusively, see commit). Each is first proved abandoned (and a changelog ours): `checkAbandoned`.
   */
  private async discardAbandoned(version: number): Promise<void> {
    const files = this.files!;
    for (const v of [...files.snapshots].filter((s) => s > version)) {
      await checkAbandoned(this.context.checkpoint, this.path(v, 'rocksdb'), v, version, false);
      await this.deleteSnapshot(v);
    }
    for (const v of [...files.deltas].filter((d) => d > version)) {
      await checkAbandoned(this.context.checkpoint, this.path(v, 'changelog'), v, version, true);
      await this.context.checkpoint.delete(this.path(v, 'changelog'));
      files.deltas.delete(v);
    }
  }

  private async deleteSnapshot(version: number): Promise<void> {
    await this.context.checkpoint.delete(this.path(version, 'rocksdb'));
    this.files!.snapshots.delete(version);
    await this.context.checkpoint.delete(`${this.context.dir}/${version}.files`);
  }

  /**
   * Between batches: apply the committed writes once they are worth a write batch (or a
   * snapshot is due, or the replay a restart would need grows past a snapshot interval); when a
   * committed version is due a snapshot, take it (see `snapshot`); then retention, in the
   * background.
   */
  private async maintain(): Promise<void> {
    try {
      const files = this.files;
      const version = this.dbVersion;
      if (!files || version === undefined || !this.db || this.current) return;
      const every = this.context.settings.minDeltasForSnapshot;
      const last = Math.max(this.reopened, ...[...files.snapshots].filter((v) => v <= version));
      const due = version > 0 && version - last >= every;
      if (due || this.unappliedBytes >= this.applyAtBytes || version - this.appliedVersion >= every) await this.apply();
      // After a commit only apply: a snapshot is of a committed version, which the next load proves.
      if (version !== this.committed) return;
      if (due) await this.snapshot(version);
      this.upkeep = this.upkeep.then(() => this.retain());
    } catch (error) {
      // Upkeep only: every committed version is still loadable from what is on disk.
      this.context.log.warn(`State maintenance of ${this.context.dir} failed (it will be tried again after the next batch): ${(error as Error).message}`);
      if (!this.db) this.dbVersion = undefined;
    }
  }

  /**
   * Close the database (its files stop changing, and reopening flushes its write-ahead log to an
   * SST, which this binding offers no other way to do), hard-link its files aside, open it
   * again, and upload the copy in the background, as Spark's maintenance thread uploads RocksDB
   * checkpoints. While an upload runs the database is still reopened every interval (so
   * compactions go on dropping deleted keys), but no other copy is taken.
   */
  private async snapshot(version: number): Promise<void> {
    const started = performance.now();
    const db = this.db!;
    this.db = null;
    await db.close();
    const stage = this.staged === undefined;
    if (stage) {
      await linkFiles(this.localPath, this.stagingPath);
      this.staged = version;
    }
    this.db = await this.openDb();
    this.reopened = version;
    const reopened = performance.now();
    if (!stage) return;
    this.upkeep = this.upkeep.then(async () => {
      try {
        const uploading = performance.now();
        const stats = await uploadSnapshot(this.context.checkpoint, this.context.dir, this.stagingPath, version, this.uploaded);
        this.files!.snapshots.add(version);
        this.snapshotMetrics = {
          rocksdbCommitCheckpointLatency: reopened - started,
          rocksdbCommitFileSyncLatencyMs: performance.now() - uploading,
          rocksdbFilesCopied: stats.filesCopied,
          rocksdbBytesCopied: stats.bytesCopied,
          rocksdbFilesReused: stats.filesReused,
          rocksdbZipFileBytesUncompressed: stats.manifestBytes,
        };
      } catch (error) {
        this.context.log.warn(`Snapshot ${version} of the state of ${this.context.dir} was not uploaded (a later one will be): ${(error as Error).message}`);
      } finally {
        await rm(this.stagingPath, { recursive: true, force: true }).catch(() => undefined);
        this.staged = undefined;
      }
    });
  }

  /** Delete what retention no longer needs: old snapshots and changelogs, and SSTs no retained snapshot names. */
  private async retain(): Promise<void> {
    try {
      const files = this.files;
      if (!files) return;
      const doomed = filesToDelete(files, this.committed, this.context.settings.minBatchesToRetain);
      for (const v of doomed.snapshots) await this.deleteSnapshot(v);
      for (const v of doomed.deltas) {
        // The changelog of the version the local database holds proves it ours at a restart.
        if (v >= this.appliedVersion) continue;
        await this.context.checkpoint.delete(this.path(v, 'changelog'));
        files.deltas.delete(v);
      }
      if (doomed.snapshots.length > 0) await this.collectSsts();
    } catch (error) {
      this.context.log.warn(`State retention of ${this.context.dir} failed (it will be tried again after the next batch): ${(error as Error).message}`);
    }
  }

  /** Delete SSTs no retained snapshot names (and forget them, so no later snapshot reuses a deleted file). */
  private async collectSsts(): Promise<void> {
    const referenced = new Set<string>();
    for (const v of this.files!.snapshots) for (const f of (await readManifest(this.context.checkpoint, this.context.dir, v)).files) referenced.add(f.stored);
    for (const name of await this.context.checkpoint.list(`${this.context.dir}/SSTs`)) {
      const stored = `SSTs/${name}`;
      if (referenced.has(stored)) continue;
      await this.context.checkpoint.delete(`${this.context.dir}/${stored}`);
      for (const [local, s] of this.uploaded) if (s === stored) this.uploaded.delete(local);
    }
  }
}

/** A size option in MB (Spark's `*SizeMB` spelling), in bytes. */
function megabytes(options: Readonly<Record<string, string>>, name: string, fallback: number, min: number): number {
  const raw = options[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < min) throw new SluiceError('INVALID_OPTION', `Option 'stateStore.${name}' must be a number of megabytes of at least ${min}, got ${JSON.stringify(raw)}.`, { details: { option: name } });
  return Math.round(n * 2 ** 20);
}
