import { readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SluiceError } from '@sluice/core';
import { describeError } from '@sluice/core/connector';
import { deletionVectorFile } from './deletionVectors.ts';
import { DeltaLog } from './deltaLog.ts';
import { LOG_DIRECTORY } from './logStore.ts';
import { resolveDataPath } from './partitionValues.ts';
import { DAY_MS, tableDuration } from './tableDurations.ts';
import { checkDeltaWritable } from './tableFeatures.ts';

/** Options of `vacuum`: the retention and a dry run. */
export interface VacuumOptions {
  /** Keep files that left the table less than this long ago (default 168 = 7 days, Delta's default). */
  readonly retentionHours?: number;
  /**
   * Refuse a retention below the table's `delta.deletedFileRetentionDuration` (default true, as
   * Delta's `retentionDurationCheck`): readers of older versions, and writers still working,
   * may need those files.
   */
  readonly retentionDurationCheck?: boolean;
  /** List what would be deleted without deleting it. */
  readonly dryRun?: boolean;
  /** The current time (ms; default `Date.now`), compared with file modification times. */
  readonly now?: number;
}

/** What `vacuum` deleted (or, with `dryRun`, would delete). */
export interface VacuumResult {
  /** Paths (relative to the table) deleted, or that would be with `dryRun`. */
  readonly files: readonly string[];
  readonly dryRun: boolean;
}

const HOUR = 3_600_000;

/**
 * Delete files in the table's directory that no version within the retention needs (Delta's
 * `VACUUM`): files removed from the table longer ago than `retentionHours`, and files no commit
 * ever added (left by writers that crashed before committing) once they are that old. The log,
 * and hidden files and directories (`_…`, `.…`), are never touched.
 *
 * @example
 * const { files } = await vacuum('/data/events');                 // 7 days
 * await vacuum('/data/events', { retentionHours: 24, retentionDurationCheck: false });
 */
export async function vacuum(path: string, options: VacuumOptions = {}): Promise<VacuumResult> {
  const log = new DeltaLog(path);
  const snapshot = await log.requireLatest();
  checkDeltaWritable(snapshot.protocol, snapshot.metadata, snapshot.deltaSchema, `The Delta table at ${log.tablePath}`);
  const retentionHours = options.retentionHours ?? 168;
  const configured = tableDuration(snapshot.configuration['delta.deletedFileRetentionDuration'], 7 * DAY_MS);
  if (!(retentionHours >= 0)) throw new SluiceError('INVALID_OPTION', `Option 'retentionHours' must be a number of hours ≥ 0, got ${retentionHours}.`, { details: { option: 'retentionHours' } });
  if ((options.retentionDurationCheck ?? true) && retentionHours * HOUR < configured) {
    throw new SluiceError('INVALID_OPTION', `Refusing to vacuum the Delta table at ${log.tablePath} with a retention of ${retentionHours} hours: that is below the table's ${configured / HOUR} hours (delta.deletedFileRetentionDuration). Readers of older versions and writers still working may need the files it would delete. If you are certain nothing needs them, pass retentionDurationCheck: false.`, {
      details: { option: 'retentionHours', retentionHours, minimumHours: configured / HOUR },
    });
  }
  const now = options.now ?? Date.now();
  const horizon = now - retentionHours * HOUR;
  const keep = new Set<string>();
  for (const add of snapshot.files) {
    keep.add(resolveDataPath(log.tablePath, add.path));
    if (add.deletionVector && add.deletionVector.storageType !== 'i') keep.add(deletionVectorFile(log.tablePath, add.deletionVector));
  }
  for (const removed of snapshot.tombstones) {
    if ((removed.deletionTimestamp ?? 0) >= horizon) keep.add(resolveDataPath(log.tablePath, removed.path));
  }
  const deleted: string[] = [];
  const visit = async (dir: string, top: boolean): Promise<boolean> => {
    let empty = true;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if ((top && entry.name === LOG_DIRECTORY) || isHidden(entry.name)) {
        empty = false;
        continue;
      }
      if (entry.isDirectory()) {
        if (await visit(full, false)) {
          if (!options.dryRun) await rmdir(full).catch(() => undefined);
        } else empty = false;
        continue;
      }
      if (keep.has(full) || (await stat(full)).mtimeMs >= horizon) {
        empty = false;
        continue;
      }
      deleted.push(relative(log.tablePath, full));
      if (!options.dryRun) {
        await unlink(full).catch((e: unknown) => {
          throw new SluiceError('DELTA_IO', `Vacuum could not delete ${full}: ${describeError(e)}.`, { cause: e });
        });
      } else empty = false;
    }
    return empty;
  };
  await visit(log.tablePath, true);
  return { files: deleted.sort(), dryRun: options.dryRun ?? false };
}

/** Hidden files and directories (`.crc` side files, `_change_data` …) are not data; partition directories may start with `_` but hold `=`. */
function isHidden(name: string): boolean {
  return (name.startsWith('.') || name.startsWith('_')) && !name.includes('=');
}
