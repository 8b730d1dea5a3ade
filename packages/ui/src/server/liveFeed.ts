import type { ServerResponse } from 'node:http';
import type { Subscription } from 'rxjs';
import type { QueryTracker } from '../model/queryTracker.ts';
import { progressUpdateOf, summaryOf, type ProgressUpdate, type QuerySummary } from '../model/views.ts';

/** One message of the live feed: what changed since the last one. */
export interface LiveUpdate {
  readonly queries: readonly QuerySummary[];
  readonly progress: readonly ProgressUpdate[];
}

/**
 * Server-sent events for every open page. Changes are gathered and sent every `intervalMs` as one
 * message: a query running hundreds of batches a second changes its status on every step, and a
 * browser should get a few messages a second, not thousands. Every progress event is sent (each
 * is a point on the charts); statuses are sent as they stand at flush time.
 */
export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly subscription: Subscription;
  private readonly timer: NodeJS.Timeout;
  private readonly keepAlive: NodeJS.Timeout;
  private changed = new Set<string>();
  private progress: ProgressUpdate[] = [];

  constructor(private readonly tracker: QueryTracker, intervalMs: number) {
    this.subscription = tracker.events$.subscribe((event) => {
      this.changed.add(event.record.key);
      if (event.type === 'progress') this.progress.push(progressUpdateOf(event.record, event.row));
    });
    this.timer = setInterval(() => this.flush(), intervalMs);
    // Comments keep idle connections open through proxies that cut silent ones.
    this.keepAlive = setInterval(() => this.broadcast(': keep-alive\n\n'), 15_000);
    this.timer.unref();
    this.keepAlive.unref();
  }

  /** Take an `EventSource` request: the response stays open until the page or the server closes it. */
  attach(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write('retry: 1000\n\n');
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
  }

  close(): void {
    clearInterval(this.timer);
    clearInterval(this.keepAlive);
    this.subscription.unsubscribe();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private flush(): void {
    if (this.changed.size === 0) return;
    const queries = [...this.changed].map((key) => this.tracker.get(key)).filter((r) => r !== undefined).map(summaryOf);
    const update: LiveUpdate = { queries, progress: this.progress };
    this.changed = new Set();
    this.progress = [];
    if (this.clients.size > 0) this.broadcast(`event: update\ndata: ${JSON.stringify(update)}\n\n`);
  }

  private broadcast(text: string): void {
    for (const client of this.clients) client.write(text);
  }
}
