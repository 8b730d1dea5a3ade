import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeDurably } from './durableWrite.ts';
import type { FileSystem } from './fileSystem.ts';
import type { LeaseStorage } from './lease.ts';

/**
 * A lease as a file on a local (or mounted) filesystem: `create` is temp file + fsync + `link`
 * (fails when the name exists), `replace` is temp file + `rename`, `claim` renames the stale
 * lease to a unique name — of two claimants only one rename finds it — and checks it was the
 * stale one before writing its own.
 */
export function fileLeaseStorage(fs: FileSystem, path: string): LeaseStorage {
  const temp = (tag: string) => join(dirname(path), `.${basename(path)}.${tag}-${randomUUID()}`);
  const readText = async (file: string): Promise<string | undefined> => {
    try {
      return await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const unlinkQuietly = (file: string) => fs.unlink(file).catch(() => undefined);
  return {
    path,
    async read() {
      const text = await readText(path);
      // The content is the version: every renewal changes it (a counter goes up).
      return text === undefined ? undefined : { text, version: text };
    },
    create: (text) => writeDurably(fs, path, text, true),
    async replace(version, text) {
      // No fsync: a renewal lost to a power cut is harmless (the holder is gone too).
      const file = temp('renew');
      const handle = await fs.open(file, 'wx');
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
      // Check and rename back to back, without yielding, so a takeover is overwritten only inside
      // a window of microseconds; a run that loses even that race is stopped by offsets/N put-if-absent.
      let current: string | undefined;
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        current = undefined;
      }
      if (current !== version) {
        await unlinkQuietly(file);
        return false;
      }
      try {
        if (fs.sync) fs.sync.renameSync(file, path);
        else await fs.rename(file, path);
      } catch (error) {
        await unlinkQuietly(file);
        throw error;
      }
      return true;
    },
    async claim(version, text) {
      const claimed = temp('claim');
      try {
        await fs.rename(path, claimed);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
      if ((await readText(claimed)) !== version) {
        // Not the stale lease we watched (someone renewed or took over meanwhile): put it back.
        await fs.link(claimed, path).catch(() => undefined);
        await unlinkQuietly(claimed);
        return false;
      }
      await unlinkQuietly(claimed);
      return writeDurably(fs, path, text, true);
    },
    remove: () => fs.unlink(path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }),
  };
}
