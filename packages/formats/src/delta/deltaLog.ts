/**
 * One Delta table's transaction log: snapshots at any version (from the newest usable checkpoint
 * plus the commits after it), incremental updates, commit timestamps, and optimistic commits
 * with conflict detection and checkpoints every `delta.checkpointInterval` (10) commits.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { SluiceError, type JsonValue } from '@sluice/core';
import { type FileSystem } from '@sluice/core/connector';
import { parseDeltaCommit, serializeDeltaAction, type DeltaAction, type DeltaCommitInfo, type DeltaMetadata, type DeltaProtocol } from './actions.ts';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { checkConflict, concurrentModification, createdSameTable, footprint } from './conflicts.ts';
import { cleanUpExpiredLog } from './logCleanup.ts';
import { checkpointFileName, commitFileName, LogStore, type LogListing } from './logStore.ts';
import { planReplay } from './replayPlan.ts';
import { DeltaSnapshot } from './snapshot.ts';
import { DAY_MS, tableDuration } from './tableDurations.ts';

/** Sluice's name in `commitInfo.engineInfo`, as Spark writes `Apache-Spark/3.5 Delta-Lake/3.2`. */
export const ENGINE_INFO = 'Sluice/0.1.0';

/** One version of the log as read: its actions and when it was committed. */
export interface DeltaCommitEntry {
  readonly version: number;
  readonly actions: readonly DeltaAction[];
  /** `commitInfo.inCommitTimestamp`, else `commitInfo.timestamp`, else the file's modification time (ms). */
  readonly timestamp: number;
  readonly commitInfo: DeltaCommitInfo | undefined;
}

/** What a writer commits and how it may conflict. */
export interface DeltaCommitRequest {
  /** The actions besides `commitInfo` (protocol, metaData, txn, add, remove). */
  readonly actions: readonly DeltaAction[];
  /** `commitInfo.operation`, e.g. `WRITE`, `STREAMING UPDATE`, `OPTIMIZE`. */
  readonly operation: string;
  readonly operationParameters: Readonly<Record<string, JsonValue>>;
  readonly operationMetrics?: Readonly<Record<string, string>>;
  readonly userMetadata?: string;
  /** The transaction only adds files and read nothing (appends never conflict with each other). */
  readonly isBlindAppend: boolean;
  /** An overwrite: any concurrent data-changing append conflicts. */
  readonly readWholeTable?: boolean;
  /** Log paths of files the transaction read (optimize): their concurrent removal conflicts. */
  readonly readDeltaFiles?: readonly string[];
}

export interface DeltaCommitResult {
  readonly version: number;
  readonly snapshot: DeltaSnapshot;
  /** Set when the commit succeeded but writing its checkpoint failed (the table is fine; the next checkpoint retries). */
  readonly checkpointError?: unknown;
}

export interface DeltaLogOptions {
  /** The clock for commit timestamps and file times (ms); default `Date.now`. */
  readonly now?: () => number;
  /** Commit attempts before giving up under contention (default 1000). */
  readonly maxCommitAttempts?: number;
  /** The filesystem (fault-injection tests pass a faulty one); default node's. */
  readonly fileSystem?: FileSystem;
}

/**
 * A Delta table's log.
 *
 * @example
 * const log = new DeltaLog('/data/events');
 * const snapshot = await log.update();          // latest, or undefined when there is no table
 * const v3 = await log.snapshotAt(3);            // time travel
 */
export class DeltaLog {
  readonly tablePath: string;
  readonly store: LogStore;
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private latest: DeltaSnapshot | undefined;

  constructor(tablePath: string, options: DeltaLogOptions = {}) {
    this.tablePath = resolve(tablePath);
    this.store = new LogStore(this.tablePath, options.fileSystem);
    this.now = options.now ?? Date.now;
    this.maxAttempts = options.maxCommitAttempts ?? 1000;
  }

  /** The clock this log stamps commits with. */
  currentTimeMs(): number {
    return this.now();
  }

  /** The latest snapshot (reading only the commits since the last call), or undefined when no table exists. */
  async update(): Promise<DeltaSnapshot | undefined> {
    if (this.latest === undefined) {
      const listing = await this.store.list();
      if (listing === undefined || (listing.commits.length === 0 && listing.checkpoints.length === 0)) return undefined;
      this.latest = await this.load(listing, undefined);
    }
    for (;;) {
      const next = await this.readEntry(this.latest.version + 1);
      if (next === undefined) return this.latest;
      this.latest = this.latest.apply(next.version, next.actions, this.tablePath, next.timestamp);
    }
  }

  /** The latest snapshot, or `DELTA_TABLE_NOT_FOUND`. */
  async requireLatest(): Promise<DeltaSnapshot> {
    const snapshot = await this.update();
    if (snapshot === undefined) throw tableNotFound(this.tablePath);
    return snapshot;
  }

  /** The snapshot at `version` (time travel). */
  async snapshotAt(version: number): Promise<DeltaSnapshot> {
    if (!Number.isSafeInteger(version) || version < 0) {
      throw new SluiceError('DELTA_VERSION_NOT_FOUND', `Delta versions are whole numbers from 0; got ${version}.`, { details: { version } });
    }
    if (this.latest?.version === version) return this.latest;
    const listing = await this.store.list();
    if (listing === undefined) throw tableNotFound(this.tablePath);
    return this.load(listing, version);
  }

  /** The newest version with a commit file (probing forward from what is known), -1 when none. */
  async latestVersion(): Promise<number> {
    let version = this.latest?.version;
    if (version === undefined) {
      const listing = await this.store.list();
      if (listing === undefined) return -1;
      version = Math.max(listing.commits.at(-1) ?? -1, listing.checkpoints.at(-1)?.version ?? -1);
    }
    while ((await this.store.modificationTime(commitFileName(version + 1))) !== undefined) version++;
    return version;
  }

  /** Version `version`'s commit, or undefined when it does not exist. */
  async readEntry(version: number): Promise<DeltaCommitEntry | undefined> {
    const text = await this.store.readCommit(version);
    if (text === undefined) return undefined;
    const actions = parseDeltaCommit(text, `${this.store.logPath}/${commitFileName(version)}`);
    const commitInfo = actions.find((a) => a.kind === 'commitInfo')?.commitInfo;
    let timestamp = commitTimestamp(commitInfo);
    timestamp ??= (await this.store.modificationTime(commitFileName(version))) ?? 0;
    return { version, actions, timestamp, commitInfo };
  }

  /** The listing of `_delta_log/` (undefined when absent). */
  list(): Promise<LogListing | undefined> {
    return this.store.list();
  }

  private async load(listing: LogListing, version: number | undefined): Promise<DeltaSnapshot> {
    const plan = planReplay(listing, version, this.tablePath);
    let base: readonly DeltaAction[] | undefined;
    let start = -1;
    for (const checkpoint of plan.checkpoints) {
      try {
        const parts = await Promise.all(checkpoint.files.map(async (f) => readCheckpoint(await this.store.readBytes(f), `${this.store.logPath}/${f}`)));
        base = parts.flat();
        start = checkpoint.version;
        break;
      } catch (e) {
        // A damaged checkpoint is skipped when the commits still reach back past it (Delta does the same).
        if (plan.checkpoints.at(-1) === checkpoint && !listing.commits.includes(0)) throw e;
      }
    }
    const versions = plan.commitsAfter(start);
    const entries: DeltaCommitEntry[] = [];
    for (let i = 0; i < versions.length; i += 32) {
      const chunk = await Promise.all(versions.slice(i, i + 32).map((v) => this.readEntry(v)));
      chunk.forEach((entry, k) => {
        if (entry === undefined) throw new SluiceError('FILE_CORRUPT', `The Delta log of ${this.tablePath} lost commit ${versions[i + k]} while it was being read.`);
        entries.push(entry);
      });
    }
    const groups = [...(base ? [base] : []), ...entries.map((e) => e.actions)];
    const timestamp = entries.at(-1)?.timestamp;
    const snapshot = DeltaSnapshot.replay(plan.version, groups, this.tablePath, timestamp);
    if (this.latest === undefined || snapshot.version > this.latest.version) this.latest = snapshot;
    return snapshot;
  }

  /**
   * Commit `request` on top of `base` (the snapshot the transaction read; undefined to create
   * the table). Lost races re-read the winner and retry when nothing conflicts.
   */
  async commit(base: DeltaSnapshot | undefined, request: DeltaCommitRequest): Promise<DeltaCommitResult> {
    let actions = request.actions;
    const ours = footprint(actions, request.readWholeTable ?? false, request.readDeltaFiles ?? []);
    const txnId = randomUUID();
    let current = base;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      const version = (current?.version ?? -1) + 1;
      const timestamp = Math.max(this.now(), (current?.timestamp ?? 0) + 1);
      const commitInfo = this.commitInfo(request, base, timestamp, txnId);
      const text = [serializeDeltaAction({ kind: 'commitInfo', commitInfo }), ...actions.map(serializeDeltaAction)].join('\n') + '\n';
      if (await this.store.putCommitIfAbsent(version, text)) {
        const snapshot = current === undefined
          ? DeltaSnapshot.replay(version, [actions], this.tablePath, timestamp)
          : current.apply(version, actions, this.tablePath, timestamp);
        if (this.latest === undefined || snapshot.version > this.latest.version) this.latest = snapshot;
        const checkpointError = await this.checkpointIfDue(snapshot);
        return { version, snapshot, ...(checkpointError === undefined ? {} : { checkpointError }) };
      }
      const winner = await this.readEntry(version);
      if (winner === undefined) continue; // vanished again (a cleanup): just retry
      if (current === undefined) {
        const meta = actions.find((a) => a.kind === 'metaData');
        const protocol = actions.find((a) => a.kind === 'protocol');
        if (meta?.kind === 'metaData' && protocol?.kind === 'protocol' && createdSameTable(winner.actions, meta.metaData, protocol.protocol)) {
          // Another writer created the very table we meant to create: append to theirs.
          actions = actions.filter((a) => a.kind !== 'metaData' && a.kind !== 'protocol');
          current = DeltaSnapshot.replay(version, [winner.actions], this.tablePath, winner.timestamp);
          continue;
        }
        throw concurrentModification(this.tablePath, { ok: false, conflict: 'ProtocolChanged', reason: 'another writer created the table concurrently with a different schema or partitioning' }, version);
      }
      const check = checkConflict(ours, winner.actions, version);
      if (!check.ok) throw concurrentModification(this.tablePath, check, version);
      current = current.apply(version, winner.actions, this.tablePath, winner.timestamp);
    }
    throw new SluiceError('DELTA_CONCURRENT_MODIFICATION', `Gave up committing to the Delta table at ${this.tablePath} after ${this.maxAttempts} attempts: other writers kept winning. Try again.`, {
      details: { table: this.tablePath },
    });
  }

  private commitInfo(request: DeltaCommitRequest, base: DeltaSnapshot | undefined, timestamp: number, txnId: string): DeltaCommitInfo {
    return {
      timestamp,
      operation: request.operation,
      operationParameters: request.operationParameters,
      ...(base === undefined ? {} : { readVersion: base.version }),
      isolationLevel: 'Serializable',
      isBlindAppend: request.isBlindAppend,
      ...(request.operationMetrics === undefined ? {} : { operationMetrics: request.operationMetrics }),
      ...(request.userMetadata === undefined ? {} : { userMetadata: request.userMetadata }),
      engineInfo: ENGINE_INFO,
      txnId,
    };
  }

  /** Write a checkpoint of `snapshot` when its version is a multiple of the interval; errors are returned, not thrown. */
  private async checkpointIfDue(snapshot: DeltaSnapshot): Promise<unknown> {
    const interval = Number(snapshot.configuration['delta.checkpointInterval'] ?? 10);
    if (snapshot.version === 0 || !(interval > 0) || snapshot.version % interval !== 0) return undefined;
    try {
      await this.checkpoint(snapshot);
      return undefined;
    } catch (e) {
      return e;
    }
  }

  /**
   * Write a classic Parquet checkpoint of `snapshot` and point `_last_checkpoint` at it; then,
   * as Delta does, delete log entries past `delta.logRetentionDuration` (30 days) that a
   * checkpoint makes unnecessary (unless `delta.enableExpiredLogCleanup` is false).
   */
  async checkpoint(snapshot: DeltaSnapshot): Promise<void> {
    const { bytes, size, numOfAddFiles } = writeCheckpoint(snapshot, this.now(), tableDuration(snapshot.configuration['delta.deletedFileRetentionDuration'], 7 * DAY_MS));
    await this.store.replace(checkpointFileName(snapshot.version), bytes);
    await this.store.replace('_last_checkpoint', JSON.stringify({ version: snapshot.version, size, sizeInBytes: bytes.length, numOfAddFiles }));
    if (snapshot.configuration['delta.enableExpiredLogCleanup'] !== 'false') {
      await cleanUpExpiredLog(this.store, tableDuration(snapshot.configuration['delta.logRetentionDuration'], 30 * DAY_MS), this.now());
    }
  }
}

/** When a commit happened according to its commitInfo (in-commit timestamp first). */
export function commitTimestamp(info: DeltaCommitInfo | undefined): number | undefined {
  const inCommit = info?.['inCommitTimestamp'];
  if (typeof inCommit === 'number') return inCommit;
  const ts = info?.['timestamp'];
  return typeof ts === 'number' ? ts : undefined;
}

export function tableNotFound(path: string): SluiceError {
  return new SluiceError('DELTA_TABLE_NOT_FOUND', `${path} is not a Delta table: it has no _delta_log with commits. Check the path, or write to it first to create the table.`, {
    details: { table: path },
  });
}

/** DeltaMetadata and protocol of a new table. */
export function newTableActions(metadata: Omit<DeltaMetadata, 'id' | 'format'> & { readonly id?: string }, createdTime: number): { protocol: DeltaProtocol; metaData: DeltaMetadata } {
  return {
    protocol: { minReaderVersion: 1, minWriterVersion: 2 },
    metaData: {
      id: metadata.id ?? randomUUID(),
      format: { provider: 'parquet', options: {} },
      schemaString: metadata.schemaString,
      partitionColumns: metadata.partitionColumns,
      configuration: metadata.configuration,
      createdTime,
    },
  };
}
