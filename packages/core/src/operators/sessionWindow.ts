import { SluiceError } from '../errors.ts';
import { parseDuration } from '../options/units.ts';
import { intervalToMs, parseInterval, type Interval } from '../time/interval.ts';
import { Column } from './column.ts';

/**
 * A session window as a grouping key (Spark's `session_window(col, gapDuration)`): built by
 * {@link sessionWindow}, taken by `groupBy`.
 *
 * @example
 * groupBy(sessionWindow('ts', '10 minutes'), 'user') // a SessionWindowSpec key and a plain one
 */
export class SessionWindowSpec {
  constructor(
    /** The event-time column. */
    readonly column: string,
    /** A fixed gap in ms, or a column whose value per row is the gap (an interval or an interval string). */
    readonly gap: number | Column,
    /** The output column's name (Spark's default `session_window`). */
    readonly name: string = 'session_window',
  ) {}

  /** The same session window under another output name (Spark's `session_window(...).as("session")`). */
  alias(name: string): SessionWindowSpec {
    return new SessionWindowSpec(this.column, this.gap, name);
  }

  /** Same as {@link SessionWindowSpec.alias}. */
  as(name: string): SessionWindowSpec {
    return this.alias(name);
  }

  toString(): string {
    return `session_window(${this.column}, ${typeof this.gap === 'number' ? `${this.gap} ms` : String(this.gap)})`;
  }
}

/**
 * Group by sessions of activity (Spark's `session_window`): each row opens the window
 * [event time, event time + gap); windows of the same key that overlap or touch merge into one
 * session, across batches. The gap is fixed (`'10 minutes'`) or per row (a column giving an
 * interval or an interval string; rows whose gap is not positive are left out, as in Spark).
 * The key column is `session_window: struct<start, end>`. Append mode emits a session once the
 * watermark passes its end; complete mode every session each batch; update mode is refused, as
 * Spark refuses it (a session can still merge with another).
 *
 * @example
 * clicks.pipe(withWatermark('ts', '30 minutes'), groupBy(sessionWindow('ts', '10 minutes').as('session'), 'user').agg(count()))
 */
export function sessionWindow(column: string, gapDuration: string | number | Column): SessionWindowSpec {
  if (gapDuration instanceof Column) return new SessionWindowSpec(column, gapDuration);
  const gap = parseDuration(gapDuration, 'ms');
  if (!gap) throw new SluiceError('INVALID_OPTION', `session_window(${column}, ${JSON.stringify(gapDuration)}) needs a positive gap duration such as "10 minutes".`);
  return new SessionWindowSpec(column, gap);
}

/** A per-row gap as milliseconds (null when it is null or not an interval). */
export function gapOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    try {
      return intervalToMs(parseInterval(value)) ?? null;
    } catch {
      return null;
    }
  }
  if (typeof value === 'object' && 'micros' in (value as object)) return intervalToMs(value as Interval) ?? null;
  if (ArrayBuffer.isView(value) && (value as Int32Array).length >= 3) {
    // Arrow's MonthDayNano: months, days, nanoseconds (as two 32-bit halves).
    const v = value as Int32Array;
    if (v[0] !== 0) return null;
    const nanos = v.length >= 4 ? Number((BigInt(v[3]!) << 32n) | BigInt(v[2]! >>> 0)) : v[2]!;
    return v[1]! * 86_400_000 + nanos / 1e6;
  }
  return null;
}
