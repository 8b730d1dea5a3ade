import { corrupt } from '../../checkpoint/logEntries.ts';
import { describeError } from '../../errors.ts';
import { DELETE, readStateFile, StateFileWriter } from '../files/stateFile.ts';
import type { LoadOptions, StateProviderContext, StateStoreProvider, StateStoreProviderFactory, WritableStateStore } from '../stateStore.ts';
import { LiveState } from './liveState.ts';
import type { SortedKeys } from './sortedKeys.ts';
import { MemoryStateStore } from './memoryStore.ts';
import { checkAbandoned, filesToDelete, listVersionFiles, takenOver, type VersionFiles } from './stateFiles.ts';

/** Entries a snapshot serialises before it lets the event loop run a batch. */
const SNAPSHOT_SLICE = 20_000;

/**
 * A snapshot is due once `minDeltasForSnapshot` deltas were written since the last one *and*
 * they hold SNAPSHOT_PAYBACK times the bytes a snapshot would — or after this many times
 * `minDeltasForSnapshot` deltas whatever their size. A snapshot rewrites the whole state on the
 * one thread batches run on, so with large state and small batches Spark's every-10-versions
 * would cost each batch a tenth of the state (a 1 M-key state: ~2 MB of snapshot per 30 kB
 * delta); this way the snapshots cost at most what the deltas do, and a restart replays at most
 * SNAPSHOT_PAYBACK snapshots' worth of deltas after the snapshot it loads.
 */
const MAX_DELTAS_FACTOR = 100;

/**
 * A snapshot saves a restart the replay of the deltas since the last one, and costs writing (and
 * loading) the state once: it pays for itself once those deltas hold twice a snapshot's bytes.
 * With 1 (a snapshot as soon as the deltas are as big as the state) the first deltas of a state
 * built in a few large batches — a backfill, a query's first minutes — are themselves the state,
 * and a whole snapshot would follow at once for almost no saving (the state bench's 1 M-key run:
 * a ~30 MB snapshot ten batches after priming, in the way of the batches it measures).
 */
const SNAPSHOT_PAYBACK = 2;

/**
 * The default provider: state in memory, Spark's HDFS-backed scheme on disk. Each committed
 * version writes `state/<op>/<p>/<v>.delta` with only the keys it changed (fsync'd, whole or
 * nothing); once `minDeltasForSnapshot` deltas hold twice the bytes of the state, a background
 * snapshot writes `<v>.snapshot` with every key (see MAX_DELTAS_FACTOR); a restart loads the newest snapshot and the deltas after it. The live maps
 * are mutated in place (an undo log serves `abort`), so no batch ever copies the state.
 *
 * @example
 * registerStateStoreProvider(memoryStateProviderFactory) // done by core; 'memory' is the default
 */
export const memoryStateProviderFactory: StateStoreProviderFactory = {
  name: 'memory',
  sparkClassNames: ['org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider'],
  open: async (context) => new MemoryStateProvider(context),
};

export class MemoryStateProvider implements StateStoreProvider {
  private live: LiveState | null = null;
  private files: VersionFiles | null = null;
  private current: MemoryStateStore | null = null;
  private snapshot: { version: number; preimages: Map<string, string | undefined>[] } | null = null;
  private maintaining: Promise<void> = Promise.resolve();
  private hits = 0;
  /**
   * The newest version loaded for writing: the engine loads version v only once `commits/<v-1>`
   * exists, so this one is committed. The live maps may be ahead of it (a commit whose batch has
   * not yet proved, by putting offsets/N, that the checkpoint is still its own); snapshots and
   * retention go by this version only, so nothing of an unproved version lasts beyond its delta.
   */
  private committed = 0;
  private misses = 0;
  /** Bytes of each delta file after the newest snapshot (written or read by this provider). */
  private readonly deltaBytes = new Map<number, number>();

  constructor(private readonly context: StateProviderContext) {}

  async load(version: number, options: LoadOptions = {}): Promise<WritableStateStore> {
    if (this.current) throw new Error(`State of ${this.context.dir} is already open at version ${this.current.version}`);
    if (this.live?.version === version) this.hits++;
    else {
      this.misses++;
      // A background snapshot reads the live maps: let it finish before they are replaced.
      await this.maintaining;
      this.live = await this.rebuild(version);
    }
    if (!options.readOnly) {
      await this.discardAbandoned(version);
      this.committed = Math.max(this.committed, version);
    }
    const live = this.live;
    const store: MemoryStateStore = new MemoryStateStore(this.context.partition, version, live, options.readOnly ?? false, {
      touched: (space, key, before) => {
        const preimages = this.snapshot?.preimages[space];
        if (preimages && !preimages.has(key)) preimages.set(key, before);
      },
      persist: (changes) => this.persist(version + 1, changes),
      closed: () => {
        if (this.current === store) this.current = null;
      },
      custom: () => ({ loadedMapCacheHitCount: this.hits, loadedMapCacheMissCount: this.misses, stateOnCurrentVersionSizeBytes: live.bytes }),
    });
    this.current = store;
    // A snapshot is taken of a committed version only, so the one this load proves committed.
    if (!options.readOnly && live.version === version) void this.maintenance();
    return store;
  }

  maintenance(): Promise<void> {
    this.maintaining = this.maintaining.then(() => this.maintain());
    return this.maintaining;
  }

  async close(): Promise<void> {
    this.current?.abort();
    await this.maintaining.catch(() => undefined);
    this.live = null;
  }

  private file(version: number, kind: 'delta' | 'snapshot'): string {
    return `${this.context.dir}/${version}.${kind}`;
  }

  private location(path: string): string {
    return `${this.context.checkpoint.location.replace(/\/$/, '')}/${path}`;
  }

  /** Write a version's delta: the keys it changed, fsync'd, whole or nothing. */
  private async persist(version: number, changes: readonly Map<string, string | null>[]): Promise<number> {
    // Sized for the records up front (a few bytes of framing each), so it is not regrown while written.
    let size = 0;
    for (const space of changes) space.forEach((value, key) => (size += key.length + (value?.length ?? 0) + 8));
    const writer = new StateFileWriter('delta', version, size);
    changes.forEach((space, s) => {
      space.forEach((value, key) => {
        if (value === null) writer.deleteLatin1(s, key);
        else writer.putLatin1(s, key, value);
      });
    });
    const bytes = writer.finish();
    // In place, data and directory entry fsync'd at once: a torn delta can only be of a version
    // no commit vouched for, which a replay deletes at load and rewrites (its checksum would catch
    // it too). Created exclusively: this write runs before offsets/N proves the checkpoint is
    // still this run's, so a run paused past its lease must never replace what the run that took
    // over wrote (load deleted every file of a version after the one loaded, so a delta found
    // here was written since, by someone else).
    const path = this.file(version, 'delta');
    if (!(await this.context.checkpoint.write(path, bytes, { ifAbsent: true, atomic: false }))) throw takenOver(this.context.checkpoint, path, version, version - 1);
    this.files!.deltas.add(version);
    this.deltaBytes.set(version, bytes.length);
    return bytes.length;
  }

  /** Version `version` from the checkpoint: the newest snapshot at or below it, then each delta after it. */
  private async rebuild(version: number): Promise<LiveState> {
    const { checkpoint, dir, schema } = this.context;
    this.files = await listVersionFiles(checkpoint, dir, 'delta', 'snapshot');
    const live = new LiveState(version, schema.keySpaces);
    if (version === 0) return live;
    const base = [...this.files.snapshots].filter((v) => v <= version).sort((a, b) => b - a)[0] ?? 0;
    if (base > 0) await this.apply(live, this.file(base, 'snapshot'), 'snapshot', base);
    for (let v = base + 1; v <= version; v++) {
      if (!this.files.deltas.has(v)) {
        throw corrupt(this.location(this.file(v, 'delta')), `it is missing, so version ${version} of the state of operator ${this.context.operatorId}, partition ${this.context.partition} cannot be rebuilt${base > 0 ? ` from snapshot ${base}` : ''} (a file was deleted by hand?)`);
      }
      await this.apply(live, this.file(v, 'delta'), 'delta', v);
    }
    for (const space of live.spaces) space.recount();
    return live;
  }

  private async apply(live: LiveState, path: string, kind: 'delta' | 'snapshot', version: number): Promise<void> {
    const data = await this.context.checkpoint.readBytes(path);
    if (data === undefined) throw corrupt(this.location(path), 'it disappeared while the state was being loaded');
    const spaces = live.spaces;
    const result = readStateFile(data, this.location(path), kind, (op, s, bytes, ks, ke, vs, ve) => {
      const space = spaces[s];
      if (!space) throw corrupt(this.location(path), `it names key space ${s}, but the operator has ${spaces.length}`);
      const key = bytes.toString('latin1', ks, ke);
      if (op === DELETE) space.unload(key);
      else space.load(key, bytes.toString('latin1', vs, ve));
    });
    if (result.version !== version) throw corrupt(this.location(path), `it holds version ${result.version}`);
    if (kind === 'delta') this.deltaBytes.set(version, data.length);
  }

  /**
   * Files of versions after `version` are left by an attempt that never committed (a crash
   * before `commits/N`, or a batch given up with `checkpoint drop-uncommitted`): this run
   * rewrites `version + 1` (with O_EXCL, see persist), and a snapshot of the old attempt must
   * never be taken for it. Each is first proved abandoned and ours (`checkAbandoned`).
   */
  private async discardAbandoned(version: number): Promise<void> {
    const files = this.files!;
    const doomed = [
      ...[...files.snapshots].filter((v) => v > version).map((v) => ({ set: files.snapshots, v, path: this.file(v, 'snapshot') })),
      ...[...files.deltas].filter((v) => v > version).map((v) => ({ set: files.deltas, v, path: this.file(v, 'delta') })),
    ];
    for (const { set, v, path } of doomed) {
      await checkAbandoned(this.context.checkpoint, path, v, version, true);
      await this.context.checkpoint.delete(path);
      set.delete(v);
      this.deltaBytes.delete(v);
    }
  }

  private async maintain(): Promise<void> {
    try {
      const live = this.live;
      const files = this.files;
      if (!live || !files) return;
      const lastSnapshot = Math.max(0, ...[...files.snapshots].filter((v) => v <= live.version));
      // Only a committed version (see `committed`): after a commit, the next load takes it.
      if (live.version === this.committed && this.snapshotDue(live, lastSnapshot)) await this.takeSnapshot(live);
      const doomed = filesToDelete(files, this.committed, this.context.settings.minBatchesToRetain);
      for (const v of doomed.snapshots) {
        await this.context.checkpoint.delete(this.file(v, 'snapshot'));
        files.snapshots.delete(v);
      }
      for (const v of doomed.deltas) {
        await this.context.checkpoint.delete(this.file(v, 'delta'));
        files.deltas.delete(v);
      }
    } catch (error) {
      // Upkeep only: every committed version is still loadable from what is on disk.
      this.context.log.warn(`State maintenance of ${this.context.dir} failed (it will be tried again after the next batch): ${describeError(error)}`);
    }
  }

  /** See MAX_DELTAS_FACTOR. */
  private snapshotDue(live: LiveState, lastSnapshot: number): boolean {
    const deltas = live.version - lastSnapshot;
    const min = this.context.settings.minDeltasForSnapshot;
    if (live.version === 0 || deltas < min) return false;
    if (deltas >= min * MAX_DELTAS_FACTOR) return true;
    let bytes = 0;
    for (const [v, n] of this.deltaBytes) {
      if (v <= lastSnapshot) this.deltaBytes.delete(v);
      else if (v <= live.version) bytes += n;
    }
    return bytes >= SNAPSHOT_PAYBACK * live.snapshotBytes;
  }

  /**
   * Write `<v>.snapshot` of the live state at its current version while batches go on: the
   * maps are read in slices, and a key a later batch changes first hands its value at `v` to
   * `preimages` (the store's `touched` hook), which the snapshot uses instead.
   */
  private async takeSnapshot(live: LiveState): Promise<void> {
    const version = live.version;
    const preimages = live.spaces.map(() => new Map<string, string | undefined>());
    // A batch already open has written on top of `version`: its undo log holds the values at `version`.
    this.current?.forEachTouched((s, key, before) => preimages[s]!.set(key, before));
    this.snapshot = { version, preimages };
    const writer = new StateFileWriter('snapshot', version, live.snapshotBytes);
    try {
      let slice = 0;
      for (const [s, space] of live.spaces.entries()) {
        const changed = preimages[s]!;
        // Ordered spaces are written in key order, so loading them appends to the index; the
        // others in one pass over the map's entries (a later batch's insert is seen or not,
        // and is then in `changed` either way).
        const entries = space.index ? orderedEntries(space.index, space.map) : space.map.entries();
        for (const [key, value] of entries) {
          if (changed.has(key)) continue;
          if (value !== undefined) writer.putLatin1(s, key, value);
          if (++slice >= SNAPSHOT_SLICE) {
            slice = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      }
      for (const [s, changed] of preimages.entries()) for (const [key, before] of changed) if (before !== undefined) writer.putLatin1(s, key, before);
    } finally {
      this.snapshot = null;
    }
    // A replay may have moved the state back below `version` meanwhile: then this snapshot is of an abandoned line.
    if (live !== this.live || live.version < version) return;
    await this.context.checkpoint.write(this.file(version, 'snapshot'), writer.finish(), { ifAbsent: false });
    this.files!.snapshots.add(version);
  }
}

/** Entries of an ordered space in key order (see orderedKeys); a key deleted meanwhile has no value. */
function* orderedEntries(index: SortedKeys, map: ReadonlyMap<string, string>): Generator<[string, string | undefined]> {
  for (const key of orderedKeys(index)) yield [key, map.get(key)];
}

/** Keys of an ordered index, read a chunk at a time so later inserts and deletes do not disturb the walk. */
function* orderedKeys(index: SortedKeys): Generator<string> {
  let from: string | undefined;
  let exclusive = false;
  for (;;) {
    const keys = index.range(from, exclusive, undefined, 4096);
    if (keys.length === 0) return;
    yield* keys;
    from = keys[keys.length - 1];
    exclusive = true;
  }
}
