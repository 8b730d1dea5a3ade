/**
 * Spark's interval syntax, parsed once for the whole engine: SQL `INTERVAL` literals, window and
 * watermark durations, trigger intervals. A value is Spark's `CalendarInterval`: months, days and
 * microseconds kept apart, because a month and a day have no fixed length in every time zone.
 */
export interface Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
}

const MICROS_PER_MS = 1_000;
const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** A unit of Spark's interval strings, singular; plurals and our short forms map onto these. */
export type IntervalUnit = 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';

const UNIT_NAMES: Readonly<Record<string, IntervalUnit>> = {
  year: 'year', years: 'year', month: 'month', months: 'month', week: 'week', weeks: 'week',
  day: 'day', days: 'day', hour: 'hour', hours: 'hour', minute: 'minute', minutes: 'minute',
  second: 'second', seconds: 'second', millisecond: 'millisecond', milliseconds: 'millisecond',
  microsecond: 'microsecond', microseconds: 'microsecond',
};

/** Short spellings accepted in option strings ("5s", "100ms", "2 mins"); not SQL. */
const SHORT_UNIT_NAMES: Readonly<Record<string, IntervalUnit>> = {
  ms: 'millisecond', milli: 'millisecond', millis: 'millisecond', us: 'microsecond',
  s: 'second', sec: 'second', secs: 'second', m: 'minute', min: 'minute', mins: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', d: 'day', w: 'week', y: 'year', yr: 'year', yrs: 'year', mon: 'month', mons: 'month',
};

/** The unit named by `word` (case-insensitive), or undefined. `short` also accepts "5s"-style names. */
export function intervalUnit(word: string, short = false): IntervalUnit | undefined {
  const w = word.toLowerCase();
  return UNIT_NAMES[w] ?? (short ? SHORT_UNIT_NAMES[w] : undefined);
}

/** An interval of `value` (a decimal string, maybe signed or fractional) in `unit`; fractions carry into smaller units. */
export function intervalOf(value: string, unit: IntervalUnit): Interval {
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) throw new IntervalError(`'${value}' is not a number`);
  const sign = match[1] === '-' ? -1 : 1;
  const whole = Number(match[2] || '0');
  const fraction = Number(`0.${match[3] ?? '0'}`);
  switch (unit) {
    case 'year':
      return { months: sign * Math.round((whole + fraction) * 12), days: 0, micros: 0 };
    case 'month':
      return { months: sign * whole, days: 0, micros: sign * Math.round(fraction * 30 * MICROS_PER_DAY) };
    case 'week':
      return { months: 0, days: sign * whole * 7, micros: sign * Math.round(fraction * 7 * MICROS_PER_DAY) };
    case 'day':
      return { months: 0, days: sign * whole, micros: sign * Math.round(fraction * MICROS_PER_DAY) };
    case 'hour':
      return { months: 0, days: 0, micros: sign * Math.round((whole + fraction) * MICROS_PER_HOUR) };
    case 'minute':
      return { months: 0, days: 0, micros: sign * Math.round((whole + fraction) * MICROS_PER_MINUTE) };
    case 'second':
      return { months: 0, days: 0, micros: sign * Math.round((whole + fraction) * MICROS_PER_SECOND) };
    case 'millisecond':
      return { months: 0, days: 0, micros: sign * Math.round((whole + fraction) * MICROS_PER_MS) };
    case 'microsecond':
      return { months: 0, days: 0, micros: sign * Math.round(whole + fraction) };
  }
}

export function addIntervals(a: Interval, b: Interval): Interval {
  return { months: a.months + b.months, days: a.days + b.days, micros: a.micros + b.micros };
}

export function negateInterval(a: Interval): Interval {
  return { months: -a.months, days: -a.days, micros: -a.micros };
}

/** Thrown by the interval parsers with the reason; callers wrap it into their own coded error. */
export class IntervalError extends Error {}

/**
 * Spark's interval string (`IntervalUtils.stringToInterval`): an optional `interval` prefix, then
 * `<number> <unit>` pairs, e.g. `'10 seconds'`, `'1 day 2 hours'`, `'interval -3 months 1.5 seconds'`.
 * With `short`, the option-string spellings `'5s'`, `'100ms'`, `'2 mins'` are accepted too.
 * Throws an {@link IntervalError} naming what is wrong.
 *
 * @example parseInterval('1 day 2 hours') // { months: 0, days: 1, micros: 7_200_000_000 }
 */
export function parseInterval(text: string, options: { readonly short?: boolean } = {}): Interval {
  let rest = text.trim().toLowerCase();
  if (rest.startsWith('interval')) rest = rest.slice('interval'.length).trim();
  if (rest === '') throw new IntervalError('at least one time unit should be given for an interval');
  let result: Interval = { months: 0, days: 0, micros: 0 };
  const pair = /^([+-]?\s*(?:\d+(?:\.\d*)?|\.\d+))\s*([a-z]+)\s*/;
  while (rest !== '') {
    const match = pair.exec(rest);
    if (!match) throw new IntervalError(`cannot read '${rest}': expected a number and a unit such as '10 seconds'`);
    const unit = intervalUnit(match[2]!, options.short ?? false);
    if (!unit) throw new IntervalError(`unknown unit '${match[2]}' (units: year, month, week, day, hour, minute, second, millisecond, microsecond)`);
    result = addIntervals(result, intervalOf(match[1]!.replace(/\s+/g, ''), unit));
    rest = rest.slice(match[0].length);
  }
  return result;
}

/** ANSI `'y-m' YEAR TO MONTH`. */
export function parseYearMonth(text: string): Interval {
  const match = /^\s*([+-]?)(\d+)-(\d+)\s*$/.exec(text);
  if (!match || Number(match[3]) > 11) throw new IntervalError(`'${text}' is not a year-month interval 'y-m' (month 0 to 11)`);
  const sign = match[1] === '-' ? -1 : 1;
  return { months: sign * (Number(match[2]) * 12 + Number(match[3])), days: 0, micros: 0 };
}

const DAY_TIME_FIELDS: readonly IntervalUnit[] = ['day', 'hour', 'minute', 'second'];

/**
 * ANSI day-time forms: `'1 02:03:04.5' DAY TO SECOND`, `'02:03' HOUR TO MINUTE`, `'10:20' MINUTE TO SECOND` …
 * `from`/`to` are the leading and trailing fields.
 */
export function parseDayTime(text: string, from: IntervalUnit, to: IntervalUnit): Interval {
  const first = DAY_TIME_FIELDS.indexOf(from);
  const last = DAY_TIME_FIELDS.indexOf(to);
  if (first < 0 || last < 0 || last < first) throw new IntervalError(`intervals from ${from} to ${to} are not supported`);
  const match = /^\s*([+-]?)(.*?)\s*$/.exec(text)!;
  const sign = match[1] === '-' ? -1 : 1;
  // The day field is separated by a space, the others by colons.
  const parts = match[2]!.split(/[ :]/);
  const fields = DAY_TIME_FIELDS.slice(first, last + 1);
  if (parts.length !== fields.length || parts.some((p) => p === '')) {
    throw new IntervalError(`'${text}' does not match ${from.toUpperCase()} TO ${to.toUpperCase()} (e.g. ${example(fields)})`);
  }
  let result: Interval = { months: 0, days: 0, micros: 0 };
  fields.forEach((field, i) => {
    const part = parts[i]!;
    if (!(field === 'second' ? /^\d+(\.\d*)?$/ : /^\d+$/).test(part)) throw new IntervalError(`'${part}' is not a valid ${field} in '${text}'`);
    if (i > 0 && field !== 'second' && Number(part) >= (field === 'hour' ? 24 : 60)) throw new IntervalError(`${field} ${part} is out of range in '${text}'`);
    result = addIntervals(result, intervalOf(part, field));
  });
  return sign < 0 ? negateInterval(result) : result;
}

function example(fields: readonly IntervalUnit[]): string {
  const sample: Record<string, string> = { day: '1', hour: '02', minute: '03', second: '04.5' };
  return `'${fields.map((f, i) => (i === 0 ? sample[f] : (f === 'hour' && fields[0] === 'day' ? ' ' : ':') + sample[f])).join('')}'`;
}

/** The interval as a fixed length in milliseconds (a day counts 24 hours), or undefined when it has months. */
export function intervalToMs(interval: Interval): number | undefined {
  if (interval.months !== 0) return undefined;
  return interval.days * 86_400_000 + interval.micros / MICROS_PER_MS;
}

/** Spark's text for an interval (`CalendarInterval.toString`), e.g. `1 days 2 hours`, `3 months`. */
export function formatInterval(interval: Interval): string {
  const parts: string[] = [];
  const years = Math.trunc(interval.months / 12);
  const months = interval.months % 12;
  if (years) parts.push(`${years} years`);
  if (months) parts.push(`${months} months`);
  if (interval.days) parts.push(`${interval.days} days`);
  let micros = interval.micros;
  if (micros) {
    const hours = Math.trunc(micros / MICROS_PER_HOUR);
    micros -= hours * MICROS_PER_HOUR;
    const minutes = Math.trunc(micros / MICROS_PER_MINUTE);
    micros -= minutes * MICROS_PER_MINUTE;
    if (hours) parts.push(`${hours} hours`);
    if (minutes) parts.push(`${minutes} minutes`);
    if (micros) parts.push(`${String(micros / MICROS_PER_SECOND)} seconds`);
  }
  return parts.length ? parts.join(' ') : '0 seconds';
}
