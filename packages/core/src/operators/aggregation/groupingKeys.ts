import { DataType, type RecordBatch } from 'apache-arrow';
import type { OperatorContext } from '../../builders/plan.ts';
import { cellsOf, type Cells } from '../cells.ts';
import type { BoundExpression } from '../expression.ts';
import type { WindowSpec } from '../window.ts';

/** One grouping key of `groupBy`: a plain expression, or a time window over one. */
export interface BoundKey {
  readonly window: WindowSpec | null;
  readonly bound: BoundExpression;
}

/**
 * The grouping keys of every row of a batch: `visit(row, values)` is called once per group the
 * row belongs to — once, or once per sliding window that holds its event time (none when the
 * time of a window key is null). `values` is
 * reused between calls: copy it to keep it.
 */
export function forEachGroupingKey(keys: readonly BoundKey[], batch: RecordBatch, context: OperatorContext, visit: (row: number, values: unknown[]) => void): void {
  const cells: Cells[] = keys.map((k) => cellsOf(k.bound.evaluate(batch, context)));
  const values = new Array<unknown>(keys.length);
  const n = keys.length;
  if (keys.every((k) => !k.window)) {
    // No window: one group per row, read straight off the columns.
    for (let row = 0; row < batch.numRows; row++) {
      for (let k = 0; k < n; k++) {
        const c = cells[k]!;
        values[k] = c.valid && !c.valid[row] ? null : c.values[row];
      }
      visit(row, values);
    }
    return;
  }
  const expand = (row: number, k: number): void => {
    if (k === n) {
      visit(row, values);
      return;
    }
    const c = cells[k]!;
    const value = c.valid && !c.valid[row] ? null : c.values[row];
    const window = keys[k]!.window;
    // A row whose time is null is in no window: Spark's TimeWindowing filters it out.
    if (window && value === null) return;
    if (window) {
      for (const start of window.startsOf(eventTimeOf(value))) {
        values[k] = { start, end: start + window.sizeMs };
        expand(row, k + 1);
      }
    } else {
      values[k] = value;
      expand(row, k + 1);
    }
  };
  for (let row = 0; row < batch.numRows; row++) expand(row, 0);
}

/** Whether key `k` carries event time for a watermark on `watermarked` columns: a window over one, or a timestamp one. */
export function isEventTimeKey(key: BoundKey, watermarked: ReadonlySet<string>): boolean {
  return watermarked.has(key.window?.column ?? key.bound.name) && (key.window !== null || DataType.isTimestamp(key.bound.type));
}

/** The end of a group's event time: its window's end, or the timestamp itself; null for a null key. */
export function eventEndOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : (value as { end: number }).end;
}

/**
 * The event time of a value windowed again: a timestamp as is; a window struct (a window
 * aggregation's output) by its window_time, end − 1 ms, so [10 s, 15 s) falls in [10 s, 20 s).
 */
function eventTimeOf(value: unknown): number {
  return typeof value === 'number' ? value : (value as { end: number }).end - 1;
}
