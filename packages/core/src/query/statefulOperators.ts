import { planSteps, type EventTimeStats, type OperatorContext, type PlanNode, type PlanStep, type StateMetrics } from '../builders/plan.ts';
import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import type { Logger } from '../logger.ts';
import type { OperatorState } from '../state/operatorState.ts';
import { OperatorStates } from '../state/operatorStates.ts';
import type { StateStoreSettings } from '../state/stateStore.ts';
import type { OutputMode } from '../types.ts';
import { stateOperatorProgress } from './stateProgress.ts';
import type { StateOperatorProgress } from './progress.ts';

/** What one batch of stateful steps produced, for progress and the next watermark. */
export interface BatchStateReport {
  readonly stateOperators: StateOperatorProgress[];
  /** Spark's `eventTime` progress map (ISO strings), or undefined when the plan has no watermark. */
  readonly eventTime: Record<string, string> | undefined;
}

/**
 * The plan's stateful steps across batches: hands each batch the state versions it must start
 * from, saves what it leaves, and reports what the watermark inputs saw (the watermark itself
 * is `WatermarkTracker`'s).
 */
export class StatefulOperators {
  private readonly stateful: PlanStep[];
  /** Stateful steps in Spark's progress order: the operator nearest the sink first. */
  private readonly progressOrder: PlanStep[];
  private readonly watermarked: PlanStep[];
  private readonly states: OperatorStates;
  private opened = new Map<PlanStep, OperatorState>();
  private reports = new Map<PlanStep, StateMetrics>();
  private eventTimes = new Map<PlanStep, EventTimeStats>();
  /** Steps with processing-time timers: the earliest pending (null: none; absent: not known since the run began). */
  private readonly processingTimers = new Map<PlanStep, number | null>();

  constructor(plan: PlanNode, store: CheckpointStore, settings: StateStoreSettings, log: Logger, private readonly now: () => number) {
    const steps = planSteps(plan);
    this.stateful = steps.filter((s) => s.stateful);
    this.progressOrder = stepsFromRoot(plan).filter((s) => s.stateful);
    this.watermarked = steps.filter((s) => s.watermark);
    this.states = new OperatorStates(store, this.stateful.map((step, operatorId) => ({ operatorId, operatorName: step.stateful!.operatorName, schema: step.stateful!.stateSchema })), settings, log, now);
  }

  /**
   * Whether a watermark that moved past the last batch's calls for a batch without new data
   * (Spark's `shouldRunAnotherBatch`): only an operator that evicts by event time needs one,
   * and never in complete mode, where nothing is evicted and the result would only be re-sent.
   */
  needsNoDataBatch(outputMode: OutputMode, watermarkMoved = true, triggerMs = Number.NEGATIVE_INFINITY): boolean {
    if (watermarkMoved && outputMode !== 'complete' && this.stateful.some((s) => s.stateful!.eventTimeKey)) return true;
    // A processing-time timer fires in the first batch whose timestamp is past it (Spark runs a
    // batch at every trigger for these operators; one when a timer is due gives the same output).
    return this.stateful.some((s) => {
      if (!s.stateful!.processingTimers) return false;
      const next = this.processingTimers.get(s);
      return next === undefined || (next !== null && next < triggerMs);
    });
  }

  /** Check the checkpoint's state against the query and open the stores, at start (`firstBatchId`: the batch it runs first). */
  async open(queryId: string, firstBatchId: number): Promise<void> {
    if (this.stateful.length > 0) await this.states.open(queryId, firstBatchId);
  }

  /** The operator context of batch `batchId`, its state opened at version batchId. */
  async begin(base: { batchId: number; batchTimestampMs: number; watermarkMs: number; lateEventsWatermarkMs: number; outputMode: OutputMode }, queryId: string): Promise<OperatorContext> {
    this.reports = new Map();
    this.eventTimes = new Map();
    const states = this.stateful.length > 0 ? await this.states.begin(base.batchId, queryId) : [];
    this.opened = new Map(this.stateful.map((step, i) => [step, states[i]!]));
    return {
      ...base,
      queryId,
      now: this.now,
      state: (step) => {
        const state = this.opened.get(step);
        if (!state) throw new Error(`${step.name} is not a stateful step of this query`);
        return state;
      },
      reportState: (step, metrics) => {
        if (metrics.nextProcessingTimerMs !== undefined) this.processingTimers.set(step, metrics.nextProcessingTimerMs);
        const seen = this.reports.get(step) ?? {};
        const add = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
        const customMetrics: Record<string, number> = { ...seen.customMetrics };
        for (const [name, value] of Object.entries(metrics.customMetrics ?? {})) customMetrics[name] = (customMetrics[name] ?? 0) + value;
        this.reports.set(step, {
          numRowsDroppedByWatermark: add(seen.numRowsDroppedByWatermark, metrics.numRowsDroppedByWatermark) ?? 0,
          ...(seen.numRowsUpdated !== undefined || metrics.numRowsUpdated !== undefined ? { numRowsUpdated: (seen.numRowsUpdated ?? 0) + (metrics.numRowsUpdated ?? 0) } : {}),
          allUpdatesTimeMs: add(seen.allUpdatesTimeMs, metrics.allUpdatesTimeMs) ?? 0,
          allRemovalsTimeMs: add(seen.allRemovalsTimeMs, metrics.allRemovalsTimeMs) ?? 0,
          customMetrics,
        });
      },
      observeEventTime: (step, stats) => {
        const seen = this.eventTimes.get(step);
        this.eventTimes.set(step, seen ? { min: Math.min(seen.min, stats.min), max: Math.max(seen.max, stats.max), sum: seen.sum + stats.sum, count: seen.count + stats.count } : stats);
      },
    };
  }

  /** Commit the states batch `batchId` left as version batchId+1 (before its commit), and report. */
  async commit(batchWatermarkMs: number): Promise<BatchStateReport> {
    const metrics = await this.states.commit();
    const stateOperators = this.progressOrder.map((step) => stateOperatorProgress(step.stateful!.operatorName, metrics[this.stateful.indexOf(step)]!, this.reports.get(step) ?? {}));
    return { stateOperators, eventTime: this.eventTimeProgress(batchWatermarkMs) };
  }

  /** Forget the open batch's state writes (the batch failed). */
  abort(): void {
    this.states.abort();
  }

  /** Release the state stores at the end of the run (waits for their background upkeep). */
  close(): Promise<void> {
    return this.states.close();
  }

  /** What each `withWatermark` input saw in this batch (plan order), for the watermark tracker. */
  eventTimeInputs(): { maxEventTimeMs: number | undefined; delayMs: number }[] {
    return this.watermarked.map((step) => ({ maxEventTimeMs: this.eventTimes.get(step)?.max, delayMs: step.watermark!.delayMs }));
  }

  private eventTimeProgress(batchWatermarkMs: number): Record<string, string> | undefined {
    if (this.watermarked.length === 0) return undefined;
    const all = [...this.eventTimes.values()];
    const out: Record<string, string> = {};
    if (all.length > 0 && all.some((s) => s.count > 0)) {
      const count = all.reduce((n, s) => n + s.count, 0);
      out['avg'] = new Date(Math.round(all.reduce((n, s) => n + s.sum, 0) / count)).toISOString();
      out['max'] = new Date(Math.max(...all.map((s) => s.max))).toISOString();
      out['min'] = new Date(Math.min(...all.map((s) => s.min))).toISOString();
    }
    out['watermark'] = new Date(batchWatermarkMs).toISOString();
    return out;
  }
}

/** The plan's steps from the sink down, each before its inputs (how Spark lists `stateOperators`). */
function stepsFromRoot(node: PlanNode): PlanStep[] {
  if (node.kind === 'source') return [];
  if (node.kind === 'step') return [node.step, ...stepsFromRoot(node.input)];
  if (node.kind === 'join') return [node.step, ...node.inputs.flatMap(stepsFromRoot)];
  return node.inputs.flatMap(stepsFromRoot);
}
