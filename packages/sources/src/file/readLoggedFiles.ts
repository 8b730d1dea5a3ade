import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { SluiceError, isSluiceError, type Logger } from '@sluice/core';
import { concatTables } from '@sluice/core/connector';
import { partitionOf, readBytes, readDataFileAsync, type FileReadPlan } from '@sluice/formats/internal';
import type { SeenFile } from './seenFilesLog.ts';

export interface ReadSettings {
  readonly description: string;
  readonly basePath: string;
  /** Whether directories under basePath name partition columns (not for a glob path or recursiveFileLookup). */
  readonly discoverPartitions: boolean;
  readonly ignoreMissingFiles: boolean;
  readonly ignoreCorruptFiles: boolean;
  readonly log: Logger;
}

/** Files skipped by `ignoreMissingFiles` / `ignoreCorruptFiles`, for the source's metrics. */
export interface SkippedFiles {
  missing: number;
  corrupt: number;
}

/**
 * The rows of logged files, in log order, as one table of the plan's schema. A file deleted
 * before it was read is `FILE_NOT_FOUND` naming it and its log batch; one that cannot be decoded
 * keeps the codec's error (FILE_CORRUPT with the row group, MALFORMED_RECORD with the line) —
 * unless the matching ignore option says to skip and count it.
 */
export async function readLoggedFiles(entries: readonly SeenFile[], plan: FileReadPlan, settings: ReadSettings, skipped: SkippedFiles): Promise<Table> {
  const tables: Table[] = [];
  for (const entry of entries) {
    const file = localFile(entry.path);
    let bytes: Uint8Array;
    try {
      bytes = await readBytes(file);
    } catch (error) {
      if (!isSluiceError(error, 'FILE_NOT_FOUND')) throw error;
      if (!settings.ignoreMissingFiles) {
        throw new SluiceError('FILE_NOT_FOUND', `${settings.description}: file ${file} (log batch ${entry.batchId}) was deleted before it was read. Restore it, or set ignoreMissingFiles: true to skip such files and count them in the source metrics.`, {
          details: { file, logBatch: entry.batchId },
        });
      }
      skipped.missing++;
      settings.log.warn(`${settings.description}: ${file} was deleted before it was read; skipped (ignoreMissingFiles).`);
      continue;
    }
    try {
      tables.push(await readDataFileAsync(plan, bytes, file, partitionOf(settings.basePath, file), settings.discoverPartitions));
    } catch (error) {
      if (!(isSluiceError(error, 'FILE_CORRUPT') && settings.ignoreCorruptFiles)) throw error;
      skipped.corrupt++;
      settings.log.warn(`${settings.description}: ${file} cannot be decoded; skipped (ignoreCorruptFiles).`);
    }
  }
  return tables.length === 1 ? tables[0]! : concatTables(plan.schema, tables);
}

/** A log entry's `file:` URI as a local path. */
export function localFile(uri: string): string {
  return /^file:/i.test(uri) ? fileURLToPath(uri) : uri;
}
