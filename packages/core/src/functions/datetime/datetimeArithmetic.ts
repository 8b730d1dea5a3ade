import { DateDay, TimestampMillisecond, type DataType } from 'apache-arrow';
import type { ArithmeticFn } from '../../expressions/arithmetic.ts';
import { constantExpression, type BoundExpression } from '../../expressions/bound.ts';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { numbersOf, numericVector } from '../../expressions/kernels/numbers.ts';
import type { BindScope } from '../../expressions/scope.ts';
import { isDateType, isIntegralType, isIntervalType, isNullType, isTimestampType } from '../../expressions/types.ts';
import { civilFromDays, daysFromCivil, daysInMonth, MS_PER_DAY } from '../../time/civil.ts';
import { negateInterval, type Interval } from '../../time/interval.ts';
import { requireZone, type ZoneRules } from '../../time/timeZone.ts';

/**
 * `+`/`-` with a datetime side: `date ± int` (days, Spark's date_add/date_sub), `timestamp ±
 * INTERVAL`, `date ± INTERVAL` (a date while the interval has no time part). Undefined for
 * combinations Spark would type differently (the caller reports them).
 */
export function datetimeArithmetic(fn: ArithmeticFn, left: BoundExpression, right: BoundExpression, name: string, scope: BindScope): BoundExpression | undefined {
  if (fn !== '+' && fn !== '-') return undefined;
  const zone = requireZone(scope.timeZone);
  const [base, other] = isDateType(left.type) || isTimestampType(left.type) ? [left, right] : fn === '+' ? [right, left] : [undefined, undefined];
  if (!base || !other) return undefined;
  const sign = fn === '-' ? -1 : 1;
  if (isNullType(other.type)) return constantExpression(name, base.type, null);
  if (isDateType(base.type) && isIntegralType(other.type)) return addDays(name, base, other, sign);
  if (isIntervalType(other.type) && other.constant) {
    const raw = other.constant.value as Interval | null;
    if (raw === null) return constantExpression(name, base.type, null);
    const interval = sign < 0 ? negateInterval(raw) : raw;
    if (isDateType(base.type) && interval.micros === 0) {
      return mapColumn(name, base, new DateDay(), (days) => addMonthsToDays(days, interval.months) + interval.days);
    }
    const toMs = isDateType(base.type) ? (days: number) => zone.toUtc(days * MS_PER_DAY) : (ms: number) => ms;
    return mapColumn(name, base, new TimestampMillisecond(), (v) => addInterval(toMs(v), interval, zone));
  }
  return undefined;
}

/** A day number moved by whole months, the day clamped to the new month's length (Spark's add_months). */
export function addMonthsToDays(days: number, months: number): number {
  if (months === 0) return days;
  const c = civilFromDays(days);
  const total = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return daysFromCivil(year, month, Math.min(c.day, daysInMonth(year, month)));
}

/** Spark's `timestampAddInterval`: months and days on the local calendar of `zone`, then the time part. */
export function addInterval(ms: number, interval: Interval, zone: ZoneRules): number {
  let result = ms;
  if (interval.months !== 0 || interval.days !== 0) {
    const local = ms + zone.offsetAt(ms);
    const days = Math.floor(local / MS_PER_DAY);
    const time = local - days * MS_PER_DAY;
    result = zone.toUtc((addMonthsToDays(days, interval.months) + interval.days) * MS_PER_DAY + time);
  }
  return result + Math.trunc(interval.micros / 1000);
}

function addDays(name: string, date: BoundExpression, days: BoundExpression, sign: number): BoundExpression {
  return {
    name,
    type: new DateDay(),
    evaluate: (batch, context) => {
      const d = date.evaluate(batch, context).data[0]!;
      const n = d.length;
      const a = numbersOf(d).values;
      const out = new Int32Array(n);
      if (days.constant) {
        const k = Number(days.constant.value);
        for (let i = 0; i < n; i++) out[i] = a[i]! + sign * k;
        return numericVector(new DateDay(), out, validityOf(d));
      }
      const e = days.evaluate(batch, context).data[0]!;
      const b = numbersOf(e).values;
      for (let i = 0; i < n; i++) out[i] = a[i]! + sign * b[i]!;
      const va = validityOf(d);
      const vb = validityOf(e);
      return numericVector(new DateDay(), out, va === null ? vb : vb === null ? va : va.map((x, k) => x & vb[k]!));
    },
  };
}

/** Map a date (days) or timestamp (ms) column value by value into `type`. */
function mapColumn(name: string, input: BoundExpression, type: DataType, fn: (v: number) => number): BoundExpression {
  return {
    name,
    type,
    evaluate: (batch, context) => {
      const data = input.evaluate(batch, context).data[0]!;
      const values = numbersOf(data).values;
      const n = data.length;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = fn(values[i]!);
      return numericVector(type, isDateType(type) ? Int32Array.from(out) : out, validityOf(data));
    },
  };
}
