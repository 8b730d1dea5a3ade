import type { Table } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { concatTables } from '@sluice/core/connector';
import type { AddFile } from './actions.ts';
import { DeltaLog } from './deltaLog.ts';
import { readDeltaFile, deltaScanPlan, type DeltaScanPlan } from './scan.ts';
import type { DeltaSnapshot } from './snapshot.ts';
import { toEpochMs, deltaVersionAtOrBefore } from './timeTravel.ts';

/** Which version `readDelta` reads: the latest, a version number, or the table as of a time. */
export interface ReadDeltaOptions {
  /** Read this version (Spark's `versionAsOf`). */
  readonly versionAsOf?: number;
  /** Read the latest version committed at or before this time (Spark's `timestampAsOf`). */
  readonly timestampAsOf?: number | string | Date;
}

/**
 * The rows of a Delta table as one Arrow table, partition columns restored: the latest version,
 * or an earlier one (time travel). Tables Sluice cannot read correctly (reader features it lacks)
 * are refused with `DELTA_UNSUPPORTED_FEATURE` naming the feature.
 *
 * @example
 * const now = await readDelta('/data/events');
 * const before = await readDelta('/data/events', { versionAsOf: 3 });
 * const yesterday = await readDelta('/data/events', { timestampAsOf: '2024-05-01 00:00:00' });
 */
export async function readDelta(path: string, options: ReadDeltaOptions = {}): Promise<Table> {
  const log = new DeltaLog(path);
  const snapshot = await snapshotFor(log, options);
  return readSnapshot(snapshot, log.tablePath);
}

/** The snapshot `options` select. */
export async function snapshotFor(log: DeltaLog, options: ReadDeltaOptions): Promise<DeltaSnapshot> {
  if (options.versionAsOf !== undefined && options.timestampAsOf !== undefined) {
    throw new SluiceError('INVALID_OPTION', "Give either 'versionAsOf' or 'timestampAsOf' to read a Delta table, not both.", { details: { option: 'versionAsOf' } });
  }
  if (options.versionAsOf !== undefined) return log.snapshotAt(options.versionAsOf);
  if (options.timestampAsOf !== undefined) return log.snapshotAt(await deltaVersionAtOrBefore(log, toEpochMs(options.timestampAsOf, 'timestampAsOf')));
  return log.requireLatest();
}

/** Every live row of a snapshot. */
export async function readSnapshot(snapshot: DeltaSnapshot, tablePath: string): Promise<Table> {
  const plan = deltaScanPlan(snapshot, tablePath);
  const tables = await readDeltaFiles(plan, sortDeltaFiles(snapshot.files));
  return concatTables(plan.schema, tables);
}

/** Read files with a few reads in flight (the decode itself is synchronous). */
export async function readDeltaFiles(plan: DeltaScanPlan, files: readonly AddFile[], concurrency = 8): Promise<Table[]> {
  const out: Table[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = await readDeltaFile(plan, files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return out;
}

/** Files in the order a stream reads them: by modification time, then path. */
export function sortDeltaFiles(files: readonly AddFile[]): AddFile[] {
  return [...files].sort((a, b) => a.modificationTime - b.modificationTime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
