import { planSteps, type EventTimeStats, type OperatorContext, type PlanNode, type PlanStep, type StateMetrics } from '../builders/plan.ts';
import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { StateStore } from '../state/stateStore.ts';
import type { JsonValue, OutputMode } from '../types.ts';
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
  private readonly watermarked: PlanStep[];
  private readonly states: StateStore;
  private inputs = new Map<PlanStep, JsonValue | undefined>();
  private outputs = new Map<PlanStep, { state: JsonValue; metrics: StateMetrics }>();
  private eventTimes = new Map<PlanStep, EventTimeStats>();

  constructor(plan: PlanNode, store: CheckpointStore, private readonly minBatchesToRetain: number, private readonly now: () => number) {
    const steps = planSteps(plan);
    this.stateful = steps.filter((s) => s.stateful);
    this.watermarked = steps.filter((s) => s.watermark);
    this.states = new StateStore(store);
  }

  /** Whether the plan keeps state (then a watermark move alone is reason for a no-data batch). */
  get hasState(): boolean {
    return this.stateful.length > 0;
  }

  /** The operator context of batch `batchId`, its state inputs loaded. */
  async begin(base: { batchId: number; batchTimestampMs: number; watermarkMs: number; outputMode: OutputMode }): Promise<OperatorContext> {
    this.inputs = new Map();
    this.outputs = new Map();
    this.eventTimes = new Map();
    for (const [id, step] of this.stateful.entries()) this.inputs.set(step, await this.states.load(id, base.batchId));
    return {
      ...base,
      readState: (step) => this.inputs.get(step),
      writeState: (step, state, metrics) => void this.outputs.set(step, { state, metrics }),
      observeEventTime: (step, stats) => {
        const seen = this.eventTimes.get(step);
        this.eventTimes.set(step, seen ? { min: Math.min(seen.min, stats.min), max: Math.max(seen.max, stats.max), sum: seen.sum + stats.sum, count: seen.count + stats.count } : stats);
      },
    };
  }

  /** Save the states batch `batchId` left as version batchId+1 (before its commit), and report. */
  async commit(batchId: number, batchWatermarkMs: number): Promise<BatchStateReport> {
    const stateOperators: StateOperatorProgress[] = [];
    for (const [id, step] of this.stateful.entries()) {
      const output = this.outputs.get(step);
      const state = output?.state ?? this.inputs.get(step) ?? null;
      const started = this.now();
      await this.states.save(id, batchId + 1, state);
      await this.states.purge(id, batchId + 1 - this.minBatchesToRetain);
      stateOperators.push({
        operatorName: step.stateful!.operatorName,
        numRowsTotal: output?.metrics.numRowsTotal ?? 0,
        numRowsUpdated: output?.metrics.numRowsUpdated ?? 0,
        numRowsRemoved: output?.metrics.numRowsRemoved ?? 0,
        commitTimeMs: this.now() - started,
        memoryUsedBytes: output?.metrics.memoryUsedBytes ?? 0,
        numRowsDroppedByWatermark: output?.metrics.numRowsDroppedByWatermark ?? 0,
        numShufflePartitions: 1,
        numStateStoreInstances: 1,
      });
    }
    return { stateOperators, eventTime: this.eventTimeProgress(batchWatermarkMs) };
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
