import { Field, Schema, Struct, TimestampMillisecond } from 'apache-arrow';
import type { PlanStep } from '../builders/plan.ts';
import type { Operator, StreamFrame } from '../builders/streamFrame.ts';
import { eventTimeColumns } from '../builders/eventTime.ts';
import { Aggregate, aggregateKind } from './aggregates.ts';
import { aggregateBatch, type BoundAggregate } from './aggregation/aggregateBatch.ts';
import { isEventTimeKey, type BoundKey } from './aggregation/groupingKeys.ts';
import { aggregateExpressions, windowCallKey, type AggregateItem } from '../sql/aggregation.ts';
import { col, describeExpression, type ColumnLike } from './column.ts';
import { bindExpression } from './expression.ts';
import { WindowSpec } from './window.ts';
import { SessionWindowSpec } from './sessionWindow.ts';
import { sessionAggregateOperator } from './aggregation/sessionAggregation.ts';

type Key = ColumnLike | WindowSpec | SessionWindowSpec;

/**
 * Group rows and aggregate them across the whole stream (Spark's `groupBy(...).agg(...)`). The
 * groups live in the state store, one key per group, so a batch reads and writes only the groups
 * its rows touch. Output per the query's mode: `complete` — every group each batch; `update` —
 * the groups this batch changed; `append` — each window once, when the watermark passes its end.
 * With a watermark on the grouping time column (append and update modes), rows for windows the
 * watermark already closed are dropped and closed windows are forgotten; in complete mode
 * nothing is dropped or forgotten, as in Spark.
 *
 * @example
 * events.pipe(
 *   withWatermark('timestamp', '1 minute'),
 *   groupBy(window('timestamp', '10 seconds'), 'user').agg(count().alias('events'), sum('amount')),
 * )
 */
export function groupBy(...given: readonly Key[]): { agg(...aggregates: readonly AggregateItem[]): Operator } {
  // `expr("session_window(ts, '10 seconds')")` and `expr("window(ts, '1 minute')")` as Spark takes them.
  const keys = given.map(windowCallKey);
  return {
    // Expressions over aggregates (`sum(a) / count()`, SQL strings) are planned around this operator.
    agg: (...aggregates) =>
      aggregates.every((a) => a instanceof Aggregate)
        ? (frame) => (keys.some((k) => k instanceof SessionWindowSpec) ? sessionAggregateOperator(frame, keys as (ColumnLike | SessionWindowSpec)[], aggregates as Aggregate[]) : aggregateOperator(frame, keys as (ColumnLike | WindowSpec)[], aggregates as Aggregate[]))
        : aggregateExpressions(keys, aggregates),
  };
}

const WINDOW_TYPE = new Struct([new Field('start', new TimestampMillisecond(), true), new Field('end', new TimestampMillisecond(), true)]);

function aggregateOperator(frame: StreamFrame, keys: readonly (ColumnLike | WindowSpec)[], aggregates: readonly Aggregate[]): StreamFrame {
  const schema = frame.schema;
  const eventTimes = eventTimeColumns(frame.node);
  const watermarked = new Set(eventTimes.keys());
  const boundKeys: BoundKey[] = keys.map((k) =>
    k instanceof WindowSpec ? { window: k, bound: bindExpression(col(k.column).node, schema) } : { window: null, bound: bindExpression((typeof k === 'string' ? col(k) : k).node, schema) },
  );
  const boundAggs: BoundAggregate[] = aggregates.map((a) => {
    const bound = a.input ? bindExpression(a.input.node, schema) : null;
    const label = `${a.fn}(${a.input ? describeExpression(a.input.node) : '*'})`;
    return { bound, kind: aggregateKind(a.fn, bound?.type ?? null, label, a.options), name: a.name ?? (a.fn === 'count' && !a.input ? 'count' : label) };
  });
  // The key that carries event time: a window over, or the value of, a watermarked column.
  const eventKey = boundKeys.findIndex((k) => isEventTimeKey(k, watermarked));
  const keyFields = boundKeys.map((k) => new Field(k.window ? 'window' : k.bound.name, k.window ? WINDOW_TYPE : k.bound.type, true));
  const outSchema = new Schema([...keyFields, ...boundAggs.map((a) => new Field(a.name, a.kind.resultType, true))]);
  // State: one key per group. With event time, the key starts with the group's window end, in
  // an ordered key space, so evicting what the watermark closed reads only the closed groups.
  const stateKey = new Schema(eventKey >= 0 ? [new Field('eventTimeEnd', new TimestampMillisecond(), true), ...keyFields] : keyFields);
  const stateValue = new Schema(boundAggs.flatMap((a) => a.kind.stateFields));
  // The event time the output carries on (Spark keeps the watermark on the grouped time column),
  // so an aggregation after this one can be windowed and finalized by it (append mode).
  const eventKeyName = eventKey >= 0 ? keyFields[eventKey]!.name : null;
  const sourceColumn = eventKey >= 0 ? (boundKeys[eventKey]!.window?.column ?? boundKeys[eventKey]!.bound.name) : null;
  const step: PlanStep = {
    name: `StateStoreSave Aggregate [${keys.map(String).join(', ')}] [${boundAggs.map((a) => a.name).join(', ')}]`,
    schema: outSchema,
    stateful: {
      operatorName: 'stateStoreSave',
      kind: 'aggregate',
      stateSchema: { keySpaces: [{ name: 'default', key: stateKey, value: stateValue, ordered: eventKey >= 0 }] },
      aggregates: true,
      eventTimeKey: eventKey >= 0,
    },
    eventTimeColumns: new Map(eventKeyName !== null ? [[eventKeyName, eventTimes.get(sourceColumn!) ?? 0]] : []),
    apply: (table, context) => aggregateBatch({ step, keys: boundKeys, aggregates: boundAggs, eventKey, outSchema }, table, context),
  };
  return frame.withStep(step);
}
