import { SluiceError } from '../errors.ts';
import { parseDuration } from '../options/units.ts';

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
  const start = parseDuration(startTime, 'ms');
  if (!size || !slide || start === undefined) {
    throw new SluiceError('INVALID_OPTION', `window(${column}, ${JSON.stringify(windowDuration)}, ${JSON.stringify(slideDuration)}) needs positive durations such as "10 minutes".`);
  }
  if (slide > size) throw new SluiceError('INVALID_OPTION', `window slide (${slide} ms) must not exceed its size (${size} ms).`);
  return new WindowSpec(column, size, slide, start % slide);
}
