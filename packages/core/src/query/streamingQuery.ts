import { BehaviorSubject, Subject, type Observable, type Subscription } from 'rxjs';
import { describeError, isSluiceError, SluiceError } from '../errors.ts';
import { SimulatedCrash } from '../lifecycle/faults.ts';
import type { LifecycleStateName } from '../lifecycle/queryLifecycle.ts';
import { statusOf } from '../lifecycle/status.ts';
import { redactOptions, redactString } from '../redact.ts';
import type { StreamingQueryProgress, StreamingQueryStatus } from './progress.ts';
import type { QueryDefinition } from './queryDefinition.ts';
import { QueryRun, type RunEnvironment } from './queryRun.ts';
import { explainQuery } from './explainQuery.ts';

/** How many progress updates `recentProgress` keeps (Spark's numRecentProgressUpdates). */
const RECENT_PROGRESS = 100;

/** How `stop()` ends a query. */
export interface StopOptions {
  /**
   * Let the batch in flight finish and commit, for at most this long (ms, on the query's
   * scheduler); then it is abandoned before its sink write, as with no deadline. Outside a batch
   * the query stops at once either way. Default 0: abandon the batch in flight now.
   */
  readonly deadlineMs?: number;
}

/** Supervision of a failed query: restart it from its checkpoint with exponential backoff. */
export interface RestartPolicy {
  /** Restarts allowed after failures before the query terminates for good. */
  readonly maxRestarts: number;
  /** Wait before the first restart; doubled for each further one. */
  readonly backoffMs: number;
}

/** What the query manager gives each query. */
export interface QueryHost extends Omit<RunEnvironment, 'onProgress'> {
  readonly restart: RestartPolicy | undefined;
  queryStarted(query: StreamingQuery): void;
  queryProgress(query: StreamingQuery, progress: StreamingQueryProgress, idle: boolean): void;
  queryTerminated(query: StreamingQuery): void;
}

/**
 * A running query (Spark's StreamingQuery). Its `id` is stable across restarts (it lives in the
 * checkpoint); `runId` is new for every run. Status and progress can be read, or watched as
 * Observables for reactive apps.
 *
 * @example
 * const query = await stream.writeStream().format('console').start();
 * query.progress$.subscribe((p) => console.log(p.batchId, p.numInputRows));
 * await query.awaitTermination();
 */
export class StreamingQuery {
  readonly name: string | null;
  private run: QueryRun | undefined;
  private runSubscription: { unsubscribe(): void } | undefined;
  private state: LifecycleStateName = 'initializing';
  private readonly statusSubject: BehaviorSubject<StreamingQueryStatus>;
  private readonly progressSubject = new Subject<StreamingQueryProgress>();
  private readonly stateSubject = new Subject<LifecycleStateName>();
  private readonly recent: StreamingQueryProgress[] = [];
  private failure: SluiceError | null = null;
  private active = true;
  private releasing = false;
  private stopRequested = false;
  private restarts = 0;
  private restartTimer: Subscription | undefined;
  private deadlineTimer: Subscription | undefined;
  private resolveTermination!: () => void;
  private readonly termination = new Promise<void>((resolve) => (this.resolveTermination = resolve));
  private queryId = '';
  private everStarted = false;

  /** Every status change; completes when the query terminates. */
  readonly status$: Observable<StreamingQueryStatus>;
  /** Every progress update (batches, and idle reports at most every 10 s); completes on termination. */
  readonly progress$: Observable<StreamingQueryProgress>;
  /** Lifecycle state names as the machine enters them (for tests and dashboards). */
  readonly lifecycle$: Observable<LifecycleStateName>;

  /** @internal created by QueryManager.startQuery */
  constructor(
    private readonly definition: QueryDefinition,
    private readonly host: QueryHost,
  ) {
    this.name = definition.name;
    this.statusSubject = new BehaviorSubject<StreamingQueryStatus>({ message: 'Initializing StreamExecution', isDataAvailable: false, isTriggerActive: false });
    this.status$ = this.statusSubject.asObservable();
    this.progress$ = this.progressSubject.asObservable();
    this.lifecycle$ = this.stateSubject.asObservable();
  }

  /** The query's id, from `<checkpoint>/metadata`: the same on every restart. */
  get id(): string {
    return this.queryId;
  }

  /** This run's id: new on every start and restart. */
  get runId(): string {
    return this.run?.runId ?? '';
  }

  get isActive(): boolean {
    return this.active;
  }

  get status(): StreamingQueryStatus {
    return this.statusSubject.value;
  }

  get lastProgress(): StreamingQueryProgress | null {
    return this.recent.at(-1) ?? null;
  }

  get recentProgress(): StreamingQueryProgress[] {
    return [...this.recent];
  }

  /** The error the query terminated with, or null (still running, or stopped cleanly). */
  get exception(): SluiceError | null {
    return this.failure;
  }

  /** The lifecycle state the current run is in. */
  get lifecycleState(): LifecycleStateName {
    return this.state;
  }

  /** A run has ended and is still letting go of its resources (checkpoint lock, state stores); test harnesses wait for it. */
  get isReleasing(): boolean {
    return this.releasing;
  }

  /** @internal start the first run; resolves once it is initialized (checkpoint locked and read, sources and sink open). */
  async start(): Promise<void> {
    await this.startRun();
  }

  /**
   * Wait until the query terminates. Resolves true when it stopped; rejects with its exception
   * when it failed. With a timeout, resolves false if it is still running by then.
   */
  awaitTermination(timeoutMs?: number): Promise<boolean> {
    const outcome = this.termination.then(() => {
      if (this.failure) throw this.failure;
      return true;
    });
    if (timeoutMs === undefined) return outcome;
    return new Promise<boolean>((resolve, reject) => {
      const timer = this.host.scheduler.schedule(() => resolve(false), timeoutMs);
      outcome.then(
        (value) => {
          timer.unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          timer.unsubscribe();
          reject(error);
        },
      );
    });
  }

  /**
   * Wait until everything available now has been processed and committed: resolves at the first
   * trigger that starts after this call and finds no new data. Meant for tests; with a source
   * that always has more data it waits forever (as in Spark).
   */
  processAllAvailable(): Promise<void> {
    if (!this.active) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let sawFreshTrigger = false;
      const subscription = this.stateSubject.subscribe((state) => {
        if (state === 'gettingOffsets') sawFreshTrigger = true;
        else if (sawFreshTrigger && (state === 'waiting' || state === 'stopped') && !this.statusSubject.value.isDataAvailable) {
          subscription.unsubscribe();
          resolve();
        }
      });
      void this.termination.then(() => {
        subscription.unsubscribe();
        if (this.failure) reject(this.failure);
        else resolve();
      });
      this.run?.refreshSources();
      this.run?.wake();
    });
  }

  /**
   * Simulate the process dying at this instant (for fault-injection tests such as
   * `@sluice/testing`'s marbles): the run stops dead, its lock is abandoned as a killed process
   * leaves it, and the query terminates with a `STREAM_FAILED` error caused by a `SimulatedCrash`.
   */
  simulateCrash(): void {
    if (this.restartTimer) {
      this.restartTimer.unsubscribe();
      this.restartTimer = undefined;
      this.terminate(this.wrap(new SimulatedCrash('a kill'), undefined));
      return;
    }
    this.run?.kill();
  }

  /**
   * Stop the query; resolves once its resources are released (checkpoint lock included). By
   * default the batch in flight is abandoned uncommitted (it re-runs on restart, as in Spark);
   * with `deadlineMs` it may finish and commit first — a graceful stop at the batch boundary.
   *
   * @example
   * process.once('SIGTERM', () => void query.stop({ deadlineMs: 25_000 }));
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.stopRequested = true;
    const deadlineMs = options.deadlineMs ?? 0;
    if (this.restartTimer) {
      this.restartTimer.unsubscribe();
      this.restartTimer = undefined;
      this.terminate(null);
    } else if (deadlineMs > 0 && this.active) {
      this.run?.drain();
      this.deadlineTimer ??= this.host.scheduler.schedule(() => {
        this.host.log.warn(`Query ${this.name ?? this.id} did not reach a batch boundary within ${deadlineMs} ms; abandoning the batch in flight (it re-runs on restart).`, this.logFields());
        this.run?.abandon();
      }, deadlineMs);
    } else {
      this.run?.abandon();
    }
    await this.termination;
  }

  /**
   * Spark's `explain`: the physical plan of the last batch this run executed ("No physical plan.
   * Waiting for data." before one ran); `extended` adds the logical plans. Secrets are masked.
   */
  explain(extended = false): string {
    const opened = this.run?.sourceDescriptions ?? [];
    const descriptions = new Map(this.definition.sources.map((provider, i) => [provider, opened[i] ?? describeProvider(provider)] as const));
    const text = explainQuery(
      {
        plan: this.definition.plan,
        describeSource: (p) => descriptions.get(p) ?? p.format,
        sink: this.run?.sinkDescription ?? describeProvider(this.definition.sink),
        queryId: this.id,
        outputMode: this.definition.outputMode,
        lastBatchId: this.run?.lastExecutedBatchId ?? null,
      },
      extended,
    );
    return text.split('\n').map(redactString).join('\n');
  }

  /** Where the checkpoint is (Spark's resolved checkpoint root): a `file:` URI, or `memory:<name>`. */
  get checkpointLocation(): string {
    return this.definition.checkpoint.location;
  }

  /** Whether the checkpoint was made up because none was given (it is deleted on a clean stop). */
  get isTemporaryCheckpoint(): boolean {
    return this.definition.temporaryCheckpoint;
  }

  toString(): string {
    return `StreamingQuery(${this.name ?? this.id})`;
  }

  /** Start a run; resolves once it is initialized, rejects if it fails before that. */
  private startRun(): Promise<void> {
    const run = new QueryRun(this.definition, { ...this.host, onProgress: (progress, idle) => this.onProgress(progress, idle) });
    this.run = run;
    return new Promise<void>((resolve, reject) => {
      let initialized = false;
      this.runSubscription = run.actor.subscribe((snapshot) => {
        const state = snapshot.value as LifecycleStateName;
        if (run.queryId) this.queryId = run.queryId;
        this.state = state;
        this.setStatus(statusOf(state, snapshot.context, run.sourceDescriptions, snapshot.context.error));
        this.stateSubject.next(state);
        if (!initialized && state !== 'initializing' && state !== 'failed') {
          initialized = true;
          this.everStarted = true;
          this.host.queryStarted(this);
          resolve();
        }
        if (snapshot.status === 'done') {
          // A run that dies while starting rejects start() only once its resources (the
          // checkpoint lock above all) are released, so an immediate retry is not refused.
          const ended = this.runEnded(run, state, snapshot.context.error);
          if (!initialized) void ended.then(() => reject(this.wrap(snapshot.context.error, run)));
        }
      });
    });
  }

  private async runEnded(run: QueryRun, state: LifecycleStateName, error: unknown): Promise<void> {
    this.runSubscription?.unsubscribe();
    const killed = run.wasCrash && state === 'stopped';
    this.releasing = true;
    try {
      await run.release(state === 'stopped' && !killed);
    } finally {
      this.releasing = false;
    }
    if (state === 'stopped' && !killed) return this.terminate(null);
    const failure = this.wrap(killed ? new SimulatedCrash('a kill') : error, run);
    const policy = this.host.restart;
    // Supervision restarts a query that was running; a first start that fails is the caller's error.
    if (!this.stopRequested && this.everStarted && policy && this.restarts < policy.maxRestarts && !run.wasCrash) {
      const delay = policy.backoffMs * 2 ** this.restarts;
      this.restarts++;
      this.host.log.warn(`Query ${this.name ?? this.id} failed (${failure.message}); restarting from its checkpoint in ${delay} ms (restart ${this.restarts} of ${policy.maxRestarts}).`, this.logFields());
      this.run = undefined;
      this.setStatus({ message: `Restarting after failure in ${delay} ms (restart ${this.restarts} of ${policy.maxRestarts}): ${failure.message}`, isDataAvailable: false, isTriggerActive: false });
      this.restartTimer = this.host.scheduler.schedule(() => {
        this.restartTimer = undefined;
        // A failed restart ends its run like any other failure, and runEnded decides again.
        this.startRun().catch(() => undefined);
      }, delay);
      return;
    }
    this.terminate(failure);
  }

  private terminate(failure: SluiceError | null): void {
    if (!this.active) return;
    this.active = false;
    this.deadlineTimer?.unsubscribe();
    this.deadlineTimer = undefined;
    this.failure = failure;
    if (!failure) this.setStatus({ message: 'Stopped', isDataAvailable: false, isTriggerActive: false });
    this.statusSubject.complete();
    this.progressSubject.complete();
    this.stateSubject.complete();
    this.host.queryTerminated(this);
    this.resolveTermination();
  }

  /** Publish a status only when it changed (processing and committing share one message). */
  private setStatus(status: StreamingQueryStatus): void {
    const current = this.statusSubject.value;
    if (current.message !== status.message || current.isDataAvailable !== status.isDataAvailable || current.isTriggerActive !== status.isTriggerActive) {
      this.statusSubject.next(status);
    }
  }

  private onProgress(progress: StreamingQueryProgress, idle: boolean): void {
    this.recent.push(progress);
    if (this.recent.length > RECENT_PROGRESS) this.recent.shift();
    if (!idle) this.restarts = 0; // a batch went through: the failure streak is over
    this.progressSubject.next(progress);
    this.host.queryProgress(this, progress, idle);
  }

  private logFields(): { queryId: string; runId: string; queryName: string | undefined } {
    return { queryId: this.id, runId: this.runId, queryName: this.name ?? undefined };
  }

  private wrap(error: unknown, run: QueryRun | undefined): SluiceError {
    if (isSluiceError(error)) return error;
    const label = `${this.name ? `'${this.name}' ` : ''}[id = ${this.id || 'unknown'}, runId = ${run?.runId ?? 'unknown'}]`;
    if (error instanceof SimulatedCrash) return new SluiceError('STREAM_FAILED', `Query ${label} was killed: ${error.message}.`, { cause: error });
    return new SluiceError('STREAM_FAILED', `Query ${label} terminated with exception: ${describeError(error)}`, { cause: error });
  }
}

/** `format[key=value, …]` with secrets masked: how a not-yet-opened source or sink is shown. */
export function describeProvider(provider: { readonly format: string; readonly options: Readonly<Record<string, unknown>> }): string {
  const shown = Object.entries(redactOptions(provider.options))
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${provider.format}[${shown.join(', ')}]`;
}
