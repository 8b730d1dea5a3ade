import { Int32, type DataType } from 'apache-arrow';
import { decimalArrowType } from '../../decimal/decimalType.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import { numericVector } from '../../expressions/kernels/numbers.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { civilFromDays, dayOfYear, daysFromCivil, isoDayOfWeek, MS_PER_DAY } from '../../time/civil.ts';
import type { ZoneRules } from '../../time/timeZone.ts';
import { constantArg } from '../arguments.ts';
import { callColumn, colArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { dateArg, readNumbers, timestampArg, zoneOf } from './datetimeArguments.ts';

const civil = { year: 0, month: 0, day: 0 };

/** ISO week number of a day number (weeks start Monday; week 1 holds the first Thursday). */
export function isoWeek(days: number): number {
  const thursday = days - isoDayOfWeek(days) + 4;
  const year = civilFromDays(thursday).year;
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

/** The ISO week-numbering year of a day number. */
export function isoWeekYear(days: number): number {
  return civilFromDays(days - isoDayOfWeek(days) + 4).year;
}

/** A field of a date, computed per day number into an int column. */
function dateField(name: string, field: (days: number) => number, description: string, example: { sql: string; result: unknown }, aliases: readonly string[] = []): ScalarFunctionDefinition {
  return {
    name,
    aliases,
    family: 'datetime',
    arity: [1, 1],
    doc: { usage: `${name}(date)`, description, examples: [example] },
    bind: (call) => intColumn(call.outputName, dateArg(call, 0), field),
  };
}

function intColumn(name: string, arg: BoundExpression, field: (value: number) => number): BoundExpression {
  return {
    name,
    type: new Int32(),
    evaluate: (batch, context) => {
      const { values, validity } = readNumbers(arg, batch, context);
      const n = values.length;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = field(values[i]!);
      return numericVector(new Int32(), out, validity);
    },
  };
}

/** A field of a timestamp's local time in the session zone. */
function timeField(name: string, field: (localMs: number) => number, description: string, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'datetime',
    arity: [1, 1],
    doc: { usage: `${name}(timestamp)`, description, examples: [example] },
    bind: (call) => {
      const zone = zoneOf(call);
      const fixed = zone.fixed;
      return intColumn(call.outputName, timestampArg(call, 0), fixed !== null ? (ms) => field(ms + fixed) : (ms) => field(ms + zone.offsetAt(ms)));
    },
  };
}

const msOfDay = (local: number): number => local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY;

export const yearFunction = dateField('year', (d) => civilFromDays(d, civil).year, 'The year of a date.', { sql: "year('2016-07-30')", result: 2016 });
export const quarterFunction = dateField('quarter', (d) => Math.floor((civilFromDays(d, civil).month - 1) / 3) + 1, 'The quarter of the year, 1 to 4.', { sql: "quarter('2016-08-31')", result: 3 });
export const monthFunction = dateField('month', (d) => civilFromDays(d, civil).month, 'The month, 1 to 12.', { sql: "month('2016-07-30')", result: 7 });
export const dayFunction = dateField('day', (d) => civilFromDays(d, civil).day, 'The day of the month.', { sql: "day('2009-07-30')", result: 30 }, ['dayofmonth']);
export const dayOfWeekFunction = dateField('dayofweek', (d) => (isoDayOfWeek(d) % 7) + 1, 'The day of the week, 1 = Sunday … 7 = Saturday.', { sql: "dayofweek('2009-07-30')", result: 5 });
export const weekdayFunction = dateField('weekday', (d) => isoDayOfWeek(d) - 1, 'The day of the week, 0 = Monday … 6 = Sunday.', { sql: "weekday('2009-07-30')", result: 3 });
export const dayOfYearFunction = dateField('dayofyear', (d) => {
  const c = civilFromDays(d, civil);
  return dayOfYear(c.year, c.month, c.day);
}, 'The day of the year, from 1.', { sql: "dayofyear('2016-04-09')", result: 100 });
export const weekOfYearFunction = dateField('weekofyear', isoWeek, 'The ISO week of the year (weeks start on Monday; week 1 has more than 3 days).', { sql: "weekofyear('2008-02-20')", result: 8 });

export const hourFunction = timeField('hour', (l) => Math.floor(msOfDay(l) / 3_600_000), 'The hour of a timestamp in the session time zone.', { sql: "hour('2009-07-30 12:58:59')", result: 12 });
export const minuteFunction = timeField('minute', (l) => Math.floor(msOfDay(l) / 60_000) % 60, 'The minute of a timestamp.', { sql: "minute('2009-07-30 12:58:59')", result: 58 });
export const secondFunction = timeField('second', (l) => Math.floor(msOfDay(l) / 1000) % 60, 'The second of a timestamp.', { sql: "second('2009-07-30 12:58:59')", result: 59 });

/** EXTRACT / date_part field names (Spark's aliases). */
const FIELD_ALIASES: Readonly<Record<string, string>> = {
  year: 'year', y: 'year', years: 'year', yr: 'year', yrs: 'year', yearofweek: 'yearofweek',
  quarter: 'quarter', qtr: 'quarter', month: 'month', mon: 'month', mons: 'month', months: 'month',
  week: 'week', w: 'week', weeks: 'week', day: 'day', d: 'day', days: 'day', dayofweek: 'dayofweek', dow: 'dayofweek',
  dayofweek_iso: 'dayofweek_iso', dow_iso: 'dayofweek_iso', doy: 'doy', hour: 'hour', h: 'hour', hours: 'hour', hr: 'hour', hrs: 'hour',
  minute: 'minute', m: 'minute', min: 'minute', mins: 'minute', minutes: 'minute', second: 'second', s: 'second', sec: 'second', seconds: 'second', secs: 'second',
};

function extractField(field: string, zone: ZoneRules): { type: DataType; fn: (ms: number) => unknown } {
  const local = (ms: number) => ms + zone.offsetAt(ms);
  const days = (ms: number) => Math.floor(local(ms) / MS_PER_DAY);
  switch (field) {
    case 'year': return { type: new Int32(), fn: (ms) => civilFromDays(days(ms)).year };
    case 'yearofweek': return { type: new Int32(), fn: (ms) => isoWeekYear(days(ms)) };
    case 'quarter': return { type: new Int32(), fn: (ms) => Math.floor((civilFromDays(days(ms)).month - 1) / 3) + 1 };
    case 'month': return { type: new Int32(), fn: (ms) => civilFromDays(days(ms)).month };
    case 'week': return { type: new Int32(), fn: (ms) => isoWeek(days(ms)) };
    case 'day': return { type: new Int32(), fn: (ms) => civilFromDays(days(ms)).day };
    case 'dayofweek': return { type: new Int32(), fn: (ms) => (isoDayOfWeek(days(ms)) % 7) + 1 };
    case 'dayofweek_iso': return { type: new Int32(), fn: (ms) => isoDayOfWeek(days(ms)) };
    case 'doy': return { type: new Int32(), fn: (ms) => {
      const c = civilFromDays(days(ms));
      return dayOfYear(c.year, c.month, c.day);
    } };
    case 'hour': return { type: new Int32(), fn: (ms) => Math.floor(msOfDay(local(ms)) / 3_600_000) };
    case 'minute': return { type: new Int32(), fn: (ms) => Math.floor(msOfDay(local(ms)) / 60_000) % 60 };
    // Spark: seconds with their fraction, DECIMAL(8,6).
    default: return { type: decimalArrowType({ precision: 8, scale: 6 }), fn: (ms) => BigInt(msOfDay(local(ms)) % 60_000) * 1000n };
  }
}

export const datePartFunction: ScalarFunctionDefinition = {
  name: 'date_part',
  aliases: ['datepart'],
  family: 'datetime',
  arity: [2, 2],
  doc: {
    usage: "date_part(field, source) | EXTRACT(field FROM source)",
    description: 'A field of a date or timestamp: YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DAYOFWEEK_ISO, DOY, HOUR, MINUTE, SECOND (with its fraction, as DECIMAL(8,6)) and their abbreviations.',
    examples: [{ sql: "extract(YEAR FROM TIMESTAMP '2019-08-12 01:00:00.123456')", result: 2019 }, { sql: "date_part('week', TIMESTAMP '2019-08-12 01:00:00.123456')", result: 33 }],
  },
  bind: (call: CallContext) => {
    const name = String(constantArg(call, 0, 'the field')).toLowerCase();
    const field = FIELD_ALIASES[name];
    if (!field) call.fail(`unknown field '${name}'; use YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFWEEK, DOY, HOUR, MINUTE or SECOND`, 0, 'INVALID_QUERY');
    const source = timestampArg(call, 1);
    const { type, fn } = extractField(field!, zoneOf(call));
    return rowFunction(call.outputName, type, [source], (ms) => fn(ms as number));
  },
};

/**
 * Spark's `year(date)`: The year of a date.
 *
 * @example
 * withColumn('year', year(col('ts')))
 * // in SQL: year('2016-07-30') → 2016
 */
export function year(column: ColumnLike): Column { return callColumn('year', colArg(column)); }
/**
 * Spark's `quarter(date)`: The quarter of the year, 1 to 4.
 *
 * @example
 * withColumn('quarter', quarter(col('ts')))
 * // in SQL: quarter('2016-08-31') → 3
 */
export function quarter(column: ColumnLike): Column { return callColumn('quarter', colArg(column)); }
/**
 * Spark's `month(date)`: The month, 1 to 12.
 *
 * @example
 * withColumn('month', month(col('ts')))
 * // in SQL: month('2016-07-30') → 7
 */
export function month(column: ColumnLike): Column { return callColumn('month', colArg(column)); }
/**
 * Spark's `day(date)`: The day of the month.
 *
 * @example
 * withColumn('day', dayofmonth(col('ts')))
 * // in SQL: day('2009-07-30') → 30
 */
export function dayofmonth(column: ColumnLike): Column { return callColumn('dayofmonth', colArg(column)); }
/**
 * Spark's `dayofweek(date)`: The day of the week, 1 = Sunday … 7 = Saturday.
 *
 * @example
 * withColumn('dayofweek', dayofweek(col('ts')))
 * // in SQL: dayofweek('2009-07-30') → 5
 */
export function dayofweek(column: ColumnLike): Column { return callColumn('dayofweek', colArg(column)); }
/**
 * Spark's `dayofyear(date)`: The day of the year, from 1.
 *
 * @example
 * withColumn('dayofyear', dayofyear(col('ts')))
 * // in SQL: dayofyear('2016-04-09') → 100
 */
export function dayofyear(column: ColumnLike): Column { return callColumn('dayofyear', colArg(column)); }
/**
 * Spark's `weekofyear(date)`: The ISO week of the year (weeks start on Monday; week 1 has more than 3 days).
 *
 * @example
 * withColumn('weekofyear', weekofyear(col('ts')))
 * // in SQL: weekofyear('2008-02-20') → 8
 */
export function weekofyear(column: ColumnLike): Column { return callColumn('weekofyear', colArg(column)); }
/**
 * Spark's `hour(timestamp)`: The hour of a timestamp in the session time zone.
 *
 * @example
 * withColumn('hour', hour(col('ts')))
 * // in SQL: hour('2009-07-30 12:58:59') → 12
 */
export function hour(column: ColumnLike): Column { return callColumn('hour', colArg(column)); }
/**
 * Spark's `minute(timestamp)`: The minute of a timestamp.
 *
 * @example
 * withColumn('minute', minute(col('ts')))
 * // in SQL: minute('2009-07-30 12:58:59') → 58
 */
export function minute(column: ColumnLike): Column { return callColumn('minute', colArg(column)); }
/**
 * Spark's `second(timestamp)`: The second of a timestamp.
 *
 * @example
 * withColumn('second', second(col('ts')))
 * // in SQL: second('2009-07-30 12:58:59') → 59
 */
export function second(column: ColumnLike): Column { return callColumn('second', colArg(column)); }
