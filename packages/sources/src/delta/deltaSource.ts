import { basename } from 'node:path';
import type { Schema, Table } from 'apache-arrow';
import { defer, from, mergeMap, Observable } from 'rxjs';
import { SluiceError, StreamFrame, type SourceProvider } from '@sluice/core';
import { type ReadLimit, type Source, type SourceContext } from '@sluice/core/connector';
import { DeltaLog, checkDeltaReadable, latestSnapshotSync, parseLogFileName, readDeltaFiles, deltaScanPlan, deltaVersionAtOrAfter, type DeltaScanPlan, type DeltaSnapshot } from '@sluice/formats/internal';
import { DirectoryWatcher } from '../watch/directoryWatcher.ts';
import { comparePositions, deltaOffset, toDeltaOffset, type DeltaSourceOffset } from './deltaOffset.ts';
import { parseDeltaSourceOptions, type DeltaSourceConfig, type DeltaSourceOptions } from './options.ts';
import { TableChanges, type IndexedFile } from './tableChanges.ts';

/** Spark's default `maxFilesPerTrigger` for Delta. */
export const DEFAULT_MAX_FILES_PER_TRIGGER = 1000;

/** Outstanding files are counted over at most this many commits past a batch (a metric must stay cheap). */
const OUTSTANDING_HORIZON = 256;

/**
 * A stream of a Delta table (Spark's `readStream.format("delta")`): first the table as it is
 * (its snapshot when the query starts), then every commit that adds data, as it lands. Rate
 * limits in files and bytes per batch; `startingVersion` / `startingTimestamp` read only the
 * changes from a point on. A commit that deletes or rewrites data fails the stream unless
 * `ignoreDeletes`, `ignoreChanges` or `skipChangeCommits` says what to do; compaction commits
 * (OPTIMIZE, `dataChange: false`) are skipped. Replays are exact: a range of offsets always
 * names the same files.
 *
 * @example
 * const events = readStream().format('delta').option('maxFilesPerTrigger', 10).load('/data/bronze');
 * // or, typed:
 * const events = deltaSource({ path: '/data/bronze', startingVersion: 5 });
 */
export function deltaSource(options: DeltaSourceConfig): StreamFrame {
  return StreamFrame.fromSource(deltaSourceProvider(options as unknown as Readonly<Record<string, unknown>>));
}

/** The provider from raw options; what `readStream().format('delta').load(path)` builds. The table's schema is read here. */
export function deltaSourceProvider(raw: Readonly<Record<string, unknown>>, userSchema?: Schema): SourceProvider {
  const options = parseDeltaSourceOptions(raw);
  if (userSchema !== undefined) {
    throw new SluiceError('INVALID_QUERY', 'The delta source reads the schema from the table; drop .schema(...) from readStream().', { details: { format: 'delta' } });
  }
  const snapshot = latestSnapshotSync(options.path);
  const log = new DeltaLog(options.path);
  if (snapshot === undefined) {
    throw new SluiceError('DELTA_TABLE_NOT_FOUND', `${log.tablePath} is not a Delta table (no _delta_log with commits): a delta stream needs an existing table. Create it first (write to it once), or check the path.`, {
      details: { table: log.tablePath },
    });
  }
  checkDeltaReadable(snapshot.protocol, snapshot.metadata, `The Delta table at ${log.tablePath}`);
  const plan = deltaScanPlan(snapshot, log.tablePath);
  return {
    format: 'delta',
    schema: plan.schema,
    options: raw,
    open: async (context) => DeltaSource.open(options, snapshot, context),
  };
}

class DeltaSource implements Source<DeltaSourceOffset> {
  readonly description: string;
  readonly defaultReadLimit: ReadLimit;
  readonly dataArrived$: Observable<void>;
  private target: number | undefined;
  private latest: { offset: DeltaSourceOffset; files: number; bytes: number } | null = null;

  private constructor(
    private readonly options: DeltaSourceOptions,
    private readonly log: DeltaLog,
    private readonly table: DeltaSnapshot,
    private readonly plan: DeltaScanPlan,
    private readonly changes: TableChanges,
    private readonly context: SourceContext,
    private readonly commits: DirectoryWatcher,
  ) {
    this.description = `DeltaSource[${log.tablePath}]`;
    this.defaultReadLimit = defaultLimit(options);
    // Only a hint: triggers still poll the log, so a missed commit costs latency, not data.
    this.dataArrived$ = commits.changes$;
  }

  get schema(): Schema {
    return this.plan.schema;
  }

  static async open(options: DeltaSourceOptions, loaded: DeltaSnapshot, context: SourceContext): Promise<DeltaSource> {
    const log = new DeltaLog(options.path, { now: () => context.scheduler.now() });
    const table = await log.requireLatest();
    if (table.tableId !== loaded.tableId || table.metadata.schemaString !== loaded.metadata.schemaString) {
      throw new SluiceError('SCHEMA_MISMATCH', `The Delta table at ${log.tablePath} changed (schema or identity) between defining the stream and starting it; define the stream again to read its current schema.`, {
        details: { table: log.tablePath },
      });
    }
    const plan = deltaScanPlan(table, log.tablePath);
    // Watching from open() on (the engine subscribes to dataArrived$ right away anyway): once
    // open() returns, chokidar has scanned the log and every later commit is an event.
    const commits = new DirectoryWatcher(log.store.logPath, context.log, { depth: 0, accept: isCommitFile });
    await commits.start();
    return new DeltaSource(options, log, table, plan, new TableChanges(log, options, table), context, commits);
  }

  /** Where a new query starts, decided once and kept in the checkpoint (a replay of batch 0 must see the same start). */
  initialOffset(): Promise<DeltaSourceOffset> {
    return this.context.metadata.getOrCreate<DeltaSourceOffset>('initialOffset', async () => {
      const latest = await this.log.latestVersion();
      const id = this.table.tableId;
      const { startingVersion, startingTimestamp } = this.options;
      if (startingVersion === 'latest') return deltaOffset(id, latest + 1, -1, false);
      if (startingVersion !== undefined) {
        if (startingVersion > latest) {
          throw new SluiceError('DELTA_VERSION_NOT_FOUND', `startingVersion ${startingVersion} is beyond the latest version (${latest}) of the Delta table at ${this.log.tablePath}. Use 'latest' to read only new commits.`, {
            details: { option: 'startingVersion', latest },
          });
        }
        return deltaOffset(id, startingVersion, -1, false);
      }
      if (startingTimestamp !== undefined) {
        return deltaOffset(id, await deltaVersionAtOrAfter(this.log, startingTimestamp), -1, false);
      }
      return deltaOffset(id, latest, -1, true);
    });
  }

  async latestOffset(start: DeltaSourceOffset, limit: ReadLimit): Promise<DeltaSourceOffset | null> {
    const from = toDeltaOffset(start, this.table.tableId, this.log.tablePath);
    const lastVersion = this.target ?? (await this.log.latestVersion());
    this.changes.forgetBefore(from.reservoirVersion);
    const { maxFiles, maxBytes } = budget(limit);
    let files = 0;
    let bytes = 0;
    let end: IndexedFile | undefined;
    const remaining = this.changes.filesAfter(from, lastVersion);
    for (;;) {
      if (files >= maxFiles || bytes >= maxBytes) break;
      const next = await remaining.next();
      if (next.done) break;
      files++;
      bytes += next.value.add.size;
      end = next.value;
    }
    await this.countOutstanding(remaining, end ?? from);
    return end === undefined ? null : deltaOffset(this.table.tableId, end.version, end.index, end.isStartingVersion);
  }

  /** Files still waiting after the batch end (within the next commits), for progress metrics (Spark's numFilesOutstanding). */
  private async countOutstanding(rest: AsyncGenerator<IndexedFile>, end: IndexedFile | DeltaSourceOffset): Promise<void> {
    let files = 0;
    let bytes = 0;
    let last: IndexedFile | undefined;
    const horizon = ('add' in end ? end.version : end.reservoirVersion) + OUTSTANDING_HORIZON;
    try {
      for await (const file of rest) {
        if (file.version > horizon) break;
        files++;
        bytes += file.add.size;
        last = file;
      }
    } catch {
      // A commit the stream cannot take: latestOffset reports it when the stream reaches it.
    }
    const position = last ?? ('add' in end ? end : undefined);
    this.latest = position === undefined
      ? (this.latest === null ? null : { ...this.latest, files, bytes })
      : { offset: deltaOffset(this.table.tableId, position.version, position.index, position.isStartingVersion), files, bytes };
  }

  reportLatestOffset(): DeltaSourceOffset | null {
    return this.latest?.offset ?? null;
  }

  metrics(): Record<string, string> {
    return this.latest === null ? {} : { numFilesOutstanding: String(this.latest.files), numBytesOutstanding: String(this.latest.bytes) };
  }

  /** Trigger.availableNow: the commits present now are the last this run reads. */
  async prepareForAvailableNow(): Promise<void> {
    this.target = await this.log.latestVersion();
  }

  read(start: DeltaSourceOffset, end: DeltaSourceOffset): Observable<Table> {
    return defer(async () => {
      const from = toDeltaOffset(start, this.table.tableId, this.log.tablePath);
      const to = toDeltaOffset(end, this.table.tableId, this.log.tablePath);
      const adds = [];
      for await (const file of this.changes.filesAfter(from, to.reservoirVersion)) {
        if (comparePositions({ reservoirVersion: file.version, index: file.index, isStartingVersion: file.isStartingVersion }, to) > 0) break;
        adds.push(file.add);
      }
      return readDeltaFiles(this.plan, adds);
    }).pipe(mergeMap((tables) => from(tables)));
  }

  async commit(end: DeltaSourceOffset): Promise<void> {
    this.changes.forgetBefore(end.reservoirVersion);
  }

  stop(): Promise<void> {
    return this.commits.stop();
  }
}

/** A commit file in `_delta_log/`; checkpoints, checksums and writers' temp files land there too, but add no data. */
const isCommitFile = (path: string): boolean => parseLogFileName(basename(path))?.kind === 'commit';

function defaultLimit(options: DeltaSourceOptions): ReadLimit {
  const files: ReadLimit = { kind: 'maxFiles', maxFiles: options.maxFilesPerTrigger ?? DEFAULT_MAX_FILES_PER_TRIGGER };
  if (options.maxBytesPerTrigger === undefined) return files;
  const bytes: ReadLimit = { kind: 'maxBytes', maxBytes: options.maxBytesPerTrigger };
  // Spark: maxBytesPerTrigger alone lifts the default file limit; both set, whichever is hit first.
  return options.maxFilesPerTrigger === undefined ? bytes : { kind: 'composite', limits: [files, bytes] };
}

function budget(limit: ReadLimit): { maxFiles: number; maxBytes: number } {
  switch (limit.kind) {
    case 'maxFiles':
      return { maxFiles: limit.maxFiles, maxBytes: Infinity };
    case 'maxBytes':
      return { maxFiles: Infinity, maxBytes: limit.maxBytes };
    case 'composite':
      return limit.limits.map(budget).reduce((a, b) => ({ maxFiles: Math.min(a.maxFiles, b.maxFiles), maxBytes: Math.min(a.maxBytes, b.maxBytes) }), { maxFiles: Infinity, maxBytes: Infinity });
    default:
      return { maxFiles: Infinity, maxBytes: Infinity };
  }
}
