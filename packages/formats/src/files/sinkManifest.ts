import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SluiceError } from '@sluice/core';
import { nodeFileSystem, refuseLegacyEscapedPath, writeDurably } from '@sluice/core/connector';

/**
 * Where a file sink logs its committed files, beside the data: Spark's `_spark_metadata`, so a
 * Spark (or Databricks, or any FileStreamSinkLog-aware) reader of the output sees only committed files.
 */
export const SPARK_METADATA_DIR = '_spark_metadata';
/** The file sink's log as Sluice wrote it before it wrote Spark's name; still read, and continued where it exists. */
export const SLUICE_METADATA_DIR = '_sluice_metadata';
/** The log directory a new file sink output gets. */
export const SINK_METADATA_DIR = SPARK_METADATA_DIR;

/** One line of a manifest batch file, Spark's `SinkFileStatus`. */
export interface ManifestEntry {
  /** `file:///out/part-…` */
  readonly path: string;
  readonly size: number;
  readonly isDir: false;
  readonly modificationTime: number;
  readonly blockReplication: 1;
  readonly blockSize: number;
  readonly action: 'add' | 'delete';
}

export interface CommitOptions {
  /** Every `compactInterval`-th batch file is a `<id>.compact` holding all live entries (Spark: 10). */
  readonly compactInterval: number;
  /** Entries of files older than this (ms) are left out at compaction (Spark's `retention`); undefined keeps all. */
  readonly retentionMs?: number;
  /** Now, epoch ms, for `retention`. */
  readonly nowMs: number;
}

const VERSION = 'v1';
const NAME = /^(\d+)(\.compact)?$/;
const RETRIES = 5;

/**
 * The log of a file sink's output directory: `<dir>/_spark_metadata/<batchId>` holds `v1` and
 * one JSON line per file the batch wrote; every `compactInterval`-th batch is written as
 * `<batchId>.compact` holding every live entry so far instead. A batch file is published whole,
 * once (put-if-absent), and only after its data files are durable: a file is part of the
 * output exactly when a batch file lists it.
 */
export class SinkManifest {
  readonly logDir: string;

  constructor(readonly root: string, dirName: string = SINK_METADATA_DIR) {
    this.logDir = join(root, dirName);
  }

  /** The manifest of a sink directory (Spark's name, else the one an earlier Sluice wrote), or undefined when there is none. */
  static async find(root: string): Promise<SinkManifest | undefined> {
    // Spark 2.4 wrote `_spark_metadata` of a path with spaces, % or # at an escaped twin (SPARK-26824):
    // reading or appending beside it would ignore the batches it lists.
    await refuseLegacyEscapedPath(join(root, SPARK_METADATA_DIR), 1, '"_spark_metadata" directory');
    for (const name of [SPARK_METADATA_DIR, SLUICE_METADATA_DIR]) {
      const info = await stat(join(root, name)).catch(() => undefined);
      if (info?.isDirectory()) return new SinkManifest(root, name);
    }
    return undefined;
  }

  /** The highest batch id recorded, or undefined when no batch is. */
  async latestBatchId(): Promise<number | undefined> {
    const ids = (await this.listIds()).map((e) => e.id);
    return ids.length === 0 ? undefined : Math.max(...ids);
  }

  /** The files of every committed batch (adds not later deleted), as local paths with their entries. */
  async files(): Promise<{ readonly file: string; readonly entry: ManifestEntry }[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        const live = await this.liveEntries();
        return [...live.values()].map((entry) => ({ file: this.localPath(entry.path), entry }));
      } catch (error) {
        // A batch file compacted away between listing and reading: list again.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= RETRIES) throw this.ioError('read', error);
      }
    }
  }

  /**
   * Record batch `batchId`'s files. Returns false (and writes nothing) when the batch is already
   * recorded — a replay. Compaction batches also drop expired entries and old batch files.
   */
  async commit(batchId: number, entries: readonly ManifestEntry[], options: CommitOptions): Promise<boolean> {
    await mkdir(this.logDir, { recursive: true });
    const compact = (batchId + 1) % options.compactInterval === 0;
    let lines: readonly ManifestEntry[] = entries;
    let previous: number | undefined;
    if (compact) {
      const live = await this.liveEntries(batchId);
      for (const entry of entries) live.set(entry.path, entry);
      const oldest = options.retentionMs === undefined ? -Infinity : options.nowMs - options.retentionMs;
      lines = [...live.values()].filter((e) => e.action === 'add' && e.modificationTime >= oldest);
      previous = (await this.listIds()).filter((e) => e.compact && e.id < batchId).map((e) => e.id).at(-1);
    }
    const name = `${batchId}${compact ? '.compact' : ''}`;
    if (await this.hasBatch(batchId)) return false;
    const text = [VERSION, ...lines.map((e) => JSON.stringify(e))].join('\n');
    try {
      if (!(await writeDurably(nodeFileSystem, join(this.logDir, name), text, true))) return false;
    } catch (error) {
      throw this.ioError('write', error);
    }
    if (compact && previous !== undefined) await this.deleteBefore(previous);
    return true;
  }

  /** The local path of an entry's `file:` URI (relative paths resolve against the root). */
  localPath(path: string): string {
    if (/^file:/i.test(path)) return fileURLToPath(/^file:\/\//i.test(path) ? path : `file://${path.slice(5)}`);
    return isAbsolute(path) ? path : resolve(this.root, path);
  }

  /** The entry a file sink writes for a data file just made durable. */
  static entryFor(file: string, size: number, modificationTime: number): ManifestEntry {
    return { path: pathToFileURL(file).href, size, isDir: false, modificationTime, blockReplication: 1, blockSize: 33_554_432, action: 'add' };
  }

  private async hasBatch(batchId: number): Promise<boolean> {
    return (await this.listIds()).some((e) => e.id === batchId);
  }

  /**
   * Live entries by path of batches up to `beforeBatchId` (exclusive), from the latest compaction
   * on. As Spark's FileStreamSinkLog.compactLogs: a path with a `delete` entry in any of those
   * batches is out, whatever the order of its entries.
   */
  private async liveEntries(beforeBatchId = Infinity): Promise<Map<string, ManifestEntry>> {
    const ids = (await this.listIds()).filter((e) => e.id < beforeBatchId);
    const lastCompact = ids.filter((e) => e.compact).at(-1);
    const live = new Map<string, ManifestEntry>();
    const deleted = new Set<string>();
    for (const e of ids) {
      if (lastCompact !== undefined && e.id < lastCompact.id) continue;
      if (lastCompact !== undefined && e.id === lastCompact.id && !e.compact) continue;
      for (const entry of await this.readBatch(e.name)) {
        if (entry.action === 'delete') deleted.add(entry.path);
        else live.set(entry.path, entry);
      }
    }
    for (const path of deleted) live.delete(path);
    return live;
  }

  private async readBatch(name: string): Promise<ManifestEntry[]> {
    const file = join(this.logDir, name);
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    const version = /^v(\d+)$/.exec(lines[0]?.trim() ?? '')?.[1];
    if (version === undefined) throw this.corrupt(file, 'its first line is not a version like "v1"');
    if (Number(version) > 1) {
      // As Spark's FileStreamSinkLog: only v1 exists; a newer one is refused, never guessed at.
      throw new SluiceError('FILE_CORRUPT', `The file sink manifest ${file} is in log version v${version}; the maximum supported log version is v1. It was written by a newer Spark or Sluice: read it with that version.`, { details: { file } });
    }
    const out: ManifestEntry[] = [];
    for (const [i, line] of lines.slice(1).entries()) {
      if (line.trim() === '') continue;
      let entry: ManifestEntry;
      try {
        entry = JSON.parse(line) as ManifestEntry;
      } catch {
        throw this.corrupt(file, `line ${i + 2} is not JSON`);
      }
      if (typeof entry.path !== 'string' || (entry.action !== 'add' && entry.action !== 'delete')) throw this.corrupt(file, `line ${i + 2} is not a file entry ({"path", …, "action"})`);
      out.push(entry);
    }
    return out;
  }

  private async listIds(): Promise<{ id: number; compact: boolean; name: string }[]> {
    let names: string[];
    try {
      names = await readdir(this.logDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.ioError('list', error);
    }
    return names
      .flatMap((name) => {
        const m = NAME.exec(name);
        return m ? [{ id: Number(m[1]), compact: m[2] !== undefined, name }] : [];
      })
      .sort((a, b) => a.id - b.id || Number(a.compact) - Number(b.compact));
  }

  /** Batch files older than the compaction `keepFrom`: its entries live on in later compactions. */
  private async deleteBefore(keepFrom: number): Promise<void> {
    for (const e of await this.listIds()) if (e.id < keepFrom) await unlink(join(this.logDir, e.name)).catch(() => undefined);
  }

  private corrupt(file: string, reason: string): SluiceError {
    return new SluiceError('FILE_CORRUPT', `The file sink manifest ${file} is damaged: ${reason}. It was not written by Sluice's file sink, or was edited by hand; restore it from a backup.`, {
      details: { file },
    });
  }

  private ioError(action: string, error: unknown): SluiceError {
    if (error instanceof SluiceError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return new SluiceError('SINK_FAILED', `Could not ${action} the file sink manifest in ${this.logDir}: ${code} (${(error as Error).message}).`, {
      cause: error,
      details: { path: this.logDir, errno: code },
    });
  }
}
