import type { RecordBatch, Schema, Table } from 'apache-arrow';
import { tableFromValueRows } from '../../arrow/tables.ts';
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
  // Output rows (values in `outSchema` order) by group id; update mode emits the groups the batch changed, in the order of their last update.
  const updated = new Map<string, unknown[]>();
  let dropped = 0;

  const updateStarted = context.now();
  for (const batch of table.batches) dropped += await foldBatch(plan, batch, context, state, keyCodec, valueCodec, evicts, updated, table.batches.length > 1);
  // Spark: an aggregation without grouping keys has its one group in every batch, rows or not
  // (count over a batch whose rows were all filtered out is 0, not no row).
  if (plan.keys.length === 0 && updated.size === 0) await foldBatch(plan, null, context, state, keyCodec, valueCodec, evicts, updated, false);
  const updatesMs = context.now() - updateStarted;

  const out: unknown[][] = context.outputMode === 'update' ? [...updated.values()] : [];
  const removalStarted = context.now();
  if (evicts) await evictClosed(plan, context.watermarkMs, state, keyCodec, valueCodec, context.outputMode === 'append' ? out : null);
  const removalsMs = context.now() - removalStarted;
  if (complete) {
    for (let p = 0; p < state.numPartitions; p++) {
      for await (const chunk of state.store(p).space('default').scan()) for (const e of chunk) out.push(resultRow(plan, keyCodec.decode(e.key), valueCodec.decode(e.value)));
    }
  }
  context.reportState(plan.step, { numRowsDroppedByWatermark: dropped, allUpdatesTimeMs: updatesMs, allRemovalsTimeMs: removalsMs });
  return tableFromValueRows(plan.outSchema, out);
}

/**
 * Fold one record batch into the state; returns how many rows were too late. Groups are keyed
 * by their state key as a latin1 string (`RowCodec.encodeLatin1`): the in-memory store takes
 * and gives those as they are (`getManyLatin1`/`putLatin1`), so a group costs no array of its
 * own; other stores get the bytes. A group's rows are a chain of entries, not an array per
 * group: group g's run from `first[g]` along `next` (-1 ends), each naming its row (under
 * sliding windows a row is in several groups). `reorder`: a group may be in `updated` from an
 * earlier record batch already, and then moves to the end.
 */
async function foldBatch(
  plan: AggregationPlan, batch: RecordBatch | null, context: OperatorContext, state: OperatorState, keyCodec: RowCodec, valueCodec: RowCodec,
  dropsLate: boolean, updated: Map<string, unknown[]>, reorder: boolean,
): Promise<number> {
  const watermark = context.lateEventsWatermarkMs;
  const { eventKey, aggregates } = plan;
  const index = new Map<string, number>();
  const ids: string[] = [];
  const keyValues: unknown[][] = [];
  const first: number[] = [];
  const last: number[] = [];
  const entryRow: number[] = [];
  const next: number[] = [];
  const late = new Set<string>();
  if (batch === null) {
    // No batch: the keyless aggregation's one group, with no rows to fold.
    index.set(keyCodec.encodeLatin1([]), 0);
    ids.push(keyCodec.encodeLatin1([]));
    keyValues.push([]);
    first.push(-1);
    last.push(-1);
  } else forEachGroupingKey(plan.keys, batch, context, (row, values) => {
    const end = eventKey >= 0 ? eventEndOf(values[eventKey]) : null;
    const id = keyCodec.encodeLatin1(eventKey >= 0 ? [end, ...values] : values);
    // Spark: in append and update modes, a row for a window the watermark already closed (as of
    // the previous batch) is late and dropped. Spark counts late rows after its partial
    // aggregation, so once per group.
    if (dropsLate && isLate(end, watermark)) {
      late.add(id);
      return;
    }
    const entry = entryRow.length;
    entryRow.push(row);
    next.push(-1);
    const g = index.get(id);
    if (g === undefined) {
      index.set(id, ids.length);
      ids.push(id);
      keyValues.push(values.slice());
      first.push(entry);
      last.push(entry);
    } else {
      next[last[g]!] = entry;
      last[g] = entry;
    }
  });
  const dropped = late.size;
  if (ids.length === 0) return dropped;

  const inputs: (Cells | null)[] = aggregates.map((a) => (a.bound && batch ? cellsOf(a.bound.evaluate(batch, context)) : null));
  // Scratch for one group at a time: its accumulators and its state row are copied out (into the
  // output row, into the encoded value) before the next group reuses them.
  const accs = new Array<Accumulator>(aggregates.length);
  const stateRow: unknown[] = [];
  const fold = (g: number, previous: readonly unknown[] | null): unknown[] => {
    if (previous) fromState(aggregates, previous, accs);
    else for (let a = 0; a < aggregates.length; a++) accs[a] = aggregates[a]!.kind.init();
    for (let e = first[g]!; e !== -1; e = next[e]!) {
      const row = entryRow[e]!;
      for (let a = 0; a < aggregates.length; a++) {
        const cells = inputs[a]!;
        const value = cells === null ? 1 : cells.valid && !cells.valid[row] ? null : cells.values[row];
        accs[a] = aggregates[a]!.kind.add(accs[a]!, value);
      }
    }
    const id = ids[g]!;
    if (reorder) updated.delete(id);
    updated.set(id, resultOf(plan, keyValues[g]!, accs));
    stateRow.length = 0;
    for (let a = 0; a < aggregates.length; a++) aggregates[a]!.kind.toState(accs[a]!, stateRow);
    return stateRow;
  };
  for (const part of splitLatin1(state, ids)) {
    const space = state.store(part.partition).space('default');
    const groups = part.groups;
    if (space.getManyLatin1 && space.putLatin1) {
      const old = space.getManyLatin1(part.ids);
      for (let j = 0; j < part.ids.length; j++) {
        const previous = old[j];
        space.putLatin1(part.ids[j]!, valueCodec.encodeLatin1(fold(groups ? groups[j]! : j, previous === undefined ? null : valueCodec.decodeLatin1(previous))));
      }
    } else {
      const keys = part.ids.map(fromLatin1);
      const old = await space.getMany(keys);
      for (let j = 0; j < keys.length; j++) {
        const previous = old[j];
        space.put(keys[j]!, valueCodec.encode(fold(groups ? groups[j]! : j, previous === undefined ? null : valueCodec.decode(previous))));
      }
    }
  }
  return dropped;
}

/** Group ids by partition, in their order, with their group numbers (`groups` null: one partition, a group's number is its position). */
function splitLatin1(state: OperatorState, ids: readonly string[]): { partition: number; ids: string[]; groups: number[] | null }[] {
  if (state.numPartitions === 1) return [{ partition: 0, ids: ids as string[], groups: null }];
  const parts = new Map<number, { partition: number; ids: string[]; groups: number[] }>();
  for (let g = 0; g < ids.length; g++) {
    const id = ids[g]!;
    const p = state.partitionOfLatin1(id);
    let part = parts.get(p);
    if (!part) parts.set(p, (part = { partition: p, ids: [], groups: [] }));
    part.ids.push(id);
    part.groups.push(g);
  }
  return [...parts.values()];
}

/** Remove every group whose event time the watermark passed; in append mode they are the output. */
async function evictClosed(plan: AggregationPlan, watermark: number, state: OperatorState, keyCodec: RowCodec, valueCodec: RowCodec, out: unknown[][] | null): Promise<void> {
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

/** The accumulators a stored row holds (into `accs` when given). */
function fromState(aggregates: readonly BoundAggregate[], row: readonly unknown[], accs = new Array<Accumulator>(aggregates.length)): Accumulator[] {
  let at = 0;
  for (let i = 0; i < aggregates.length; i++) {
    const kind = aggregates[i]!.kind;
    accs[i] = kind.fromState(row, at);
    at += kind.stateFields.length;
  }
  return accs;
}

/** An output row: the group's key values, then each aggregate's result, in `outSchema` order. */
function resultOf(plan: AggregationPlan, keyValues: readonly unknown[], accs: readonly Accumulator[]): unknown[] {
  const k = plan.keys.length;
  const aggregates = plan.aggregates;
  const row = new Array<unknown>(k + aggregates.length);
  for (let i = 0; i < k; i++) row[i] = keyValues[i];
  for (let i = 0; i < aggregates.length; i++) row[k + i] = aggregates[i]!.kind.result(accs[i]!);
  return row;
}

/** An output row from a stored group (its key without the leading event-time column). */
function resultRow(plan: AggregationPlan, key: readonly unknown[], value: readonly unknown[]): unknown[] {
  return resultOf(plan, plan.eventKey >= 0 ? key.slice(1) : key, fromState(plan.aggregates, value));
}
