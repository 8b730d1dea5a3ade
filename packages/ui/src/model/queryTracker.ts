import { Subject, Subscription, type Observable } from 'rxjs';
import type {
  LifecycleStateName, QueryManager, StreamingQuery, StreamingQueryListener, StreamingQueryProgress, StreamingQueryStatus,
} from '@sluice/core';
import { History } from './history.ts';
import { progressRow, type ProgressRow } from './progressRow.ts';

/** What the UI knows of one started query (one `start()`; supervised restarts keep the record and count). */
export interface QueryRecord {
  /** The first run's id: the page's address, stable across supervised restarts. */
  readonly key: string;
  readonly query: StreamingQuery;
  runId: string;
  readonly startedAt: number;
  endedAt: number | null;
  restarts: number;
  failures: number;
  status: StreamingQueryStatus;
  state: LifecycleStateName;
  exception: { readonly code: string; readonly message: string } | null;
  lastProgress: StreamingQueryProgress | null;
  readonly history: History;
  progressEvents: number;
  batches: number;
  inputRowsTotal: number;
  readonly rates: { inputSum: number; inputCount: number; processSum: number; processCount: number };
}

export type TrackerEvent =
  | { readonly type: 'query'; readonly record: QueryRecord }
  | { readonly type: 'progress'; readonly record: QueryRecord; readonly progress: StreamingQueryProgress; readonly row: ProgressRow; readonly idle: boolean }
  | { readonly type: 'state'; readonly record: QueryRecord };

export interface TrackerOptions {
  /** Progress events kept per query for the charts (default 10,000; the page downsamples). */
  readonly retainedBatches?: number;
  /** Finished queries kept listed (default 100, Spark's spark.sql.streaming.ui.retainedQueries). */
  readonly retainedQueries?: number;
  /** The clock of start and end times (default: the manager's scheduler). */
  readonly now?: () => number;
}

/**
 * Follows every query of a manager from the moment it is created: status, lifecycle state,
 * progress history, restarts and the exception it ended with. The UI, the Prometheus endpoint
 * and the OpenTelemetry hook all read from one tracker.
 */
export class QueryTracker {
  private readonly records = new Map<StreamingQuery, QueryRecord>();
  private readonly subscriptions = new Map<StreamingQuery, Subscription>();
  private readonly changes = new Subject<TrackerEvent>();
  private readonly listener: StreamingQueryListener;
  private readonly retainedBatches: number;
  private readonly retainedQueries: number;
  private readonly now: () => number;

  /** Every change, as it happens. */
  readonly events$: Observable<TrackerEvent> = this.changes.asObservable();

  constructor(private readonly manager: QueryManager, options: TrackerOptions = {}) {
    this.retainedBatches = options.retainedBatches ?? 10_000;
    this.retainedQueries = options.retainedQueries ?? 100;
    this.now = options.now ?? (() => manager.scheduler.now());
    this.listener = {
      onQueryStarted: (event) => {
        const query = manager.get(event.id);
        if (query) this.follow(query);
      },
      onQueryTerminated: (event) => {
        const record = [...this.records.values()].find((r) => r.runId === event.runId && r.endedAt === null);
        if (record) this.finish(record);
      },
    };
    manager.addListener(this.listener);
    for (const query of manager.active) this.follow(query);
  }

  /** Newest first, running ones before finished ones. */
  list(): QueryRecord[] {
    return [...this.records.values()].sort((a, b) => Number(a.endedAt !== null) - Number(b.endedAt !== null) || b.startedAt - a.startedAt);
  }

  get(key: string): QueryRecord | undefined {
    return [...this.records.values()].find((r) => r.key === key);
  }

  /** Stop following the manager (the records stay readable). */
  close(): void {
    this.manager.removeListener(this.listener);
    for (const subscription of this.subscriptions.values()) subscription.unsubscribe();
    this.subscriptions.clear();
    this.changes.complete();
  }

  private follow(query: StreamingQuery): void {
    const known = this.records.get(query);
    if (known) {
      // The same query object started again: a supervised restart after a failure.
      if (known.runId !== query.runId) {
        known.runId = query.runId;
        known.restarts++;
        known.failures++;
        this.emit({ type: 'query', record: known });
      }
      return;
    }
    const record: QueryRecord = {
      key: query.runId,
      query,
      runId: query.runId,
      startedAt: this.now(),
      endedAt: null,
      restarts: 0,
      failures: 0,
      status: query.status,
      state: query.lifecycleState,
      exception: null,
      lastProgress: null,
      history: new History(this.retainedBatches),
      progressEvents: 0,
      batches: 0,
      inputRowsTotal: 0,
      rates: { inputSum: 0, inputCount: 0, processSum: 0, processCount: 0 },
    };
    this.records.set(query, record);
    // A query started before the tracker: its recent progress seeds the charts.
    for (const progress of query.recentProgress) this.record(record, progress, isIdle(progress), false);
    const subscription = new Subscription();
    subscription.add(query.progress$.subscribe((progress) => this.record(record, progress, isIdle(progress), true)));
    subscription.add(query.status$.subscribe((status) => {
      record.status = status;
      this.emit({ type: 'query', record });
    }));
    subscription.add(query.lifecycle$.subscribe((state) => {
      record.state = state;
      this.emit({ type: 'state', record });
    }));
    this.subscriptions.set(query, subscription);
    this.evictFinished();
    this.emit({ type: 'query', record });
  }

  private record(record: QueryRecord, progress: StreamingQueryProgress, idle: boolean, live: boolean): void {
    const row = progressRow(progress);
    record.history.push(row);
    record.lastProgress = progress;
    record.progressEvents++;
    if (!idle) record.batches++;
    record.inputRowsTotal += progress.numInputRows;
    if (progress.inputRowsPerSecond !== undefined) {
      record.rates.inputSum += progress.inputRowsPerSecond;
      record.rates.inputCount++;
    }
    if (progress.processedRowsPerSecond !== undefined) {
      record.rates.processSum += progress.processedRowsPerSecond;
      record.rates.processCount++;
    }
    if (live) this.emit({ type: 'progress', record, progress, row, idle });
  }

  private finish(record: QueryRecord): void {
    const { query } = record;
    record.endedAt = this.now();
    record.state = query.exception ? 'failed' : 'stopped';
    record.status = query.status;
    if (query.exception) {
      record.exception = { code: query.exception.code, message: query.exception.message };
      record.failures++;
    }
    this.subscriptions.get(query)?.unsubscribe();
    this.subscriptions.delete(query);
    this.emit({ type: 'query', record });
    this.evictFinished();
  }

  private evictFinished(): void {
    const finished = this.list().filter((r) => r.endedAt !== null);
    for (const record of finished.slice(this.retainedQueries)) this.records.delete(record.query);
  }

  private emit(event: TrackerEvent): void {
    this.changes.next(event);
  }
}

/** An idle progress event (no batch ran: Spark's no-data progress) has no addBatch phase. */
function isIdle(progress: StreamingQueryProgress): boolean {
  return progress.durationMs.addBatch === undefined;
}
