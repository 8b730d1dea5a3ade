import { randomUUID } from 'node:crypto';
import type { Table } from 'apache-arrow';
import { EMPTY, lastValueFrom, merge, toArray, type SchedulerLike, type Subscription } from 'rxjs';
import type { Actor } from 'xstate';
import { concatTables, emptyTable } from '../arrow/tables.ts';
import { executePlan, planSourceReads } from '../builders/plan.ts';
import { Checkpoint } from '../checkpoint/checkpoint.ts';
import type { CheckpointLock } from '../checkpoint/checkpointStore.ts';
import type { OffsetSeqMetadata } from '../checkpoint/logEntries.ts';
import { describeError, isSluiceError, SluiceError, type ErrorCode } from '../errors.ts';
import { isSimulatedCrash, type FaultPhase, type FaultPoint } from '../lifecycle/faults.ts';
import { lifecycleStep } from '../lifecycle/lifecycleStep.ts';
import { queryLifecycleMachine, type GetOffsetsOutput, type InitializeOutput } from '../lifecycle/queryLifecycle.ts';
import { withLogFields, type Logger } from '../logger.ts';
import type { Trigger } from '../triggers/trigger.ts';
import { nextBatchTime } from '../triggers/trigger.ts';
import { READ_ALL, type BatchContext, type Offset, type ReadLimit, type Sink, type Source } from '../types.ts';
import { sameOffset } from './canonicalJson.ts';
import type { StreamingQueryProgress } from './progress.ts';
import { ProgressReporter, type Descriptions } from './progressReporter.ts';
import { redactString } from '../redact.ts';
import type { QueryDefinition } from './queryDefinition.ts';
import { StatefulOperators, type BatchStateReport } from './statefulOperators.ts';
import { effectivePolicy, WATERMARK_POLICY_CONF, WatermarkTracker, type WatermarkPolicy } from './watermarks.ts';

export type LifecycleActor = Actor<typeof queryLifecycleMachine>;

/** A batch read and transformed, its state commit in flight: what processBatch sends to the sink. */
interface PreparedBatch {
  readonly output: Table;
  readonly stateCommit: Promise<BatchStateReport>;
  readonly watermarkMs: number;
}

const IN_BATCH: ReadonlySet<string> = new Set(['gettingOffsets', 'walCommit', 'processing', 'committing']);

export interface RunEnvironment {
  readonly scheduler: SchedulerLike;
  readonly log: Logger;
  /** Start the run's lifecycle actor under the query manager. */
  spawn(logic: typeof queryLifecycleMachine, runId: string, trigger: Trigger): LifecycleActor;
  onProgress(progress: StreamingQueryProgress, idle: boolean): void;
}

interface PlannedBatch {
  readonly batchId: number;
  readonly start: readonly (Offset | null)[];
  readonly end: readonly (Offset | null)[];
  readonly metadata: OffsetSeqMetadata;
  /** The previous batch's watermark: stateful operators drop rows as late against it (Spark 3.4+). */
  readonly lateEventsWatermarkMs: number;
}

/**
 * One run of a query: from `start()` (or a supervised restart) until it stops or fails. It
 * owns the run's resources (checkpoint lock, opened sources, the sink) and provides the
 * lifecycle machine's steps. Offsets and tables live here, never in the machine.
 */
export class QueryRun {
  readonly runId = randomUUID();
  readonly actor: LifecycleActor;
  queryId: string | null = null;
  /** The run's logger: every line carries the query id, run id and (inside a batch) batch id. */
  readonly log: Logger;

  private readonly checkpoint: Checkpoint;
  private readonly reporter: ProgressReporter;
  private readonly abort = new AbortController();
  private lock: CheckpointLock | undefined;
  private sources: Source[] = [];
  private sink: Sink | undefined;
  private committed: readonly (Offset | null)[] | null = null;
  private initialOffsets: Promise<Offset[]> | undefined;
  private planned: PlannedBatch | null = null;
  private watermarkMs = 0;
  private watermarks = new WatermarkTracker('min', 0);
  private watermarkPolicy: WatermarkPolicy = 'min';
  private trigger: Trigger;
  private inFlight: Promise<unknown> | null = null;
  /** Batch N read, transformed and its state committing while offsets/N is written (see walCommit), and where batch N-1 ended. */
  private prefetched: { readonly batchId: number; readonly work: Promise<PreparedBatch>; readonly previousEnd: readonly (Offset | null)[] | null } | null = null;
  /** offsets/N being made durable (walCommit issues the write and waits for it). */
  private wal: { readonly batchId: number; readonly durable: Promise<void>; readonly started: number } | null = null;
  private rowsPerSource: number[] = [];
  private sourceReads: number[] | undefined;
  private outputRows = 0;
  private readonly statefulOps: StatefulOperators;
  private lastBatchWatermarkMs = 0;
  private lastExecuted: number | null = null;
  private stateReport: BatchStateReport = { stateOperators: [], eventTime: undefined };
  private wakeSubscription: Subscription | undefined;
  private crashed = false;
  private descriptions: Descriptions = { sources: [], sink: '' };

  constructor(
    private readonly definition: QueryDefinition,
    private readonly env: RunEnvironment,
  ) {
    this.trigger = definition.trigger;
    this.log = withLogFields(env.log, () => this.logFields());
    this.checkpoint = new Checkpoint(definition.checkpoint);
    this.statefulOps = new StatefulOperators(definition.plan, definition.checkpoint, definition.stateStore, env.log, () => env.scheduler.now());
    this.reporter = new ProgressReporter(env.scheduler, { id: () => this.queryId ?? '', runId: this.runId, name: definition.name }, definition.noDataProgressEventIntervalMs);
    const logic = queryLifecycleMachine.provide({
      actions: {
        initialize: lifecycleStep('initialize', () => this.step(this.initialize()), () => ({})),
        getOffsets: lifecycleStep('getOffsets', ({ batchId }) => this.step(this.getOffsets(batchId))),
        walCommit: lifecycleStep('walCommit', ({ batchId }) => this.step(this.walCommit(batchId))),
        processBatch: lifecycleStep('processBatch', ({ batchId }) => this.step(this.processBatch(batchId))),
        commitBatch: lifecycleStep('commitBatch', ({ batchId }) => this.step(this.commitBatch(batchId))),
      },
      delays: { triggerDelay: () => this.nextTriggerDelay() },
      guards: {
        nextTriggerDue: ({ context }) => context.trigger.kind !== 'processingTime' || this.nextTriggerDelay() <= 0,
      },
    });
    this.actor = env.spawn(logic, this.runId, definition.trigger);
  }

  /** Descriptions of the opened sources (for the "Getting offsets from …" status), secrets scrubbed. */
  get sourceDescriptions(): string[] {
    return this.descriptions.sources.slice();
  }

  get sinkDescription(): string | undefined {
    return this.sink ? this.descriptions.sink : undefined;
  }

  get wasCrash(): boolean {
    return this.crashed;
  }

  /** processAllAvailable: sources that cache what is available look again before the next trigger. */
  refreshSources(): void {
    for (const source of this.sources) source.refresh?.();
  }

  /** Simulate the process dying now: nothing more runs, the lock is abandoned (fault-injection tests). */
  kill(): void {
    this.crashed = true;
    this.actor.send({ type: 'query.stop' });
  }

  /**
   * Give up the batch in flight: the machine stops now, and a batch that has not started its
   * sink write never starts it (the abort signal also tells a sink write under way to stop).
   */
  abandon(): void {
    this.abort.abort();
    this.actor.send({ type: 'query.stop' });
  }

  /** Stop at the next batch boundary: a batch in flight runs to its commit first. */
  drain(): void {
    this.actor.send({ type: 'query.drain' });
  }

  /** Wake a waiting default/availableNow trigger now (data arrived, processAllAvailable). */
  wake(): void {
    if (this.trigger.kind !== 'processingTime' && this.actor.getSnapshot().value === 'waiting') this.actor.send({ type: 'query.trigger' });
  }

  /**
   * Tear the run down after the machine reached `stopped` or `failed`: wait for the step in
   * flight (its effect is atomic either way), then close sources and sink and release the lock.
   * A simulated crash abandons the lock instead, as a dead process would.
   */
  async release(cleanStop: boolean): Promise<void> {
    this.abort.abort();
    this.wakeSubscription?.unsubscribe();
    await this.inFlight?.catch(() => undefined);
    await this.wal?.durable.catch(() => undefined); // an offsets write still in flight when the run ended
    await this.prefetched?.work.catch(() => undefined); // a batch prepared ahead, then stopped before it ran
    await this.checkpoint.settled();
    await this.statefulOps.close().catch((e: unknown) => this.env.log.warn(`While closing the state stores: ${describeError(e)}`));
    const errors: unknown[] = [];
    await Promise.all(this.sources.map((s) => s.stop().catch((e: unknown) => errors.push(e))));
    await this.sink?.close().catch((e: unknown) => errors.push(e));
    for (const e of errors) this.log.warn(`While closing query resources: ${describeError(e)}`);
    if (this.crashed) {
      this.lock?.abandon();
      return;
    }
    await this.lock?.release();
    if (cleanStop && this.definition.temporaryCheckpoint) await this.definition.checkpoint.destroy().catch(() => undefined);
  }

  /** Track the step in flight (release waits for it) and note a simulated crash as it happens. */
  private step<T>(work: Promise<T>): Promise<T> {
    const promise = work.catch((error: unknown) => {
      if (isSimulatedCrash(error)) this.crashed = true;
      throw error;
    });
    this.inFlight = promise;
    return promise;
  }

  private async fault(point: FaultPoint, phase: FaultPhase, batchId: number): Promise<void> {
    await this.definition.faults?.at(point, phase, batchId);
  }

  private async initialize(): Promise<InitializeOutput> {
    await this.fault('initialize', 'before', -1);
    const { definition, env } = this;
    this.lock = await definition.checkpoint.lock({ queryId: null, runId: this.runId, name: definition.name });
    this.queryId = await this.checkpoint.queryId(randomUUID);
    const recovery = await this.checkpoint.recover(definition.sources.length);
    this.committed = recovery.committed;
    this.watermarkMs = recovery.watermarkMs;
    this.lastBatchWatermarkMs = recovery.lastBatchWatermarkMs;
    this.watermarkPolicy = effectivePolicy(definition.multipleWatermarkPolicy, recovery.conf);
    this.watermarks = new WatermarkTracker(this.watermarkPolicy, recovery.watermarkMs);
    if (recovery.pending) {
      const { batchId, seq } = recovery.pending;
      this.planned = { batchId, start: recovery.committed ?? [], end: seq.offsets, metadata: seq.metadata, lateEventsWatermarkMs: recovery.previousBatchWatermarkMs };
    }
    // State the query cannot use (another engine's, a changed aggregation's) is refused here,
    // before a batch is planned: the checkpoint stays byte-identical.
    await this.statefulOps.open(this.queryId, recovery.nextBatchId);
    for (const [index, provider] of definition.sources.entries()) {
      const source = await this.guard('SOURCE_FAILED', `opening source '${provider.format}'`, -1, () =>
        provider.open({ queryId: this.queryId!, runId: this.runId, sourceIndex: index, metadata: this.checkpoint.sourceMetadata(index), scheduler: env.scheduler, log: this.log }),
      );
      this.sources.push(source);
    }
    this.sink = await this.guard('SINK_FAILED', `opening sink '${definition.sink.format}'`, -1, () =>
      definition.sink.open({ queryId: this.queryId!, runId: this.runId, queryName: definition.name, outputMode: definition.outputMode, schema: definition.plan.schema, scheduler: env.scheduler, log: this.log }),
    );
    this.descriptions = { sources: this.sources.map((s) => redactString(s.description)), sink: redactString(this.sink.description) };
    await this.prepareTrigger();
    this.wakeSubscription = merge(...this.sources.map((s) => s.dataArrived$ ?? EMPTY)).subscribe(() => this.wake());
    await this.fault('initialize', 'after', -1);
    return { nextBatchId: recovery.nextBatchId, hasPendingBatch: recovery.pending !== null, trigger: this.trigger };
  }

  /**
   * availableNow needs every source to pin its target; otherwise Spark's rule: one batch of
   * everything. `once` lets the sources that can settle what is there now do so (a file source
   * admits a file only after a second listing: without this, its one batch read none of the files
   * already there, where Spark reads them all — SPARK-30669).
   */
  private async prepareTrigger(): Promise<void> {
    if (this.trigger.kind === 'once') {
      await Promise.all(this.sources.map((s) => s.prepareForAvailableNow?.()));
      return;
    }
    if (this.trigger.kind !== 'availableNow') return;
    if (this.sources.every((s) => s.prepareForAvailableNow)) {
      await Promise.all(this.sources.map((s) => s.prepareForAvailableNow!()));
      return;
    }
    const unsupported = this.sources.filter((s) => !s.prepareForAvailableNow).map((s) => s.description);
    this.log.warn(`Trigger.availableNow is not supported by ${unsupported.join(', ')}; running a single batch of all available data instead (Trigger.once).`);
    this.trigger = { kind: 'once' };
  }

  private async startOffsets(): Promise<readonly Offset[]> {
    this.initialOffsets ??= Promise.all(this.sources.map((s) => s.initialOffset()));
    const initial = await this.initialOffsets;
    return initial.map((offset, i) => this.committed?.[i] ?? offset);
  }

  private readLimit(source: Source): ReadLimit {
    return this.trigger.kind === 'once' ? READ_ALL : (source.defaultReadLimit ?? READ_ALL);
  }

  private async getOffsets(batchId: number): Promise<GetOffsetsOutput> {
    await this.fault('getOffsets', 'before', batchId);
    this.reporter.beginTrigger();
    const start = await this.guard('SOURCE_FAILED', 'getting offsets', batchId, () => this.startOffsets());
    const latest = await this.reporter.time('latestOffset', () =>
      this.guard('SOURCE_FAILED', 'getting offsets', batchId, () => Promise.all(this.sources.map((s, i) => s.latestOffset(start[i]!, this.readLimit(s))))),
    );
    const end = latest.map((offset, i) => offset ?? start[i]!);
    // A watermark that moved since the last batch may close windows: Spark runs a batch without
    // new data then, so that their results are emitted and their state evicted.
    const watermarkMoved = this.definition.noDataMicroBatches && this.statefulOps.needsNoDataBatch(this.definition.outputMode, this.watermarkMs > this.lastBatchWatermarkMs, this.reporter.currentTriggerStartMs!);
    const hasNewData = end.some((offset, i) => !sameOffset(offset, start[i])) || watermarkMoved;
    if (hasNewData) {
      this.planned = {
        batchId,
        start,
        end,
        metadata: { batchWatermarkMs: this.watermarkMs, batchTimestampMs: this.reporter.currentTriggerStartMs!, conf: { [WATERMARK_POLICY_CONF]: this.watermarkPolicy } },
        lateEventsWatermarkMs: this.lastBatchWatermarkMs,
      };
    } else {
      const idle = this.reporter.finishIdle(batchId, this.reportedOffsets(), this.sources, this.descriptions, this.idleStateReport());
      if (idle) this.env.onProgress(idle, true);
    }
    await this.fault('getOffsets', 'after', batchId);
    return { hasNewData };
  }

  /**
   * Log batch N's offsets: the step ends when offsets/N is durable, as Spark's walCommit does (the
   * lifecycle's states keep their meaning). While its fsync runs — a small batch's longest wait —
   * the batch is read, transformed and its state committed (`prepareBatch`); processBatch writes
   * the sink only after this step. Crash safety: until offsets/N is durable nothing of batch N is
   * visible outside the checkpoint's state; state version N+1 written meanwhile is only ever
   * loaded after commits/N (written after both), and a restart that finds offsets/N missing or
   * uncommitted re-runs batch N from state version N, which proves N+1 abandoned and rewrites it
   * (`StateStoreProvider.load`).
   */
  private async walCommit(batchId: number): Promise<void> {
    await this.fault('walCommit', 'before', batchId);
    const planned = this.planned!;
    const started = this.env.scheduler.now();
    const durable = this.checkpoint.writeOffsets(batchId, { metadata: planned.metadata, offsets: planned.end });
    durable.catch(noop); // awaited below, or by release
    this.wal = { batchId, durable, started };
    const work = this.prepareBatch(batchId, planned.start, planned.end);
    work.catch(noop); // processBatch reports its failure; a failed or stopped step leaves it to release
    this.prefetched = { batchId, work, previousEnd: this.committed };
    await this.walDurable(batchId);
  }

  /** Wait until offsets/N is durable: `walCommit` in the progress is the write's whole time. */
  private async walDurable(batchId: number): Promise<void> {
    const wal = this.wal?.batchId === batchId ? this.wal : null;
    if (!wal) return;
    await wal.durable;
    this.wal = null;
    this.reporter.add('walCommit', this.env.scheduler.now() - wal.started);
    this.checkpoint.purge(batchId - this.definition.minBatchesToRetain, (e) => this.log.warn(`Could not delete old checkpoint entries: ${describeError(e)}`));
    await this.fault('walCommit', 'after', batchId);
  }

  /** The batch's rows from every source, timed as `getBatch`; SOURCE_FAILED names what failed. */
  private readBatch(batchId: number, start: readonly (Offset | null)[], end: readonly (Offset | null)[]): Promise<Table[]> {
    return this.reporter.time('getBatch', () =>
      this.guard('SOURCE_FAILED', 'reading the batch', batchId, () => Promise.all(this.sources.map((s, i) => readRange(s, start[i] ?? null, end[i] ?? null)))),
    );
  }

  /**
   * Everything of batch N that leaves nothing visible: read its rows, run the plan, start the
   * state commit (its delta fsyncs run beside offsets/N's; both end before commits/N). The
   * transform is timed as `addBatch`, with the sink write that processBatch adds.
   */
  private async prepareBatch(batchId: number, start: readonly (Offset | null)[], end: readonly (Offset | null)[]): Promise<PreparedBatch> {
    await this.fault('getBatch', 'before', batchId);
    const inputs = await this.readBatch(batchId, start, end);
    // Spark counts input rows per scan: a source the plan reads twice (self-union) counts twice.
    this.sourceReads ??= planSourceReads(this.definition.plan, this.definition.sources);
    this.rowsPerSource = inputs.map((t, i) => t.numRows * (this.sourceReads![i] ?? 1));
    await this.fault('getBatch', 'after', batchId);
    const planned = this.planned!;
    const watermarkMs = planned.metadata.batchWatermarkMs;
    const context = await this.statefulOps.begin(
      { batchId, batchTimestampMs: planned.metadata.batchTimestampMs, watermarkMs, lateEventsWatermarkMs: Math.min(planned.lateEventsWatermarkMs, watermarkMs), outputMode: this.definition.outputMode },
      this.queryId!,
    );
    return this.reporter.time('addBatch', async () => {
      const tables = new Map(this.definition.sources.map((provider, i) => [provider, inputs[i]!] as const));
      const output = await this.guard('TRANSFORM_FAILED', 'transforming the batch', batchId, () => executePlan(this.definition.plan, tables, context));
      const stateCommit = this.statefulOps.commit(watermarkMs);
      stateCommit.catch(noop); // awaited by processBatch, or abandoned with the batch when the offsets write fails
      return { output, stateCommit, watermarkMs };
    });
  }

  private async processBatch(batchId: number): Promise<void> {
    if (this.reporter.currentTriggerStartMs === null) this.reporter.beginTrigger(); // a recovered batch opens its own trigger
    const planned = this.planned!;
    const ahead = this.prefetched?.batchId === batchId ? this.prefetched : null;
    this.prefetched = null;
    let prepared: PreparedBatch;
    if (ahead) {
      prepared = await ahead.work;
      // Only now may sources discard what the previous batch read: offsets/N is durable, so
      // recovery never re-runs batch N-1 (Spark commits sources after the WAL too); and the
      // read of batch N is over, so a source is never committed and read at once.
      if (ahead.previousEnd) await this.commitSources(ahead.previousEnd, batchId - 1);
    } else {
      // A recovered batch comes straight from initializing: its offsets are already durable.
      const start = planned.start.length > 0 ? planned.start : await this.startOffsets();
      if (planned.start.length === 0) this.planned = { ...planned, start };
      prepared = await this.prepareBatch(batchId, start, planned.end);
    }
    const { output, stateCommit, watermarkMs } = prepared;
    await this.reporter.time('addBatch', async () => {
      await this.fault('addBatch', 'before', batchId);
      // A stopped (abandoned) run never starts its sink write: the batch re-runs on restart.
      this.abort.signal.throwIfAborted();
      const batchContext: BatchContext = {
        batchId,
        batchTimestampMs: planned.metadata.batchTimestampMs,
        watermarkMs,
        queryId: this.queryId!,
        runId: this.runId,
        queryName: this.definition.name,
        outputMode: this.definition.outputMode,
        signal: this.abort.signal,
        fault: (point) => this.fault(`sink:${point}`, 'during', batchId),
      };
      await this.guard('SINK_FAILED', `writing to the sink ${this.sink!.description}`, batchId, () => this.sink!.addBatch(batchId, output, batchContext));
      this.outputRows = this.sink!.lastBatchOutputRows?.() ?? output.numRows;
      this.stateReport = await stateCommit;
    });
    this.lastBatchWatermarkMs = watermarkMs;
    this.lastExecuted = batchId;
    this.watermarkMs = this.watermarks.advance(this.statefulOps.eventTimeInputs());
    await this.fault('addBatch', 'after', batchId);
  }

  private async commitBatch(batchId: number): Promise<void> {
    await this.fault('commit', 'before', batchId);
    const planned = this.planned!;
    await this.reporter.time('commitOffsets', () => this.checkpoint.writeCommit(batchId, { nextBatchWatermarkMs: this.watermarkMs }));
    await this.fault('commit', 'after', batchId);
    // Spark reports where the batch started from the committed offsets: null for a source's first batch.
    const reportedStart = this.reportedOffsets();
    this.committed = planned.end;
    this.planned = null;
    this.sink!.batchCommitted?.(batchId);
    const progress = this.reporter.finishBatch(
      { batchId, start: reportedStart, end: planned.end, rowsPerSource: this.rowsPerSource, outputRows: this.outputRows, ...this.stateReport },
      this.sources,
      this.sink!,
      this.descriptions,
    );
    this.reporter.resetIdleClock();
    this.env.onProgress(progress, false);
  }

  /** The committed offset of each source, null where there is none yet (Spark's progress `startOffset`). */
  private reportedOffsets(): (Offset | null)[] {
    return this.definition.sources.map((_, i) => this.committed?.[i] ?? null);
  }

  /**
   * State operators as an idle trigger reports them (Spark, SPARK-19378): the last batch's
   * figures with nothing updated or dropped; the watermark in force when the plan has one.
   */
  private idleStateReport(): BatchStateReport {
    const stateOperators = this.stateReport.stateOperators.map((op) => ({ ...op, numRowsUpdated: 0, numRowsDroppedByWatermark: 0 }));
    const eventTime = this.statefulOps.eventTimeInputs().length > 0 ? { watermark: new Date(this.lastBatchWatermarkMs).toISOString() } : undefined;
    return { stateOperators, eventTime };
  }

  /** The batch this run executed last (Spark's `lastExecution`), for `explain()`. */
  get lastExecutedBatchId(): number | null {
    return this.lastExecuted;
  }

  private async commitSources(end: readonly (Offset | null)[], batchId: number): Promise<void> {
    for (const [i, source] of this.sources.entries()) {
      const offset = end[i];
      if (offset === null || offset === undefined) continue;
      await source.commit(offset).catch((e: unknown) => this.log.warn(`Source ${source.description} could not clean up after batch ${batchId}: ${describeError(e)}`));
    }
  }

  private nextTriggerDelay(): number {
    const now = this.env.scheduler.now();
    if (this.trigger.kind === 'processingTime') {
      const last = this.reporter.lastTriggerStartMs ?? now;
      return Math.max(0, nextBatchTime(last, this.trigger.intervalMs) - now);
    }
    return this.definition.pollingDelayMs;
  }

  /** Run work that may throw a foreign error; wrap it into a SluiceError that says what failed. */
  private async guard<T>(code: ErrorCode, action: string, batchId: number, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isSimulatedCrash(error) || isSluiceError(error)) throw error;
      const where = batchId >= 0 ? ` in batch ${batchId}` : '';
      throw new SluiceError(code, `Query ${this.label()} failed${where} while ${action}: ${describeError(error)}`, {
        cause: error,
        details: { queryId: this.queryId, runId: this.runId, batchId },
      });
    }
  }

  /** Which batch a log line is about: only while one is planned or running. */
  private logFields(): { queryId: string | undefined; runId: string; queryName: string | undefined; batchId: number | undefined } {
    const snapshot = this.actor?.getSnapshot();
    const inBatch = snapshot !== undefined && IN_BATCH.has(snapshot.value as string);
    return { queryId: this.queryId ?? undefined, runId: this.runId, queryName: this.definition.name ?? undefined, batchId: inBatch ? snapshot.context.batchId : undefined };
  }

  private label(): string {
    return `${this.definition.name ? `'${this.definition.name}' ` : ''}[id = ${this.queryId ?? 'unknown'}, runId = ${this.runId}]`;
  }
}

function noop(): void {}

/** A source's rows for (start, end] as one table; an empty range reads nothing. */
async function readRange(source: Source, start: Offset | null, end: Offset | null): Promise<Table> {
  if (end === null || (start !== null && sameOffset(start, end))) return emptyTable(source.schema);
  if (start === null) throw new SluiceError('SOURCE_FAILED', `Source ${source.description} has no start offset for its first batch.`);
  const tables = await lastValueFrom(source.read(start, end).pipe(toArray()));
  return tables.length === 1 ? tables[0]! : concatTables(source.schema, tables);
}
