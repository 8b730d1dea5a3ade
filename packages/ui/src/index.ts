/* Serving the UI: pages, live updates, /metrics, /health */
export { serveUi } from './server/serveUi.ts';
export type { UiOptions, UiServer } from './server/serveUi.ts';

/* Metrics without the pages */
export { prometheusMetrics } from './metrics/prometheus.ts';
export type { PrometheusMetrics, PrometheusOptions } from './metrics/prometheus.ts';
export { openTelemetryMetrics } from './metrics/openTelemetry.ts';
export type { OpenTelemetryMetrics } from './metrics/openTelemetry.ts';

/* What the UI knows of each query (for custom dashboards) */
export { QueryTracker } from './model/queryTracker.ts';
export type { QueryRecord, TrackerEvent, TrackerOptions } from './model/queryTracker.ts';
export { readiness } from './server/health.ts';
export type { Readiness } from './server/health.ts';
