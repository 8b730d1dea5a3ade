import type { SchedulerLike } from 'rxjs';
import type { Offset, Sink, Source } from '../types.ts';
import { compact, rowsPerSecond, type DurationMs, type SinkProgress, type SourceProgress, type StateOperatorProgress, type StreamingQueryProgress } from './progress.ts';

type Phase = keyof DurationMs;

/** Source and sink descriptions as shown to users: already passed through the redactor. */
export interface Descriptions {
  readonly sources: readonly string[];
  readonly sink: string;
}

export interface ExecutedBatch {
  readonly batchId: number;
  readonly start: readonly (Offset | null)[];
  readonly end: readonly (Offset | null)[];
  readonly rowsPerSource: readonly number[];
  readonly outputRows: number;
  readonly stateOperators: readonly StateOperatorProgress[];
  readonly eventTime: Record<string, string> | undefined;
}

/**
 * Times each trigger and turns it into Spark's progress JSON (ProgressReporter). All times
 * come from the query's scheduler, so progress on virtual time is deterministic.
 */
export class ProgressReporter {
  private triggerStartMs: number | null = null;
  /** Start of the most recent trigger, executed or idle: processingTime schedules from it. */
  private lastStartMs: number | null = null;
  /** Start of the last trigger that executed a batch: the base of inputRowsPerSecond. */
  private lastExecutedTriggerStartMs: number | null = null;
  private lastIdleEventMs = Number.NEGATIVE_INFINITY;
  private durations: Partial<Record<Phase, number>> = {};

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly identity: { readonly id: () => string; readonly runId: string; readonly name: string | null },
    private readonly idleIntervalMs: number,
  ) {}

  get currentTriggerStartMs(): number | null {
    return this.triggerStartMs;
  }

  get lastTriggerStartMs(): number | null {
    return this.lastStartMs;
  }

  beginTrigger(): void {
    this.triggerStartMs = this.scheduler.now();
    this.lastStartMs = this.triggerStartMs;
    this.durations = {};
  }

  /** Add `ms` to `phase` (work timed by the caller, e.g. a write that overlapped other work). */
  add(phase: Phase, ms: number): void {
    this.durations[phase] = (this.durations[phase] ?? 0) + ms;
  }

  /** Run `work`, adding its wall time to `phase`. */
  async time<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    const start = this.scheduler.now();
    try {
      return await work();
    } finally {
      this.durations[phase] = (this.durations[phase] ?? 0) + (this.scheduler.now() - start);
    }
  }

  /** Progress of a trigger that ran a batch. */
  finishBatch(batch: ExecutedBatch, sources: readonly Source[], sink: Sink, names: Descriptions): StreamingQueryProgress {
    const startMs = this.triggerStartMs ?? this.scheduler.now();
    const endMs = this.scheduler.now();
    const processingMs = Math.max(1, endMs - startMs);
    const inputMs = this.lastExecutedTriggerStartMs === null ? Number.POSITIVE_INFINITY : startMs - this.lastExecutedTriggerStartMs;
    this.lastExecutedTriggerStartMs = startMs;
    this.durations.triggerExecution = endMs - startMs;
    this.durations.queryPlanning ??= 0;
    const sourceProgress = sources.map((source, i) => this.sourceProgress(source, names.sources[i]!, batch.start[i] ?? null, batch.end[i] ?? null, batch.rowsPerSource[i] ?? 0, inputMs, processingMs));
    const numInputRows = batch.rowsPerSource.reduce((a, b) => a + b, 0);
    const sinkMetrics = sink.metrics?.();
    this.triggerStartMs = null;
    return compact<StreamingQueryProgress>({
      id: this.identity.id(),
      runId: this.identity.runId,
      name: this.identity.name,
      timestamp: new Date(startMs).toISOString(),
      batchId: batch.batchId,
      batchDuration: endMs - startMs,
      numInputRows,
      inputRowsPerSecond: rowsPerSecond(numInputRows, inputMs),
      processedRowsPerSecond: rowsPerSecond(numInputRows, processingMs),
      durationMs: sortedDurations(this.durations),
      eventTime: batch.eventTime,
      stateOperators: batch.stateOperators,
      sources: sourceProgress,
      sink: compact<SinkProgress>({ description: names.sink, numOutputRows: batch.outputRows, metrics: nonEmpty(sinkMetrics) }),
    });
  }

  /**
   * Progress of a trigger that found no new data, or undefined when one was reported less than
   * `idleIntervalMs` ago (Spark's noDataProgressEventInterval: an idle query is not chatty).
   */
  finishIdle(
    batchId: number,
    committed: readonly (Offset | null)[],
    sources: readonly Source[],
    names: Descriptions,
    state: { readonly stateOperators: readonly StateOperatorProgress[]; readonly eventTime: Record<string, string> | undefined },
  ): StreamingQueryProgress | undefined {
    const startMs = this.triggerStartMs ?? this.scheduler.now();
    const endMs = this.scheduler.now();
    this.triggerStartMs = null;
    if (endMs - this.lastIdleEventMs < this.idleIntervalMs) return undefined;
    this.lastIdleEventMs = endMs;
    this.durations.triggerExecution = endMs - startMs;
    return compact<StreamingQueryProgress>({
      id: this.identity.id(),
      runId: this.identity.runId,
      name: this.identity.name,
      timestamp: new Date(startMs).toISOString(),
      batchId,
      batchDuration: endMs - startMs,
      numInputRows: 0,
      inputRowsPerSecond: 0,
      processedRowsPerSecond: 0,
      durationMs: sortedDurations(this.durations),
      eventTime: state.eventTime,
      stateOperators: state.stateOperators,
      sources: sources.map((source, i) => this.sourceProgress(source, names.sources[i]!, committed[i] ?? null, committed[i] ?? null, 0, Number.POSITIVE_INFINITY, 1)),
      sink: { description: names.sink, numOutputRows: 0 },
    });
  }

  /** A batch ran: the next idle report comes only after a full interval without data (as Spark). */
  resetIdleClock(): void {
    this.lastIdleEventMs = this.scheduler.now();
  }

  private sourceProgress(source: Source, description: string, start: Offset | null, end: Offset | null, rows: number, inputMs: number, processingMs: number): SourceProgress {
    return compact<SourceProgress>({
      description,
      startOffset: start,
      endOffset: end,
      latestOffset: source.reportLatestOffset?.() ?? end,
      numInputRows: rows,
      inputRowsPerSecond: rowsPerSecond(rows, inputMs),
      processedRowsPerSecond: rowsPerSecond(rows, processingMs),
      metrics: nonEmpty(source.metrics?.(end)),
    });
  }
}

function sortedDurations(durations: Partial<Record<Phase, number>>): DurationMs {
  const out: Record<string, number> = {};
  for (const key of Object.keys(durations).sort()) out[key] = durations[key as Phase]!;
  return out;
}

function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  return value && Object.keys(value).length > 0 ? value : undefined;
}
