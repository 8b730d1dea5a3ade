import { describe, expect, it } from 'vitest';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  count, groupBy, memoryCheckpoint, processingTime, QueryManager, silentLogger, VirtualScheduler, window as timeWindow, withWatermark,
  type StreamingQuery,
} from '@sluice/core';
import { rateMicroBatchSource } from '@sluice/sources';
import { noopSink } from '@sluice/sinks';
import { serveUi } from '../server/serveUi.ts';
import { openTelemetryMetrics } from './openTelemetry.ts';

/** A stateful query with a watermark, run for `batches` batches on virtual time. */
async function windowedQuery(manager: QueryManager, clock: VirtualScheduler, batches: number): Promise<StreamingQuery> {
  const query = await rateMicroBatchSource({ rowsPerBatch: 100, startTimestamp: 1_000_000, advanceMillisPerBatch: 1000 })
    .pipe(withWatermark('timestamp', '2 seconds'), groupBy(timeWindow('timestamp', '2 seconds')).agg(count().alias('n')))
    .writeTo(noopSink(), { manager, queryName: 'per_window', outputMode: 'update', trigger: processingTime(1000), checkpointLocation: memoryCheckpoint() });
  for (let i = 1; i < batches; i++) await clock.advanceBy(1000);
  return query;
}

function value(families: readonly ParsedFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

describe('/metrics', () => {
  it('parses as Prometheus text exposition and its values equal the latest progress', async () => {
    const clock = new VirtualScheduler(1_700_000_000_000);
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const ui = await serveUi(manager, { port: 0, pages: false });
    try {
      const query = await windowedQuery(manager, clock, 6);
      const response = await fetch(`${ui.url}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const families = parsePrometheusTextFormat(await response.text());
      const p = query.lastProgress!;
      const q = { query: 'per_window', query_id: query.id };
      expect(p.batchId).toBe(5);
      expect(value(families, 'sluice_query_active', q)).toBe(1);
      expect(value(families, 'sluice_query_last_batch_id', q)).toBe(p.batchId);
      expect(value(families, 'sluice_query_input_rows', q)).toBe(p.numInputRows);
      expect(value(families, 'sluice_query_input_rows_per_second', q)).toBeCloseTo(p.inputRowsPerSecond!, 9);
      expect(value(families, 'sluice_query_processed_rows_per_second', q)).toBeCloseTo(p.processedRowsPerSecond!, 9);
      expect(value(families, 'sluice_query_last_batch_duration_seconds', q)).toBe(p.batchDuration / 1000);
      for (const [phase, ms] of Object.entries(p.durationMs)) {
        expect(value(families, 'sluice_query_operation_duration_seconds', { ...q, operation: phase })).toBe(ms / 1000);
      }
      const op = p.stateOperators[0]!;
      const opLabels = { ...q, operator: op.operatorName, operator_index: '0' };
      expect(value(families, 'sluice_query_state_rows', opLabels)).toBe(op.numRowsTotal);
      expect(value(families, 'sluice_query_state_rows_updated', opLabels)).toBe(op.numRowsUpdated);
      expect(value(families, 'sluice_query_state_rows_removed', opLabels)).toBe(op.numRowsRemoved);
      expect(value(families, 'sluice_query_state_rows_dropped_by_watermark', opLabels)).toBe(op.numRowsDroppedByWatermark);
      expect(value(families, 'sluice_query_state_memory_bytes', opLabels)).toBe(op.memoryUsedBytes);
      expect(value(families, 'sluice_query_watermark_lag_seconds', q)).toBe((Date.parse(p.timestamp) - Date.parse(p.eventTime!['watermark']!)) / 1000);
      expect(value(families, 'sluice_query_batches_total', q)).toBe(6);
      expect(value(families, 'sluice_query_input_rows_total', q)).toBe(600);
      expect(value(families, 'sluice_query_failures_total', q)).toBe(0);
      // (The parser folds a labelled histogram into its buckets only; its +Inf bucket is the count.)
      const histogram = families.find((f) => f.name === 'sluice_query_batch_duration_seconds')!;
      expect(histogram.type).toBe('HISTOGRAM');
      expect(histogram.metrics[0]!.buckets?.['+Inf']).toBe('6');
      // Process metrics come along by default.
      expect(families.some((f) => f.name === 'process_cpu_user_seconds_total')).toBe(true);

      await query.stop();
      const after = parsePrometheusTextFormat(await (await fetch(`${ui.url}/metrics`)).text());
      expect(value(after, 'sluice_query_active', q)).toBe(0);
    } finally {
      await ui.close();
    }
  });

  it('health: live always, ready only while every query is active without an exception', async () => {
    const clock = new VirtualScheduler(0);
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const ui = await serveUi(manager, { port: 0, pages: false, processMetrics: false });
    try {
      const get = async (path: string) => {
        const r = await fetch(`${ui.url}${path}`);
        return { status: r.status, body: (await r.json()) as { status: string; reasons?: string[] } };
      };
      expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'live' } });
      expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'not ready', reasons: ['no queries'] } });
      const query = await windowedQuery(manager, clock, 2);
      expect((await get('/health/ready')).status).toBe(200);
      await query.stop();
      expect(await get('/health/ready')).toEqual({ status: 503, body: { status: 'not ready', reasons: ['per_window: stopped'] } });
      expect((await fetch(`${ui.url}/`)).status).toBe(404); // a metrics-only port serves no pages
    } finally {
      await ui.close();
    }
  });
});

describe('openTelemetryMetrics', () => {
  it("reports through the user's MeterProvider the same values as the latest progress", async () => {
    const clock = new VirtualScheduler(1_700_000_000_000);
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const otel = openTelemetryMetrics(manager, provider);
    const query = await windowedQuery(manager, clock, 4);
    await reader.forceFlush();
    const metrics = exporter.getMetrics().at(-1)!.scopeMetrics.flatMap((s) => s.metrics);
    const point = (name: string) => metrics.find((m) => m.descriptor.name === name)?.dataPoints.find((d) => d.attributes['query_id'] === query.id);
    const p = query.lastProgress!;
    expect(point('sluice.query.last_batch_id')?.value).toBe(p.batchId);
    expect(point('sluice.query.input_rows')?.value).toBe(p.numInputRows);
    expect(point('sluice.query.state.rows')?.value).toBe(p.stateOperators[0]!.numRowsTotal);
    expect(point('sluice.query.batches')?.value).toBe(4);
    const durations = point('sluice.query.batch.duration')?.value as { count: number; sum: number };
    expect(durations.count).toBe(4);
    expect(metrics.find((m) => m.descriptor.name === 'sluice.query.state.memory')?.descriptor.unit).toBe('By');
    otel.close();
    await query.stop();
    await provider.shutdown();
  });
});
