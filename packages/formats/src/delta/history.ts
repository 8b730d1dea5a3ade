import type { JsonValue } from '@sluice/core';
import type { DeltaCommitInfo } from './actions.ts';
import { DeltaLog, tableNotFound } from './deltaLog.ts';

/** One row of `history(path)`: Spark's `DESCRIBE HISTORY` columns, from the version's commitInfo. */
export interface DeltaHistoryEntry {
  readonly version: number;
  /** Commit time, epoch ms. */
  readonly timestamp: number;
  readonly operation: string | null;
  readonly operationParameters: Readonly<Record<string, JsonValue>>;
  readonly readVersion: number | null;
  readonly isolationLevel: string | null;
  readonly isBlindAppend: boolean | null;
  readonly operationMetrics: Readonly<Record<string, JsonValue>>;
  readonly userMetadata: string | null;
  readonly engineInfo: string | null;
  /** The whole commitInfo as written, for fields not listed above. */
  readonly commitInfo: DeltaCommitInfo | null;
}

/**
 * The commits of a Delta table, newest first (Spark's `DESCRIBE HISTORY`). Versions whose
 * commit files were cleaned up are not listed.
 *
 * @example
 * for (const h of await history('/data/events', { limit: 5 })) console.log(h.version, h.operation);
 */
export async function history(path: string, options: { readonly limit?: number } = {}): Promise<DeltaHistoryEntry[]> {
  const log = new DeltaLog(path);
  const listing = await log.list();
  if (listing === undefined || listing.commits.length === 0) throw tableNotFound(log.tablePath);
  const versions = [...listing.commits].reverse().slice(0, options.limit ?? Infinity);
  const entries = await Promise.all(versions.map((v) => log.readEntry(v)));
  return entries.flatMap((entry) => {
    if (entry === undefined) return [];
    const info = entry.commitInfo;
    const get = <T>(key: string, check: (v: unknown) => v is T): T | null => (info !== undefined && check(info[key]) ? info[key] : null);
    const isString = (v: unknown): v is string => typeof v === 'string';
    const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);
    return [{
      version: entry.version,
      timestamp: entry.timestamp,
      operation: get('operation', isString),
      operationParameters: get('operationParameters', isObject) ?? {},
      readVersion: get('readVersion', (v): v is number => typeof v === 'number'),
      isolationLevel: get('isolationLevel', isString),
      isBlindAppend: get('isBlindAppend', (v): v is boolean => typeof v === 'boolean'),
      operationMetrics: get('operationMetrics', isObject) ?? {},
      userMetadata: get('userMetadata', isString),
      engineInfo: get('engineInfo', isString),
      commitInfo: info ?? null,
    }];
  });
}
