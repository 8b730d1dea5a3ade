import type { CheckpointStore } from '../../checkpoint/checkpointStore.ts';
import { isTornCommit } from '../../checkpoint/logEntries.ts';
import { SluiceError } from '../../errors.ts';
import { isOwnStateFile, unsupportedStateFile } from '../files/stateFile.ts';

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

/**
 * Before a provider that loads version `loaded` for writing deletes `path` of version `version`
 * (> `loaded`, so an attempt it takes to be abandoned): prove it is. No intact `commits/<version-1>`
 * may vouch for it — if one does, another run took this checkpoint over and went past `loaded`
 * while this one was paused past its lease, and this run stops with CHECKPOINT_LOCKED having
 * touched nothing. With `sluiceFormat`, the file must also be a Sluice state file or one torn
 * while being written (empty, NUL-filled, or a prefix of the header); anything else is refused
 * (a checkpoint is never damaged). The check and the delete are two steps: what closes the
 * window between them is that writers create state files with O_EXCL (see the providers).
 */
export async function checkAbandoned(checkpoint: CheckpointStore, path: string, version: number, loaded: number, sluiceFormat: boolean): Promise<void> {
  const commit = await checkpoint.read(`commits/${version - 1}`);
  if (commit !== undefined && !isTornCommit(commit)) throw takenOver(checkpoint, path, version, loaded);
  if (!sluiceFormat) return;
  const bytes = await checkpoint.readBytes(path);
  if (bytes !== undefined && !isOwnStateFile(bytes)) throw unsupportedStateFile(`${checkpoint.location.replace(/\/$/, '')}/${path}`, bytes);
}

/** A state file of `version` exists though this run is at `loaded`: someone else wrote it. */
export function takenOver(checkpoint: CheckpointStore, path: string, version: number, loaded: number): SluiceError {
  const file = `${checkpoint.location.replace(/\/$/, '')}/${path}`;
  return new SluiceError(
    'CHECKPOINT_LOCKED',
    `State file ${file} (version ${version}) was written by another run while this one was at version ${loaded}: another query took over checkpoint ${checkpoint.location} (this process was paused past its lease, or two queries share the checkpoint). This run stops without touching it; run one query per checkpoint.`,
    { details: { location: checkpoint.location, file } },
  );
}
