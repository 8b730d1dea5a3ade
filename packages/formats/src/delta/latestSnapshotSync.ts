import { resolve } from 'node:path';
import { parseDeltaCommit, type DeltaAction } from './actions.ts';
import { readCheckpoint } from './checkpoint.ts';
import { commitTimestamp } from './deltaLog.ts';
import { commitFileName, LogStore } from './logStore.ts';
import { planReplay } from './replayPlan.ts';
import { DeltaSnapshot } from './snapshot.ts';

/**
 * The latest snapshot, read synchronously, or undefined when there is no table. For the few
 * places that must know a table's schema before anything asynchronous may run: a stream's
 * schema is fixed when `readStream().format('delta').load(path)` returns.
 */
export function latestSnapshotSync(tablePath: string): DeltaSnapshot | undefined {
  const store = new LogStore(resolve(tablePath));
  const listing = store.listSync();
  if (listing === undefined || (listing.commits.length === 0 && listing.checkpoints.length === 0)) return undefined;
  const plan = planReplay(listing, undefined, store.tablePath);
  const checkpoint = plan.checkpoints[0];
  const groups: (readonly DeltaAction[])[] = [];
  if (checkpoint !== undefined) groups.push(checkpoint.files.flatMap((f) => readCheckpoint(store.readBytesSync(f), `${store.logPath}/${f}`)));
  let timestamp: number | undefined;
  for (const version of plan.commitsAfter(checkpoint?.version ?? -1)) {
    const where = `${store.logPath}/${commitFileName(version)}`;
    const actions = parseDeltaCommit(store.readCommitSync(version) ?? '', where);
    timestamp = commitTimestamp(actions.find((a) => a.kind === 'commitInfo')?.commitInfo);
    groups.push(actions);
  }
  return DeltaSnapshot.replay(plan.version, groups, store.tablePath, timestamp);
}
