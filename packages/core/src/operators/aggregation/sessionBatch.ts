import type { Schema, Table } from 'apache-arrow';
import { tableFromRows } from '../../arrow/tables.ts';
import type { OperatorContext, PlanStep } from '../../builders/plan.ts';
import type { RowCodec } from '../../state/codec/rowCodec.ts';
import { toLatin1 } from '../../state/latin1.ts';
import type { OperatorState } from '../../state/operatorState.ts';
import type { Accumulator } from '../aggregates.ts';
import { cellsOf, type Cells } from '../cells.ts';
import type { BoundExpression } from '../expression.ts';
import { gapOf } from '../sessionWindow.ts';
import { isLate, upToWatermark } from '../stateful/eventTimeRange.ts';
import type { BoundAggregate } from './aggregateBatch.ts';

/** What `groupBy(sessionWindow(...), ...)` bound at definition time. */
export interface SessionPlan {
  readonly step: PlanStep;
  readonly time: BoundExpression;
  /** A fixed gap (ms) or the per-row gap expression. */
  readonly gap: BoundExpression | number;
  /** The grouping keys other than the session window, in order. */
  readonly keys: readonly BoundExpression[];
  /** Where the session column sits among the output's key columns. */
  readonly sessionAt: number;
  readonly aggregates: readonly BoundAggregate[];
  readonly outSchema: Schema;
}

/** A session being built: stored (with its key) or new, and what falls in it. */
interface Session {
  start: number;
  end: number;
  accs: Accumulator[] | null;
  /** Stored sessions this one replaces (their keys in `sessions`), and whether anything changed. */
  replaces: { key: Uint8Array; end: number }[];
  changed: boolean;
}

interface Item {
  readonly start: number;
  readonly end: number;
  /** A stored session, or a row of the batch (its record batch and row). */
  readonly stored?: { key: Uint8Array; accs: Accumulator[] };
  readonly row?: { batch: number; row: number };
}

interface Group {
  readonly values: unknown[];
  /** `sessions` key prefix of the group: its partition, and the scan of its stored sessions. */
  readonly prefix: Uint8Array;
  readonly rows: Item[];
}

/**
 * One batch of a session window aggregation: rows whose session would end at or before the
 * previous batch's watermark are late (append mode); the others are merged, per key, with the
 * key's stored sessions; then the sessions the watermark closed are evicted (append mode: they
 * are the output), or every session is the output (complete mode).
 */
export async function sessionBatch(plan: SessionPlan, table: Table, context: OperatorContext): Promise<Table> {
  const state = context.state(plan.step);
  const sessions = state.codecs('sessions');
  const byEnd = state.codecs('byEnd').key;
  const complete = context.outputMode === 'complete';
  const started = context.now();
  const groups = new Map<string, Group>();
  const inputs: (Cells | null)[][] = [];
  let late = 0;

  table.batches.forEach((batch, b) => {
    const times = cellsOf(plan.time.evaluate(batch, context));
    const gaps = typeof plan.gap === 'number' ? null : cellsOf(plan.gap.evaluate(batch, context));
    const keyCells = plan.keys.map((k) => cellsOf(k.evaluate(batch, context)));
    inputs.push(plan.aggregates.map((a) => (a.bound ? cellsOf(a.bound.evaluate(batch, context)) : null)));
    for (let row = 0; row < batch.numRows; row++) {
      if (times.valid && !times.valid[row]) continue;
      const gap = gaps === null ? (plan.gap as number) : gaps.valid && !gaps.valid[row] ? null : gapOf(gaps.values[row]);
      // Spark leaves out rows whose gap is not positive: they belong to no session.
      if (gap === null || !(gap > 0)) continue;
      const start = times.values[row] as number;
      const end = start + gap;
      if (!complete && isLate(end, context.lateEventsWatermarkMs)) {
        late++;
        continue;
      }
      const values = keyCells.map((c) => (c.valid && !c.valid[row] ? null : c.values[row]));
      const prefix = sessions.key.encodePrefix(values);
      const id = toLatin1(prefix);
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { values, prefix, rows: [] }));
      group.rows.push({ start, end, row: { batch: b, row } });
    }
  });

  for (const group of groups.values()) {
    const store = state.store(state.partitionOf(group.prefix));
    const space = store.space('sessions');
    const items: Item[] = [];
    for await (const chunk of space.scan({ prefix: group.prefix })) {
      for (const e of chunk) {
        const key = sessions.key.decode(e.key);
        const value = sessions.value.decode(e.value);
        items.push({ start: key[key.length - 1] as number, end: value[0] as number, stored: { key: e.key, accs: fromState(plan.aggregates, value, 1) } });
      }
    }
    // Stored sessions first among equal starts, then rows in arrival order.
    items.push(...group.rows);
    items.sort((x, y) => x.start - y.start);
    const merged: Session[] = [];
    let current: Session | null = null;
    for (const item of items) {
      if (current === null || item.start > current.end) merged.push((current = { start: item.start, end: item.end, accs: null, replaces: [], changed: false }));
      else current.end = Math.max(current.end, item.end);
      fold(plan, current, item, inputs);
    }
    for (const s of merged) {
      if (!s.changed) continue;
      for (const old of s.replaces) {
        space.delete(old.key);
        store.space('byEnd').delete(byEnd.encode([old.end, old.key]));
      }
      const key = sessions.key.encode([...group.values, s.start]);
      space.put(key, sessions.value.encode([s.end, ...toState(plan.aggregates, s.accs!)]));
      store.space('byEnd').put(byEnd.encode([s.end, key]), EMPTY);
    }
  }
  const updatesMs = context.now() - started;

  const out: Record<string, unknown>[] = [];
  const removalStarted = context.now();
  if (!complete && plan.step.stateful!.eventTimeKey && context.watermarkMs > 0) await evict(plan, state, sessions, byEnd, context.watermarkMs, out);
  const removalsMs = context.now() - removalStarted;
  if (complete) {
    for (let p = 0; p < state.numPartitions; p++) {
      for await (const chunk of state.store(p).space('sessions').scan()) for (const e of chunk) out.push(outputRow(plan, sessions.key.decode(e.key), sessions.value.decode(e.value)));
    }
  }
  context.reportState(plan.step, { numRowsDroppedByWatermark: late, allUpdatesTimeMs: updatesMs, allRemovalsTimeMs: removalsMs });
  return tableFromRows(plan.outSchema, out);
}

const EMPTY = new Uint8Array(0);

/** Fold a stored session or a row into the session it falls in. */
function fold(plan: SessionPlan, session: Session, item: Item, inputs: readonly (Cells | null)[][]): void {
  const aggs = plan.aggregates;
  if (item.stored) {
    session.replaces.push({ key: item.stored.key, end: item.end });
    // A stored session that merges with nothing else stays as it is.
    if (session.accs === null) session.accs = item.stored.accs;
    else {
      session.accs = session.accs.map((acc, a) => aggs[a]!.kind.merge(acc, item.stored!.accs[a]!));
      session.changed = true;
    }
    if (session.replaces.length > 1 || session.end !== item.end) session.changed = true;
    return;
  }
  session.changed = true;
  session.accs ??= aggs.map((a) => a.kind.init());
  const { batch, row } = item.row!;
  for (let a = 0; a < aggs.length; a++) {
    const cells = inputs[batch]![a]!;
    const value = cells === null ? 1 : cells.valid && !cells.valid[row] ? null : cells.values[row];
    session.accs[a] = aggs[a]!.kind.add(session.accs[a]!, value);
  }
}

/** Remove the sessions whose end the watermark passed, each into the output. */
async function evict(plan: SessionPlan, state: OperatorState, sessions: { key: RowCodec; value: RowCodec }, byEnd: RowCodec, watermarkMs: number, out: Record<string, unknown>[]): Promise<void> {
  const range = upToWatermark(byEnd, watermarkMs);
  for (let p = 0; p < state.numPartitions; p++) {
    const store = state.store(p);
    const index = store.space('byEnd');
    const space = store.space('sessions');
    for await (const chunk of index.scan(range)) {
      const keys = chunk.map((e) => byEnd.decode(e.key)[1] as Uint8Array);
      const values = await space.getMany(keys);
      chunk.forEach((e, i) => {
        index.delete(e.key);
        const value = values[i];
        if (value === undefined) return;
        out.push(outputRow(plan, sessions.key.decode(keys[i]!), sessions.value.decode(value)));
        space.delete(keys[i]!);
      });
    }
  }
}

/** An output row from a stored session: the keys with the session struct in its place, then the aggregates. */
function outputRow(plan: SessionPlan, key: readonly unknown[], value: readonly unknown[]): Record<string, unknown> {
  const fields = plan.outSchema.fields;
  const row: Record<string, unknown> = {};
  const nKeys = plan.keys.length + 1;
  let k = 0;
  for (let i = 0; i < nKeys; i++) {
    row[fields[i]!.name] = i === plan.sessionAt ? { start: key[key.length - 1], end: value[0] } : key[k++];
  }
  const accs = fromState(plan.aggregates, value, 1);
  plan.aggregates.forEach((a, i) => (row[fields[nKeys + i]!.name] = a.kind.result(accs[i]!)));
  return row;
}

function fromState(aggregates: readonly BoundAggregate[], row: readonly unknown[], at: number): Accumulator[] {
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
