import { intervalToMs, parseInterval } from '../time/interval.ts';

export type DurationUnit = 'ms' | 's';

/**
 * Spark time strings to milliseconds: "10 seconds", "5s", "1.5 minutes", "interval 2 hours", "100ms",
 * "1 day 2 hours" (read by the one interval parser, `time/interval.ts`). A bare number is read in
 * `bareUnit`. Returns undefined for anything else, a negative value, or an interval with months.
 */
export function parseDuration(raw: unknown, bareUnit: DurationUnit = 'ms'): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw * (bareUnit === 's' ? 1000 : 1) : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toLowerCase().replace(/^interval\s+/, '');
  if (/^\d+(\.\d+)?$/.test(text)) return parseDuration(Number(text), bareUnit);
  let ms: number | undefined;
  try {
    ms = intervalToMs(parseInterval(text, { short: true }));
  } catch {
    return undefined;
  }
  return ms === undefined || ms < 0 ? undefined : Math.round(ms);
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
