import { expressionError } from '../expressions/errors.ts';
import type { ExprNode } from '../expressions/node.ts';
import type { StreamFrame } from '../builders/streamFrame.ts';
import { mapChildren, windowKeyOf } from '../sql/aggregation.ts';
import { bindNode } from '../expressions/bind.ts';
import type { BindScope } from '../expressions/scope.ts';
import type { BoundGenerator } from '../functions/registry.ts';
import { WINDOW_STRUCT } from '../functions/datetime/window.ts';
import { fromRowValues, rowValues } from '../expressions/kernels/rows.ts';
import { filter } from './filter.ts';
import { col, Column } from './column.ts';

type CallNode = Extract<ExprNode, { op: 'call' }>;

/** The `window(...)` / `session_window(...)` calls among a projection's items, however deep. */
export function windowCallsIn(nodes: readonly ExprNode[]): CallNode[] {
  const found: CallNode[] = [];
  const visit = (node: ExprNode): ExprNode => {
    if (node.op === 'call' && ['window', 'session_window'].includes(node.name.toLowerCase())) found.push(node);
    return mapChildren(node, visit);
  };
  nodes.forEach(visit);
  return found;
}

/**
 * What Spark's TimeWindowing rule does around a projection of `window(ts, …)`: at most one window
 * expression (several would multiply rows), and rows whose `ts` is null are dropped first — a null
 * time is in no window (and, for `session_window`, rows whose gap is not a positive duration).
 */
export function beforeWindowProjection(frame: StreamFrame, nodes: readonly ExprNode[]): StreamFrame {
  const calls = windowCallsIn(nodes);
  if (calls.length === 0) return frame;
  if (calls.length > 1) {
    throw expressionError('INVALID_QUERY', 'Multiple time/session window expressions would result in a cartesian product of rows, therefore they are currently not supported.', calls[1]!.span);
  }
  const call = calls[0]!;
  // A session window is dropped with its row when the time is null or the gap is not positive (null).
  if (call.name.toLowerCase() === 'session_window') return frame.pipe(filter(new Column(call).isNotNull()));
  const time = call.args[0];
  if (time?.op !== 'col') return frame;
  return frame.pipe(filter(col(time.name).isNotNull()));
}

/**
 * A sliding `window(ts, size, slide)` as a projection item: Spark expands each row into one row
 * per window holding its time (its Expand), which is a generator here. Null when `node` is not a
 * sliding window call.
 */
export function slidingWindowGenerator(node: ExprNode, scope: BindScope): BoundGenerator | null {
  if (node.op !== 'call' || node.name.toLowerCase() !== 'window') return null;
  const spec = windowKeyOf(node);
  if (spec.slideMs === spec.sizeMs) return null;
  const time = bindNode(node.args[0]!, scope);
  const type = WINDOW_STRUCT();
  return {
    fields: [{ name: 'window', type }],
    generate: (batch, context) => {
      const times = rowValues(time.evaluate(batch, context));
      const rowOf: number[] = [];
      const windows: unknown[] = [];
      times.forEach((t, row) => {
        if (t === null || t === undefined) return;
        const ms = t instanceof Date ? t.getTime() : Number(t);
        for (const start of spec.startsOf(ms)) {
          rowOf.push(row);
          windows.push({ start, end: start + spec.sizeMs });
        }
      });
      return { rowOf: Int32Array.from(rowOf), columns: [fromRowValues(type, windows)] };
    },
  };
}
