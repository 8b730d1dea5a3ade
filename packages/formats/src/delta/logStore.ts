/**
 * The files of `_delta_log/` on a local filesystem: naming, listing, reading, and the one
 * primitive Delta's optimistic concurrency rests on — creating a commit file only if it does not
 * exist yet. A commit is written whole to a hidden temp file, made durable, then hard-linked
 * into place: `link` fails with EEXIST instead of overwriting, and readers never see half a file.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '@sluice/core';
import { describeError, nodeFileSystem, syncDirectory, writeDurably, type FileSystem } from '@sluice/core/connector';

export const LOG_DIRECTORY = '_delta_log';

/** Version numbers in file names are zero-padded to 20 digits. */
export const padVersion = (version: number): string => String(version).padStart(20, '0');

export const commitFileName = (version: number): string => `${padVersion(version)}.json`;
export const checkpointFileName = (version: number): string => `${padVersion(version)}.checkpoint.parquet`;

/** A file of the log, as its name says. */
export type LogFile =
  | { readonly kind: 'commit'; readonly version: number; readonly name: string }
  | { readonly kind: 'checkpoint'; readonly version: number; readonly name: string; readonly part: number; readonly parts: number }
  | { readonly kind: 'uuidCheckpoint'; readonly version: number; readonly name: string };

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const UUID_CHECKPOINT = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

export function parseLogFileName(name: string): LogFile | undefined {
  let m = COMMIT.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]), name };
  m = CLASSIC_CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), name, part: 1, parts: 1 };
  m = MULTI_PART_CHECKPOINT.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), name, part: Number(m[2]), parts: Number(m[3]) };
  m = UUID_CHECKPOINT.exec(name);
  if (m) return { kind: 'uuidCheckpoint', version: Number(m[1]), name };
  return undefined;
}

/** A complete checkpoint: its version and the files holding it (one, or every part of a multi-part one). */
export interface CheckpointFiles {
  readonly version: number;
  readonly files: readonly string[];
}

/** What a listing of `_delta_log/` found. */
export interface LogListing {
  /** Versions with a commit file, ascending. */
  readonly commits: readonly number[];
  /** Complete classic and multi-part checkpoints, ascending by version. */
  readonly checkpoints: readonly CheckpointFiles[];
  /** Versions of UUID-named (v2) checkpoints, which this reader does not use. */
  readonly uuidCheckpoints: readonly number[];
}

/** Sort a directory's names into commits and complete checkpoints (a multi-part one with a missing part is ignored, as the protocol says). */
export function classifyLogFiles(names: readonly string[]): LogListing {
  const commits: number[] = [];
  const uuidCheckpoints: number[] = [];
  const parts = new Map<string, { version: number; parts: number; files: Map<number, string> }>();
  for (const name of names) {
    const file = parseLogFileName(name);
    if (file === undefined) continue;
    if (file.kind === 'commit') commits.push(file.version);
    else if (file.kind === 'uuidCheckpoint') uuidCheckpoints.push(file.version);
    else {
      const key = `${file.version}/${file.parts}`;
      const entry = parts.get(key) ?? { version: file.version, parts: file.parts, files: new Map() };
      entry.files.set(file.part, file.name);
      parts.set(key, entry);
    }
  }
  const checkpoints = [...parts.values()]
    .filter((p) => p.files.size === p.parts)
    .map((p) => ({ version: p.version, files: [...p.files.entries()].sort(([a], [b]) => a - b).map(([, f]) => f) }))
    .sort((a, b) => a.version - b.version || a.files.length - b.files.length);
  // One checkpoint per version: a single-file one when there are several kinds.
  const byVersion = new Map<number, CheckpointFiles>();
  for (const c of checkpoints) if (!byVersion.has(c.version)) byVersion.set(c.version, c);
  return { commits: commits.sort((a, b) => a - b), checkpoints: [...byVersion.values()], uuidCheckpoints: uuidCheckpoints.sort((a, b) => a - b) };
}

/** Reads and writes one table's `_delta_log/`. */
export class LogStore {
  readonly logPath: string;

  /** `fs` is an interface so that fault-injection tests can fail a chosen write, link or fsync. */
  constructor(readonly tablePath: string, readonly fs: FileSystem = nodeFileSystem) {
    this.logPath = join(tablePath, LOG_DIRECTORY);
  }

  /** Whether `_delta_log/` exists (a table, possibly still without commits). */
  existsSync(): boolean {
    return existsSync(this.logPath);
  }

  /** The log's files, or `undefined` when there is no `_delta_log/`. */
  async list(): Promise<LogListing | undefined> {
    try {
      return classifyLogFiles(await this.fs.readdir(this.logPath));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw io(`list ${this.logPath}`, e);
    }
  }

  listSync(): LogListing | undefined {
    try {
      return classifyLogFiles(readdirSync(this.logPath));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw io(`list ${this.logPath}`, e);
    }
  }

  /** The text of commit `version`, or `undefined` when it does not exist (yet). */
  async readCommit(version: number): Promise<string | undefined> {
    return this.readText(commitFileName(version));
  }

  readCommitSync(version: number): string | undefined {
    try {
      return readFileSync(join(this.logPath, commitFileName(version)), 'utf8');
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw io(`read ${join(this.logPath, commitFileName(version))}`, e);
    }
  }

  /** Modification time of a log file in ms, or undefined when absent. */
  async modificationTime(name: string): Promise<number | undefined> {
    try {
      return (await this.fs.stat(join(this.logPath, name))).mtimeMs;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw io(`stat ${join(this.logPath, name)}`, e);
    }
  }

  async readText(name: string): Promise<string | undefined> {
    try {
      return await this.fs.readFile(join(this.logPath, name), 'utf8');
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw io(`read ${join(this.logPath, name)}`, e);
    }
  }

  async readBytes(name: string): Promise<Uint8Array> {
    try {
      return await this.fs.readFile(join(this.logPath, name));
    } catch (e) {
      throw io(`read ${join(this.logPath, name)}`, e);
    }
  }

  readBytesSync(name: string): Uint8Array {
    try {
      return readFileSync(join(this.logPath, name));
    } catch (e) {
      throw io(`read ${join(this.logPath, name)}`, e);
    }
  }

  /**
   * Create commit `version` with `text` unless it exists. Returns false when another writer
   * created it first (the caller re-reads the winner and retries), never overwriting it.
   */
  async putCommitIfAbsent(version: number, text: string): Promise<boolean> {
    const { fs } = this;
    await fs.mkdir(this.logPath, { recursive: true });
    const target = join(this.logPath, commitFileName(version));
    const temp = join(this.logPath, `.${commitFileName(version)}.${randomUUID()}.tmp`);
    try {
      await writeWhole(fs, temp, text);
      try {
        await fs.link(temp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
        // A filesystem without hard links: an exclusive create still never overwrites. (Unlike a
        // query's checkpoint, a table has concurrent writers, so check-then-rename would not do.)
        try {
          await writeWhole(fs, target, text);
        } catch (e2) {
          if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
          throw e2;
        }
      }
      await syncDirectory(fs, this.logPath);
      return true;
    } catch (e) {
      throw io(`create ${target}`, e);
    } finally {
      await fs.unlink(temp).catch(() => undefined);
    }
  }

  /** Replace a file of the log atomically (checkpoints and `_last_checkpoint`, where the latest writer may win). */
  async replace(name: string, data: string | Uint8Array): Promise<void> {
    await this.fs.mkdir(this.logPath, { recursive: true });
    const target = join(this.logPath, name);
    try {
      await writeDurably(this.fs, target, data, false);
    } catch (e) {
      throw io(`write ${target}`, e);
    }
  }
}

/** Create a file with `data` (failing if it exists) and fsync it. */
export async function writeWhole(fs: FileSystem, path: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e as NodeJS.ErrnoException)?.code === 'ENOTDIR';
}

function io(action: string, e: unknown): SluiceError {
  return new SluiceError('DELTA_IO', `Cannot ${action}: ${describeError(e)}.`, { cause: e });
}
