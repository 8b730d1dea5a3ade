/** Helpers of the state store's integration tests. */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** A temporary directory for a test file; `path(name)` gives a fresh child path. */
export async function scratch(prefix: string): Promise<{ path: (name: string) => string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let n = 0;
  return { path: (name) => join(dir, `${name}-${n++}`), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` (names and bytes) as one hash: equal hashes mean the directory was not touched. */
export async function hashDirectory(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    for (const entry of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(d, entry.name);
      hash.update(relative(dir, full));
      if (entry.isDirectory()) await walk(full);
      else hash.update(await readFile(full));
    }
  };
  await walk(dir);
  return hash.digest('hex');
}
