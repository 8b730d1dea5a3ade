import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { LoadOptions, StateProviderContext, StateStoreProvider, StateStoreProviderFactory, WritableStateStore } from '@sluice/core/connector';
import { checkAbandoned, corrupt, DELETE, filesToDelete, listVersionFiles, readStateFile, StateFileWriter, takenOver, type VersionFiles } from '@sluice/core/state-provider';
import { dbKey, LocalDb } from './localDb.ts';
import { RocksDbStateStore } from './rocksdbStore.ts';
import { downloadSnapshot, readManifest, uploadSnapshot } from './snapshots.ts';

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
 * `state/<op>/<p>/<v>.changelog` (the keys it changed, fsync'd) before the database applies
 * it; every `minDeltasForSnapshot` versions the database's files go to the checkpoint as a
 * snapshot (`<v>.rocksdb` + shared `SSTs/`). A restart on the same machine reuses the local
 * database when it holds the version asked for (or replays the changelogs it lacks); elsewhere
 * it restores the newest snapshot and replays the changelogs after it.
 *
 * Options (`.option('stateStore.rocksdb.localDir', …)`, Spark's `spark.sql.streaming.stateStore.rocksdb.*` names too):
 * `rocksdb.localDir` (default `<tmpdir>/sluice-rocksdb`), `rocksdb.blockCacheSizeMB` (default 64).
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
  /** The version the local database holds (undefined: unknown or not to be trusted). */
  private dbVersion: number | undefined;
  private counts: number[] = [];
  private files: VersionFiles | null = null;
  private uploaded = new Map<string, string>();
  private current: RocksDbStateStore | null = null;
  private maintaining: Promise<void> = Promise.resolve();
  /**
   * The newest version loaded for writing, so committed (the engine loads v only once
   * `commits/<v-1>` exists). The database may be a version ahead (a commit whose batch has not yet
   * proved by putting offsets/N that the checkpoint is still its own): snapshots and retention go
   * by this version only.
   */
  private committed = 0;
  /** Snapshot figures, reported with the next commit's metrics. */
  private snapshotMetrics: Record<string, number> = {};
  private lastCommit: Record<string, number> = {};
  private readonly localPath: string;
  private readonly blockCacheBytes: number;

  constructor(private readonly context: StateProviderContext) {
    const options = context.settings.options;
    const root = options['rocksdb.localDir'] ?? join(tmpdir(), 'sluice-rocksdb');
    this.localPath = join(root, context.queryId.replace(/[^A-Za-z0-9_-]/g, '_'), `${context.operatorId}-${context.partition}`);
    this.blockCacheBytes = Math.max(1, Number(options['rocksdb.blockCacheSizeMB'] ?? 64)) << 20;
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
      this.db = await LocalDb.open(this.localPath, { blockCacheBytes: this.blockCacheBytes });
      this.dbVersion = await this.trustedVersion(await this.db.version());
      if (this.dbVersion !== undefined) this.counts = await this.db.counts(this.context.schema.keySpaces.length);
    }
    const held = this.dbVersion;
    if (held === undefined || held > version || !this.hasChangelogs(held + 1, version)) await this.restore(version);
    else if (held < version) await this.replay(held + 1, version);
    if (!options.readOnly) await this.discardAbandoned(version);
    const store: RocksDbStateStore = new RocksDbStateStore(this.context.partition, version, this.context.schema.keySpaces, this.db!, options.readOnly ?? false, {
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

  maintenance(): Promise<void> {
    this.maintaining = this.maintaining.then(() => this.maintain());
    return this.maintaining;
  }

  async close(): Promise<void> {
    this.current?.abort();
    await this.maintaining.catch(() => undefined);
    const db = this.db;
    this.db = null;
    await db?.close();
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
    return db.property('rocksdb.cur-size-all-mem-tables') + db.property('rocksdb.block-cache-usage') + db.property('rocksdb.estimate-table-readers-mem');
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

  /** Commit: the changelog first (durable), then the database (atomic batch with its new version). */
  private async commit(store: RocksDbStateStore): Promise<void> {
    const db = this.db!;
    const version = store.version + 1;
    const unknown = [...store.pending.values()].filter((p) => !store.existed.has(p.key.toString('latin1')));
    if (unknown.length > 0) {
      const values = await db.getMany(unknown.map((p) => p.key));
      values.forEach((v, i) => store.existed.set(unknown[i]!.key.toString('latin1'), v !== undefined));
    }
    const counts = this.counts.slice();
    const writer = new StateFileWriter('changelog', version);
    const puts: [Uint8Array, Uint8Array][] = [];
    const deletes: Uint8Array[] = [];
    let updated = 0;
    let removed = 0;
    let bytesWritten = 0;
    for (const [id, { key, value }] of store.pending) {
      const space = key[0]!;
      const existed = store.existed.get(id) ?? false;
      // Index and bookkeeping spaces are not rows (Spark's internal column families).
      const row = this.context.schema.keySpaces[space]!.internal ? 0 : 1;
      if (value) {
        writer.put(space, key.subarray(1), value);
        puts.push([key, value]);
        bytesWritten += key.length + value.length;
        updated += row;
        if (!existed) counts[space] = (counts[space] ?? 0) + 1;
      } else {
        writer.delete(space, key.subarray(1));
        deletes.push(key);
        bytesWritten += key.length;
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
    await db.write(puts, deletes, version, crc32(changelog), counts);
    const applied = performance.now();
    this.dbVersion = version;
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
      // The changelog's fsync, plus the snapshot's upload when one was taken since the last commit.
      rocksdbCommitFileSyncLatencyMs: written - synced + (this.snapshotMetrics['rocksdbCommitFileSyncLatencyMs'] ?? 0),
      rocksdbCommitWriteBatchLatency: applied - written,
      rocksdbTotalBytesRead: store.stats.bytesRead,
      rocksdbTotalBytesWritten: bytesWritten,
      rocksdbSstFileSize: db.property('rocksdb.total-sst-files-size'),
    };
    this.snapshotMetrics = {};
  }

  /** Rebuild the local database at `version`: the newest snapshot at or below it, then the changelogs after it. */
  private async restore(version: number): Promise<void> {
    await this.db?.close();
    this.db = null;
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
    this.db = await LocalDb.open(this.localPath, { blockCacheBytes: this.blockCacheBytes });
    const held = await this.db.version();
    if ((held?.version ?? 0) !== base) throw corrupt(this.location(this.path(base, 'rocksdb')), `its database holds version ${held?.version ?? 0}`);
    this.dbVersion = base;
    this.counts = await this.db.counts(this.context.schema.keySpaces.length);
    await this.replay(base + 1, version);
  }

  /** Apply changelogs `from`..`to` to the local database, counting keys as it goes. */
  private async replay(from: number, to: number): Promise<void> {
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

  private async maintain(): Promise<void> {
    try {
      const files = this.files;
      const version = this.dbVersion;
      if (!files || version === undefined || !this.db || this.current) return;
      const lastSnapshot = Math.max(0, ...[...files.snapshots].filter((v) => v <= version));
      if (version > 0 && version === this.committed && version - lastSnapshot >= this.context.settings.minDeltasForSnapshot) await this.snapshot(version);
      const doomed = filesToDelete(files, this.committed, this.context.settings.minBatchesToRetain);
      for (const v of doomed.snapshots) await this.deleteSnapshot(v);
      for (const v of doomed.deltas) {
        await this.context.checkpoint.delete(this.path(v, 'changelog'));
        files.deltas.delete(v);
      }
      if (doomed.snapshots.length > 0) await this.collectSsts();
    } catch (error) {
      // Upkeep only: every committed version is still loadable from what is on disk.
      this.context.log.warn(`State maintenance of ${this.context.dir} failed (it will be tried again after the next batch): ${(error as Error).message}`);
      if (!this.db) this.dbVersion = undefined;
    }
  }

  /** Close the database (its files stop changing), put them in the checkpoint, open it again. */
  private async snapshot(version: number): Promise<void> {
    const started = performance.now();
    await this.db!.close();
    this.db = null;
    const closed = performance.now();
    const stats = await uploadSnapshot(this.context.checkpoint, this.context.dir, this.localPath, version, this.uploaded);
    this.files!.snapshots.add(version);
    const uploaded = performance.now();
    this.db = await LocalDb.open(this.localPath, { blockCacheBytes: this.blockCacheBytes });
    this.snapshotMetrics = {
      rocksdbCommitCheckpointLatency: closed - started + (performance.now() - uploaded),
      rocksdbCommitFileSyncLatencyMs: uploaded - closed,
      rocksdbFilesCopied: stats.filesCopied,
      rocksdbBytesCopied: stats.bytesCopied,
      rocksdbFilesReused: stats.filesReused,
      rocksdbZipFileBytesUncompressed: stats.manifestBytes,
    };
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
