import { SluiceError } from '../errors.ts';
import { IntervalError, intervalOf, intervalUnit, MICROS_PER_DAY, parseDayTime, parseInterval, parseYearMonth, type Interval } from './interval.ts';

/**
 * An interval written as a string the way Spark's `IntervalUtils.fromIntervalString` reads one
 * (what `withWatermark` takes): the multi-unit form (`'10 seconds'`, `'1 day 2 hours'`,
 * `'2 years 5 months'`, `'interval 1 year -13 months'`) or a quoted ANSI literal
 * (`interval '1 2:3:4' day to second`, `interval '1-2' year to month`, `interval '10' second`,
 * `INTERVAL '1 day 2 hours'`). Built on `time/interval.ts`, the one interval parser. Throws
 * INVALID_OPTION naming the text.
 *
 * @example
 * fromIntervalString("interval '1 2:3:4' day to second") // { months: 0, days: 1, micros: 7_384_000_000 }
 */
export function fromIntervalString(text: string): Interval {
  try {
    const interval = readIntervalString(text);
    // CalendarInterval holds months and days as 32-bit ints: Spark refuses more ("integer overflow").
    if (Math.abs(interval.months) > 2_147_483_647 || Math.abs(interval.days) > 2_147_483_647) throw new IntervalError('integer overflow');
    return interval;
  } catch (error) {
    if (!(error instanceof IntervalError)) throw error;
    throw new SluiceError(
      'INVALID_OPTION',
      `Cannot parse the interval ${JSON.stringify(text)}: ${error.message}. Use e.g. '10 seconds', '1 day 2 hours', '2 years 5 months' or interval '1 2:03:04' day to second.`,
    );
  }
}

function readIntervalString(text: string): Interval {
  const body = text.trim().replace(/^interval\b\s*/i, '');
  // Spark's multi-unit literal with each value quoted: interval '1' day '2' hours '3' minutes.
  const units = [...body.matchAll(/\s*(['"])([^'"]*)\1\s+([a-z]+)/giy)];
  if (units.length > 1 && units.reduce((n, m) => n + m[0].length, 0) === body.length) {
    return parseInterval(units.map((m) => `${m[2]!.trim()} ${m[3]}`).join(' '));
  }
  const quoted = /^(['"])(.*)\1\s*(.*)$/s.exec(body);
  if (!quoted) return parseInterval(withWholeUnits(body));
  const inner = quoted[2]!;
  const qualifier = quoted[3]!.trim().toLowerCase().replace(/\s+/g, ' ');
  if (qualifier === '') return parseInterval(inner);
  const range = /^([a-z]+)(?: to ([a-z]+))?$/.exec(qualifier);
  const from = range ? intervalUnit(range[1]!) : undefined;
  const to = range?.[2] === undefined ? from : intervalUnit(range[2]);
  if (!from || !to) throw new IntervalError(`'${quoted[3]}' is not an interval qualifier such as DAY TO SECOND or YEAR TO MONTH`);
  if (from === 'year' && to === 'month') return parseYearMonth(inner);
  if (from === to) {
    const sign = /^\s*-/.test(inner) ? -1 : 1;
    const value = intervalOf(inner.replace(/^\s*[+-]/, ''), from);
    return sign < 0 ? { months: -value.months, days: -value.days, micros: -value.micros } : value;
  }
  return parseDayTime(inner, from, to);
}

/**
 * Spark's `stringToInterval` takes a fraction only in seconds (`1.5 seconds`): `1.5 days` or
 * `1. hour` is refused ("'days' cannot have fractional part"), where a SQL literal may round it.
 */
function withWholeUnits(body: string): string {
  for (const m of body.matchAll(/([+-]?\s*\d*\.\d*)\s+([a-z]+)/gi)) {
    if (!/^seconds?$/i.test(m[2]!)) throw new IntervalError(`'${m[2]!.toLowerCase()}' cannot have fractional part`);
  }
  return body;
}

/**
 * One length in milliseconds for an interval that may hold months, counting a month as
 * `daysPerMonth` days: Spark's rule for watermark delays (`EventTimeWatermark.getDelayMs`, 31).
 */
export function toMs(interval: Interval, daysPerMonth = 31): number {
  return (interval.months * daysPerMonth + interval.days) * (MICROS_PER_DAY / 1000) + interval.micros / 1000;
}

/** Spark's `IntervalUtils.isNegative`: shorter than nothing once a month counts 31 days. */
export function isNegativeInterval(interval: Interval): boolean {
  return toMs(interval) < 0;
}
