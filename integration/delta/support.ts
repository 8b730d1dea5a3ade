/** Helpers of the Delta integration tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableToRows } from '@sluice/core';
import { DeltaLog, readDeltaFile, deltaScanPlan } from '@sluice/formats/internal';

/** The rows of a table in commit order (the order a Delta stream reads them), files within a commit in log order. */
export async function rowsInCommitOrder(path: string): Promise<Record<string, unknown>[]> {
  const log = new DeltaLog(path);
  const snapshot = await log.update();
  if (snapshot === undefined) return [];
  const plan = deltaScanPlan(snapshot, log.tablePath);
  const rows: Record<string, unknown>[] = [];
  for (let version = 0; version <= snapshot.version; version++) {
    const entry = await log.readEntry(version);
    for (const action of entry?.actions ?? []) {
      if (action.kind === 'add' && snapshot.hasFile(action.add.path)) rows.push(...tableToRows(await readDeltaFile(plan, action.add)));
    }
  }
  return rows;
}

/** A temporary directory for the duration of a test file. */
export async function scratchDirectory(prefix: string): Promise<{ path: (name: string) => string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  let n = 0;
  return { path: (name) => join(dir, `${name}-${n++}`), remove: () => rm(dir, { recursive: true, force: true }) };
}
