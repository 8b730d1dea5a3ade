import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { tableFromRows } from '../../arrow/tables.ts';
import type { OperatorContext, PlanStep } from '../../builders/plan.ts';
import type { RowCodec } from '../../state/codec/rowCodec.ts';
import { fromLatin1 } from '../../state/latin1.ts';
import type { OperatorState } from '../../state/operatorState.ts';
import type { Accumulator, AggregateKind } from '../aggregates.ts';
import { cellsOf, type Cells } from '../cells.ts';
import type { BoundExpression } from '../expression.ts';
import { eventEndOf, forEachGroupingKey, type BoundKey } from './groupingKeys.ts';
import { isLate, upToWatermark } from '../stateful/eventTimeRange.ts';

export interface BoundAggregate {
  readonly bound: BoundExpression | null;
  readonly kind: AggregateKind;
  readonly name: string;
}

/** What `groupBy(...).agg(...)` bound at definition time. */
export interface AggregationPlan {
  readonly step: PlanStep;
  readonly keys: readonly BoundKey[];
  readonly aggregates: readonly BoundAggregate[];
  /** Index of the event-time key (its window end leads the state key), or -1. */
  readonly eventKey: number;
  readonly outSchema: Schema;
}

interface Group {
  readonly values: unknown[];
  readonly rows: number[];
}

/**
 * One batch of a streaming aggregation on the state store: group the batch's rows, read those
 * groups' accumulators (one batched read per partition), fold the rows in, write them back;
 * then evict what the watermark closed (a range scan over the event-time-ordered keys, touching
 * only closed groups) and produce the output mode's rows.
 */
export async function aggregateBatch(plan: AggregationPlan, table: Table, context: OperatorContext): Promise<Table> {
  const state = context.state(plan.step);
  const { key: keyCodec, value: valueCodec } = state.codecs('default');
  const complete = context.outputMode === 'complete';
  const evicts = plan.eventKey >= 0 && !complete;
  const updated = new Map<string, Record<string, unknown>>();
  let dropped = 0;

  const updateStarted = context.now();
  for (const batch of table.batches) dropped += await foldBatch(plan, batch, context, state, keyCodec, valueCodec, evicts, updated);
  const updatesMs = context.now() - updateStarted;

  const out: Record<string, unknown>[] = context.outputMode === 'update' ? [...updated.values()] : [];
  const removalStarted = context.now();
  if (evicts) await evictClosed(plan, context.watermarkMs, state, keyCodec, valueCodec, context.outputMode === 'append' ? out : null);
  const removalsMs = context.now() - removalStarted;
  if (complete) {
    for (let p = 0; p < state.numPartitions; p++) {
      for await (const chunk of state.store(p).space('default').scan()) for (const e of chunk) out.push(resultRow(plan, keyCodec.decode(e.key), valueCodec.decode(e.value)));
    }
  }
  context.reportState(plan.step, { numRowsDroppedByWatermark: dropped, allUpdatesTimeMs: updatesMs, allRemovalsTimeMs: removalsMs });
  return tableFromRows(plan.outSchema, out);
}

/**
 * Fold one record batch into the state; returns how many rows were too late. Groups are keyed
 * by their state key as a latin1 string (`RowCodec.encodeLatin1`): the in-memory store takes
 * and gives those as they are (`getManyLatin1`/`putLatin1`), so a group costs no array of its
 * own; other stores get the bytes.
 */
async function foldBatch(
  plan: AggregationPlan, batch: RecordBatch, context: OperatorContext, state: OperatorState, keyCodec: RowCodec, valueCodec: RowCodec,
  dropsLate: boolean, updated: Map<string, Record<string, unknown>>,
): Promise<number> {
  const watermark = context.lateEventsWatermarkMs;
  const { eventKey, aggregates } = plan;
  const groups = new Map<string, Group>();
  const late = new Set<string>();
  forEachGroupingKey(plan.keys, batch, context, (row, values) => {
    const end = eventKey >= 0 ? eventEndOf(values[eventKey]) : null;
    const id = keyCodec.encodeLatin1(eventKey >= 0 ? [end, ...values] : values);
    // Spark: in append and update modes, a row for a window the watermark already closed (as of
    // the previous batch) is late and dropped. Spark counts late rows after its partial
    // aggregation, so once per group.
    if (dropsLate && isLate(end, watermark)) {
      late.add(id);
      return;
    }
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { values: values.slice(), rows: [] }));
    group.rows.push(row);
  });
  const dropped = late.size;
  if (groups.size === 0) return dropped;

  const inputs: (Cells | null)[] = aggregates.map((a) => (a.bound ? cellsOf(a.bound.evaluate(batch, context)) : null));
  const ids = [...groups.keys()];
  const fold = (id: string, previous: unknown[] | null): unknown[] => {
    const group = groups.get(id)!;
    const accs = previous ? fromState(aggregates, previous) : aggregates.map((a) => a.kind.init());
    for (const row of group.rows) {
      for (let a = 0; a < aggregates.length; a++) {
        const cells = inputs[a]!;
        const value = cells === null ? 1 : cells.valid && !cells.valid[row] ? null : cells.values[row];
        accs[a] = aggregates[a]!.kind.add(accs[a]!, value);
      }
    }
    updated.delete(id);
    updated.set(id, resultOf(plan, group.values, accs));
    return toState(aggregates, accs);
  };
  for (const part of splitLatin1(state, ids)) {
    const space = state.store(part.partition).space('default');
    if (space.getManyLatin1 && space.putLatin1) {
      const old = space.getManyLatin1(part.ids);
      for (let j = 0; j < part.ids.length; j++) {
        const id = part.ids[j]!;
        const previous = old[j];
        space.putLatin1(id, valueCodec.encodeLatin1(fold(id, previous === undefined ? null : valueCodec.decodeLatin1(previous))));
      }
    } else {
      const keys = part.ids.map(fromLatin1);
      const old = await space.getMany(keys);
      for (let j = 0; j < keys.length; j++) {
        const previous = old[j];
        space.put(keys[j]!, valueCodec.encode(fold(part.ids[j]!, previous === undefined ? null : valueCodec.decode(previous))));
      }
    }
  }
  return dropped;
}

/** Keys (latin1) grouped by partition, in their order. */
function splitLatin1(state: OperatorState, ids: readonly string[]): { partition: number; ids: string[] }[] {
  if (state.numPartitions === 1) return [{ partition: 0, ids: ids as string[] }];
  const parts = new Map<number, string[]>();
  for (const id of ids) {
    const p = state.partitionOfLatin1(id);
    let list = parts.get(p);
    if (!list) parts.set(p, (list = []));
    list.push(id);
  }
  return [...parts].map(([partition, list]) => ({ partition, ids: list }));
}

/** Remove every group whose event time the watermark passed; in append mode they are the output. */
async function evictClosed(plan: AggregationPlan, watermark: number, state: OperatorState, keyCodec: RowCodec, valueCodec: RowCodec, out: Record<string, unknown>[] | null): Promise<void> {
  // Keys lead with the window end: [first non-null end, just above the watermark) are the closed groups.
  const range = upToWatermark(keyCodec, watermark);
  for (let p = 0; p < state.numPartitions; p++) {
    const space = state.store(p).space('default');
    for await (const chunk of space.scan(range)) {
      for (const entry of chunk) {
        if (out) out.push(resultRow(plan, keyCodec.decode(entry.key), valueCodec.decode(entry.value)));
        space.delete(entry.key);
      }
    }
  }
}

function fromState(aggregates: readonly BoundAggregate[], row: readonly unknown[]): Accumulator[] {
  let at = 0;
  return aggregates.map((a) => {
    const acc = a.kind.fromState(row, at);
    at += a.kind.stateFields.length;
    return acc;
  });
}

function toState(aggregates: readonly BoundAggregate[], accs: readonly Accumulator[]): unknown[] {
  const out: unknown[] = [];
  aggregates.forEach((a, i) => a.kind.toState(accs[i]!, out));
  return out;
}

function resultOf(plan: AggregationPlan, keyValues: readonly unknown[], accs: readonly Accumulator[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const fields = plan.outSchema.fields;
  const k = plan.keys.length;
  for (let i = 0; i < k; i++) row[fields[i]!.name] = keyValues[i];
  plan.aggregates.forEach((a, i) => (row[fields[k + i]!.name] = a.kind.result(accs[i]!)));
  return row;
}

/** An output row from a stored group (its key without the leading event-time column). */
function resultRow(plan: AggregationPlan, key: readonly unknown[], value: readonly unknown[]): Record<string, unknown> {
  return resultOf(plan, plan.eventKey >= 0 ? key.slice(1) : key, fromState(plan.aggregates, value));
}
