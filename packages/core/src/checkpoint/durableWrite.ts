import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { FileSystem } from './fileSystem.ts';

/**
 * Write a file whole or not at all: temp file in the same directory, fsync, then an atomic
 * publish — `link` for put-if-absent (fails with EEXIST when another writer won, which is how a
 * second query on one checkpoint is caught), `rename` to replace — and an fsync of the directory
 * so the new name survives a power cut. Returns false when `ifAbsent` and the file existed.
 */
export async function writeDurably(
  fs: FileSystem,
  path: string,
  content: string | Uint8Array,
  ifAbsent: boolean,
  syncDir: (dir: string) => Promise<void> = (dir) => syncDirectory(fs, dir),
): Promise<boolean> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (error) {
    // A failed write (ENOSPC, EIO) leaves nothing behind: the temp file goes too.
    await handle.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  if (ifAbsent) {
    let published: boolean;
    try {
      published = await linkIfAbsent(fs, temp, path);
    } catch (error) {
      await fs.unlink(temp).catch(() => undefined);
      throw error;
    }
    // The temp name is hidden from every listing, so removing it need not hold up the caller.
    void fs.unlink(temp).catch(() => undefined);
    if (!published) return false;
  } else {
    try {
      await fs.rename(temp, path);
    } catch (error) {
      await fs.unlink(temp).catch(() => undefined);
      throw error;
    }
  }
  await syncDir(dir);
  return true;
}

/**
 * Write a small file in place, put-if-absent with O_EXCL, without fsync: for entries whose
 * loss or tearing by a power cut is harmless (the reader treats a torn one as absent). Three
 * system calls instead of nine.
 */
export async function writeInPlace(fs: FileSystem, path: string, content: string | Uint8Array, ifAbsent: boolean): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(path, ifAbsent ? 'wx' : 'w');
  } catch (error) {
    if (ifAbsent && (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

async function linkIfAbsent(fs: FileSystem, temp: string, path: string): Promise<boolean> {
  try {
    await fs.link(temp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  }
  // Filesystems without hard links: check-then-rename. The checkpoint lock keeps this safe
  // against other Sluice queries; only a foreign writer could race it.
  try {
    await fs.stat(path);
    return false;
  } catch {
    await fs.rename(temp, path);
    return true;
  }
}

/** fsync a directory, so that a rename or link in it survives a crash. */
export async function syncDirectory(fs: FileSystem, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}
