import type { Schema, Table } from 'apache-arrow';
import { concatTables } from '../arrow/tables.ts';
import { OperatorState } from '../state/operatorState.ts';
import { LiveState } from '../state/memory/liveState.ts';
import { MemoryStateStore } from '../state/memory/memoryStore.ts';
import type { StateSchema } from '../state/stateStore.ts';
import type { OutputMode, SourceProvider } from '../types.ts';

/**
 * Counters only the operator knows, for progress `stateOperators` (Spark's names); the row
 * counts and memory come from the state store itself. Reported values add up within a batch.
 */
export interface StateMetrics {
  readonly numRowsDroppedByWatermark?: number;
  /**
   * Rows the operator added to its state this batch, when that is not what the store counts
   * (a stream–stream join rewrites a buffered row to flag it matched: Spark counts only appended
   * rows). Replaces the store's `numKeysUpdated` in progress.
   */
  readonly numRowsUpdated?: number;
  /** Time spent updating state this batch (Spark's allUpdatesTimeMs). */
  readonly allUpdatesTimeMs?: number;
  /** Time spent evicting state this batch (Spark's allRemovalsTimeMs). */
  readonly allRemovalsTimeMs?: number;
  /** The operator's own counters with Spark's names (`numDroppedDuplicateRows`, …), into progress `customMetrics`. */
  readonly customMetrics?: Readonly<Record<string, number>>;
  /**
   * The earliest processing-time timer (or timeout) still pending after this batch, null when
   * none: the engine runs a batch without new data once a trigger's time passes it, so a timer
   * fires without waiting for input.
   */
  readonly nextProcessingTimerMs?: number | null;
}

/** Event times a `withWatermark` step saw in a batch (epoch ms). */
export interface EventTimeStats {
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  readonly count: number;
}

/** What an operator sees of the batch it transforms. */
export interface OperatorContext {
  readonly batchId: number;
  /** The batch's frozen "now" (from `offsets/N`): identical when a batch is replayed. */
  readonly batchTimestampMs: number;
  /** The event-time watermark in force for this batch (from `offsets/N`): what stateful operators evict and finalize by. */
  readonly watermarkMs: number;
  /**
   * The previous batch's watermark (from `offsets/N-1`; never above `watermarkMs`): what stateful
   * operators drop input rows as late by (Spark 3.4+). Rows an upstream stateful operator emits
   * in this batch because the watermark moved are then never late for the operator after it,
   * which is what makes chained stateful operators in append mode correct.
   */
  readonly lateEventsWatermarkMs: number;
  readonly outputMode: OutputMode;
  /** The query's id (its checkpoint's, stable across restarts), when a query runs the plan. */
  readonly queryId?: string;
  /** The query's clock (its scheduler's time, virtual in tests), for durations in progress. */
  now(): number;
  /**
   * A stateful step's state, opened at this batch's version (= batchId) in every partition; what
   * the step writes becomes version batchId + 1 when the batch commits. See `StateSchema`.
   */
  state(step: PlanStep): OperatorState;
  /** A stateful step's own counters for this batch's progress. */
  reportState(step: PlanStep, metrics: StateMetrics): void;
  /** A watermark step reports the event times it saw; the next watermark is derived from them. */
  observeEventTime(step: PlanStep, stats: EventTimeStats): void;
}

/** One bound transformation: its output schema is known when the query is defined. */
export interface PlanStep {
  /** How `explain()` shows it, e.g. `Filter (value > 5)`. */
  readonly name: string;
  readonly schema: Schema;
  apply(table: Table, context: OperatorContext): Table | Promise<Table>;
  /** Set on steps that keep state across batches (aggregations): the engine versions it in `state/<id>/`. */
  readonly stateful?: {
    /** Spark's name in progress `stateOperators[].operatorName`, e.g. `stateStoreSave`. */
    readonly operatorName: string;
    /**
     * What kind of stateful operator it is, for Spark's checks of operator and output-mode
     * combinations (`builders/unsupportedOperations.ts`): `aggregate`, `sessionWindow`, `dedupe`,
     * `dedupeWithinWatermark`, or another operator's own name.
     */
    readonly kind?: string;
    /** The key spaces and row schemas of its state: recorded at the first run, checked at every restart. */
    readonly stateSchema: StateSchema;
    /** An aggregation (which decides what the output modes mean). */
    readonly aggregates: boolean;
    /** It groups by a watermarked event time, so it can finalize and forget groups. */
    readonly eventTimeKey: boolean;
    /** It keeps processing-time timers (timeouts) and reports the next one (`StateMetrics.nextProcessingTimerMs`). */
    readonly processingTimers?: boolean;
    /** Why the query cannot run, raised when it starts after the output-mode checks (Spark's order of refusals). */
    readonly refusal?: Error;
  };
  /**
   * The output columns that carry event time, with their watermark delay, when the step decides
   * them (an aggregation's window); otherwise they follow by name from the input (see `eventTimeColumns`).
   */
  readonly eventTimeColumns?: ReadonlyMap<string, number>;
  /** Set on `withWatermark` steps: the column and delay that define the watermark. */
  readonly watermark?: { readonly column: string; readonly delayMs: number };
  /**
   * Set on steps that may emit rows older than the watermark they run with (a stream–stream
   * join with a time-range condition: its state watermark trails its input's): the watermark the
   * operators after it run with, given the one it runs with (Spark's `produceOutputWatermark`).
   * Without it a step passes its input's watermark on.
   */
  readonly outputWatermark?: (inputWatermarkMs: number) => number;
  /**
   * Set on the step of a `join` node (two streaming inputs): it runs instead of `apply`, on the
   * batch's rows of the left and the right input.
   */
  readonly applyJoin?: (left: Table, right: Table, context: OperatorContext) => Promise<Table>;
  /**
   * Set on steps that need a batch's whole result table (a sort, a limit): on a stream they run
   * only after an aggregation in complete mode, where each batch's output is the whole table. The
   * text is the error a stream in any other case gets when it starts (Spark's message).
   */
  readonly needsCompleteData?: string;
}

/** The logical plan: sources at the leaves, steps and unions above them. */
export type PlanNode =
  | { readonly kind: 'source'; readonly provider: SourceProvider; readonly schema: Schema }
  | { readonly kind: 'step'; readonly step: PlanStep; readonly input: PlanNode; readonly schema: Schema }
  | { readonly kind: 'union'; readonly inputs: readonly PlanNode[]; readonly schema: Schema }
  /** Two streaming inputs joined by `step.applyJoin` (a stream–stream join): `inputs` is [left, right]. */
  | { readonly kind: 'join'; readonly step: PlanStep; readonly inputs: readonly [PlanNode, PlanNode]; readonly schema: Schema };

/** The plan's sources, left to right, each once: their position is their checkpoint index. */
export function planSources(node: PlanNode): SourceProvider[] {
  const found: SourceProvider[] = [];
  const visit = (n: PlanNode): void => {
    if (n.kind === 'source') {
      if (!found.includes(n.provider)) found.push(n.provider);
    } else if (n.kind === 'step') visit(n.input);
    else (n.inputs as readonly PlanNode[]).forEach(visit);
  };
  visit(node);
  return found;
}

/**
 * How many times the plan reads each of `sources`: Spark counts a batch's input rows per scan,
 * so a source a self-union reads twice counts its rows twice. A join of one frame with itself
 * (`df.join(df, …)`) reads it once, as Spark's exchange reuse (on by default) scans it once.
 */
export function planSourceReads(node: PlanNode, sources: readonly SourceProvider[]): number[] {
  const reads = sources.map(() => 0);
  const visit = (n: PlanNode): void => {
    if (n.kind === 'source') {
      const i = sources.indexOf(n.provider);
      if (i >= 0) reads[i]!++;
    } else if (n.kind === 'step') visit(n.input);
    else if (n.kind === 'join' && n.inputs[0] === n.inputs[1] && n.inputs[0].kind !== 'source') visit(n.inputs[0]);
    else (n.inputs as readonly PlanNode[]).forEach(visit);
  };
  visit(node);
  return reads;
}

/** The plan's steps, inputs before outputs (depth first): a stateful step's index is its operator id. */
export function planSteps(node: PlanNode): PlanStep[] {
  if (node.kind === 'source') return [];
  if (node.kind === 'step') return [...planSteps(node.input), node.step];
  if (node.kind === 'join') return [...node.inputs.flatMap(planSteps), node.step];
  return node.inputs.flatMap(planSteps);
}

/**
 * Run the plan over one batch: `inputs` holds each source's table for the batch. Each step runs
 * with the watermark its input carries: the query's, or what a step below it that emits rows
 * older than that (`outputWatermark`) passes on — Spark's per-operator watermark propagation, so
 * that an aggregation after a time-range join neither drops the join's late-emitted rows as late
 * nor closes their windows before they arrive.
 */
export async function executePlan(node: PlanNode, inputs: ReadonlyMap<SourceProvider, Table>, context: OperatorContext): Promise<Table> {
  switch (node.kind) {
    case 'source':
      return inputs.get(node.provider)!;
    case 'step':
      return node.step.apply(await executePlan(node.input, inputs, context), withInputWatermark(context, [node.input]));
    case 'union': {
      const tables = await Promise.all(node.inputs.map((input) => executePlan(input, inputs, context)));
      return concatTables(node.schema, tables);
    }
    case 'join': {
      const [left, right] = await Promise.all(node.inputs.map((input) => executePlan(input, inputs, context)));
      return node.step.applyJoin!(left!, right!, withInputWatermark(context, node.inputs));
    }
  }
}

/** The context a step over `inputs` runs with: both watermarks as its inputs pass them on (the query's, unless a step below trails them). */
function withInputWatermark(context: OperatorContext, inputs: readonly PlanNode[]): OperatorContext {
  const of = (watermarkMs: number) => Math.min(...inputs.map((input) => outputWatermarkOf(input, watermarkMs)));
  const watermarkMs = of(context.watermarkMs);
  const lateEventsWatermarkMs = of(context.lateEventsWatermarkMs);
  if (watermarkMs === context.watermarkMs && lateEventsWatermarkMs === context.lateEventsWatermarkMs) return context;
  return { ...context, watermarkMs, lateEventsWatermarkMs };
}

/** The watermark `node`'s output carries when the query's is `watermarkMs` (none yet, ≤ 0, stays none). */
export function outputWatermarkOf(node: PlanNode, watermarkMs: number): number {
  if (watermarkMs <= 0) return watermarkMs;
  switch (node.kind) {
    case 'source':
      return watermarkMs;
    case 'step': {
      const input = outputWatermarkOf(node.input, watermarkMs);
      return node.step.outputWatermark && input > 0 ? node.step.outputWatermark(input) : input;
    }
    case 'union':
    case 'join': {
      const input = Math.min(...node.inputs.map((i) => outputWatermarkOf(i, watermarkMs)));
      return node.kind === 'join' && node.step.outputWatermark && input > 0 ? node.step.outputWatermark(input) : input;
    }
  }
}

/** The plan as Spark prints a physical plan: one node per line, children indented under `+- `. */
export function explainPlan(node: PlanNode, describeSource: (provider: SourceProvider) => string): string[] {
  const lines: string[] = [];
  const visit = (n: PlanNode, prefix: string, childPrefix: string): void => {
    const label = n.kind === 'source' ? `StreamingDataSource ${describeSource(n.provider)}` : n.kind === 'union' ? 'Union' : n.step.name;
    lines.push(`${prefix}${label}`);
    const children = n.kind === 'step' ? [n.input] : n.kind === 'source' ? [] : n.inputs;
    children.forEach((child) => visit(child, `${childPrefix}+- `, `${childPrefix}   `));
  };
  visit(node, '', '');
  return lines;
}

/**
 * An operator context with no engine behind it: state lives in this object, event times are
 * ignored. For running a plan (or one operator) over tables directly, e.g. in a unit test.
 */
export function standaloneOperatorContext(values: Partial<Pick<OperatorContext, 'batchId' | 'batchTimestampMs' | 'watermarkMs' | 'lateEventsWatermarkMs' | 'outputMode'>> = {}): OperatorContext {
  const states = new Map<PlanStep, OperatorState>();
  const batchId = values.batchId ?? 0;
  return {
    batchId,
    batchTimestampMs: values.batchTimestampMs ?? 0,
    watermarkMs: values.watermarkMs ?? 0,
    lateEventsWatermarkMs: values.lateEventsWatermarkMs ?? values.watermarkMs ?? 0,
    outputMode: values.outputMode ?? 'append',
    now: () => 0,
    // One in-memory partition per step, never committed: its writes stay for the next apply.
    state: (step) => {
      let state = states.get(step);
      if (!state) {
        const schema = step.stateful?.stateSchema;
        if (!schema) throw new Error(`${step.name} keeps no state`);
        const live = new LiveState(batchId, schema.keySpaces);
        const store = new MemoryStateStore(0, batchId, live, false, { touched: () => {}, persist: async () => 0, closed: () => {}, custom: () => ({}) });
        state = new OperatorState(0, schema, [store]);
        states.set(step, state);
      }
      return state;
    },
    reportState: () => {},
    observeEventTime: () => {},
  };
}
