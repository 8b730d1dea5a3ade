import { randomUUID } from 'node:crypto';
import { copyFile, link, open, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SluiceError } from '../errors.ts';
import type { CheckpointLock, CheckpointStore, LockOwner, WriteOptions } from './checkpointStore.ts';
import { writeDurably, writeInPlace } from './durableWrite.ts';
import { fileLeaseStorage } from './fileLease.ts';
import { acquireLease, type LeaseOptions } from './lease.ts';
import { writeDurablyFast, writeInPlaceDurablyFast, writeInPlaceFast } from './fastDurableWrite.ts';
import { nodeFileSystem, type FileSystem, type SyncFileOps } from './fileSystem.ts';

/** Bytes above which a write leaves the event loop (see `write`). */
const LARGE_WRITE = 1 << 20;

/**
 * A checkpoint directory on the local filesystem, in Spark's layout. Accepts plain paths and
 * `file:` URIs (`file:/tmp/ck`, `file:///tmp/ck`).
 *
 * @example
 * // what checkpointLocation: '/var/lib/app/ck' builds; give one yourself to inject a file system
 * const store = new FileCheckpointStore('/var/lib/app/ck', faultyFileSystem([{ operation: 'fsync', path: 'offsets/1', code: 'EIO' }]));
 * await frame.writeTo(memorySink(), { checkpointLocation: store });
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly location: string;
  readonly root: string;
  private readonly createdDirs = new Set<string>();
  /** Directory handles kept open for fsync: opening a directory on every batch costs as much as the fsync. */
  private readonly dirHandles = new Map<string, Promise<FileHandle>>();
  private readonly dirFds = new Map<string, number>();

  /**
   * @param lease how long an unrenewed `.lock` lease lives before another run may take it over
   *   (default 5 s), and the clock it is measured with; see `acquireLease`.
   */
  constructor(location: string, private readonly fs: FileSystem = nodeFileSystem, private readonly lease: LeaseOptions = {}) {
    this.root = checkpointPath(location);
    this.location = pathToFileURL(this.root).href;
  }

  async read(path: string): Promise<string | undefined> {
    try {
      return await this.fs.readFile(this.resolve(path), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.ioError('read', path, error);
    }
  }

  async readBytes(path: string): Promise<Uint8Array | undefined> {
    try {
      return await this.fs.readFile(this.resolve(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.ioError('read', path, error);
    }
  }

  async size(path: string): Promise<number | undefined> {
    try {
      return (await this.fs.stat(this.resolve(path))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.ioError('read', path, error);
    }
  }

  async write(path: string, content: string | Uint8Array, options: WriteOptions): Promise<boolean> {
    const full = this.resolve(path);
    try {
      const dir = full.slice(0, full.lastIndexOf('/'));
      // No await once the directory exists: a log entry's fsync is then under way when write()
      // returns, and the engine reads the batch meanwhile (QueryRun.walCommit).
      if (!this.createdDirs.has(dir)) await this.ensureDir(dir);
      const sync = this.fs.sync;
      // Large files (state snapshots) go through the async path: a synchronous write of many
      // megabytes would hold the event loop for as long as the copy takes.
      if (sync && content.length < LARGE_WRITE) {
        if (options.atomic === false && options.durable !== false) {
          return await writeInPlaceDurablyFast(sync, full, content, this.dirFd(sync, dirname(full)), options.ifAbsent);
        }
        return options.durable === false ? writeInPlaceFast(sync, full, content, options.ifAbsent) : await writeDurablyFast(sync, full, content, options.ifAbsent, this.dirFd(sync, dirname(full)));
      }
      return options.durable === false
        ? await writeInPlace(this.fs, full, content, options.ifAbsent)
        : await writeDurably(this.fs, full, content, options.ifAbsent, (dir) => this.syncDir(dir));
    } catch (error) {
      throw this.ioError('write', path, error);
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await this.fs.readdir(this.resolve(dir))).filter((name) => !name.startsWith('.'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw this.ioError('list', dir, error);
    }
  }

  async putFile(localPath: string, path: string): Promise<void> {
    const full = this.resolve(path);
    const dir = full.slice(0, full.lastIndexOf('/'));
    const temp = `${dir}/.${full.slice(dir.length + 1)}.${randomUUID()}.tmp`;
    try {
      await this.ensureDir(dir);
      await placeFile(localPath, temp, true);
      await this.fs.rename(temp, full);
      await this.syncDir(dir);
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined);
      throw this.ioError('write', path, error);
    }
  }

  async getFile(path: string, localPath: string): Promise<void> {
    try {
      await placeFile(this.resolve(path), localPath, false);
    } catch (error) {
      throw this.ioError('read', path, error);
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await this.fs.unlink(this.resolve(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      // A directory (a source's own folder): remove it whole. unlink is tried first because the
      // purge of old log entries runs every batch and rm's recursive walk costs several syscalls.
      if (code === 'EISDIR' || code === 'EPERM') {
        await this.fs.rm(this.resolve(path), { force: true, recursive: true }).catch((e: unknown) => {
          throw this.ioError('delete', path, e);
        });
        return;
      }
      throw this.ioError('delete', path, error);
    }
  }

  /** Take the checkpoint's `.lock` lease (see `acquireLease`), or fail with CHECKPOINT_LOCKED. */
  async lock(owner: LockOwner): Promise<CheckpointLock> {
    await this.ensureDir(this.root);
    const lease = await acquireLease(fileLeaseStorage(this.fs, join(this.root, '.lock')), owner, this.lease).catch((e: unknown) => {
      throw e instanceof SluiceError ? e : this.ioError('lock', '.lock', e);
    });
    return {
      release: async () => {
        await lease.release();
        await this.closeHandles();
      },
      abandon: () => {
        lease.abandon();
        void this.closeHandles();
      },
    };
  }

  async destroy(): Promise<void> {
    await this.fs.rm(this.root, { recursive: true, force: true });
  }

  private async syncDir(dir: string): Promise<void> {
    let handle = this.dirHandles.get(dir);
    if (!handle) {
      handle = this.fs.open(dir, 'r');
      this.dirHandles.set(dir, handle);
      handle.catch(() => this.dirHandles.delete(dir));
    }
    try {
      await (await handle).sync();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
    }
  }

  /** A directory's descriptor for fsync on the fast path, opened once. */
  private dirFd(sync: SyncFileOps, dir: string): number {
    let fd = this.dirFds.get(dir);
    if (fd === undefined) {
      fd = sync.openSync(dir, constants.O_RDONLY);
      this.dirFds.set(dir, fd);
    }
    return fd;
  }

  /** Close the directory handles kept for fsync (the run releasing the checkpoint calls this). */
  async closeHandles(): Promise<void> {
    const handles = [...this.dirHandles.values()];
    this.dirHandles.clear();
    for (const fd of this.dirFds.values()) this.fs.sync?.closeSync(fd);
    this.dirFds.clear();
    await Promise.all(handles.map((h) => h.then((fh) => fh.close()).catch(() => undefined)));
  }

  private resolve(path: string): string {
    return path === '' ? this.root : join(this.root, path);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.createdDirs.has(dir)) return;
    await this.fs.mkdir(dir, { recursive: true });
    this.createdDirs.add(dir);
  }

  private ioError(action: string, path: string, error: unknown): SluiceError {
    if (error instanceof SluiceError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return new SluiceError(
      'CHECKPOINT_IO',
      `Could not ${action} ${path === '' ? 'the checkpoint' : path} in checkpoint ${this.location}: ${code} (${(error as Error).message}). Nothing was half-written; fix the cause (disk space, permissions) and restart the query.`,
      { cause: error, details: { location: this.location, path, errno: code } },
    );
  }
}

/**
 * Make `to` hold `from`'s bytes: a hard link (no bytes copied; fine for files nobody rewrites in
 * place, such as SSTs), else a copy, fsync'd when `durable`.
 */
async function placeFile(from: string, to: string, durable: boolean): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw error;
    await copyFile(from, to);
  }
  if (!durable) return;
  const handle = await open(to, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A local directory from a plain path or a `file:` URI; other schemes are refused. */
export function checkpointPath(location: string): string {
  if (/^file:/i.test(location)) {
    // file:/tmp/x (Spark's spelling) is not a valid WHATWG file URL with a host; normalise it.
    const url = /^file:\/\//i.test(location) ? location : `file://${location.slice(5)}`;
    return fileURLToPath(url);
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(location)) {
    throw new SluiceError(
      'INVALID_OPTION',
      `checkpointLocation '${location}' uses a scheme Sluice cannot write yet; use a local path or a file: URI.`,
      { details: { option: 'checkpointLocation' } },
    );
  }
  return resolve(location);
}
