import type { StreamingQueryProgress } from './progress.ts';

/** What `StreamingQueryListener.onQueryStarted` receives (Spark's QueryStartedEvent). */
export interface QueryStartedEvent {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly timestamp: string;
}

/** What `StreamingQueryListener.onQueryProgress` receives: the batch's progress. */
export interface QueryProgressEvent {
  readonly progress: StreamingQueryProgress;
}

/** What `StreamingQueryListener.onQueryIdle` receives when a query has had no data for a while. */
export interface QueryIdleEvent {
  readonly id: string;
  readonly runId: string;
  readonly timestamp: string;
}

/** What `StreamingQueryListener.onQueryTerminated` receives; `exception` is null after a clean stop. */
export interface QueryTerminatedEvent {
  readonly id: string;
  readonly runId: string;
  /** The failure's message, or null after a clean stop. */
  readonly exception: string | null;
  /** The SluiceError code of the failure (Spark's errorClassOnException). */
  readonly errorClassOnException: string | null;
}

/**
 * Spark's StreamingQueryListener: every callback is optional. Callbacks run synchronously on
 * the engine's turn; a listener that throws is logged and ignored, never fails the query.
 */
export interface StreamingQueryListener {
  onQueryStarted?(event: QueryStartedEvent): void;
  onQueryProgress?(event: QueryProgressEvent): void;
  onQueryIdle?(event: QueryIdleEvent): void;
  onQueryTerminated?(event: QueryTerminatedEvent): void;
}
