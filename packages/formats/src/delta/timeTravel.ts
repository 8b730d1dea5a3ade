/**
 * Versions by time: Delta's `timestampAsOf` (the latest version committed at or before a time)
 * and the streaming source's `startingTimestamp` (the first version committed at or after it).
 * Commit times come from `commitInfo` (in-commit timestamp first), made strictly increasing the
 * way Delta adjusts file times, so a clock step backwards cannot reorder versions.
 */
import { SluiceError } from '@sluice/core';
import { parseIsoTimestampMs } from '@sluice/core/internal';
import { tableNotFound, type DeltaLog } from './deltaLog.ts';

/** Each readable version's commit time (ms), ascending by version. */
export async function deltaCommitTimestamps(log: DeltaLog): Promise<{ version: number; timestamp: number }[]> {
  const listing = await log.list();
  if (listing === undefined || listing.commits.length === 0) throw tableNotFound(log.tablePath);
  const out: { version: number; timestamp: number }[] = [];
  const versions = listing.commits;
  for (let i = 0; i < versions.length; i += 32) {
    const entries = await Promise.all(versions.slice(i, i + 32).map((v) => log.readEntry(v)));
    for (const entry of entries) {
      if (entry === undefined) continue;
      const previous = out.at(-1)?.timestamp;
      out.push({ version: entry.version, timestamp: previous !== undefined && entry.timestamp <= previous ? previous + 1 : entry.timestamp });
    }
  }
  return out;
}

/** A time given as epoch ms, a Date, or a timestamp/date string (UTC unless it says otherwise). */
export function toEpochMs(value: number | string | Date, option: string): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const ms = parseIsoTimestampMs(value.trim());
  if (ms === undefined) {
    throw new SluiceError('INVALID_OPTION', `Option '${option}' must be a timestamp such as '2024-05-01 10:00:00' or '2024-05-01', epoch ms or a Date; got '${value}'.`, {
      details: { option },
    });
  }
  return ms;
}

/** `timestampAsOf`: the latest version committed at or before `ms`. */
export async function deltaVersionAtOrBefore(log: DeltaLog, ms: number): Promise<number> {
  const times = await deltaCommitTimestamps(log);
  let found: number | undefined;
  for (const t of times) if (t.timestamp <= ms) found = t.version;
  if (found === undefined) {
    throw new SluiceError('DELTA_VERSION_NOT_FOUND', `The Delta table at ${log.tablePath} has no version at or before ${new Date(ms).toISOString()}: its earliest available commit is from ${new Date(times[0]!.timestamp).toISOString()} (version ${times[0]!.version}).`, {
      details: { table: log.tablePath, timestamp: ms },
    });
  }
  return found;
}

/** `startingTimestamp`: the first version committed at or after `ms`; the next version to come when none is. */
export async function deltaVersionAtOrAfter(log: DeltaLog, ms: number): Promise<number> {
  const times = await deltaCommitTimestamps(log);
  return times.find((t) => t.timestamp >= ms)?.version ?? times.at(-1)!.version + 1;
}
