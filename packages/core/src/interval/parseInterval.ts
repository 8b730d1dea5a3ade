import { SluiceError } from '../errors.ts';

/**
 * Spark's `CalendarInterval`: months, days and microseconds kept apart, because a month has no
 * fixed length and a day may not (daylight saving). Where one length is needed (a watermark
 * delay), Spark counts a month as 31 days.
 */
export interface CalendarInterval {
  readonly months: number;
  readonly days: number;
  readonly microseconds: number;
}

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** Multi-unit words and what one of each adds. */
const UNITS: Record<string, (n: number) => Partial<CalendarInterval>> = {
  year: (n) => ({ months: 12 * n }),
  month: (n) => ({ months: n }),
  week: (n) => ({ days: 7 * n }),
  day: (n) => ({ days: n }),
  hour: (n) => ({ microseconds: n * MICROS_PER_HOUR }),
  minute: (n) => ({ microseconds: n * MICROS_PER_MINUTE }),
  second: (n) => ({ microseconds: n * MICROS_PER_SECOND }),
  millisecond: (n) => ({ microseconds: n * 1000 }),
  microsecond: (n) => ({ microseconds: n }),
};

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

/** ANSI `'…' <from> TO <to>` forms: the pattern of the quoted text and the fields it holds. */
const ANSI_FORMS: Record<string, { readonly pattern: RegExp; readonly fields: readonly Field[] }> = {
  'year to month': { pattern: /^(\d+)-(\d+)$/, fields: ['year', 'month'] },
  'day to hour': { pattern: /^(\d+) (\d+)$/, fields: ['day', 'hour'] },
  'day to minute': { pattern: /^(\d+) (\d+):(\d+)$/, fields: ['day', 'hour', 'minute'] },
  'day to second': { pattern: /^(\d+) (\d+):(\d+):(\d+(?:\.\d+)?)$/, fields: ['day', 'hour', 'minute', 'second'] },
  'hour to minute': { pattern: /^(\d+):(\d+)$/, fields: ['hour', 'minute'] },
  'hour to second': { pattern: /^(\d+):(\d+):(\d+(?:\.\d+)?)$/, fields: ['hour', 'minute', 'second'] },
  'minute to second': { pattern: /^(\d+):(\d+(?:\.\d+)?)$/, fields: ['minute', 'second'] },
};

/**
 * Parse an interval the ways Spark's parser takes one (`IntervalUtils.fromIntervalString`):
 *
 * - multi-unit: `'10 seconds'`, `'1 day 2 hours'`, `'2 years 5 months'`, `'-1 year'`,
 *   `'1 year -13 months'`, `'interval 1 day'`, `'500 milliseconds'`, `'1.5 seconds'`;
 * - ANSI: `interval '1 2:3:4' day to second`, `interval '1-2' year to month`,
 *   `'10:20' hour to minute`, `interval '10' second`, `INTERVAL '1 day 2 hours'`.
 *
 * Units take a trailing `s` or not, any case. Throws INVALID_OPTION naming the text otherwise.
 * This is Sluice's one interval parser: watermark delays, window durations, trigger intervals
 * and SQL `INTERVAL` literals all read intervals through it.
 *
 * @example
 * parseInterval("interval '1 2:3:4' day to second") // { months: 0, days: 1, microseconds: 7_384_000_000 }
 */
export function parseInterval(text: string): CalendarInterval {
  const parsed = tryParseInterval(text);
  if (typeof parsed === 'string') {
    throw new SluiceError(
      'INVALID_OPTION',
      `Cannot parse the interval ${JSON.stringify(text)}: ${parsed}. Use e.g. '10 seconds', '1 day 2 hours', '2 years 5 months' or interval '1 2:03:04' day to second.`,
    );
  }
  return parsed;
}

/** The interval, or a sentence saying why `text` is not one. */
export function tryParseInterval(text: string): CalendarInterval | string {
  let rest = text.trim().toLowerCase().replace(/\s+/g, ' ');
  rest = rest.replace(/^interval\b ?/, '');
  if (rest === '') return 'it is empty';
  const quoted = /^(['"])(.*)\1(?: (.*))?$/.exec(rest);
  if (quoted) {
    const inner = quoted[2]!.trim();
    const qualifier = quoted[3]?.trim();
    return qualifier === undefined ? multiUnit(inner) : ansi(inner, qualifier);
  }
  return multiUnit(rest);
}

function multiUnit(text: string): CalendarInterval | string {
  const tokens = text.split(' ').filter((t) => t !== '');
  if (tokens.length === 0) return 'it is empty';
  let total: CalendarInterval = { months: 0, days: 0, microseconds: 0 };
  for (let i = 0; i < tokens.length; i += 2) {
    const value = tokens[i]!;
    const unit = tokens[i + 1];
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) return `${JSON.stringify(value)} is not a number`;
    if (unit === undefined) return `${value} has no unit (year, month, week, day, hour, minute, second, millisecond, microsecond)`;
    const add = UNITS[unit.replace(/s$/, '')];
    if (!add) return `${JSON.stringify(unit)} is not a unit (year, month, week, day, hour, minute, second, millisecond, microsecond)`;
    const n = Number(value);
    if (!Number.isInteger(n) && /^(year|month)/.test(unit)) return `${unit} must be a whole number, got ${value}`;
    total = plus(total, add(n));
  }
  return total;
}

function ansi(inner: string, qualifier: string): CalendarInterval | string {
  const sign = inner.startsWith('-') ? -1 : 1;
  const body = inner.replace(/^[+-]/, '');
  const single = /^(year|month|day|hour|minute|second)$/.exec(qualifier);
  if (single) {
    if (!/^\d+(\.\d+)?$/.test(body) || (single[1] !== 'second' && body.includes('.'))) return `${JSON.stringify(inner)} is not a ${qualifier} count`;
    return scale(UNITS[single[1]!]!(Number(body)), sign);
  }
  const form = ANSI_FORMS[qualifier];
  if (!form) return `${JSON.stringify(qualifier)} is not an interval qualifier such as "day to second" or "year to month"`;
  const match = form.pattern.exec(body);
  if (!match) return `${JSON.stringify(inner)} does not match the ${qualifier.toUpperCase()} form`;
  let total: CalendarInterval = { months: 0, days: 0, microseconds: 0 };
  form.fields.forEach((field, i) => {
    total = plus(total, UNITS[field]!(Number(match[i + 1])));
  });
  const bounds: Partial<Record<Field, number>> = { month: 11, hour: 23, minute: 59, second: 59.999999 };
  for (const [i, field] of form.fields.entries()) {
    const limit = bounds[field];
    if (i > 0 && limit !== undefined && Number(match[i + 1]) > limit) return `${field} ${match[i + 1]} is out of range [0, ${Math.floor(limit)}]`;
  }
  return scale(total, sign);
}

function plus(a: CalendarInterval, b: Partial<CalendarInterval>): CalendarInterval {
  return { months: a.months + (b.months ?? 0), days: a.days + (b.days ?? 0), microseconds: a.microseconds + Math.round(b.microseconds ?? 0) };
}

function scale(a: Partial<CalendarInterval>, sign: number): CalendarInterval {
  // `+ 0` turns -0 into 0, so equal intervals compare equal.
  return { months: sign * (a.months ?? 0) + 0, days: sign * (a.days ?? 0) + 0, microseconds: sign * Math.round(a.microseconds ?? 0) + 0 };
}

/** One length in milliseconds, counting a month as `daysPerMonth` days (Spark's watermark rule: 31). */
export function intervalToMs(interval: CalendarInterval, daysPerMonth = 31): number {
  return (interval.months * daysPerMonth + interval.days) * (MICROS_PER_DAY / 1000) + interval.microseconds / 1000;
}

/** Spark's `IntervalUtils.isNegative`: shorter than nothing once months count 31 days. */
export function isNegativeInterval(interval: CalendarInterval): boolean {
  return intervalToMs(interval) < 0;
}
