import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@sluice/core';

/**
 * Spark's cleanSource for files whose batch is committed and will never be replayed: `delete`
 * removes them, `archive` moves `/a/b/x` to `<archiveDir>/a/b/x`. Best effort, as Spark's: a
 * failure is logged and the query goes on (the file is already in the seen-files log, so it is
 * never read twice either way).
 */
export async function cleanFile(file: string, mode: 'delete' | 'archive', archiveDir: string | undefined, log: Logger): Promise<boolean> {
  try {
    if (mode === 'delete') {
      await unlink(file);
      return true;
    }
    const target = join(archiveDir!, file);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(file, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      // Another filesystem: copy, then remove the original.
      await copyFile(file, target);
      await unlink(file);
    }
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') log.warn(`cleanSource could not ${mode} ${file}: ${code ?? String(error)}; it stays where it is and is not read again.`);
    return false;
  }
}
