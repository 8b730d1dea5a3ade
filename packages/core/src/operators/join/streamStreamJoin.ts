import { Binary, Bool, Field, Int32, Schema, TimestampMillisecond, type Table } from 'apache-arrow';
import type { OperatorContext, PlanStep } from '../../builders/plan.ts';
import { rowValues } from '../../expressions/kernels/rows.ts';
import type { RowCodec } from '../../state/codec/rowCodec.ts';
import { toLatin1 } from '../../state/latin1.ts';
import type { OperatorState } from '../../state/operatorState.ts';
import type { KeySpaceSpec, StateSchema } from '../../state/stateStore.ts';
import { isLate, upToWatermark } from '../stateful/eventTimeRange.ts';
import type { BoundJoin } from './joinSpec.ts';
import { batchRows, outputTable, rowsBatch, truthMask, type JoinedRow, type Row } from './rows.ts';

/** How one side's buffered rows leave the state (Spark's state watermark predicates). */
export type SideEviction =
  /** A watermarked column is a join key: keys whose time (`end` of a window) the watermark passed go. */
  | { readonly kind: 'key' }
  /** A time-range condition bounds this side's time column (`column`) by the other side's watermark. */
  | { readonly kind: 'value'; readonly column: number; readonly watermark: (watermarkMs: number) => number | undefined }
  | null;

/** A stream–stream join as bound when the query is defined. */
export interface StreamJoinPlan {
  readonly step: PlanStep;
  readonly join: BoundJoin;
  /** Each side's event-time column (late rows are dropped by it; a window by its end), or null. */
  readonly lateColumn: { readonly left: EventTimeColumn | null; readonly right: EventTimeColumn | null };
  readonly eviction: { readonly left: SideEviction; readonly right: SideEviction };
  /** With key eviction: the key that carries the time, and whether it is a window struct (its `end` counts). */
  readonly keyTime: { readonly ordinal: number; readonly struct: boolean } | null;
}

/** A side's watermarked column: a timestamp, or a window struct (its `end` counts). */
export interface EventTimeColumn {
  readonly index: number;
  readonly struct: boolean;
}

type SideName = 'left' | 'right';
const other = (s: SideName): SideName => (s === 'left' ? 'right' : 'left');

/**
 * The state of a stream–stream join, per side as Spark lays it out: `<side>-keyToNumValues`
 * (join key → how many rows it buffers), `<side>-keyWithIndexToValue` ((key, index) → the row
 * and whether it ever matched) and, with a time-range condition, `<side>-timeIndex` (time, key,
 * index), ordered, so eviction below the state watermark reads only what it removes (Spark scans
 * every buffered row for it). With a watermarked join key, the key starts with its time, so the
 * keys the watermark passed are one range of `keyToNumValues`.
 */
export function joinStateSchema(join: BoundJoin, keyTime: StreamJoinPlan['keyTime'], eviction: StreamJoinPlan['eviction']): StateSchema {
  const keyFields = [...(keyTime ? [new Field('__evictionTime', new TimestampMillisecond(), true)] : []), ...join.keyFields];
  const spaces: KeySpaceSpec[] = [];
  for (const side of ['left', 'right'] as const) {
    const schema = join[side].schema;
    spaces.push({ name: `${side}-keyToNumValues`, key: new Schema(keyFields), value: new Schema([new Field('numValues', new Int32(), false)]), ordered: keyTime !== null, internal: true });
    spaces.push({
      name: `${side}-keyWithIndexToValue`,
      key: new Schema([...keyFields, new Field('__index', new Int32(), false)]),
      value: new Schema([...schema.fields.map((f) => new Field(f.name, f.type, true)), new Field('__matched', new Bool(), false)]),
    });
    if (eviction[side]?.kind === 'value') {
      spaces.push({
        name: `${side}-timeIndex`,
        key: new Schema([new Field('time', new TimestampMillisecond(), true), new Field('key', new Binary(), false), new Field('index', new Int32(), false)]),
        value: new Schema([]),
        ordered: true,
        internal: true,
      });
    }
  }
  return { keySpaces: spaces };
}

const EMPTY = new Uint8Array(0);

interface Buffered {
  readonly index: number;
  readonly row: Row;
  matched: boolean;
  dirty: boolean;
}

interface KeyInfo {
  readonly bytes: Uint8Array;
  readonly partition: number;
}

class SideCodecs {
  readonly counts: { key: RowCodec; value: RowCodec };
  readonly values: { key: RowCodec; value: RowCodec };
  readonly time: RowCodec | null;
  constructor(state: OperatorState, side: SideName, valueEviction: boolean) {
    this.counts = state.codecs(`${side}-keyToNumValues`);
    this.values = state.codecs(`${side}-keyWithIndexToValue`);
    this.time = valueEviction ? state.codecs(`${side}-timeIndex`).key : null;
  }
}

/**
 * One batch of Spark's symmetric hash join. The left input is joined with the right side's
 * buffered rows and buffered; then the right input is joined with the left's (which now hold
 * this batch's left rows, so new × new pairs come out once) and buffered. Then each side's rows
 * below its state watermark leave the state: for an outer side, those that never matched come
 * out with nulls for the other side.
 */
export async function streamJoinBatch(plan: StreamJoinPlan, left: Table, right: Table, context: OperatorContext): Promise<Table> {
  const state = context.state(plan.step);
  const out: JoinedRow[] = [];
  const started = context.now();
  const counters = { late: 0, appended: 0 };
  await processSide(plan, state, 'left', left, context, out, counters);
  await processSide(plan, state, 'right', right, context, out, counters);
  const updated = context.now();
  const type = plan.join.type;
  if (context.watermarkMs > 0) {
    await evictSide(plan, state, 'left', context.watermarkMs, type === 'left_outer' || type === 'full_outer' ? out : null);
    await evictSide(plan, state, 'right', context.watermarkMs, type === 'right_outer' || type === 'full_outer' ? out : null);
  }
  context.reportState(plan.step, { numRowsDroppedByWatermark: counters.late, numRowsUpdated: counters.appended, allUpdatesTimeMs: updated - started, allRemovalsTimeMs: context.now() - updated });
  return outputTable(plan.join.schema, plan.join.output, out);
}

function preserves(type: BoundJoin['type'], side: SideName): boolean {
  return type === 'full_outer' || (side === 'left' ? type === 'left_outer' : type === 'right_outer');
}

/** The state key of a row's key values (with the eviction time first when a key carries it). */
function stateKey(plan: StreamJoinPlan, keys: readonly unknown[]): unknown[] {
  if (!plan.keyTime) return keys as unknown[];
  const t = keys[plan.keyTime.ordinal];
  const time = t === null || t === undefined ? null : plan.keyTime.struct ? ((t as { end?: number }).end ?? null) : t;
  return [time, ...keys];
}

/** Whether this row would be evicted from `side` by the current watermark (Spark does not buffer such right rows). */
function evictedNow(plan: StreamJoinPlan, side: SideName, row: Row, key: readonly unknown[], watermarkMs: number): boolean {
  if (watermarkMs <= 0) return false;
  const eviction = plan.eviction[side];
  if (eviction === null) return false;
  if (eviction.kind === 'key') {
    const t = key[0];
    return typeof t === 'number' && t <= watermarkMs;
  }
  const limit = eviction.watermark(watermarkMs);
  const t = row[eviction.column];
  return limit !== undefined && typeof t === 'number' && t <= limit;
}

async function processSide(plan: StreamJoinPlan, state: OperatorState, side: SideName, table: Table, context: OperatorContext, out: JoinedRow[], counters: { late: number; appended: number }): Promise<void> {
  const join = plan.join;
  const bound = join[side];
  const type = join.type;
  const otherSide = other(side);
  const mine = new SideCodecs(state, side, plan.eviction[side]?.kind === 'value');
  const theirs = new SideCodecs(state, otherSide, false);
  const timeColumn = plan.lateColumn[side];

  // The rows that take part, with their keys; rows failing this side's conjuncts never match.
  interface Input { readonly row: Row; readonly keyValues: unknown[]; readonly bytes: Uint8Array; readonly partition: number; readonly nullKey: boolean }
  const inputs: Input[] = [];
  for (const batch of table.batches) {
    if (batch.numRows === 0) continue;
    const rows = batchRows(batch);
    const pass = bound.preFilter ? truthMask(bound.preFilter, batch, context) : null;
    const keyColumns = bound.keys.map((k) => rowValues(k.evaluate(batch, context)));
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      if (timeColumn !== null) {
        const v = row[timeColumn.index];
        const t = timeColumn.struct ? (v as { end?: unknown } | null)?.end : v;
        if (isLate(typeof t === 'number' ? t : null, context.lateEventsWatermarkMs)) {
          counters.late++;
          continue;
        }
      }
      if (pass && !pass[r]) {
        if (preserves(type, side)) out.push(side === 'left' ? [row, null] : [null, row]);
        continue;
      }
      const keyValues = keyColumns.map((c) => c[r] ?? null);
      const hasNull = keyValues.some((v, k) => v === null && !join.nullSafe[k]);
      // A null key matches nothing: only an outer side keeps the row (to emit it unmatched).
      if (hasNull && !preserves(type, side)) continue;
      const bytes = mine.counts.key.encode(stateKey(plan, keyValues));
      inputs.push({ row, keyValues, bytes, partition: state.partitionOf(bytes), nullKey: hasNull });
    }
  }
  if (inputs.length === 0) return;

  // Distinct keys: this side's counts and the other side's buffered rows, read in batches per partition.
  const distinct = new Map<string, KeyInfo>();
  for (const input of inputs) {
    const id = toLatin1(input.bytes);
    if (!distinct.has(id)) distinct.set(id, { bytes: input.bytes, partition: input.partition });
  }
  const byPartition = new Map<number, [string, KeyInfo][]>();
  for (const entry of distinct) {
    let list = byPartition.get(entry[1].partition);
    if (!list) byPartition.set(entry[1].partition, (list = []));
    list.push(entry);
  }
  const myCounts = new Map<string, number>();
  const buffered = new Map<string, Buffered[]>();
  for (const [partition, entries] of byPartition) {
    const store = state.store(partition);
    const keys = entries.map(([, k]) => k.bytes);
    const [mineFound, theirsFound] = await Promise.all([store.space(`${side}-keyToNumValues`).getMany(keys), store.space(`${otherSide}-keyToNumValues`).getMany(keys)]);
    const wanted: Uint8Array[] = [];
    const owners: [string, number][] = [];
    entries.forEach(([id, k], j) => {
      myCounts.set(id, mineFound[j] === undefined ? 0 : (mine.counts.value.decode(mineFound[j]!)[0] as number));
      const n = theirsFound[j] === undefined ? 0 : (theirs.counts.value.decode(theirsFound[j]!)[0] as number);
      if (n === 0) return;
      const keyValues = theirs.counts.key.decode(k.bytes);
      for (let i = 0; i < n; i++) {
        wanted.push(theirs.values.key.encode([...keyValues, i]));
        owners.push([id, i]);
      }
    });
    if (wanted.length === 0) continue;
    const values = await store.space(`${otherSide}-keyWithIndexToValue`).getMany(wanted);
    values.forEach((bytes, j) => {
      if (bytes === undefined) return;
      const decoded = theirs.values.value.decode(bytes);
      const matched = decoded.pop() as boolean;
      const [id, index] = owners[j]!;
      let list = buffered.get(id);
      if (!list) buffered.set(id, (list = []));
      list.push({ index, row: decoded, matched, dirty: false });
    });
  }

  // Candidate pairs, checked against the rest of the condition in one vectorised pass.
  const candidates: { input: number; other: Buffered }[] = [];
  inputs.forEach((input, i) => {
    if (input.nullKey) return;
    for (const b of buffered.get(toLatin1(input.bytes)) ?? []) candidates.push({ input: i, other: b });
  });
  let passing: Uint8Array | null = null;
  if (join.postFilter && candidates.length > 0) {
    const fullSchema = new Schema([...join.left.schema.fields, ...join.right.schema.fields]);
    const pairs = candidates.map((c) => (side === 'left' ? [...inputs[c.input]!.row, ...c.other.row] : [...c.other.row, ...inputs[c.input]!.row]));
    passing = truthMask(join.postFilter, rowsBatch(fullSchema, pairs), context);
  }

  const stores = new Map<number, ReturnType<OperatorState['store']>>();
  const storeOf = (p: number) => {
    let s = stores.get(p);
    if (!s) stores.set(p, (s = state.store(p)));
    return s;
  };
  const flagOther = preserves(type, otherSide);
  let c = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    let matchedAny = false;
    while (c < candidates.length && candidates[c]!.input === i) {
      const candidate = candidates[c]!;
      const ok = passing === null || passing[c] === 1;
      c++;
      if (!ok) continue;
      const b = candidate.other;
      if (type === 'left_semi') {
        if (side === 'left') matchedAny = true;
        else if (!b.matched) {
          out.push([b.row, null]);
          b.matched = true;
          b.dirty = true;
        }
        continue;
      }
      matchedAny = true;
      out.push(side === 'left' ? [input.row, b.row] : [b.row, input.row]);
      // Only an outer side needs its rows' matched flags (an inner join rewrites nothing).
      if (!b.matched && flagOther) {
        b.matched = true;
        b.dirty = true;
      }
    }
    if (type === 'left_semi' && side === 'left' && matchedAny) {
      out.push([input.row, null]);
      continue;
    }
    const bytes = input.bytes;
    const stored = side === 'left' || !evictedNow(plan, side, input.row, stateKey(plan, input.keyValues), context.watermarkMs) || (preserves(type, side) && !matchedAny);
    if (!stored) continue;
    const id = toLatin1(bytes);
    counters.appended++;
    const index = myCounts.get(id) ?? 0;
    myCounts.set(id, index + 1);
    const store = storeOf(input.partition);
    const keyValues = mine.counts.key.decode(bytes);
    store.space(`${side}-keyWithIndexToValue`).put(mine.values.key.encode([...keyValues, index]), mine.values.value.encode([...input.row, matchedAny]));
    const eviction = plan.eviction[side];
    if (eviction?.kind === 'value') {
      const t = input.row[eviction.column];
      if (typeof t === 'number') store.space(`${side}-timeIndex`).put(mine.time!.encode([t, bytes, index]), EMPTY);
    }
  }
  // This side's new counts, and the other side's rows that matched for the first time.
  for (const [id, count] of myCounts) {
    const info = distinct.get(id)!;
    if (count > 0) storeOf(info.partition).space(`${side}-keyToNumValues`).put(info.bytes, mine.counts.value.encode([count]));
  }
  for (const [id, list] of buffered) {
    const info = distinct.get(id)!;
    const keyValues = theirs.counts.key.decode(info.bytes);
    for (const b of list) if (b.dirty) storeOf(info.partition).space(`${otherSide}-keyWithIndexToValue`).put(theirs.values.key.encode([...keyValues, b.index]), theirs.values.value.encode([...b.row, true]));
  }
}

/**
 * Remove `side`'s rows below its state watermark; with `out`, emit those that never matched
 * (outer joins). A key's remaining rows stay at indexes 0..n-1: the last row moves into each hole,
 * as Spark's state manager does, so removal costs what it removes.
 */
async function evictSide(plan: StreamJoinPlan, state: OperatorState, side: SideName, watermarkMs: number, out: JoinedRow[] | null): Promise<void> {
  const eviction = plan.eviction[side];
  if (eviction === null) return;
  const codecs = new SideCodecs(state, side, eviction.kind === 'value');
  const emit = (row: Row) => out?.push(side === 'left' ? [row, null] : [null, row]);
  const decodeValue = (bytes: Uint8Array) => {
    const row = codecs.values.value.decode(bytes);
    const matched = row.pop() as boolean;
    return { row, matched };
  };
  for (let p = 0; p < state.numPartitions; p++) {
    const store = state.store(p);
    const counts = store.space(`${side}-keyToNumValues`);
    const values = store.space(`${side}-keyWithIndexToValue`);
    if (eviction.kind === 'key') {
      const gone: { key: Uint8Array; n: number }[] = [];
      for await (const chunk of counts.scan(upToWatermark(codecs.counts.key, watermarkMs))) {
        for (const e of chunk) gone.push({ key: e.key, n: codecs.counts.value.decode(e.value)[0] as number });
      }
      if (gone.length === 0) continue;
      const keys: Uint8Array[] = [];
      for (const g of gone) {
        const keyValues = codecs.counts.key.decode(g.key);
        for (let i = 0; i < g.n; i++) keys.push(codecs.values.key.encode([...keyValues, i]));
        counts.delete(g.key);
      }
      if (out) {
        const found = await values.getMany(keys);
        for (const bytes of found) {
          if (bytes === undefined) continue;
          const v = decodeValue(bytes);
          if (!v.matched) emit(v.row);
        }
      }
      for (const k of keys) values.delete(k);
      continue;
    }
    const limit = eviction.watermark(watermarkMs);
    if (limit === undefined) continue;
    const timeSpace = store.space(`${side}-timeIndex`);
    const holes = new Map<string, { key: Uint8Array; indexes: number[] }>();
    for await (const chunk of timeSpace.scan(upToWatermark(codecs.time!, limit))) {
      for (const e of chunk) {
        timeSpace.delete(e.key);
        const [, key, index] = codecs.time!.decode(e.key) as [number, Uint8Array, number];
        const id = toLatin1(key);
        let h = holes.get(id);
        if (!h) holes.set(id, (h = { key, indexes: [] }));
        h.indexes.push(index);
      }
    }
    if (holes.size === 0) continue;
    const entries = [...holes.values()];
    const found = await counts.getMany(entries.map((h) => h.key));
    // Plan the moves of every key (the last row fills each hole, highest hole first; a row can
    // move twice), then read what they need at once.
    const plans = entries.map((h, j) => {
      const n = found[j] === undefined ? 0 : (codecs.counts.value.decode(found[j]!)[0] as number);
      const evicted = [...new Set(h.indexes)].filter((i) => i < n).sort((a, b) => b - a);
      const origin = Array.from({ length: n }, (_, i) => i);
      let alive = n;
      for (const e of evicted) {
        origin[e] = origin[alive - 1]!;
        alive--;
      }
      const moves: [number, number][] = [];
      for (let slot = 0; slot < alive; slot++) if (origin[slot] !== slot) moves.push([origin[slot]!, slot]);
      return { key: h.key, keyValues: codecs.counts.key.decode(h.key), n, evicted, moves, alive };
    });
    const wanted: Uint8Array[] = [];
    for (const pl of plans) {
      if (out) for (const e of pl.evicted) wanted.push(codecs.values.key.encode([...pl.keyValues, e]));
      for (const [from] of pl.moves) wanted.push(codecs.values.key.encode([...pl.keyValues, from]));
    }
    const read = await values.getMany(wanted);
    let at = 0;
    for (const pl of plans) {
      if (out) {
        for (let e = 0; e < pl.evicted.length; e++) {
          const bytes = read[at++];
          if (bytes === undefined) continue;
          const v = decodeValue(bytes);
          if (!v.matched) emit(v.row);
        }
      }
      for (const [from, to] of pl.moves) {
        const bytes = read[at++];
        if (bytes === undefined) continue;
        values.put(codecs.values.key.encode([...pl.keyValues, to]), bytes);
        const t = decodeValue(bytes).row[eviction.column];
        if (typeof t === 'number') {
          timeSpace.delete(codecs.time!.encode([t, pl.key, from]));
          timeSpace.put(codecs.time!.encode([t, pl.key, to]), EMPTY);
        }
      }
      for (let i = pl.alive; i < pl.n; i++) values.delete(codecs.values.key.encode([...pl.keyValues, i]));
      if (pl.alive === 0) counts.delete(pl.key);
      else counts.put(pl.key, codecs.counts.value.encode([pl.alive]));
    }
  }
}
