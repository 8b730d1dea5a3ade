/**
 * Table properties that hold durations (`delta.logRetentionDuration = interval 30 days`,
 * `delta.deletedFileRetentionDuration = interval 1 week`) as milliseconds.
 */
const UNITS: readonly [RegExp, number][] = [
  [/^weeks?$/, 7 * 86_400_000],
  [/^days?$/, 86_400_000],
  [/^hours?$/, 3_600_000],
  [/^minutes?$/, 60_000],
  [/^seconds?$/, 1000],
  [/^(milliseconds?|ms)$/, 1],
];

/** The property's duration in ms, or `fallback` when absent or unreadable. */
export function tableDuration(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^\s*(?:interval\s+)?(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
  if (!m) return fallback;
  const unit = UNITS.find(([pattern]) => pattern.test(m[2]!.toLowerCase()));
  return unit === undefined ? fallback : Number(m[1]) * unit[1];
}

export const DAY_MS = 86_400_000;
