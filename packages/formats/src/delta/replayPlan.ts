/**
 * Which files reconstruct a version: the newest complete checkpoint at or below it, then every
 * commit after that checkpoint. Pure, so the async reader and the synchronous schema peek
 * (a stream's schema is needed before the query starts) share it.
 */
import { SluiceError } from '@sluice/core';
import type { CheckpointFiles, LogListing } from './logStore.ts';

export interface ReplayPlan {
  readonly version: number;
  /** Checkpoints to try, newest first; an unreadable one falls back to the next (or to commits). */
  readonly checkpoints: readonly CheckpointFiles[];
  /** For each candidate start (a checkpoint's version, or -1 for none): the commits to apply. */
  commitsAfter(start: number): number[];
}

/** The plan for `version` (the latest when undefined), or a `DELTA_VERSION_NOT_FOUND` error. */
export function planReplay(listing: LogListing, version: number | undefined, where: string): ReplayPlan {
  const commits = new Set(listing.commits);
  const latest = Math.max(listing.commits.at(-1) ?? -1, listing.checkpoints.at(-1)?.version ?? -1);
  const target = version ?? latest;
  if (target > latest || target < 0) {
    throw new SluiceError('DELTA_VERSION_NOT_FOUND', `Version ${target} of the Delta table at ${where} does not exist; the latest version is ${latest}.`, {
      details: { table: where, version: target, latest },
    });
  }
  const checkpoints = listing.checkpoints.filter((c) => c.version <= target).reverse();
  const reachable = (start: number) => {
    for (let v = start + 1; v <= target; v++) if (!commits.has(v)) return false;
    return true;
  };
  const usable = checkpoints.filter((c) => reachable(c.version));
  if (usable.length === 0 && !reachable(-1)) {
    const earliest = commits.has(0) ? 0 : (listing.checkpoints[0]?.version ?? listing.commits[0] ?? 0);
    throw new SluiceError('DELTA_VERSION_NOT_FOUND', `Cannot reconstruct version ${target} of the Delta table at ${where}: the log entries it needs were cleaned up or are missing. The earliest version that can be read is ${earliest}.`, {
      details: { table: where, version: target, earliest },
    });
  }
  return {
    version: target,
    checkpoints: usable,
    commitsAfter: (start) => Array.from({ length: target - start }, (_, i) => start + 1 + i),
  };
}
