import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { assign, createActor, setup, stopChild, type Actor, type AnyActorRef, type InspectionEvent, type Observer } from 'xstate';
import { SluiceError } from '../errors.ts';
import type { queryLifecycleMachine } from '../lifecycle/queryLifecycle.ts';
import { createLogger, type Logger } from '../logger.ts';
import { schedulerClock } from '../time/schedulerClock.ts';
import type { Trigger } from '../triggers/trigger.ts';
import type { StreamingQueryListener } from './listener.ts';
import type { StreamingQueryProgress } from './progress.ts';
import type { QueryDefinition } from './queryDefinition.ts';
import type { LifecycleActor } from './queryRun.ts';
import { StreamingQuery, type QueryHost, type RestartPolicy, type StopOptions } from './streamingQuery.ts';

type LifecycleLogic = typeof queryLifecycleMachine;

/** The parent actor: every query run is a child of it, so one `inspect` sees them all. */
const queryManagerMachine = setup({
  types: {
    context: {} as { runs: Record<string, AnyActorRef> },
    events: {} as
      | { type: 'manager.spawn'; logic: LifecycleLogic; runId: string; trigger: Trigger }
      | { type: 'manager.release'; runId: string },
  },
}).createMachine({
  id: 'queryManager',
  context: { runs: {} },
  on: {
    'manager.spawn': {
      actions: assign({
        // Each run brings its own provided machine, so it is spawned as logic rather than by name.
        runs: ({ context, event, spawn }) => ({
          ...context.runs,
          [event.runId]: (spawn as unknown as (logic: LifecycleLogic, options: object) => AnyActorRef)(event.logic, { id: event.runId, input: { trigger: event.trigger } }),
        }),
      }),
    },
    'manager.release': {
      actions: [
        stopChild(({ event }) => event.runId),
        assign({ runs: ({ context, event }) => Object.fromEntries(Object.entries(context.runs).filter(([id]) => id !== event.runId)) }),
      ],
    },
  },
});

/** Options of `new QueryManager({...})`. */
export interface QueryManagerOptions {
  /** The clock and timer queue of every query (default: RxJS `asyncScheduler`, i.e. real time). */
  readonly scheduler?: SchedulerLike;
  readonly logger?: Logger;
  /** XState inspection of the manager and every query lifecycle (e.g. for Stately Inspector). */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Supervision: restart a failed query from its checkpoint, with exponential backoff. */
  readonly restart?: RestartPolicy;
}

/**
 * Manages the queries of an app (Spark's `spark.streams`): lists the active ones, waits for any
 * to end, tells listeners what happens, and optionally restarts failed queries.
 *
 * @example
 * const manager = new QueryManager({ restart: { maxRestarts: 3, backoffMs: 1000 } });
 * manager.addListener({ onQueryProgress: ({ progress }) => metrics.push(progress) });
 * await frame.writeStream().manager(manager).format('console').start();
 */
export class QueryManager {
  readonly scheduler: SchedulerLike;
  readonly log: Logger;
  private readonly actor: Actor<typeof queryManagerMachine>;
  private readonly queries = new Set<StreamingQuery>();
  private readonly listeners: StreamingQueryListener[] = [];
  private lastTerminated: StreamingQuery | null = null;
  private anyTerminated: Array<() => void> = [];
  private readonly restart: RestartPolicy | undefined;

  constructor(options: QueryManagerOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.log = options.logger ?? createLogger();
    this.restart = options.restart;
    this.actor = createActor(queryManagerMachine, {
      clock: schedulerClock(this.scheduler),
      ...(options.inspect ? { inspect: options.inspect } : {}),
    });
    this.actor.start();
  }

  /** Queries currently running (or restarting). */
  get active(): StreamingQuery[] {
    return [...this.queries];
  }

  /** The active query with this id, or null. */
  get(id: string): StreamingQuery | null {
    return [...this.queries].find((q) => q.id === id) ?? null;
  }

  /**
   * Wait until any query terminates (since the last `resetTerminated`). Rejects with its
   * exception if it failed; with a timeout, resolves false if none terminated by then.
   */
  awaitAnyTermination(timeoutMs?: number): Promise<boolean> {
    const settled = new Promise<void>((resolve) => {
      if (this.lastTerminated) resolve();
      else this.anyTerminated.push(resolve);
    }).then(() => {
      const failure = this.lastTerminated?.exception;
      if (failure) throw failure;
      return true;
    });
    if (timeoutMs === undefined) return settled;
    return new Promise<boolean>((resolve, reject) => {
      const timer = this.scheduler.schedule(() => resolve(false), timeoutMs);
      settled.then((v) => (timer.unsubscribe(), resolve(v)), (e: unknown) => (timer.unsubscribe(), reject(e)));
    });
  }

  /** Forget terminated queries, so `awaitAnyTermination` waits for a new one. */
  resetTerminated(): void {
    this.lastTerminated = null;
  }

  addListener(listener: StreamingQueryListener): void {
    this.listeners.push(listener);
  }

  removeListener(listener: StreamingQueryListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  listListeners(): StreamingQueryListener[] {
    return [...this.listeners];
  }

  /**
   * Stop every active query (with `deadlineMs`, each at its next batch boundary: see `StreamingQuery.stop`).
   *
   * @example
   * process.once('SIGTERM', () => void manager.stopAll({ deadlineMs: 25_000 }));
   */
  async stopAll(options: StopOptions = {}): Promise<void> {
    await Promise.all(this.active.map((q) => q.stop(options)));
  }

  /** @internal Start a query defined by a builder; resolves once its first run is initialized. */
  async startQuery(definition: QueryDefinition): Promise<StreamingQuery> {
    if (definition.name !== null && this.active.some((q) => q.name === definition.name)) {
      throw new SluiceError('DUPLICATE_QUERY_NAME', `A query named '${definition.name}' is already active. Query names must be unique among active queries: stop it first or choose another queryName.`);
    }
    const query = new StreamingQuery(definition, this.host());
    this.queries.add(query);
    try {
      await query.start();
    } catch (error) {
      this.queries.delete(query);
      throw error;
    }
    return query;
  }

  private host(): QueryHost {
    return {
      scheduler: this.scheduler,
      log: this.log,
      restart: this.restart,
      spawn: (logic, runId, trigger) => {
        this.actor.send({ type: 'manager.spawn', logic, runId, trigger });
        return (this.actor.getSnapshot().children as Record<string, unknown>)[runId] as LifecycleActor;
      },
      queryStarted: (query) => this.emit('onQueryStarted', () => ({ id: query.id, runId: query.runId, name: query.name, timestamp: this.timestamp() })),
      queryProgress: (query, progress: StreamingQueryProgress, idle) => {
        this.emit('onQueryProgress', () => ({ progress }));
        if (idle) this.emit('onQueryIdle', () => ({ id: query.id, runId: query.runId, timestamp: progress.timestamp }));
      },
      queryTerminated: (query) => {
        this.queries.delete(query);
        if (query.runId) this.actor.send({ type: 'manager.release', runId: query.runId });
        this.emit('onQueryTerminated', () => ({ id: query.id, runId: query.runId, exception: query.exception?.message ?? null, errorClassOnException: query.exception?.code ?? null }));
        // A failure sticks until resetTerminated: a query stopping cleanly afterwards does not hide
        // it from awaitAnyTermination (Spark's notifyQueryTermination).
        if (this.lastTerminated === null || query.exception) this.lastTerminated = query;
        const waiting = this.anyTerminated;
        this.anyTerminated = [];
        waiting.forEach((resolve) => resolve());
      },
    };
  }

  private emit<K extends keyof StreamingQueryListener>(callback: K, event: () => Parameters<NonNullable<StreamingQueryListener[K]>>[0]): void {
    if (this.listeners.length === 0) return;
    const payload = event();
    for (const listener of this.listeners) {
      try {
        (listener[callback] as ((e: typeof payload) => void) | undefined)?.call(listener, payload);
      } catch (error) {
        this.log.warn(`Streaming query listener ${callback} threw: ${(error as Error).message}`);
      }
    }
  }

  private timestamp(): string {
    return new Date(this.scheduler.now()).toISOString();
  }
}

let defaultManager: QueryManager | undefined;

/**
 * The process-wide manager used when a query is started without `.manager(...)` (Spark's `spark.streams`).
 *
 * @example
 * defaultQueryManager().active // every query started without a manager of its own (Spark's spark.streams)
 */
export function defaultQueryManager(): QueryManager {
  defaultManager ??= new QueryManager();
  return defaultManager;
}
