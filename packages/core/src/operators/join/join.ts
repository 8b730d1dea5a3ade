import { DataType, type Schema } from 'apache-arrow';
import { eventTimeColumns } from '../../builders/eventTime.ts';
import type { PlanStep } from '../../builders/plan.ts';
import { StreamFrame, type Operator } from '../../builders/streamFrame.ts';
import { SluiceError } from '../../errors.ts';
import { nameParts, type ExprNode } from '../../expressions/node.ts';
import { Column } from '../column.ts';
import { stateValueWatermark } from './condition.ts';
import { bindJoin, type BoundJoin } from './joinSpec.ts';
import { parseJoinType, SPARK_JOIN_NAME, type JoinHow, type JoinType } from './joinType.ts';
import { isStaticSide, type StaticSide } from './staticSide.ts';
import { StaticJoin } from './staticJoin.ts';
import { joinStateSchema, streamJoinBatch, type SideEviction, type StreamJoinPlan } from './streamStreamJoin.ts';


/** What a join matches on: USING column names (each once in the output), or a condition. */
export type JoinOn = string | readonly string[] | Column;

/**
 * Join this stream with `right` (Spark's `df.join(right, on, how)`).
 *
 * - `right` a **StreamFrame**: a stream–stream join (Spark's symmetric hash join). Both sides'
 *   rows are buffered in the state store, so a row meets every row of the other side that came
 *   before or comes after it. Watermarks bound the state: with a watermarked column among the
 *   join keys (an event time, a `window`), or a time-range condition between the two sides'
 *   watermarked times (`lt BETWEEN rt - interval 5 seconds AND rt + interval 5 seconds`), rows
 *   that can no longer match leave the state, and for outer joins the unmatched ones are emitted
 *   then, with nulls on the other side. Inner joins need no watermark (state then grows without
 *   bound); `left_outer`, `right_outer`, `full_outer` and `left_semi` need one (Spark's rule).
 *   Append output mode only.
 * - `right` a **StaticSide** (`staticTable`, a file directory, a Delta table, a PostgreSQL
 *   query): a stream–static join; each micro-batch probes the static rows, read again when their
 *   version changes. `inner`, `left_outer`, `left_semi`, `left_anti`.
 *
 * `on` is a column name or a list of them present on both sides (an equi-join; each appears once,
 * first, in the output), or a condition as a Column or `expr('…')` over both sides' columns,
 * whose names must then not clash (the output holds the left columns, then the right ones).
 *
 * @example
 * impressions.pipe(withWatermark('impressionTime', '2 hours'))
 *   .pipe(join(clicks.pipe(withWatermark('clickTime', '3 hours')),
 *     expr('clickAdId = impressionAdId AND clickTime BETWEEN impressionTime AND impressionTime + interval 1 hour'), 'left_outer'))
 */
export function join(right: StreamFrame | StaticSide, on: JoinOn, how: JoinHow | string = 'inner'): Operator {
  const type = parseJoinType(how);
  const condition: readonly string[] | ExprNode = typeof on === 'string' ? [on] : on instanceof Column ? on.node : (on as readonly string[]);
  return (left) => (isStaticSide(right) ? staticJoin(left, right, condition, type) : streamJoin(left, right, condition, type));
}

function staticJoin(left: StreamFrame, right: StaticSide, on: readonly string[] | ExprNode, type: JoinType): StreamFrame {
  if (type === 'right_outer') throw new SluiceError('UNSUPPORTED_JOIN', 'RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right not supported: every static row would wait forever for its match. Use left_outer with the stream on the left, or inner.');
  if (type === 'full_outer') throw new SluiceError('UNSUPPORTED_JOIN', 'FullOuter joins with streaming DataFrames/Datasets on the left and a static DataFrame/Dataset on the right is not supported: unmatched static rows could never be emitted. Use left_outer or inner.');
  const bound = bindJoin(left.schema, right.schema, on, type);
  const executor = new StaticJoin(bound, right);
  const step: PlanStep = {
    name: `BroadcastHashJoin ${bound.describe}, ${SPARK_JOIN_NAME[type]}, static ${right.description}`,
    schema: bound.schema,
    apply: (table, context) => executor.apply(table, context),
  };
  return left.withStep(step);
}

/** The top-level watermarked timestamp (or window) column of a side, Spark's `findEventTimeColumn`. */
function eventTimeOf(frame: StreamFrame): { index: number; struct: boolean } | null {
  const marked = eventTimeColumns(frame.node);
  const index = frame.schema.fields.findIndex((f) => marked.has(f.name));
  if (index < 0) return null;
  return { index, struct: DataType.isStruct(frame.schema.fields[index]!.type) };
}

function timestampNames(schema: Schema): Set<string> {
  return new Set(schema.fields.filter((f) => DataType.isTimestamp(f.type)).map((f) => f.name.toLowerCase()));
}

function streamJoin(left: StreamFrame, right: StreamFrame, on: readonly string[] | ExprNode, type: JoinType): StreamFrame {
  if (type === 'left_anti') throw new SluiceError('UNSUPPORTED_JOIN', 'LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported: a left row can never be known to have no match. Use left_outer with a watermark and keep the rows whose right columns are null.');
  const bound = bindJoin(left.schema, right.schema, on, type);
  if (bound.left.keys.length === 0) {
    throw new SluiceError('UNSUPPORTED_JOIN', 'Stream-stream join without equality predicate is not supported: every row would have to meet every buffered row of the other side. Add an equality between the two sides to the condition (e.g. expr(\'leftKey = rightKey AND …\')).');
  }
  const marks = { left: eventTimeColumns(left.node), right: eventTimeColumns(right.node) };
  const lowerMarks = { left: new Set([...marks.left.keys()].map((n) => n.toLowerCase())), right: new Set([...marks.right.keys()].map((n) => n.toLowerCase())) };

  // A watermarked column among the join keys (on either side) evicts by key, on both sides.
  const keyNodes = { left: keyColumnNames(bound, on, 'left'), right: keyColumnNames(bound, on, 'right') };
  let keyTime: StreamJoinPlan['keyTime'] = null;
  for (const side of ['left', 'right'] as const) {
    if (keyTime) break;
    keyNodes[side].forEach((name, ordinal) => {
      if (keyTime || name === null || !lowerMarks[side].has(name)) return;
      const field = bound[side].schema.fields.find((f) => f.name.toLowerCase() === name)!;
      keyTime = { ordinal, struct: DataType.isStruct(field.type) };
    });
  }
  const times = { left: eventTimeOf(left), right: eventTimeOf(right) };
  const names = { left: new Set(left.schema.fields.map((f) => f.name.toLowerCase())), right: new Set(right.schema.fields.map((f) => f.name.toLowerCase())) };
  const valueWatermark = (side: 'left' | 'right', watermarkMs: number) =>
    stateValueWatermark(bound.condition, timestampNames(bound[side].schema), lowerMarks[side === 'left' ? 'right' : 'left'], names[side === 'left' ? 'right' : 'left'], watermarkMs);
  const evictionOf = (side: 'left' | 'right'): SideEviction => {
    if (keyTime) return { kind: 'key' };
    const time = times[side];
    if (time === null || time.struct) return null;
    if (valueWatermark(side, 1_000_000) === undefined) return null;
    return { kind: 'value', column: time.index, watermark: (w) => valueWatermark(side, w) };
  };
  const eviction = { left: evictionOf('left'), right: evictionOf('right') };

  // Spark's checkForStreamStreamJoinWatermark.
  if (type !== 'inner' && !keyTime) {
    const valid =
      type === 'left_outer' || type === 'left_semi' ? valueWatermark('left', 1_000_000) !== undefined
      : type === 'right_outer' ? valueWatermark('right', 1_000_000) !== undefined
      : valueWatermark('left', 1_000_000) !== undefined || valueWatermark('right', 1_000_000) !== undefined;
    if (!valid) {
      throw new SluiceError(
        'UNSUPPORTED_JOIN',
        `Stream-stream ${SPARK_JOIN_NAME[type]} join between two streaming DataFrame/Datasets is not supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate range condition: the state would grow forever and unmatched rows never come out. Add withWatermark(...) on both sides and join on a watermarked column (e.g. a window), or add a time-range condition such as expr('leftTime BETWEEN rightTime - interval 5 minutes AND rightTime + interval 5 minutes').`,
      );
    }
  }
  const describeEviction = (e: SideEviction) => (e === null ? 'none' : e.kind === 'key' ? 'key predicate' : 'value predicate');
  const step: PlanStep = {
    name: `StreamingSymmetricHashJoin ${bound.describe}, ${SPARK_JOIN_NAME[type]}, state cleanup [ left ${describeEviction(eviction.left)}, right ${describeEviction(eviction.right)} ]`,
    schema: bound.schema,
    stateful: {
      operatorName: 'symmetricHashJoin',
      kind: 'streamingJoin',
      stateSchema: joinStateSchema(bound, keyTime, eviction),
      aggregates: false,
      eventTimeKey: eviction.left !== null || eviction.right !== null,
    },
    // Spark's produceOutputWatermark: the lowest state watermark of the sides (a side bounded by a
    // time-range condition keeps rows, and may emit them, down to it), else the input's.
    ...(eviction.left?.kind === 'value' || eviction.right?.kind === 'value'
      ? {
          outputWatermark: (w: number) => {
            const sides = [eviction.left, eviction.right].map((e) => (e === null ? undefined : e.kind === 'key' ? w : e.watermark(w))).filter((v): v is number => v !== undefined);
            return sides.length === 0 ? w : Math.min(...sides);
          },
        }
      : {}),
    apply: () => {
      throw new Error('a stream–stream join step runs through applyJoin');
    },
    applyJoin: (l, r, context) => streamJoinBatch(plan, l, r, context),
  };
  const plan: StreamJoinPlan = { step, join: bound, lateColumn: times, eviction, keyTime };
  return new StreamFrame({ kind: 'join', step, inputs: [left.node, right.node], schema: bound.schema });
}

/** Per key ordinal: the lower-case column name when that side's key is a plain column, else null. */
function keyColumnNames(bound: BoundJoin, on: readonly string[] | ExprNode, side: 'left' | 'right'): (string | null)[] {
  if (Array.isArray(on)) return (on as readonly string[]).map((n) => n.toLowerCase());
  return bound[side].keys.map((k) => {
    const parts = nameParts(k.name);
    const field = bound[side].schema.fields.find((f) => f.name.toLowerCase() === k.name.toLowerCase() || f.name.toLowerCase() === parts[0]!.toLowerCase());
    return field && field.name.toLowerCase() === k.name.toLowerCase() ? field.name.toLowerCase() : null;
  });
}


