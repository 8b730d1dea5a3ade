import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SyncFileOps } from './fileSystem.ts';

/**
 * `writeDurably` on the fast path (see `SyncFileOps`): the same protocol — temp file, fsync,
 * put-if-absent link or rename, directory fsync — with synchronous metadata calls.
 */
export async function writeDurablyFast(fs: SyncFileOps, path: string, content: string | Uint8Array, ifAbsent: boolean, dirFd: number): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const fd = fs.openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    writeAll(fs, fd, content);
    await fs.fsync(fd);
  } catch (error) {
    fs.closeSync(fd);
    unlinkQuietly(fs, temp);
    throw error;
  }
  fs.closeSync(fd);
  if (ifAbsent) {
    try {
      fs.linkSync(temp, path);
    } catch (error) {
      unlinkQuietly(fs, temp);
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    unlinkQuietly(fs, temp);
  } else {
    try {
      fs.renameSync(temp, path);
    } catch (error) {
      unlinkQuietly(fs, temp);
      throw error;
    }
  }
  await fsyncDirectory(fs, dirFd);
  return true;
}

/** A file opened for writing in place: created with O_EXCL under `ifAbsent` (undefined when it exists), else truncated. */
function openForWrite(fs: SyncFileOps, path: string, ifAbsent: boolean): number | undefined {
  try {
    return fs.openSync(path, constants.O_WRONLY | constants.O_CREAT | (ifAbsent ? constants.O_EXCL : constants.O_TRUNC), 0o644);
  } catch (error) {
    if (ifAbsent && (error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
}

/**
 * A file written in place, then its data and its directory entry fsync'd at once (see
 * `WriteOptions.atomic`): durable when this resolves, torn if the process dies before. With
 * `ifAbsent` it is created with O_EXCL (false when it exists, which is left untouched), and a
 * failed write or fsync removes it again, so an error leaves nothing behind.
 */
export async function writeInPlaceDurablyFast(fs: SyncFileOps, path: string, content: string | Uint8Array, dirFd: number, ifAbsent = false): Promise<boolean> {
  const fd = openForWrite(fs, path, ifAbsent);
  if (fd === undefined) return false;
  try {
    writeAll(fs, fd, content);
    await Promise.all([fs.fsync(fd), fsyncDirectory(fs, dirFd)]);
  } catch (error) {
    fs.closeSync(fd);
    // Only a file this call created is ours to remove (a rewrite in place keeps its name).
    if (ifAbsent) unlinkQuietly(fs, path);
    throw error;
  }
  fs.closeSync(fd);
  return true;
}

/** A small entry in place, put-if-absent with O_EXCL, no fsync (see `writeInPlace`). */
export function writeInPlaceFast(fs: SyncFileOps, path: string, content: string | Uint8Array, ifAbsent: boolean): boolean {
  const fd = openForWrite(fs, path, ifAbsent);
  if (fd === undefined) return false;
  try {
    writeAll(fs, fd, content);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function writeAll(fs: SyncFileOps, fd: number, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

async function fsyncDirectory(fs: SyncFileOps, fd: number): Promise<void> {
  try {
    await fs.fsync(fd);
  } catch (error) {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  }
}

function unlinkQuietly(fs: SyncFileOps, path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // Already gone, or not ours to worry about: the temp name is hidden from every listing.
  }
}
