import type { Schema, Table } from 'apache-arrow';
import { toSchema, type SchemaLike } from '../../../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../../../arrow/tables.ts';
import type { OperatorContext, PlanStep } from '../../../builders/plan.ts';
import type { StreamFrame } from '../../../builders/streamFrame.ts';
import { SluiceError } from '../../../errors.ts';
import { toLatin1 } from '../../../state/latin1.ts';
import type { OperatorState } from '../../../state/operatorState.ts';
import { bindGroupingKey, groupRows, keyGroupOf, type GroupingKey, type KeyGroup } from '../groupedRows.ts';
import { ProcessorHandle } from './processorHandle.ts';
import { declareVariable, timerSpaces, type StateVariable } from './stateVariables.ts';
import type { StatefulProcessor, StatefulProcessorHandle, TimeMode, TimerValues } from './statefulProcessor.ts';

/** Options of `transformWithState` (Spark's `timeMode` and `outputMode` arguments, and the output encoder's schema). */
export interface TransformWithStateOptions {
  readonly timeMode: TimeMode;
  /** `append` (default; lets an aggregation follow in event-time mode) or `update`. */
  readonly outputMode?: 'append' | 'update';
  /** The schema of the rows the processor returns. */
  readonly outputSchema: SchemaLike;
  /**
   * Spark 4's `initialState`: rows holding the grouping columns (and whatever else the processor
   * reads), each handed to the processor's `handleInitialState` in the query's first batch, before
   * its input rows. A restarted query has its state in the checkpoint and does not read them again.
   * At most one row per grouping key (Spark's STATEFUL_PROCESSOR_CANNOT_REINITIALIZE_STATE_ON_KEY).
   *
   * @example
   * // the processor: override handleInitialState(key, row) { this.total.update(Number(row['total'])); }
   * events.pipe(groupByKey('user').transformWithState(new RunningTotal(), { timeMode: 'none', outputSchema: 'user STRING, total DOUBLE', initialState: [{ user: 'ada', total: 40 }] }))
   */
  readonly initialState?: Table | readonly Record<string, unknown>[];
}

/** `transformWithState` bound to a frame: `init` runs once here to learn the state variables, so their schemas are recorded and checked at restart. */
export function transformWithStateStep(frame: StreamFrame, columns: readonly string[], processor: StatefulProcessor, options: TransformWithStateOptions): StreamFrame {
  const key = bindGroupingKey(frame, columns, 'transformWithState');
  const timeMode = options.timeMode;
  if (!['none', 'processingTime', 'eventTime'].includes(timeMode)) throw new SluiceError('INVALID_OPTION', `transformWithState timeMode is ${JSON.stringify(timeMode)}; valid values are 'none', 'processingTime' and 'eventTime'.`);
  if (timeMode === 'eventTime' && key.eventTime === null) {
    throw new SluiceError('INVALID_QUERY', "transformWithState with timeMode 'eventTime' needs a watermark: add withWatermark(...) on the input before it.");
  }
  const outputMode = options.outputMode ?? 'append';
  const initialState = options.initialState === undefined ? null : initialGroups(key, options.initialState);
  if (initialState && typeof processor.handleInitialState !== 'function') {
    throw new SluiceError('INVALID_QUERY', 'transformWithState was given an initialState, but the processor has no handleInitialState(key, initialState, timerValues): implement it to seed the state from each initial row.');
  }
  const variables = declare(key, processor, outputMode, timeMode);
  const outputSchema = toSchema(options.outputSchema);
  const step: PlanStep = {
    name: `TransformWithState [${key.columns.join(', ')}], ${timeMode}, ${outputMode}, state [${[...variables.keys()].join(', ')}]`,
    schema: outputSchema,
    stateful: {
      operatorName: 'transformWithStateExec',
      kind: `transformWithState:${outputMode}`,
      stateSchema: { keySpaces: [...[...variables.values()].map((v) => v.spec), ...timerSpaces(key)] },
      aggregates: false,
      eventTimeKey: timeMode === 'eventTime',
      processingTimers: timeMode === 'processingTime',
    },
    // Processing-time output carries no event time (Spark propagates the watermark only in event-time mode).
    ...(timeMode === 'eventTime' ? {} : { eventTimeColumns: new Map<string, number>() }),
    apply: (table, context) => transformBatch({ step, key, processor, variables, timeMode, outputMode, outputSchema, initialState }, table, context),
  };
  return frame.withStep(step);
}

interface Plan {
  readonly step: PlanStep;
  readonly key: GroupingKey;
  readonly processor: StatefulProcessor;
  readonly variables: ReadonlyMap<string, StateVariable>;
  readonly timeMode: TimeMode;
  readonly outputMode: 'append' | 'update';
  readonly outputSchema: Schema;
  /** The initial state's rows by grouping key (applied in batch 0), or null. */
  readonly initialState: readonly { readonly group: KeyGroup; readonly rows: readonly Record<string, unknown>[] }[] | null;
}

/** The initial state's rows grouped by key (in order of first appearance), the keys typed as the grouping columns. */
function initialGroups(key: GroupingKey, initial: Table | readonly Record<string, unknown>[]): Plan['initialState'] {
  const rows = Array.isArray(initial) ? (initial as readonly Record<string, unknown>[]) : tableToRows(initial as Table);
  for (const column of key.columns) {
    if (rows.some((r) => !(column in r))) throw new SluiceError('INVALID_QUERY', `transformWithState's initialState rows need the grouping column '${column}' (the grouping columns are ${key.columns.join(', ')}).`);
  }
  const keys = tableToRows(tableFromRows(key.schema, rows));
  const groups = new Map<string, { group: KeyGroup; rows: Record<string, unknown>[] }>();
  rows.forEach((row, i) => {
    const values = key.columns.map((c) => keys[i]![c] ?? null);
    const bytes = key.codec.encode(values);
    const id = toLatin1(bytes);
    let entry = groups.get(id);
    if (!entry) groups.set(id, (entry = { group: { key: Object.fromEntries(key.columns.map((c, k) => [c, values[k]])), values, bytes, rows: [] }, rows: [] }));
    entry.rows.push(row);
  });
  return [...groups.values()];
}

/** Run `init` against a handle that records the variables it declares. */
function declare(key: GroupingKey, processor: StatefulProcessor, outputMode: 'append' | 'update', timeMode: TimeMode): Map<string, StateVariable> {
  const variables = new Map<string, StateVariable>();
  const add = (kind: StateVariable['kind']) => (name: string, options: object = {}) => {
    if (variables.has(name)) throw new SluiceError('INVALID_QUERY', `State variable '${name}' is declared twice in init(): names are unique per processor.`);
    variables.set(name, declareVariable(key, kind, name, options));
    return undefined as never;
  };
  const outsideKey = () => {
    throw new SluiceError('INVALID_QUERY', 'Timers act on the current grouping key: register them in handleInputRows or handleExpiredTimer, not in init.');
  };
  const recorder: StatefulProcessorHandle = {
    getValueState: add('value'),
    getListState: add('list'),
    getMapState: add('map'),
    registerTimer: outsideKey,
    deleteTimer: outsideKey,
    listTimers: outsideKey,
    deleteIfExists: outsideKey,
    getQueryInfo: () => ({ queryId: '', batchId: -1, getQueryId: () => '', getBatchId: () => -1 }),
  };
  processor.setHandle(recorder);
  try {
    processor.init(outputMode, timeMode);
    processor.close();
  } finally {
    processor.setHandle(null);
  }
  return variables;
}

/**
 * One batch, as Spark's TransformWithStateExec: `handleInputRows` per key with rows (late rows
 * dropped first in event-time mode), then `handleExpiredTimer` per timer below the batch's
 * timestamp (processing time) or the watermark (event time), earliest first, each timer deleted
 * as it fires; then values whose TTL ran out are removed.
 */
async function transformBatch(plan: Plan, table: Table, context: OperatorContext): Promise<Table> {
  const state = context.state(plan.step);
  const handle = new ProcessorHandle(plan.key, plan.variables, state, context, plan.timeMode, context.queryId ?? '');
  const started = context.now();
  const { groups, late } = groupRows(plan.key, table, plan.timeMode === 'eventTime' ? context.lateEventsWatermarkMs : 0);
  const timerValues: TimerValues = {
    getCurrentProcessingTimeInMs: () => context.batchTimestampMs,
    getCurrentWatermarkInMs: () => (plan.timeMode === 'eventTime' ? context.watermarkMs : -1),
  };
  const out: Record<string, unknown>[] = [];
  const processor = plan.processor;
  processor.setHandle(handle);
  try {
    processor.init(plan.outputMode, plan.timeMode);
    // The query's first batch seeds the state from the initial rows, before any input row.
    if (plan.initialState && context.batchId === 0) {
      await handle.load(plan.initialState.map((g) => g.group));
      for (const { group, rows } of plan.initialState) {
        if (rows.length > 1) {
          throw new SluiceError('INVALID_QUERY', `[STATEFUL_PROCESSOR_CANNOT_REINITIALIZE_STATE_ON_KEY] Cannot re-initialize state on the same grouping key during initial state handling: grouping key ${JSON.stringify(group.key, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))} has ${rows.length} initial rows. Keep one row per key in initialState.`, {
            details: { groupingKey: group.values.map(String).join(', ') },
          });
        }
        handle.enter(group);
        await processor.handleInitialState!(group.key, rows[0]!, timerValues);
      }
    }
    await handle.load(groups);
    for (const group of groups) {
      handle.enter(group);
      for (const row of await processor.handleInputRows(group.key, group.rows, timerValues)) out.push(row);
    }
    const updatesMs = context.now() - started;

    const timersStarted = context.now();
    const threshold = plan.timeMode === 'processingTime' ? context.batchTimestampMs : plan.timeMode === 'eventTime' ? context.watermarkMs : null;
    if (threshold !== null) {
      const due = await dueTimers(state, threshold);
      const keys = new Map<string, KeyGroup>();
      for (const t of due) if (!keys.has(t.id)) keys.set(t.id, keyGroupOf(plan.key, t.bytes));
      await handle.load([...keys.values()]);
      for (const t of due) {
        const group = keys.get(t.id)!;
        handle.enter(group);
        // A handler before may have deleted it (or this key's own handler, for another of its timers).
        if (!handle.listTimers().includes(t.expiry)) continue;
        handle.counts.numExpiredTimers++;
        const rows = await processor.handleExpiredTimer(group.key, timerValues, { getExpiryTimeInMs: () => t.expiry });
        for (const row of rows) out.push(row);
        handle.enter(group);
        handle.deleteTimer(t.expiry);
        handle.counts.numDeletedTimers--;
      }
    }
    handle.enter(null);
    await handle.cleanUpExpired();
    const removalsMs = context.now() - timersStarted;
    context.reportState(plan.step, {
      numRowsDroppedByWatermark: late,
      allUpdatesTimeMs: updatesMs,
      allRemovalsTimeMs: removalsMs,
      customMetrics: { ...handle.counts },
      ...(plan.timeMode === 'processingTime' ? { nextProcessingTimerMs: await earliestTimer(state) } : {}),
    });
    processor.close();
  } finally {
    processor.setHandle(null);
  }
  return tableFromRows(plan.outputSchema, out);
}

interface DueTimer {
  readonly expiry: number;
  readonly bytes: Uint8Array;
  readonly id: string;
}

/** Every timer below `threshold`, earliest first (then by key). */
async function dueTimers(state: OperatorState, threshold: number): Promise<DueTimer[]> {
  const codec = state.codecs('timersByTime').key;
  const due: DueTimer[] = [];
  for (let p = 0; p < state.numPartitions; p++) {
    for await (const chunk of state.store(p).space('timersByTime').scan({ lt: codec.encodePrefix([threshold]) })) {
      for (const e of chunk) {
        const [expiry, bytes] = codec.decode(e.key) as [number, Uint8Array];
        due.push({ expiry, bytes, id: toLatin1(bytes) });
      }
    }
  }
  return due.sort((a, b) => a.expiry - b.expiry || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function earliestTimer(state: OperatorState): Promise<number | null> {
  const codec = state.codecs('timersByTime').key;
  let next: number | null = null;
  for (let p = 0; p < state.numPartitions; p++) {
    for await (const chunk of state.store(p).space('timersByTime').scan(undefined, { limit: 1 })) {
      if (chunk[0]) {
        const t = codec.decode(chunk[0].key)[0] as number;
        if (next === null || t < next) next = t;
      }
      break;
    }
  }
  return next;
}
