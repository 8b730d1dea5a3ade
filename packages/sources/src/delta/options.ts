import { SluiceError } from '@sluice/core';
import { defineOptions, opt } from '@sluice/core/connector';
import { parseIsoTimestampMs } from '@sluice/core/internal';

const isStartingVersion = (v: unknown): v is number | 'latest' => v === 'latest' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

/** The `delta` source's options, named as Spark's Delta source names them (`DeltaOptions`). */
export const deltaSourceOptions = defineOptions('delta', {
  path: opt.nonEmptyString().required().describe('the Delta table directory'),
  maxFilesPerTrigger: opt.positiveInt().describe('new files per micro-batch (default 1000 unless maxBytesPerTrigger alone is set)'),
  maxBytesPerTrigger: opt.bytes().describe('soft limit of bytes per micro-batch, e.g. "1g" (at least one file is read)'),
  ignoreDeletes: opt.boolean().default(false).describe('tolerate commits that only delete data (e.g. dropping old partitions)'),
  ignoreChanges: opt.boolean().default(false).describe('tolerate commits that rewrite data: the rewritten files are read again (duplicates)'),
  skipChangeCommits: opt.boolean().default(false).describe('skip every commit that removes data, its added files included'),
  startingVersion: opt.custom<number | 'latest'>("a version number ≥ 0 or 'latest'", isStartingVersion)
    .describe("read the changes from this version on (inclusive) instead of the table's snapshot; 'latest' = only new commits"),
  startingTimestamp: opt.string().describe('read the changes committed at or after this time (a timestamp or date string)'),
});

/** Options of `deltaSource({...})` (Spark's Delta source options, with typed values). */
export interface DeltaSourceConfig {
  /** The Delta table directory (required). */
  readonly path: string;
  /** New files per micro-batch (default 1000 unless maxBytesPerTrigger alone is set). */
  readonly maxFilesPerTrigger?: number;
  /** Soft limit of bytes per micro-batch: 1073741824 or "1g" (at least one file is read). */
  readonly maxBytesPerTrigger?: number | string;
  /** Tolerate commits that only delete data (e.g. dropping old partitions). */
  readonly ignoreDeletes?: boolean;
  /** Tolerate commits that rewrite data: the rewritten files are read again (duplicates). */
  readonly ignoreChanges?: boolean;
  /** Skip every commit that removes data, its added files included. */
  readonly skipChangeCommits?: boolean;
  /** Read the changes from this version on (inclusive) instead of the table's snapshot; 'latest' = only new commits. */
  readonly startingVersion?: number | 'latest';
  /** Read the changes committed at or after this time: a timestamp or date string, epoch ms or a Date. */
  readonly startingTimestamp?: string | number | Date;
}

/** The delta source's options once parsed. */
export interface DeltaSourceOptions {
  readonly path: string;
  readonly maxFilesPerTrigger: number | undefined;
  readonly maxBytesPerTrigger: number | undefined;
  readonly ignoreDeletes: boolean;
  readonly ignoreChanges: boolean;
  readonly skipChangeCommits: boolean;
  readonly startingVersion: number | 'latest' | undefined;
  /** `startingTimestamp` as epoch ms (a string without a zone is UTC). */
  readonly startingTimestamp: number | undefined;
}

/** Parse once, at the edge. Numbers given as strings ("5") are read as Spark reads them. */
export function parseDeltaSourceOptions(raw: Readonly<Record<string, unknown>>): DeltaSourceOptions {
  const normalized = Object.fromEntries(Object.entries(raw).map(([k, v]) => {
    if (k.toLowerCase() === 'startingversion' && typeof v === 'string') return [k, /^\s*\d+\s*$/.test(v) ? Number(v) : v.trim().toLowerCase()];
    if (k.toLowerCase() === 'startingtimestamp' && (typeof v === 'number' || v instanceof Date)) return [k, new Date(v).toISOString()];
    return [k, v];
  }));
  const { options } = deltaSourceOptions.parse(normalized);
  if (options.startingVersion !== undefined && options.startingTimestamp !== undefined) {
    throw new SluiceError('INVALID_OPTION', "Options 'startingVersion' and 'startingTimestamp' of the delta source cannot be used together; give one.", {
      details: { format: 'delta', option: 'startingTimestamp' },
    });
  }
  let startingTimestamp: number | undefined;
  if (options.startingTimestamp !== undefined) {
    startingTimestamp = parseIsoTimestampMs(options.startingTimestamp.trim());
    if (startingTimestamp === undefined) {
      throw new SluiceError('INVALID_OPTION', `Option 'startingTimestamp' of the delta source must be a timestamp such as '2024-05-01 10:00:00' or a date such as '2024-05-01'; got '${options.startingTimestamp}'.`, {
        details: { format: 'delta', option: 'startingTimestamp' },
      });
    }
  }
  return { ...options, startingTimestamp };
}
