import { SluiceError } from '../errors.ts';
import { parseDuration } from '../options/units.ts';
import { intervalToMs, parseInterval } from '../time/interval.ts';

/**
 * A time window as a grouping key (Spark's `window(col, size, slide, startTime)`).
 *
 * @example
 * groupBy(window('ts', '10 minutes', '5 minutes')) // a WindowSpec key: sliding windows of 10 minutes every 5
 */
export class WindowSpec {
  constructor(
    readonly column: string,
    readonly sizeMs: number,
    readonly slideMs: number,
    readonly startMs: number,
  ) {}

  /** Starts of the windows that hold event time `t` (one for tumbling windows, size/slide for sliding ones). */
  startsOf(t: number): number[] {
    const last = t - (((t - this.startMs) % this.slideMs) + this.slideMs) % this.slideMs;
    const starts: number[] = [];
    for (let s = last; s > t - this.sizeMs; s -= this.slideMs) starts.push(s);
    return starts.reverse();
  }

  toString(): string {
    return `window(${this.column}, ${this.sizeMs} ms${this.slideMs !== this.sizeMs ? `, ${this.slideMs} ms` : ''})`;
  }
}

/**
 * Group by event-time windows: tumbling (`window('ts', '10 minutes')`) or sliding
 * (`window('ts', '10 minutes', '5 minutes')`). The key column is `window: struct<start, end>`.
 *
 * @example
 * clicks.pipe(withWatermark('ts', '1 minute'), groupBy(window('ts', '5 minutes'), 'page').agg(count()))
 */
export function window(column: string, windowDuration: string | number, slideDuration?: string | number, startTime: string | number = 0): WindowSpec {
  const size = parseDuration(windowDuration, 'ms');
  const slide = slideDuration === undefined ? size : parseDuration(slideDuration, 'ms');
  const start = signedDurationMs(startTime);
  if (!size || !slide || start === undefined) {
    throw new SluiceError('INVALID_OPTION', `window(${column}, ${JSON.stringify(windowDuration)}, ${JSON.stringify(slideDuration)}, ${JSON.stringify(startTime)}) needs positive durations such as "10 minutes" (the start time may be negative).`);
  }
  // Spark's TimeWindow checks, in its words (its durations are microseconds).
  if (slide > size) throw new SluiceError('INVALID_OPTION', `The slide duration (${slide * 1000}) must be less than or equal to the windowDuration (${size * 1000}).`);
  if (Math.abs(start) >= slide) throw new SluiceError('INVALID_OPTION', `The absolute value of start time (${start * 1000}) must be less than the slideDuration (${slide * 1000}).`);
  return new WindowSpec(column, size, slide, start);
}

/** A window's start time: a duration that may be negative (Spark's `'-5 seconds'`, SPARK-21590). */
function signedDurationMs(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  const text = raw.trim();
  const negative = /^-/.test(text) && !/^-\s*$/.test(text);
  const ms = parseDuration(negative ? text.replace(/^-\s*/, '') : text, 'ms');
  if (ms !== undefined) return negative ? -ms : ms;
  try {
    // compound spellings such as '1 minute -30 seconds'
    const total = intervalToMs(parseInterval(text.toLowerCase().replace(/^interval\s+/, ''), { short: true }));
    return total === undefined ? undefined : Math.round(total);
  } catch {
    return undefined;
  }
}
