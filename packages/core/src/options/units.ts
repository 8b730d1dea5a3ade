import { intervalToMs, tryParseInterval } from '../interval/parseInterval.ts';

export type DurationUnit = 'ms' | 's';

const DURATION_UNITS: Record<string, number> = {
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

/**
 * Spark time strings to milliseconds: "10 seconds", "5s", "1.5 minutes", "interval 2 hours", "100ms",
 * and every form of Spark's interval syntax without months ("1 day 2 hours",
 * "interval '1 2:3:4' day to second"). A bare number is read in `bareUnit`. Returns undefined for
 * anything else, a negative value, or months and years (which have no fixed length).
 */
export function parseDuration(raw: unknown, bareUnit: DurationUnit = 'ms'): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw * (bareUnit === 's' ? 1000 : 1) : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toLowerCase().replace(/^interval\s+/, '');
  if (/^\d+(\.\d+)?$/.test(text)) return parseDuration(Number(text), bareUnit);
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(text);
  const factor = match ? DURATION_UNITS[match[2]!] : undefined;
  if (factor !== undefined) return Math.round(Number(match![1]) * factor);
  const interval = tryParseInterval(raw);
  if (typeof interval === 'string' || interval.months !== 0) return undefined;
  const ms = intervalToMs(interval);
  return ms >= 0 ? ms : undefined;
}

const BYTE_UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/** Sizes to bytes: 1048576, "1m", "64mb", "10g" (binary units, as Spark's byteStringAsBytes). */
export function parseByteSize(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw > 0 ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(raw.trim().toLowerCase());
  if (!match) return undefined;
  const factor = match[2] === '' ? 1 : BYTE_UNITS[match[2]!];
  if (factor === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * factor);
  return bytes > 0 ? bytes : undefined;
}
