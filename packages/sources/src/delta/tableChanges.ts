/**
 * The files a Delta stream reads, in order: the table's snapshot at the starting version (files
 * sorted by modification time, then path), then, commit by commit, the files each commit added
 * with `dataChange`. Commits that only rearrange data (OPTIMIZE: `dataChange: false`) add
 * nothing. Commits that remove data fail the stream unless an option says how to treat them,
 * as Spark's Delta source does; so does a schema change.
 */
import { SluiceError } from '@sluice/core';
import { checkDeltaReadable, parseSchemaString, sortDeltaFiles, type DeltaAction, type AddFile, type DeltaLog, type DeltaSnapshot } from '@sluice/formats/internal';
import type { DeltaSourceOffset } from './deltaOffset.ts';
import type { DeltaSourceOptions } from './options.ts';

/** One file of the stream and its position. */
export interface IndexedFile {
  readonly version: number;
  readonly index: number;
  readonly isStartingVersion: boolean;
  readonly add: AddFile;
}

type Position = Pick<DeltaSourceOffset, 'reservoirVersion' | 'index' | 'isStartingVersion'>;

/** How many parsed commits to keep; the stream moves forward, so old ones are dropped first. */
const CACHE_VERSIONS = 512;

export class TableChanges {
  private readonly commits = new Map<number, readonly AddFile[]>();
  private snapshot: { version: number; files: readonly AddFile[] } | undefined;

  constructor(
    private readonly log: DeltaLog,
    private readonly options: Pick<DeltaSourceOptions, 'ignoreDeletes' | 'ignoreChanges' | 'skipChangeCommits'>,
    /** The table as the stream reads it: schema and partitioning must not change under it. */
    private readonly reading: DeltaSnapshot,
  ) {}

  /** The files after `position`, through version `lastVersion`. */
  async *filesAfter(position: Position, lastVersion: number): AsyncGenerator<IndexedFile> {
    let version = position.reservoirVersion;
    if (position.isStartingVersion) {
      const files = await this.snapshotFiles(version);
      for (let i = position.index + 1; i < files.length; i++) yield { version, index: i, isStartingVersion: true, add: files[i]! };
      version++;
    } else if (version <= lastVersion) {
      const files = await this.commitFiles(version);
      for (let i = position.index + 1; i < files.length; i++) yield { version, index: i, isStartingVersion: false, add: files[i]! };
      version++;
    }
    for (; version <= lastVersion; version++) {
      const files = await this.commitFiles(version);
      for (let i = 0; i < files.length; i++) yield { version, index: i, isStartingVersion: false, add: files[i]! };
    }
  }

  /** Forget commits before `version` (they are behind the stream for good). */
  forgetBefore(version: number): void {
    for (const v of this.commits.keys()) if (v < version) this.commits.delete(v);
    if (this.snapshot !== undefined && this.snapshot.version < version - 1) this.snapshot = undefined;
  }

  private async snapshotFiles(version: number): Promise<readonly AddFile[]> {
    if (this.snapshot?.version !== version) {
      const snapshot = await this.log.snapshotAt(version);
      this.checkSameTable(snapshot.metadata.schemaString, snapshot.partitionColumns, version);
      this.snapshot = { version, files: sortDeltaFiles(snapshot.files) };
    }
    return this.snapshot.files;
  }

  /** The files commit `version` contributes to the stream, after the change policies. */
  private async commitFiles(version: number): Promise<readonly AddFile[]> {
    const cached = this.commits.get(version);
    if (cached !== undefined) return cached;
    const entry = await this.log.readEntry(version);
    if (entry === undefined) {
      throw new SluiceError('DELTA_VERSION_NOT_FOUND', `The delta source needs version ${version} of the Delta table at ${this.log.tablePath}, but its commit file is gone (log cleanup ran past the stream: delta.logRetentionDuration). Data may have been lost; restart the query with a new checkpoint location.`, {
        details: { table: this.log.tablePath, version },
      });
    }
    const files = this.admit(version, entry.actions);
    if (this.commits.size >= CACHE_VERSIONS) this.commits.delete(this.commits.keys().next().value!);
    this.commits.set(version, files);
    return files;
  }

  private admit(version: number, actions: readonly DeltaAction[]): readonly AddFile[] {
    const adds: AddFile[] = [];
    let removed: string | undefined;
    for (const action of actions) {
      if (action.kind === 'add' && action.add.dataChange) adds.push(action.add);
      else if (action.kind === 'remove' && action.remove.dataChange) removed ??= action.remove.path;
      else if (action.kind === 'metaData') this.checkSameTable(action.metaData.schemaString, action.metaData.partitionColumns, version);
      else if (action.kind === 'protocol') checkDeltaReadable(action.protocol, this.reading.metadata, `The Delta table at ${this.log.tablePath} (version ${version})`);
    }
    if (removed === undefined) return adds;
    const { skipChangeCommits, ignoreChanges, ignoreDeletes } = this.options;
    if (skipChangeCommits) return [];
    if (adds.length > 0) {
      if (ignoreChanges) return adds;
      throw changed('update', removed, version, this.log.tablePath);
    }
    if (ignoreDeletes || ignoreChanges) return [];
    throw changed('delete', removed, version, this.log.tablePath);
  }

  private checkSameTable(schemaString: string, partitionColumns: readonly string[], version: number): void {
    const now = JSON.stringify(parseSchemaString(schemaString).fields.map((f) => [f.name, f.type]));
    const then = JSON.stringify(this.reading.deltaSchema.fields.map((f) => [f.name, f.type]));
    if (now === then && partitionColumns.join('\0') === this.reading.partitionColumns.join('\0')) return;
    throw new SluiceError('SCHEMA_MISMATCH', `The schema (or partitioning) of the Delta table at ${this.log.tablePath} changed at version ${version} while the stream was reading it. A stream reads one schema: restart the query to read the table with its new schema.`, {
      details: { table: this.log.tablePath, version },
    });
  }
}

function changed(kind: 'update' | 'delete', example: string, version: number, table: string): SluiceError {
  const message = kind === 'delete'
    ? `Detected deleted data (for example ${example}) from streaming source at version ${version}. This is currently not supported. If you'd like to ignore deletes, set the option 'ignoreDeletes' to 'true'. The source table can be found at path ${table}.`
    : `Detected a data update (for example ${example}) in the source table at version ${version}. This is currently not supported. If this is going to happen regularly and you are okay to skip changes, set the option 'skipChangeCommits' to 'true'. If you would like the data update to be reflected, please restart this query with a fresh checkpoint directory. The source table can be found at path ${table}.`;
  return new SluiceError('DELTA_SOURCE_TABLE_CHANGED', message, {
    details: { table, version, change: kind, option: kind === 'delete' ? 'ignoreDeletes' : 'skipChangeCommits' },
  });
}
