import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFileName, padVersion, type LogStore } from './logStore.ts';

/**
 * DeltaMetadata cleanup (PROTOCOL.md, "DeltaMetadata Cleanup"): log entries older than the table's
 * `delta.logRetentionDuration` (30 days) go, but only those before a checkpoint that still
 * rebuilds every version kept. The newest commit at or before the cutoff time is found by file
 * modification time; the newest checkpoint not after it is kept with everything after it.
 * Returns the versions whose files were deleted.
 */
export async function cleanUpExpiredLog(store: LogStore, retentionMs: number, nowMs: number): Promise<number[]> {
  const listing = await store.list();
  if (listing === undefined) return [];
  const cutoff = nowMs - retentionMs;
  let cutoffCommit = -1;
  for (const version of listing.commits) {
    const mtime = await store.modificationTime(commitFileName(version));
    if (mtime === undefined || mtime > cutoff) break;
    cutoffCommit = version;
  }
  const keep = [...listing.checkpoints].reverse().find((c) => c.version <= cutoffCommit);
  if (keep === undefined) return [];
  const deleted = new Set<number>();
  const remove = async (name: string, version: number) => {
    await unlink(join(store.logPath, name)).catch(() => undefined);
    deleted.add(version);
  };
  for (const version of listing.commits) {
    if (version >= keep.version) break;
    await remove(commitFileName(version), version);
    await unlink(join(store.logPath, `${padVersion(version)}.crc`)).catch(() => undefined);
  }
  for (const checkpoint of listing.checkpoints) {
    if (checkpoint.version >= keep.version) break;
    for (const file of checkpoint.files) await remove(file, checkpoint.version);
  }
  return [...deleted].sort((a, b) => a - b);
}
