import { DataType, Field, Schema, Struct, TimestampMillisecond, type RecordBatch } from 'apache-arrow';
import { tableFromRows } from '../arrow/tables.ts';
import type { OperatorContext, PlanStep } from '../builders/plan.ts';
import type { Operator, StreamFrame } from '../builders/streamFrame.ts';
import { planSteps } from '../builders/plan.ts';
import { Aggregate, aggregateKind, type Accumulator, type AggregateKind } from './aggregates.ts';
import { aggregateExpressions, type AggregateItem } from '../sql/aggregation.ts';
import { cellsOf, type Cells } from './cells.ts';
import { col, describeExpression, type ColumnLike } from './column.ts';
import { bindExpression, type BoundExpression } from './expression.ts';
import { WindowSpec } from './window.ts';
import { decodeState, encodeState } from './stateCodec.ts';

type Key = ColumnLike | WindowSpec;

interface Group {
  readonly key: unknown[];
  acc: Accumulator[];
  /** End of the group's event-time window (or its event time), when the plan has a watermark. */
  readonly eventEnd: number | null;
}

/**
 * Group rows and aggregate them across the whole stream (Spark's `groupBy(...).agg(...)`). The
 * groups are state, versioned in the checkpoint with every batch. Output per the query's mode:
 * `complete` — every group each batch; `update` — the groups this batch changed; `append` —
 * each window once, when the watermark passes its end. With a watermark on the window column,
 * rows older than the watermark are dropped and finished windows are forgotten.
 *
 * @example
 * events.pipe(
 *   withWatermark('timestamp', '1 minute'),
 *   groupBy(window('timestamp', '10 seconds'), 'user').agg(count().alias('events'), sum('amount')),
 * )
 */
export function groupBy(...keys: readonly Key[]): { agg(...aggregates: readonly AggregateItem[]): Operator } {
  return {
    // Expressions over aggregates (`sum(a) / count()`, SQL strings) are planned around this operator.
    agg: (...aggregates) =>
      aggregates.every((a) => a instanceof Aggregate) ? (frame) => aggregateOperator(frame, keys, aggregates as Aggregate[]) : aggregateExpressions(keys, aggregates),
  };
}

function aggregateOperator(frame: StreamFrame, keys: readonly Key[], aggregates: readonly Aggregate[]): StreamFrame {
  const schema = frame.schema;
  const watermarked = new Set(planSteps(frame.node).flatMap((s) => (s.watermark ? [s.watermark.column] : [])));
  const boundKeys = keys.map((k) => (k instanceof WindowSpec ? { window: k, bound: bindExpression(col(k.column).node, schema) } : { window: null, bound: bindExpression((typeof k === 'string' ? col(k) : k).node, schema) }));
  const boundAggs = aggregates.map((a) => {
    const bound: BoundExpression | null = a.input ? bindExpression(a.input.node, schema) : null;
    const label = `${a.fn}(${a.input ? describeExpression(a.input.node) : '*'})`;
    return { bound, kind: aggregateKind(a.fn, bound?.type ?? null, label), name: a.name ?? (a.fn === 'count' && !a.input ? 'count' : label) };
  });
  // The key that carries event time: a window over, or the value of, a watermarked column.
  const eventKey = boundKeys.findIndex((k) => watermarked.has(k.window?.column ?? k.bound.name) && (k.window !== null || DataType.isTimestamp(k.bound.type)));
  const windowType = new Struct([new Field('start', new TimestampMillisecond(), true), new Field('end', new TimestampMillisecond(), true)]);
  const outSchema = new Schema([
    ...boundKeys.map((k) => new Field(k.window ? 'window' : k.bound.name, k.window ? windowType : k.bound.type, true)),
    ...boundAggs.map((a) => new Field(a.name, a.kind.resultType, true)),
  ]);
  const step: PlanStep = {
    name: `StateStoreSave Aggregate [${keys.map(String).join(', ')}] [${boundAggs.map((a) => a.name).join(', ')}]`,
    schema: outSchema,
    stateful: { operatorName: 'stateStoreSave', aggregates: true, eventTimeKey: eventKey >= 0 },
    apply: (table, context) => {
      const groups = new Map<string, Group>();
      for (const [k, g] of (decodeState(context.readState(step)) as [string, Group][] | undefined) ?? []) groups.set(k, g);
      const updated = new Set<string>();
      let dropped = 0;
      for (const batch of table.batches) dropped += fold(batch, context, groups, updated);
      const out: Record<string, unknown>[] = [];
      let removed = 0;
      for (const [k, group] of groups) {
        const closed = group.eventEnd !== null && group.eventEnd <= context.watermarkMs;
        const emit = context.outputMode === 'complete' || (context.outputMode === 'update' ? updated.has(k) : closed);
        if (emit) out.push(resultRow(group));
        // Complete mode keeps every group forever (as in Spark); otherwise a closed window is done.
        if (closed && context.outputMode !== 'complete') {
          groups.delete(k);
          removed++;
        }
      }
      const state = encodeState([...groups]);
      context.writeState(step, state, {
        numRowsTotal: groups.size,
        numRowsUpdated: updated.size,
        numRowsRemoved: removed,
        numRowsDroppedByWatermark: dropped,
        memoryUsedBytes: JSON.stringify(state).length,
      });
      return tableFromRows(outSchema, out);
    },
  };
  return frame.withStep(step);

  /** Fold one batch into the groups; returns how many rows were too late. */
  function fold(batch: RecordBatch, context: OperatorContext, groups: Map<string, Group>, updated: Set<string>): number {
    const keyCells: Cells[] = boundKeys.map((k) => cellsOf(k.bound.evaluate(batch, context)));
    const aggCells: (Cells | null)[] = boundAggs.map((a) => (a.bound ? cellsOf(a.bound.evaluate(batch, context)) : null));
    const kinds: AggregateKind[] = boundAggs.map((a) => a.kind);
    let dropped = 0;
    for (let i = 0; i < batch.numRows; i++) {
      let combos: unknown[][] = [[]];
      for (const [k, key] of boundKeys.entries()) {
        const cells = keyCells[k]!;
        const value = cells.valid && !cells.valid[i] ? null : cells.values[i];
        if (key.window && value !== null) {
          const size = key.window.sizeMs;
          const starts = key.window.startsOf(value as number);
          combos = combos.flatMap((c) => starts.map((s) => [...c, { start: s, end: s + size }]));
        } else combos = combos.map((c) => [...c, value]);
      }
      let late = false;
      for (const combo of combos) {
        const end = eventEndOf(combo);
        // Spark: a row for a window the watermark already closed is dropped as late.
        if (end !== null && context.watermarkMs > 0 && end <= context.watermarkMs) {
          late = true;
          continue;
        }
        const id = encodeKey(combo);
        let group = groups.get(id);
        if (!group) {
          group = { key: combo, acc: kinds.map((kind) => kind.init()), eventEnd: end };
          groups.set(id, group);
        }
        for (const [a, kind] of kinds.entries()) {
          const cells = aggCells[a] ?? null;
          const value = cells === null ? 1 : cells.valid && !cells.valid[i] ? null : cells.values[i];
          group.acc[a] = kind.add(group.acc[a]!, value);
        }
        updated.add(id);
      }
      if (late) dropped++;
    }
    return dropped;
  }

  /** The end of the row's event-time window (or its event time), or null without a watermark. */
  function eventEndOf(combo: readonly unknown[]): number | null {
    if (eventKey < 0) return null;
    const v = combo[eventKey] as { end: number } | number | null;
    return v === null ? null : typeof v === 'number' ? v : v.end;
  }

  function resultRow(group: Group): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    outSchema.fields.forEach((field, i) => {
      row[field.name] = i < boundKeys.length ? group.key[i] : boundAggs[i - boundKeys.length]!.kind.result(group.acc[i - boundKeys.length]!);
    });
    return row;
  }
}

function encodeKey(values: readonly unknown[]): string {
  return JSON.stringify(values, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
