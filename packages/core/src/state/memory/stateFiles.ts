import type { CheckpointStore } from '../../checkpoint/checkpointStore.ts';

/** The versions of a partition directory's delta and snapshot files (or changelogs), as listed. */
export interface VersionFiles {
  readonly deltas: Set<number>;
  readonly snapshots: Set<number>;
}

/** List `dir`: `<v>.<deltaExt>` and `<v>.<snapshotExt>` files; anything else is not ours to judge here. */
export async function listVersionFiles(checkpoint: CheckpointStore, dir: string, deltaExt: string, snapshotExt: string): Promise<VersionFiles> {
  const files: VersionFiles = { deltas: new Set(), snapshots: new Set() };
  for (const name of await checkpoint.list(dir)) {
    const match = /^(\d+)\.([a-z]+)$/.exec(name);
    if (!match) continue;
    const version = Number(match[1]);
    if (match[2] === deltaExt) files.deltas.add(version);
    else if (match[2] === snapshotExt) files.snapshots.add(version);
  }
  return files;
}

/**
 * Which files retention lets go, given the newest committed version: every version from
 * `latest - minBatchesToRetain + 1` on must stay loadable. That needs the newest snapshot at or
 * below the oldest retained version (the base) and every delta after it; snapshots between the
 * base and the newest one only speed up loads of old versions, so they go too — a checkpoint
 * holds two whole copies of the state at most, not one per snapshot.
 */
export function filesToDelete(files: VersionFiles, latest: number, minBatchesToRetain: number): { deltas: number[]; snapshots: number[] } {
  const oldestRetained = Math.max(0, latest - minBatchesToRetain + 1);
  const snapshots = [...files.snapshots].filter((v) => v <= latest).sort((a, b) => a - b);
  const base = snapshots.filter((v) => v <= oldestRetained).at(-1) ?? 0;
  const newest = snapshots.at(-1) ?? 0;
  return {
    deltas: [...files.deltas].filter((v) => v <= base),
    snapshots: snapshots.filter((v) => v < base || (v > base && v < newest)),
  };
}
