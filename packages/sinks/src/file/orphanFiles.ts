import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isHiddenName } from '@sluice/formats/internal';

/** Names the file sink gives data files (`part-00000-<uuid>.c000…`) and their temp files. */
const DATA_FILE = /^part-\d{5}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.c\d{3}/;
const TEMP_FILE = /^\.part-\d{5}-.*\.tmp$/;

/**
 * Delete what a crashed write left under a sink directory: data files of ours that no manifest
 * batch lists, and half-written temp files. Only names the sink itself gives are touched, so
 * other files in the directory are safe — and only data files written since the newest committed
 * one (`newerThan`, its modification time): a file from before it is another writer's (an earlier
 * query whose log was removed, Spark's SPARK-35565 scenario), never an interrupted batch of this
 * log, and without a committed file nothing proves a data file is ours. Returns the deleted paths.
 */
export async function deleteOrphanFiles(root: string, committed: ReadonlySet<string>, newerThan: number | undefined): Promise<string[]> {
  const deleted: string[] = [];
  await walk(root);
  return deleted;

  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // absent or unreadable: nothing of ours to clean there
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isHiddenName(entry.name)) await walk(full);
        continue;
      }
      const ours = TEMP_FILE.test(entry.name) || (DATA_FILE.test(entry.name) && !committed.has(full) && newerThan !== undefined && (await modifiedAt(full)) >= newerThan);
      if (ours && (await unlink(full).then(() => true, () => false))) deleted.push(full);
    }
  }
}

async function modifiedAt(file: string): Promise<number> {
  return stat(file).then((info) => info.mtimeMs, () => -Infinity);
}
