import { isSluiceError, memoryCheckpoint, QueryManager, silentLogger, type StreamingQueryListener, type CheckpointStore, type DataStreamWriter, type ErrorCode, type OutputMode, type SinkProvider, type StreamFrame, type StreamingQuery, type TriggerLike } from '@sluice/core';
import { settleMicrotasks, toTrigger, VirtualScheduler } from '@sluice/core/internal';
import { dropMemoryTable, memorySink, memoryTableBatches } from '@sluice/sinks';
import { diffRows, rowsOf, toRows, type SparkRow } from './rows.ts';
import type { MemoryInput } from './memoryInput.ts';

/**
 * Spark's `StreamTest.testStream` DSL, restated: a list of actions (add data, check the sink,
 * stop, restart, advance the clock, assert on the query) run against the real engine on virtual
 * time with an in-memory checkpoint, writing to the real memory sink. Spark's `StreamManualClock`
 * is the virtual clock: `advanceManualClock(ms)` moves it.
 *
 * @example
 * await testStream(input.frame.pipe(groupBy('value').agg(count())), { outputMode: 'update' },
 *   addData(input, 3), checkLastBatch([3, 1]),
 *   stopStream, startStream(),
 *   addData(input, 3, 2), checkLastBatch([3, 2], [2, 1]));
 */
export async function testStream(frame: StreamFrame, options: StreamTestOptions, ...actions: StreamAction[]): Promise<void> {
  const run = new StreamRun(frame, options);
  try {
    if (actions[0]?.kind !== 'start' && !options.startManually) await run.start({});
    for (const [index, action] of actions.entries()) {
      try {
        await run.perform(action);
      } catch (error) {
        (error as Error).message = `action ${index + 1} (${action.label}) failed: ${(error as Error).message}`;
        throw error;
      }
    }
  } finally {
    await run.close();
  }
}

export interface StreamTestOptions {
  readonly outputMode?: OutputMode;
  /** The trigger of every start that names none (Spark's default: run batches as data arrives). */
  readonly trigger?: TriggerLike;
  readonly checkpoint?: CheckpointStore;
  /** Another sink than the memory sink (then the sink checks are not available). */
  readonly sink?: SinkProvider;
  /** Writer settings a scenario needs (engine options such as noDataProgressEventInterval). */
  readonly configure?: (writer: DataStreamWriter) => DataStreamWriter;
  /** Do not start the stream before the first action (Spark starts it unless it begins with StartStream). */
  readonly startManually?: boolean;
  /** The virtual clock's start (Spark's manual clock starts at 0). */
  readonly clockStartMs?: number;
  /** Receives the manual clock before the stream starts, for code that blocks on it. */
  readonly clock?: (clock: ManualClock) => void;
  /** Spark's `spark.streams.addListener`: listeners of the query manager the stream runs on. */
  readonly listeners?: readonly StreamingQueryListener[];
}

export interface StartOptions {
  readonly trigger?: TriggerLike;
  readonly checkpoint?: CheckpointStore;
}

/** What `assertOnQuery` sees. */
export interface QueryContext {
  readonly query: StreamingQuery;
  readonly scheduler: VirtualScheduler;
  readonly checkpoint: CheckpointStore;
  /** Spark's `q.processAllAvailable()`, driven on virtual time. */
  processAllAvailable(): Promise<void>;
  /** Spark's `q.sink.asInstanceOf[MemorySink].clear()`. */
  clearSink(): void;
  /** The rows of every batch the memory sink kept, by batch id. */
  sinkBatches(): { batchId: number; rows: SparkRow[] }[];
}

/**
 * Spark's `StreamManualClock.waitTillTime`: code inside the query (a source, a map function) can
 * block until the test moves the virtual clock to `ms`. While it waits, the query counts as idle,
 * so the test's clock moves can proceed.
 */
export interface ManualClock {
  waitTillTime(ms: number): Promise<void>;
  now(): number;
}

export type StreamAction =
  | { readonly kind: 'add'; readonly label: string; readonly inputs: readonly (readonly [MemoryInput, readonly unknown[]])[] }
  | { readonly kind: 'check'; readonly label: string; readonly what: 'all' | 'new' | 'last'; readonly rows: SparkRow[]; readonly sorted: boolean }
  | { readonly kind: 'start'; readonly label: string; readonly options: StartOptions }
  | { readonly kind: 'stop'; readonly label: string }
  | { readonly kind: 'clock'; readonly label: string; readonly ms: number }
  | { readonly kind: 'assert'; readonly label: string; readonly body: (context: QueryContext) => unknown }
  | { readonly kind: 'failure'; readonly label: string; readonly check: (error: Error) => void }
  | { readonly kind: 'terminate'; readonly label: string };

export const addData = (input: MemoryInput, ...values: readonly unknown[]): StreamAction => ({ kind: 'add', label: `AddData(${values.map(String).join(', ')})`, inputs: [[input, values]] });
/** Spark's `MultiAddData(a, 1)(b, 2)`: both inputs get their data before the next trigger. */
export const multiAddData = (...inputs: readonly (readonly [MemoryInput, readonly unknown[]])[]): StreamAction => ({ kind: 'add', label: 'MultiAddData', inputs });
/** Everything the sink holds (complete mode: the last batch), as multisets. */
export const checkAnswer = (...rows: readonly unknown[]): StreamAction => ({ kind: 'check', label: 'CheckAnswer', what: 'all', rows: toRows(rows), sorted: false });
/** Rows the sink received since the previous check. */
export const checkNewAnswer = (...rows: readonly unknown[]): StreamAction => ({ kind: 'check', label: 'CheckNewAnswer', what: 'new', rows: toRows(rows), sorted: false });
export const checkLastBatch = (...rows: readonly unknown[]): StreamAction => ({ kind: 'check', label: 'CheckLastBatch', what: 'last', rows: toRows(rows), sorted: false });
export const checkLastBatchSorted = (...rows: readonly unknown[]): StreamAction => ({ kind: 'check', label: 'CheckLastBatch(isSorted)', what: 'last', rows: toRows(rows), sorted: true });
export const startStream = (options: StartOptions = {}): StreamAction => ({ kind: 'start', label: 'StartStream', options });
export const stopStream: StreamAction = { kind: 'stop', label: 'StopStream' };
export const advanceManualClock = (ms: number): StreamAction => ({ kind: 'clock', label: `AdvanceManualClock(${ms})`, ms });
export const assertOnQuery = (body: (context: QueryContext) => unknown, label = 'AssertOnQuery'): StreamAction => ({ kind: 'assert', label, body });
export const execute = assertOnQuery;
/** The query fails; `match` is an error code, a pattern its message matches, or a check. */
export const expectFailure = (match?: ErrorCode | RegExp | ((error: Error) => void)): StreamAction => ({
  kind: 'failure',
  label: 'ExpectFailure',
  check: (error) => {
    if (match === undefined) return;
    if (typeof match === 'function') return match(error);
    if (match instanceof RegExp) {
      if (!match.test(error.message)) throw new Error(`the failure's message ${JSON.stringify(error.message)} does not match ${match}`);
    } else if (!isSluiceError(error, match)) throw new Error(`expected a ${match} failure, got ${error.message}`);
  },
});
export const awaitTermination = (): StreamAction => ({ kind: 'terminate', label: 'AwaitTermination' });

let tables = 0;

class StreamRun {
  readonly scheduler: VirtualScheduler;
  private readonly manager: QueryManager;
  private readonly tableName = `conformance_${process.pid}_${++tables}`;
  private checkpoint: CheckpointStore;
  private query: StreamingQuery | undefined;
  /** Code in the query blocked on the manual clock: the query is idle meanwhile. */
  private blockedOnClock = 0;
  private trigger: TriggerLike | undefined;
  private lastChecked = -1;

  constructor(
    private readonly frame: StreamFrame,
    private readonly options: StreamTestOptions,
  ) {
    this.checkpoint = options.checkpoint ?? memoryCheckpoint(this.tableName);
    // Virtual time moves on only once the query is idle, so every batch a trigger starts finishes
    // at the virtual instant it started, as on Spark's manual clock.
    this.scheduler = new VirtualScheduler(options.clockStartMs ?? 0, () => this.settle());
    this.manager = new QueryManager({ scheduler: this.scheduler, logger: silentLogger });
    for (const listener of options.listeners ?? []) this.manager.addListener(listener);
    options.clock?.({
      now: () => this.scheduler.now(),
      waitTillTime: (ms) => {
        if (this.scheduler.now() >= ms) return Promise.resolve();
        this.blockedOnClock++;
        return new Promise<void>((resolve) => {
          this.scheduler.schedule(() => {
            this.blockedOnClock--;
            resolve();
          }, ms - this.scheduler.now());
        });
      },
    });
  }

  async perform(action: StreamAction): Promise<void> {
    switch (action.kind) {
      case 'add':
        for (const [input, values] of action.inputs) input.add(...values);
        return;
      case 'start':
        if (this.query?.isActive) throw new Error('StartStream while the stream is running; stop it first');
        return this.start(action.options);
      case 'stop':
        if (this.query?.isActive) await this.query.stop();
        return;
      case 'clock':
        // Spark's manual clock jumps: a trigger waiting on it runs once, at the new time.
        await this.scheduler.jumpTo(this.scheduler.now() + action.ms);
        return;
      case 'check':
        await this.catchUp();
        return this.check(action.what, action.rows, action.sorted);
      case 'assert': {
        // Let the query reach a resting point first (Spark's AssertStreamExecThreadToWaitForClock).
        await this.scheduler.advanceBy(0);
        const result = await action.body(this.context());
        if (result === false) throw new Error('the assertion returned false');
        return;
      }
      case 'failure': {
        const query = this.requireQuery();
        await this.drive(query.awaitTermination().then(() => undefined, () => undefined));
        if (!query.exception) throw new Error('expected the query to fail, but it is still running or stopped cleanly');
        action.check(query.exception);
        return;
      }
      case 'terminate': {
        const query = this.requireQuery();
        await this.drive(query.awaitTermination().then(() => undefined, () => undefined));
        if (query.isActive) throw new Error('the query did not terminate');
        if (query.exception) throw query.exception;
        return;
      }
    }
  }

  async start(options: StartOptions): Promise<void> {
    if (options.checkpoint) this.checkpoint = options.checkpoint;
    this.trigger = options.trigger ?? this.options.trigger;
    let writer = this.frame.writeStream()
      .sink(this.options.sink ?? memorySink({ tableName: this.tableName }))
      .option('checkpointLocation', this.checkpoint)
      .manager(this.manager)
      .queryName(this.tableName);
    if (this.options.outputMode) writer = writer.outputMode(this.options.outputMode);
    if (this.trigger !== undefined) writer = writer.trigger(this.trigger);
    if (this.options.configure) writer = this.options.configure(writer);
    this.query = await writer.start();
  }

  async close(): Promise<void> {
    if (this.query?.isActive) await this.query.stop();
    dropMemoryTable(this.tableName);
  }

  /** Wait until the query processed what was added (Spark's processAllAvailable in CheckAnswer). */
  private async catchUp(): Promise<void> {
    const query = this.query;
    if (!query) return;
    if (!query.isActive) {
      if (query.exception) throw query.exception;
      return;
    }
    // Under a processingTime trigger the clock is manual: the test moves it, a check only waits.
    if (this.trigger !== undefined && toTrigger(this.trigger).kind === 'processingTime') {
      await this.scheduler.advanceBy(0);
      return;
    }
    await this.drive(query.processAllAvailable());
  }

  /** Run virtual time until `promise` settles (bounded, so a hang fails the test instead of the suite). */
  private async drive(promise: Promise<void>): Promise<void> {
    let settled = false;
    let failure: unknown;
    promise.then(() => (settled = true), (error: unknown) => ((settled = true), (failure = error)));
    await settleMicrotasks();
    for (let i = 0; i < 100_000 && !settled; i++) {
      const next = this.scheduler.nextTime();
      await this.scheduler.advanceTo(next === undefined ? this.scheduler.now() + 10 : Math.max(next, this.scheduler.now()));
      if (next === undefined) await settleMicrotasks();
    }
    if (!settled) throw new Error('the query did not catch up (100,000 virtual timer firings)');
    if (failure !== undefined) throw failure;
  }

  private check(what: 'all' | 'new' | 'last', expected: SparkRow[], sorted: boolean): void {
    const batches = this.sinkBatches();
    let actual: SparkRow[];
    if (what === 'last') actual = batches.at(-1)?.rows ?? [];
    else if (what === 'all') actual = this.options.outputMode === 'complete' ? (batches.at(-1)?.rows ?? []) : batches.flatMap((b) => b.rows);
    else actual = batches.filter((b) => b.batchId > this.lastChecked).flatMap((b) => b.rows);
    this.lastChecked = batches.at(-1)?.batchId ?? this.lastChecked;
    const diff = diffRows(actual, expected, sorted);
    if (diff) throw new Error(diff);
  }

  private sinkBatches(): { batchId: number; rows: SparkRow[] }[] {
    return memoryTableBatches(this.tableName).map((b) => ({ batchId: b.batchId, rows: rowsOf(b.table) }));
  }

  private context(): QueryContext {
    const query = this.requireQuery();
    return {
      query,
      scheduler: this.scheduler,
      checkpoint: this.checkpoint,
      processAllAvailable: () => this.drive(query.processAllAvailable()),
      clearSink: () => {
        dropMemoryTable(this.tableName);
        this.lastChecked = -1;
      },
      sinkBatches: () => this.sinkBatches(),
    };
  }

  private requireQuery(): StreamingQuery {
    if (!this.query) throw new Error('the stream was never started');
    return this.query;
  }

  private async settle(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await settleMicrotasks();
      const q = this.query;
      if (!q || !q.isActive || IDLE.has(q.lifecycleState) || this.blockedOnClock > 0) return;
      if (Date.now() > deadline) throw new Error(`the query stayed busy for 20 s of real time (${q.lifecycleState})`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

const IDLE = new Set(['waiting', 'stopped', 'failed']);
