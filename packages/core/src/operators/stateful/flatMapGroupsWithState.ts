import { Bool, Field, Schema, TimestampMillisecond, type Table } from 'apache-arrow';
import { toSchema, type SchemaLike } from '../../arrow/schema.ts';
import { tableFromRows } from '../../arrow/tables.ts';
import type { OperatorContext, PlanStep } from '../../builders/plan.ts';
import type { StreamFrame } from '../../builders/streamFrame.ts';
import { SluiceError } from '../../errors.ts';
import { toLatin1 } from '../../state/latin1.ts';
import type { OperatorState } from '../../state/operatorState.ts';
import { bindGroupingKey, groupKeyBytesField, groupRows, keyGroupOf, type GroupingKey, type KeyGroup } from './groupedRows.ts';
import { GroupStateImpl, type GroupState, type GroupStateTimeout } from './groupState.ts';
import { userValueCodec, type UserValueCodec } from './userValues.ts';

/** A group's function: its key, its rows of this batch (none on a timeout), its state; returns output rows. */
export type GroupsWithStateFunction<S> = (
  key: Record<string, unknown>,
  rows: readonly Record<string, unknown>[],
  state: GroupState<S>,
) => Iterable<Record<string, unknown>> | Promise<Iterable<Record<string, unknown>>>;

/** Options of `flatMapGroupsWithState` (Spark's `outputMode` and `timeoutConf` arguments, and the encoders' schemas). */
export interface FlatMapGroupsWithStateOptions {
  /** The operator's output mode: `update` or `append` (append lets an aggregation follow it). */
  readonly outputMode: 'append' | 'update';
  /** Timeouts: none (default), processing time or event time. */
  readonly timeout?: GroupStateTimeout;
  /** The schema of the rows the function returns. */
  readonly outputSchema: SchemaLike;
  /** The state's schema: the state is a row object of these columns. Without one, any JSON value. */
  readonly stateSchema?: SchemaLike;
  /**
   * Spark's `initialState`: states to start from, one per key (`key` holds the grouping columns).
   * They are applied in the query's first batch only (batch 0, not again after a restart): every
   * key listed is called then — with its rows, or with none — its state already set, and the
   * state is kept even when the function does not update it. Two states for one key fail the batch.
   */
  readonly initialState?: readonly { readonly key: Readonly<Record<string, unknown>>; readonly state: unknown }[];
}

/** `flatMapGroupsWithState` bound to a frame: the step that runs it. */
export function groupsWithStateStep<S>(frame: StreamFrame, columns: readonly string[], options: FlatMapGroupsWithStateOptions & { readonly isMap: boolean }, fn: GroupsWithStateFunction<S>): StreamFrame {
  const operator = options.isMap ? 'mapGroupsWithState' : 'flatMapGroupsWithState';
  const key = bindGroupingKey(frame, columns, operator);
  if (options.outputMode !== 'append' && options.outputMode !== 'update') {
    throw new SluiceError('INVALID_OPTION', `The output mode of function should be append or update (${operator} got ${JSON.stringify(options.outputMode)}).`);
  }
  const timeout = options.timeout ?? 'none';
  if (!['none', 'processingTime', 'eventTime'].includes(timeout)) throw new SluiceError('INVALID_OPTION', `${operator} timeout is ${JSON.stringify(timeout)}; valid values are 'none', 'processingTime' and 'eventTime'.`);
  if (timeout === 'eventTime' && key.eventTime === null) {
    throw new SluiceError(
      'INVALID_QUERY',
      "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time timeout in a [map|flatMap]GroupsWithState. Event-time timeout not supported without watermark.",
    );
  }
  const outputSchema = toSchema(options.outputSchema);
  const value = userValueCodec(options.stateSchema, 'state.');
  const step: PlanStep = {
    name: `FlatMapGroupsWithState [${key.columns.join(', ')}], ${options.outputMode}, timeout ${timeout}`,
    schema: outputSchema,
    stateful: {
      operatorName: 'flatMapGroupsWithState',
      kind: options.isMap ? 'mapGroupsWithState' : `flatMapGroupsWithState:${options.outputMode}`,
      stateSchema: {
        keySpaces: [
          // One entry per group: whether it has state, the state, and its timeout.
          { name: 'default', key: key.schema, value: new Schema([new Field('exists', new Bool(), false), ...value.fields, new Field('timeoutTimestamp', new TimestampMillisecond(), true)]) },
          // Timeouts by time: finding the groups that timed out reads only those.
          { name: 'timeouts', key: new Schema([new Field('timeoutTimestamp', new TimestampMillisecond(), false), groupKeyBytesField()]), value: new Schema([]), ordered: true, internal: true },
        ],
      },
      aggregates: false,
      eventTimeKey: timeout === 'eventTime',
      processingTimers: timeout === 'processingTime',
    },
    apply: (table, context) =>
      groupsWithStateBatch({ step, key, timeout, value, fn: fn as GroupsWithStateFunction<unknown>, isMap: options.isMap, outputSchema, initialState: options.initialState ?? [] }, table, context),
  };
  return frame.withStep(step);
}

interface Plan {
  readonly step: PlanStep;
  readonly key: GroupingKey;
  readonly timeout: GroupStateTimeout;
  readonly value: UserValueCodec;
  readonly fn: GroupsWithStateFunction<unknown>;
  readonly isMap: boolean;
  readonly outputSchema: Schema;
  readonly initialState: NonNullable<FlatMapGroupsWithStateOptions['initialState']>;
}

interface Stored {
  readonly exists: boolean;
  readonly value: unknown;
  readonly timeoutMs: number | null;
  /** From `initialState`: kept even when the function leaves it untouched. */
  readonly initial?: boolean;
}

/**
 * One batch, as Spark's FlatMapGroupsWithStateExec: the function is called for each group with
 * rows (late rows dropped first under an event-time timeout), then for each group whose timeout
 * passed (processing time: the batch's timestamp; event time: the watermark) with no rows; what
 * it did to the state is written back, with the timeout index kept beside it.
 */
async function groupsWithStateBatch(plan: Plan, table: Table, context: OperatorContext): Promise<Table> {
  const state = context.state(plan.step);
  const codecs = state.codecs('default');
  const index = state.codecs('timeouts').key;
  const started = context.now();
  const { groups, late } = groupRows(plan.key, table, plan.timeout === 'eventTime' ? context.lateEventsWatermarkMs : 0);
  const out: Record<string, unknown>[] = [];
  const watermarkMs = plan.key.eventTime !== null ? context.watermarkMs : null;

  let updatedRows = 0;
  const applyingInitialState = context.batchId === 0 && plan.initialState.length > 0;
  const call = async (group: KeyGroup, stored: Stored | undefined, hasTimedOut: boolean): Promise<void> => {
    const groupState = new GroupStateImpl<unknown>({ value: stored?.value, exists: stored?.exists ?? false, timeout: plan.timeout, hasTimedOut, batchTimestampMs: context.batchTimestampMs, watermarkMs });
    const result = await plan.fn(group.key, group.rows, groupState);
    // mapGroupsWithState returns one row per call.
    if (plan.isMap) out.push(result as unknown as Record<string, unknown>);
    else for (const row of result) out.push(row);
    const store = state.store(state.partitionOf(group.bytes));
    const previousTimeout = stored?.timeoutMs ?? null;
    if (groupState.removed && groupState.timeoutMs === null) {
      if (stored) store.space('default').delete(group.bytes);
    } else if (groupState.updated || groupState.removed || groupState.timeoutMs !== previousTimeout || stored?.initial === true) {
      // An initial state kept as it was is written, but (as in Spark) not counted as an update.
      if (groupState.updated || groupState.removed || groupState.timeoutMs !== previousTimeout) updatedRows++;
      const row: unknown[] = [groupState.exists];
      if (groupState.exists) plan.value.write(groupState.get(), row);
      else row.push(...plan.value.fields.map(() => null));
      row.push(groupState.timeoutMs);
      store.space('default').put(group.bytes, codecs.value.encode(row));
    }
    if (previousTimeout !== groupState.timeoutMs) {
      if (previousTimeout !== null) store.space('timeouts').delete(index.encode([previousTimeout, group.bytes]));
      if (groupState.timeoutMs !== null) store.space('timeouts').put(index.encode([groupState.timeoutMs, group.bytes]), new Uint8Array(0));
    }
  };

  // Groups with data, and in the first batch the keys of the initial state (with their rows or none).
  const storedOf = await readStored(plan, state, groups.map((g) => g.bytes), codecs.value);
  if (applyingInitialState) {
    const initial = initialStates(plan);
    groups.forEach((g, i) => {
      const id = toLatin1(g.bytes);
      const start = initial.get(id);
      if (start) {
        storedOf[i] = start.stored;
        initial.delete(id);
      }
    });
    for (const { group, stored } of initial.values()) {
      groups.push(group);
      storedOf.push(stored);
    }
  }
  for (const [i, group] of groups.entries()) await call(group, storedOf[i], false);
  const updatesMs = context.now() - started;

  // Groups whose timeout passed: below the batch's timestamp (processing time) or the watermark (event time).
  const removalStarted = context.now();
  const threshold = plan.timeout === 'processingTime' ? context.batchTimestampMs : plan.timeout === 'eventTime' ? context.watermarkMs : null;
  let next: number | null = null;
  if (threshold !== null) {
    const withData = new Set(groups.map((g) => toLatin1(g.bytes)));
    for (let p = 0; p < state.numPartitions; p++) {
      const space = state.store(p).space('timeouts');
      const due: Uint8Array[] = [];
      for await (const chunk of space.scan({ lt: index.encodePrefix([threshold]) })) {
        for (const e of chunk) {
          const bytes = index.decode(e.key)[1] as Uint8Array;
          if (!withData.has(toLatin1(bytes))) due.push(bytes);
        }
      }
      const stored = await readStored(plan, state, due, codecs.value);
      for (const [i, bytes] of due.entries()) {
        const s = stored[i];
        // The index may hold an entry the group's call above replaced: the group's own row decides.
        if (!s || s.timeoutMs === null || !(s.timeoutMs < threshold)) continue;
        await call(keyGroupOf(plan.key, bytes), s, true);
      }
    }
    if (plan.timeout === 'processingTime') next = await earliestTimeout(state, index);
  }
  const removalsMs = context.now() - removalStarted;
  context.reportState(plan.step, {
    numRowsDroppedByWatermark: late,
    allUpdatesTimeMs: updatesMs,
    allRemovalsTimeMs: removalsMs,
    ...(plan.timeout === 'processingTime' ? { nextProcessingTimerMs: next } : {}),
    ...(applyingInitialState ? { numRowsUpdated: updatedRows } : {}),
  });
  return tableFromRows(plan.outputSchema, out);
}

/** The initial state by key id, each key once (Spark refuses two states for one key). */
function initialStates(plan: Plan): Map<string, { group: KeyGroup; stored: Stored }> {
  const out = new Map<string, { group: KeyGroup; stored: Stored }>();
  for (const { key, state } of plan.initialState) {
    const values = plan.key.columns.map((c) => key[c] ?? null);
    const bytes = plan.key.codec.encode(values);
    const id = toLatin1(bytes);
    if (out.has(id)) {
      throw new SluiceError('INVALID_QUERY', 'The initial state provided contained multiple rows(state) with the same key. Make sure to de-duplicate the initial state before passing it.');
    }
    const group: KeyGroup = { key: Object.fromEntries(plan.key.columns.map((c, i) => [c, values[i]])), values, bytes, rows: [] };
    out.set(id, { group, stored: { exists: true, value: state, timeoutMs: null, initial: true } });
  }
  return out;
}

async function readStored(plan: Plan, state: OperatorState, keys: readonly Uint8Array[], codec: { decode(bytes: Uint8Array): unknown[] }): Promise<(Stored | undefined)[]> {
  const out = new Array<Stored | undefined>(keys.length);
  for (const [p, indexes] of state.split(keys)) {
    const found = await state.store(p).space('default').getMany(indexes.map((i) => keys[i]!));
    indexes.forEach((i, j) => {
      const bytes = found[j];
      if (bytes === undefined) return;
      const row = codec.decode(bytes);
      const exists = row[0] === true;
      out[i] = { exists, value: exists ? plan.value.read(row, 1) : undefined, timeoutMs: (row[1 + plan.value.fields.length] as number | null) ?? null };
    });
  }
  return out;
}

/** The earliest timeout still pending in any partition (the first key of each ordered index). */
async function earliestTimeout(state: OperatorState, index: { decode(bytes: Uint8Array): unknown[] }): Promise<number | null> {
  let next: number | null = null;
  for (let p = 0; p < state.numPartitions; p++) {
    for await (const chunk of state.store(p).space('timeouts').scan(undefined, { limit: 1 })) {
      const first = chunk[0];
      if (first) {
        const t = index.decode(first.key)[0] as number;
        if (next === null || t < next) next = t;
      }
      break;
    }
  }
  return next;
}
