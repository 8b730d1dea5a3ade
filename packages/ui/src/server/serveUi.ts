import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MeterProvider } from '@opentelemetry/api';
import { SluiceError, type QueryManager } from '@sluice/core';
import { openTelemetryMetrics, type OpenTelemetryMetrics } from '../metrics/openTelemetry.ts';
import { prometheusMetrics, type PrometheusMetrics } from '../metrics/prometheus.ts';
import { QueryTracker } from '../model/queryTracker.ts';
import { detailOf, summaryOf } from '../model/views.ts';
import { queriesPage, queryPage, notFoundPage } from '../pages/pages.ts';
import { loadAssets, type Asset } from './assets.ts';
import { readiness } from './health.ts';
import { LiveFeed } from './liveFeed.ts';

export interface UiOptions {
  /** Default 4040 (Spark's UI port); 0 picks a free one (read it from `url`). */
  readonly port?: number;
  /** Default `127.0.0.1`: the pages have no login. Use `0.0.0.0` in a container, behind your own access control. */
  readonly host?: string;
  /** Serve the pages; false serves only `/metrics` and `/health/*` (a metrics port). Default true. */
  readonly pages?: boolean;
  /** Progress events kept per query (default 10,000). */
  readonly retainedBatches?: number;
  /** Finished queries kept listed (default 100). */
  readonly retainedQueries?: number;
  /** Points per chart before the page downsamples (default 1,000). */
  readonly maxPoints?: number;
  /** How often open pages get what changed (default 250 ms). */
  readonly liveIntervalMs?: number;
  /** Export Node's process metrics beside Sluice's (default true). */
  readonly processMetrics?: boolean;
  /** Also report every query's metrics through this OpenTelemetry MeterProvider. */
  readonly meterProvider?: MeterProvider;
}

export interface UiServer {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly tracker: QueryTracker;
  readonly prometheus: PrometheusMetrics;
  /** Close every page's connection and the server. */
  close(): Promise<void>;
}

/**
 * Serve a live web UI for a manager's queries — Spark's Structured Streaming tab: the queries
 * page, a page per query with Spark's charts updating live, the lifecycle machine with the
 * current state lit — plus Prometheus `/metrics`, `/health/live` and `/health/ready`. The page's
 * assets are bundled in the package: it works offline.
 *
 * @example
 * const ui = await serveUi(manager, { port: 4040 });
 * console.log(`open ${ui.url}`);
 * // … on shutdown
 * await ui.close();
 */
export async function serveUi(manager: QueryManager, options: UiOptions = {}): Promise<UiServer> {
  const tracker = new QueryTracker(manager, { ...optional('retainedBatches', options.retainedBatches), ...optional('retainedQueries', options.retainedQueries) });
  const prometheus = prometheusMetrics(tracker, { processMetrics: options.processMetrics ?? true });
  const otel: OpenTelemetryMetrics | undefined = options.meterProvider ? openTelemetryMetrics(tracker, options.meterProvider) : undefined;
  const pages = options.pages ?? true;
  const feed = pages ? new LiveFeed(tracker, options.liveIntervalMs ?? 250) : undefined;
  const assets = pages ? await loadAssets() : new Map<string, Asset>();
  const maxPoints = options.maxPoints ?? 1000;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `Internal error: ${error instanceof Error ? error.message : String(error)}`);
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD.', { allow: 'GET, HEAD' });
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/metrics') return send(response, 200, prometheus.contentType, await prometheus.metrics());
    if (path === '/health/live') return sendJson(response, 200, { status: 'live' });
    if (path === '/health/ready') {
      const state = readiness(tracker);
      return sendJson(response, state.ready ? 200 : 503, { status: state.ready ? 'ready' : 'not ready', reasons: state.reasons });
    }
    if (!pages) return send(response, 404, 'text/plain; charset=utf-8', 'Not found: this port serves /metrics, /health/live and /health/ready.');
    if (path === '/') return send(response, 200, 'text/html; charset=utf-8', queriesPage(tracker.list().map(summaryOf)));
    const query = /^\/query\/([\w-]+)$/.exec(path);
    if (query) {
      const record = tracker.get(query[1]!);
      return record ? send(response, 200, 'text/html; charset=utf-8', queryPage(detailOf(record, maxPoints))) : send(response, 404, 'text/html; charset=utf-8', notFoundPage(query[1]!));
    }
    if (path === '/api/queries') return sendJson(response, 200, tracker.list().map(summaryOf));
    const api = /^\/api\/queries\/([\w-]+)$/.exec(path);
    if (api) {
      const record = tracker.get(api[1]!);
      const points = Number(url.searchParams.get('points') ?? maxPoints);
      return record ? sendJson(response, 200, detailOf(record, Number.isInteger(points) && points > 1 ? points : maxPoints)) : sendJson(response, 404, { error: `No query ${api[1]}` });
    }
    if (path === '/api/events') return feed!.attach(response);
    const asset = /^\/assets\/([\w.-]+)$/.exec(path);
    if (asset) {
      const file = assets.get(asset[1]!);
      if (file) return send(response, 200, file.type, file.body, { 'cache-control': 'public, max-age=3600' });
      return send(response, 404, 'text/plain; charset=utf-8', `No asset ${asset[1]}. In the Sluice workspace, build the page assets first: pnpm --filter @sluice/ui build`);
    }
    return send(response, 404, 'text/html; charset=utf-8', notFoundPage(path));
  }

  await listen(server, options.port ?? 4040, options.host ?? '127.0.0.1');
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    tracker,
    prometheus,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        feed?.close();
        otel?.close();
        prometheus.close();
        tracker.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new SluiceError('PORT_IN_USE', `Port ${port} on ${host} is already in use: stop what holds it, or choose another port (0 picks a free one).`, { cause: error }));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value), { 'cache-control': 'no-store' });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
