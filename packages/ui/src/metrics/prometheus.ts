import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueryManager } from '@sluice/core';
import { QueryTracker } from '../model/queryTracker.ts';
import { BATCH_DURATION_BUCKETS, collectSamples, FAMILIES, queryLabels, type Sample } from './samples.ts';

export interface PrometheusOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC): prom-client's defaults. Default true. */
  readonly processMetrics?: boolean;
  /** Register into this registry instead of a new one (to serve Sluice's metrics beside your own). */
  readonly registry?: Registry;
}

export interface PrometheusMetrics {
  /** The prom-client registry holding Sluice's metrics. */
  readonly registry: Registry;
  /** The Prometheus text exposition of the registry. */
  metrics(): Promise<string>;
  readonly contentType: string;
  /** Stop following the queries and remove Sluice's metrics from the registry. */
  close(): void;
}

/**
 * Per-query Prometheus metrics (prom-client): rows and rates, a batch duration histogram, phase
 * durations, state rows and memory, watermark lag, source lag, failures and restarts — each gauge
 * read from the query's latest progress at scrape time, so a scrape always agrees with
 * `query.lastProgress`. Serve `metrics()` from your own HTTP server, or use `serveUi`, which
 * serves it at `/metrics`.
 *
 * @example
 * const prom = prometheusMetrics(manager);
 * http.createServer(async (_, res) => res.end(await prom.metrics())).listen(9464);
 */
export function prometheusMetrics(source: QueryManager | QueryTracker, options: PrometheusOptions = {}): PrometheusMetrics {
  const tracker = source instanceof QueryTracker ? source : new QueryTracker(source);
  const ownTracker = tracker !== source;
  const registry = options.registry ?? new Registry();
  let samples: Map<string, Sample[]> | undefined;
  // All gauges and counters of one scrape come from one pass over the queries.
  const current = (name: string): Sample[] => {
    samples ??= collectSamples(tracker.list());
    queueMicrotask(() => (samples = undefined));
    return samples.get(name) ?? [];
  };
  const names: string[] = [];
  for (const family of FAMILIES) {
    const name = `sluice_${family.name}`;
    names.push(name);
    const config = { name, help: family.help, labelNames: family.labels as string[], registers: [registry] };
    if (family.kind === 'gauge') {
      new Gauge({ ...config, collect() { this.reset(); for (const s of current(family.name)) this.set(s.labels, s.value); } });
    } else {
      new Counter({ ...config, collect() { this.reset(); for (const s of current(family.name)) this.inc(s.labels, s.value); } });
    }
  }
  const batchDuration = new Histogram({
    name: 'sluice_query_batch_duration_seconds',
    help: 'Duration of each batch (batchDuration), from its progress events.',
    labelNames: ['query', 'query_id'],
    buckets: BATCH_DURATION_BUCKETS,
    registers: [registry],
  });
  names.push('sluice_query_batch_duration_seconds');
  const observed = tracker.events$.subscribe((event) => {
    if (event.type === 'progress' && !event.idle) batchDuration.observe(queryLabels(event.record), event.progress.batchDuration / 1000);
  });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    metrics: () => registry.metrics(),
    contentType: registry.contentType,
    close: () => {
      observed.unsubscribe();
      for (const name of names) registry.removeSingleMetric(name);
      if (ownTracker) tracker.close();
    },
  };
}
