import { DateDay, Float64, Int32, Int64, TimestampMillisecond } from 'apache-arrow';
import { numericVector } from '../../expressions/kernels/numbers.ts';
import { andBitmaps } from '../../expressions/kernels/bits.ts';
import { STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { civilFromDays, daysFromCivil, daysInMonth, isoDayOfWeek, MS_PER_DAY } from '../../time/civil.ts';
import { zoneRules } from '../../time/timeZone.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { addMonthsToDays } from './datetimeArithmetic.ts';
import { dateArg, readNumbers, timestampArg, zoneOf } from './datetimeArguments.ts';
import { roundDecimalString } from '../math/math.ts';

function dayShift(name: string, sign: 1 | -1, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    aliases: name === 'date_add' ? ['dateadd'] : [],
    family: 'datetime',
    arity: [2, 2],
    doc: { usage: `${name}(start, days)`, description: `The date \`days\` days ${sign > 0 ? 'after' : 'before'} \`start\`.`, examples: [example] },
    bind: (call) => {
      const date = dateArg(call, 0);
      const days = argAs(call, 1, new Int32());
      return {
        name: call.outputName,
        type: new DateDay(),
        evaluate: (batch, context) => {
          const a = readNumbers(date, batch, context);
          const b = readNumbers(days, batch, context);
          const n = a.values.length;
          const out = new Int32Array(n);
          for (let i = 0; i < n; i++) out[i] = a.values[i]! + sign * b.values[i]!;
          return numericVector(new DateDay(), out, andBitmaps(a.validity, b.validity, n));
        },
      };
    },
  };
}

export const dateAddFunction = dayShift('date_add', 1, { sql: "cast(date_add('2016-07-30', 1) as string)", result: '2016-07-31' });
export const dateSubFunction = dayShift('date_sub', -1, { sql: "cast(date_sub('2016-07-30', 1) as string)", result: '2016-07-29' });

export const datediffFunction: ScalarFunctionDefinition = {
  name: 'datediff',
  family: 'datetime',
  arity: [2, 2],
  doc: { usage: 'datediff(endDate, startDate)', description: 'Days from `startDate` to `endDate`.', examples: [{ sql: "datediff('2009-07-31', '2009-07-30')", result: 1 }] },
  bind: (call) => rowFunction(call.outputName, new Int32(), [dateArg(call, 0), dateArg(call, 1)], (a, b) => (a as number) - (b as number)),
};

export const addMonthsFunction: ScalarFunctionDefinition = {
  name: 'add_months',
  family: 'datetime',
  arity: [2, 2],
  doc: { usage: 'add_months(start, months)', description: 'The date `months` months after `start`, the day clamped to the month\'s length.', examples: [{ sql: "cast(add_months('2016-08-31', 1) as string)", result: '2016-09-30' }] },
  bind: (call) => rowFunction(call.outputName, new DateDay(), [dateArg(call, 0), argAs(call, 1, new Int32())], (d, m) => addMonthsToDays(d as number, m as number)),
};

/** Spark's months_between: whole months when both are the same day or both month-ends, else months + (day difference and time)/31 days. */
export function monthsBetweenValue(a: number, b: number, zoneOffset: (ms: number) => number, roundOff: boolean): number {
  const la = a + zoneOffset(a);
  const lb = b + zoneOffset(b);
  const da = Math.floor(la / MS_PER_DAY);
  const db = Math.floor(lb / MS_PER_DAY);
  const ca = civilFromDays(da);
  const cb = civilFromDays(db);
  const months = (ca.year - cb.year) * 12 + (ca.month - cb.month);
  const lastA = ca.day === daysInMonth(ca.year, ca.month);
  const lastB = cb.day === daysInMonth(cb.year, cb.month);
  if (ca.day === cb.day || (lastA && lastB)) return months;
  const secondsA = (la - da * MS_PER_DAY) / 1000 + ca.day * 86400;
  const secondsB = (lb - db * MS_PER_DAY) / 1000 + cb.day * 86400;
  const diff = months + (secondsA - secondsB) / (31 * 86400);
  return roundOff ? roundDecimalString(diff, 8, false) : diff;
}

export const monthsBetweenFunction: ScalarFunctionDefinition = {
  name: 'months_between',
  family: 'datetime',
  arity: [2, 3],
  doc: {
    usage: 'months_between(timestamp1, timestamp2[, roundOff])',
    description: 'Months from `timestamp2` to `timestamp1`: whole when both fall on the same day of the month or both on a month\'s last day, otherwise counting 31-day months; rounded to 8 digits unless `roundOff` is false.',
    examples: [{ sql: "months_between('1997-02-28 10:30:00', '1996-10-30')", result: 3.94959677 }],
  },
  bind: (call) => {
    const zone = zoneOf(call);
    const args = [timestampArg(call, 0), timestampArg(call, 1), ...(call.args[2] ? [call.args[2]] : [])];
    return rowFunction(call.outputName, new Float64(), args, (a, b, r) => (a === null || b === null || (args.length === 3 && r === null) ? null : monthsBetweenValue(a as number, b as number, (ms) => zone.offsetAt(ms), args.length === 3 ? (r as boolean) : true)), { nullSafe: true });
  },
};

export const lastDayFunction: ScalarFunctionDefinition = {
  name: 'last_day',
  family: 'datetime',
  arity: [1, 1],
  doc: { usage: 'last_day(date)', description: 'The last day of the date\'s month.', examples: [{ sql: "cast(last_day('2009-01-12') as string)", result: '2009-01-31' }] },
  bind: (call) => rowFunction(call.outputName, new DateDay(), [dateArg(call, 0)], (d) => {
    const c = civilFromDays(d as number);
    return daysFromCivil(c.year, c.month, daysInMonth(c.year, c.month));
  }),
};

const DAY_NAMES: readonly (readonly string[])[] = [['mo', 'mon', 'monday'], ['tu', 'tue', 'tuesday'], ['we', 'wed', 'wednesday'], ['th', 'thu', 'thursday'], ['fr', 'fri', 'friday'], ['sa', 'sat', 'saturday'], ['su', 'sun', 'sunday']];

export const nextDayFunction: ScalarFunctionDefinition = {
  name: 'next_day',
  family: 'datetime',
  arity: [2, 2],
  doc: { usage: 'next_day(start, dayOfWeek)', description: 'The first date after `start` on the named day (Mon, Tue …, two letters or the full name); null for an unknown day.', examples: [{ sql: "cast(next_day('2015-01-14', 'TU') as string)", result: '2015-01-20' }] },
  bind: (call) => rowFunction(call.outputName, new DateDay(), [dateArg(call, 0), argAs(call, 1, STRING())], (d, name) => {
    const wanted = DAY_NAMES.findIndex((names) => names.includes((name as string).trim().toLowerCase()));
    if (wanted < 0) return null;
    const today = isoDayOfWeek(d as number) - 1;
    return (d as number) + (((wanted - today + 6) % 7) + 1);
  }),
};

/** trunc(date, fmt) levels: year, quarter, month, week. */
function truncateDays(days: number, level: string): number | null {
  const c = civilFromDays(days);
  switch (level) {
    case 'year': case 'yyyy': case 'yy': return daysFromCivil(c.year, 1, 1);
    case 'quarter': return daysFromCivil(c.year, Math.floor((c.month - 1) / 3) * 3 + 1, 1);
    case 'month': case 'mon': case 'mm': return daysFromCivil(c.year, c.month, 1);
    case 'week': return days - (isoDayOfWeek(days) - 1);
  }
  return null;
}

export const truncFunction: ScalarFunctionDefinition = {
  name: 'trunc',
  family: 'datetime',
  arity: [2, 2],
  doc: { usage: 'trunc(date, fmt)', description: 'The date truncated to the year (YEAR, YYYY, YY), QUARTER, month (MONTH, MON, MM) or WEEK (Monday); null for another unit.', examples: [{ sql: "cast(trunc('2019-08-04', 'week') as string)", result: '2019-07-29' }, { sql: "cast(trunc('2009-02-12', 'MM') as string)", result: '2009-02-01' }] },
  bind: (call) => rowFunction(call.outputName, new DateDay(), [dateArg(call, 0), argAs(call, 1, STRING())], (d, f) => truncateDays(d as number, (f as string).toLowerCase())),
};

export const dateTruncFunction: ScalarFunctionDefinition = {
  name: 'date_trunc',
  family: 'datetime',
  arity: [2, 2],
  doc: {
    usage: 'date_trunc(fmt, timestamp)',
    description: 'The timestamp truncated in the session time zone to YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND or MILLISECOND (and their aliases); null for another unit.',
    examples: [{ sql: "cast(date_trunc('HOUR', '2015-03-05T09:32:05.359') as string)", result: '2015-03-05 09:00:00' }],
  },
  bind: (call) => {
    const zone = zoneOf(call);
    return rowFunction(call.outputName, new TimestampMillisecond(), [argAs(call, 0, STRING()), timestampArg(call, 1)], (f, ms) => {
      const level = (f as string).toLowerCase();
      const t = ms as number;
      const local = t + zone.offsetAt(t);
      const days = Math.floor(local / MS_PER_DAY);
      const time = local - days * MS_PER_DAY;
      const fixedUnit: Record<string, number> = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, microsecond: 1 };
      if (fixedUnit[level] !== undefined) return zone.toUtc(days * MS_PER_DAY + Math.floor(time / fixedUnit[level]!) * fixedUnit[level]!);
      const dayLevel = level === 'day' || level === 'dd' ? days : truncateDays(days, level);
      return dayLevel === null ? null : zone.toUtc(dayLevel * MS_PER_DAY);
    });
  },
};

export const makeDateFunction: ScalarFunctionDefinition = {
  name: 'make_date',
  family: 'datetime',
  arity: [3, 3],
  doc: { usage: 'make_date(year, month, day)', description: 'The date of the fields; null when they are not a date (non-ANSI).', examples: [{ sql: 'cast(make_date(2013, 7, 15) as string)', result: '2013-07-15' }, { sql: 'make_date(2019, 7, 32)', result: null }] },
  bind: (call) => rowFunction(call.outputName, new DateDay(), [0, 1, 2].map((i) => argAs(call, i, new Int32())), (y, m, d) => validDate(y as number, m as number, d as number)),
};

function validDate(y: number, m: number, d: number): number | null {
  if (m < 1 || m > 12 || d < 1 || y < -290000 || y > 290000 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

export const makeTimestampFunction: ScalarFunctionDefinition = {
  name: 'make_timestamp',
  family: 'datetime',
  arity: [6, 7],
  doc: {
    usage: 'make_timestamp(year, month, day, hour, min, sec[, timezone])',
    description: 'The timestamp of the fields (seconds may have a fraction; 60 rolls into the next minute when the fraction is 0) in `timezone` or the session zone; null when invalid.',
    examples: [{ sql: 'cast(make_timestamp(2014, 12, 28, 6, 30, 45.887D) as string)', result: '2014-12-28 06:30:45.887' }, { sql: 'cast(make_timestamp(2019, 6, 30, 23, 59, 60) as string)', result: '2019-07-01 00:00:00' }],
  },
  bind: (call) => {
    const args = [...[0, 1, 2, 3, 4].map((i) => argAs(call, i, new Int32())), argAs(call, 5, new Float64()), ...(call.args[6] ? [argAs(call, 6, STRING())] : [])];
    const session = zoneOf(call);
    return rowFunction(call.outputName, new TimestampMillisecond(), args, (y, mo, d, h, mi, s, tz) => {
      const days = validDate(y as number, mo as number, d as number);
      const sec = s as number;
      if (days === null || (h as number) > 23 || (h as number) < 0 || (mi as number) > 59 || (mi as number) < 0 || sec < 0 || sec > 60 || (sec >= 60 && sec !== 60)) return null;
      const zone = args.length === 7 ? zoneRules(tz as string) : session;
      if (!zone) return null;
      const local = days * MS_PER_DAY + ((h as number) * 60 + (mi as number)) * 60_000 + Math.round(sec * 1000);
      return zone.toUtc(local);
    });
  },
};

function utcShift(name: string, toUtc: boolean, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'datetime',
    arity: [2, 2],
    doc: {
      usage: `${name}(timestamp, timezone)`,
      description: toUtc ? 'Reads the timestamp\'s wall clock as a time in `timezone` and gives that instant (as if UTC).' : 'Renders the timestamp (as UTC) as wall-clock time in `timezone`.',
      examples: [example],
    },
    bind: (call: CallContext) => {
      const tzArg = argAs(call, 1, STRING());
      if (tzArg.constant && tzArg.constant.value !== null && !zoneRules(String(tzArg.constant.value))) call.fail(`unknown time zone '${String(tzArg.constant.value)}'`, 1, 'INVALID_QUERY');
      return rowFunction(call.outputName, new TimestampMillisecond(), [timestampArg(call, 0), tzArg], (ms, tz) => {
        const zone = zoneRules(tz as string);
        if (!zone) return null;
        const t = ms as number;
        return toUtc ? zone.toUtc(t) : t + zone.offsetAt(t);
      });
    },
  };
}

export const fromUtcTimestampFunction = utcShift('from_utc_timestamp', false, { sql: "cast(from_utc_timestamp('2016-08-31', 'Asia/Seoul') as string)", result: '2016-08-31 09:00:00' });
export const toUtcTimestampFunction = utcShift('to_utc_timestamp', true, { sql: "cast(to_utc_timestamp('2016-08-31', 'Asia/Seoul') as string)", result: '2016-08-30 15:00:00' });

function epochConstructor(name: string, unit: number, description: string, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'datetime',
    arity: [1, 1],
    doc: { usage: `${name}(n)`, description, examples: [example] },
    bind: (call) => rowFunction(call.outputName, new TimestampMillisecond(), [argAs(call, 0, new Float64())], (n) => Math.floor((n as number) * unit)),
  };
}

export const timestampSecondsFunction = epochConstructor('timestamp_seconds', 1000, 'The timestamp `n` seconds after the epoch (a fraction is kept to the millisecond).', { sql: "cast(timestamp_seconds(1230219000) as string)", result: '2008-12-25 15:30:00' });
export const timestampMillisFunction = epochConstructor('timestamp_millis', 1, 'The timestamp `n` milliseconds after the epoch.', { sql: "cast(timestamp_millis(1230219000123) as string)", result: '2008-12-25 15:30:00.123' });
export const timestampMicrosFunction = epochConstructor('timestamp_micros', 0.001, 'The timestamp `n` microseconds after the epoch (to the millisecond).', { sql: "cast(timestamp_micros(1230219000123123) as string)", result: '2008-12-25 15:30:00.123' });

export const unixSecondsFunction: ScalarFunctionDefinition = {
  name: 'unix_seconds',
  family: 'datetime',
  arity: [1, 1],
  doc: { usage: 'unix_seconds(timestamp)', description: 'Whole seconds since the epoch (rounded down).', examples: [{ sql: "unix_seconds(TIMESTAMP '1970-01-01 00:00:01Z')", result: 1n }] },
  bind: (call) => rowFunction(call.outputName, new Int64(), [timestampArg(call, 0)], (ms) => BigInt(Math.floor((ms as number) / 1000))),
};
export const unixMillisFunction: ScalarFunctionDefinition = {
  name: 'unix_millis',
  family: 'datetime',
  arity: [1, 1],
  doc: { usage: 'unix_millis(timestamp)', description: 'Milliseconds since the epoch.', examples: [{ sql: "unix_millis(TIMESTAMP '1970-01-01 00:00:01Z')", result: 1000n }] },
  bind: (call) => rowFunction(call.outputName, new Int64(), [timestampArg(call, 0)], (ms) => BigInt(ms as number)),
};
export const unixMicrosFunction: ScalarFunctionDefinition = {
  name: 'unix_micros',
  family: 'datetime',
  arity: [1, 1],
  doc: { usage: 'unix_micros(timestamp)', description: 'Microseconds since the epoch (Sluice timestamps are milliseconds, so the last three digits are 0).', examples: [{ sql: "unix_micros(TIMESTAMP '1970-01-01 00:00:01Z')", result: 1000000n }] },
  bind: (call) => rowFunction(call.outputName, new Int64(), [timestampArg(call, 0)], (ms) => BigInt(ms as number) * 1000n),
};
export const unixDateFunction: ScalarFunctionDefinition = {
  name: 'unix_date',
  family: 'datetime',
  arity: [1, 1],
  doc: { usage: 'unix_date(date)', description: 'Days since 1970-01-01.', examples: [{ sql: "unix_date(DATE '1970-01-02')", result: 1 }] },
  bind: (call) => rowFunction(call.outputName, new Int32(), [dateArg(call, 0)], (d) => d),
};
export const dateFromUnixDateFunction: ScalarFunctionDefinition = {
  name: 'date_from_unix_date',
  family: 'datetime',
  arity: [1, 1],
  doc: { usage: 'date_from_unix_date(days)', description: 'The date `days` days after 1970-01-01.', examples: [{ sql: 'date_from_unix_date(1)', result: 1 }] },
  bind: (call) => rowFunction(call.outputName, new DateDay(), [argAs(call, 0, new Int32())], (d) => d),
};

/**
 * Spark's `date_add(start, days)`: The date `days` days after `start`.
 *
 * @example
 * withColumn('dateAdd', dateAdd(col('ts'), 1))
 * // in SQL: cast(date_add('2016-07-30', 1) as string) → '2016-07-31'
 */
export function dateAdd(column: ColumnLike, days: number | Column): Column { return callColumn('date_add', colArg(column), litArg(days)); }
/**
 * Spark's `date_sub(start, days)`: The date `days` days before `start`.
 *
 * @example
 * withColumn('dateSub', dateSub(col('ts'), 1))
 * // in SQL: cast(date_sub('2016-07-30', 1) as string) → '2016-07-29'
 */
export function dateSub(column: ColumnLike, days: number | Column): Column { return callColumn('date_sub', colArg(column), litArg(days)); }
/**
 * Spark's `datediff(endDate, startDate)`: Days from `startDate` to `endDate`.
 *
 * @example
 * withColumn('days', datediff(col('end'), col('start')))
 * // in SQL: datediff('2009-07-31', '2009-07-30') → 1
 */
export function datediff(end: ColumnLike, start: ColumnLike): Column { return callColumn('datediff', colArg(end), colArg(start)); }
/**
 * Spark's `add_months(start, months)`: The date `months` months after `start`, the day clamped to the month's length.
 *
 * @example
 * withColumn('addMonths', addMonths(col('ts'), 1))
 * // in SQL: cast(add_months('2016-08-31', 1) as string) → '2016-09-30'
 */
export function addMonths(column: ColumnLike, months: number | Column): Column { return callColumn('add_months', colArg(column), litArg(months)); }
/**
 * Spark's `months_between(timestamp1, timestamp2[, roundOff])`: Months from `timestamp2` to `timestamp1`: whole when both fall on the same day of the month or both on a month's last day, otherwise counting 31-day months; rounded to 8 digits unless `roundOff` is false.
 *
 * @example
 * withColumn('months', monthsBetween(col('end'), col('start')))
 * // in SQL: months_between('1997-02-28 10:30:00', '1996-10-30') → 3.94959677
 */
export function monthsBetween(end: ColumnLike, start: ColumnLike, roundOff = true): Column { return callColumn('months_between', colArg(end), colArg(start), litArg(roundOff)); }
/**
 * Spark's `last_day(date)`: The last day of the date's month.
 *
 * @example
 * withColumn('lastDay', lastDay(col('ts')))
 * // in SQL: cast(last_day('2009-01-12') as string) → '2009-01-31'
 */
export function lastDay(column: ColumnLike): Column { return callColumn('last_day', colArg(column)); }
/**
 * Spark's `next_day(start, dayOfWeek)`: The first date after `start` on the named day (Mon, Tue …, two letters or the full name); null for an unknown day.
 *
 * @example
 * withColumn('nextDay', nextDay(col('ts'), 'TU'))
 * // in SQL: cast(next_day('2015-01-14', 'TU') as string) → '2015-01-20'
 */
export function nextDay(column: ColumnLike, dayOfWeek: string): Column { return callColumn('next_day', colArg(column), litArg(dayOfWeek)); }
/**
 * Spark's `trunc(date, fmt)`: The date truncated to the year (YEAR, YYYY, YY), QUARTER, month (MONTH, MON, MM) or WEEK (Monday); null for another unit.
 *
 * @example
 * withColumn('trunc', trunc(col('ts'), 'week'))
 * // in SQL: cast(trunc('2019-08-04', 'week') as string) → '2019-07-29'
 */
export function trunc(column: ColumnLike, format: string): Column { return callColumn('trunc', colArg(column), litArg(format)); }
/**
 * Spark's `date_trunc(fmt, timestamp)`: The timestamp truncated in the session time zone to YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND or MILLISECOND (and their aliases); null for another unit.
 *
 * @example
 * withColumn('hour', dateTrunc('HOUR', col('ts')))
 * // in SQL: cast(date_trunc('HOUR', '2015-03-05T09:32:05.359') as string) → '2015-03-05 09:00:00'
 */
export function dateTrunc(format: string, column: ColumnLike): Column { return callColumn('date_trunc', litArg(format), colArg(column)); }
/**
 * Spark's `from_utc_timestamp(timestamp, timezone)`: Renders the timestamp (as UTC) as wall-clock time in `timezone`.
 *
 * @example
 * withColumn('fromUtcTimestamp', fromUtcTimestamp(col('ts'), 'Asia/Seoul'))
 * // in SQL: cast(from_utc_timestamp('2016-08-31', 'Asia/Seoul') as string) → '2016-08-31 09:00:00'
 */
export function fromUtcTimestamp(column: ColumnLike, timeZone: string): Column { return callColumn('from_utc_timestamp', colArg(column), litArg(timeZone)); }
/**
 * Spark's `to_utc_timestamp(timestamp, timezone)`: Reads the timestamp's wall clock as a time in `timezone` and gives that instant (as if UTC).
 *
 * @example
 * withColumn('toUtcTimestamp', toUtcTimestamp(col('ts'), 'Asia/Seoul'))
 * // in SQL: cast(to_utc_timestamp('2016-08-31', 'Asia/Seoul') as string) → '2016-08-30 15:00:00'
 */
export function toUtcTimestamp(column: ColumnLike, timeZone: string): Column { return callColumn('to_utc_timestamp', colArg(column), litArg(timeZone)); }
