import { randomUUID } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Write a file whole or not at all: a hidden temp file beside it (readers skip hidden names),
 * fsync, then publish it under its name — `link` when it must not exist yet (false is returned
 * if it does: another writer, or a replay, got there first), `rename` otherwise — and fsync the
 * directory so the name survives a power cut.
 */
export async function writeFileDurably(path: string, content: string | Uint8Array, options: { readonly ifAbsent: boolean }): Promise<boolean> {
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (options.ifAbsent) {
    try {
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  } else {
    try {
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
  await syncDirectory(dirname(path));
  return true;
}

/** fsync a directory so the names created in it are durable (no-op where the filesystem refuses). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  } finally {
    await handle.close();
  }
}
