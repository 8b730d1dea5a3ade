import type { QueryRecord } from '../model/queryTracker.ts';
import { PHASES } from '../model/charts.ts';

import { redactString } from '@sluice/core';
import { LAG_METRICS } from '../model/charts.ts';

/** One metric family, described once for both exporters (Prometheus names it `sluice_<name>`, OpenTelemetry `sluice.<otel>`). */
export interface MetricFamily {
  readonly name: string;
  readonly otel: string;
  readonly help: string;
  readonly kind: 'gauge' | 'counter';
  /** UCUM unit for OpenTelemetry (Prometheus carries it in the name). */
  readonly unit: string;
  readonly labels: readonly string[];
}

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const Q = ['query', 'query_id'] as const;
const OP = [...Q, 'operator', 'operator_index'] as const;

/** Every per-query metric; values come from each query's latest progress (gauges) or its record (counters). */
export const FAMILIES: readonly MetricFamily[] = [
  { name: 'query_active', otel: 'query.active', help: 'Whether the query is running (1) or has terminated (0).', kind: 'gauge', unit: '1', labels: Q },
  { name: 'query_last_batch_id', otel: 'query.last_batch_id', help: 'Id of the batch in the latest progress event.', kind: 'gauge', unit: '1', labels: Q },
  { name: 'query_input_rows', otel: 'query.input_rows', help: 'Rows read by the latest batch (numInputRows).', kind: 'gauge', unit: '{row}', labels: Q },
  { name: 'query_input_rows_per_second', otel: 'query.input_rows_per_second', help: 'Input rate of the latest batch (inputRowsPerSecond).', kind: 'gauge', unit: '{row}/s', labels: Q },
  { name: 'query_processed_rows_per_second', otel: 'query.processed_rows_per_second', help: 'Process rate of the latest batch (processedRowsPerSecond).', kind: 'gauge', unit: '{row}/s', labels: Q },
  { name: 'query_output_rows', otel: 'query.output_rows', help: 'Rows the sink wrote in the latest batch (when the sink can tell).', kind: 'gauge', unit: '{row}', labels: Q },
  { name: 'query_last_batch_duration_seconds', otel: 'query.last_batch_duration', help: 'Duration of the latest batch (batchDuration).', kind: 'gauge', unit: 's', labels: Q },
  { name: 'query_operation_duration_seconds', otel: 'query.operation_duration', help: 'Time the latest trigger spent in each phase (durationMs).', kind: 'gauge', unit: 's', labels: [...Q, 'operation'] },
  { name: 'query_state_rows', otel: 'query.state.rows', help: 'State rows kept by each stateful operator (numRowsTotal).', kind: 'gauge', unit: '{row}', labels: OP },
  { name: 'query_state_rows_updated', otel: 'query.state.rows_updated', help: 'State rows the latest batch updated (numRowsUpdated).', kind: 'gauge', unit: '{row}', labels: OP },
  { name: 'query_state_rows_removed', otel: 'query.state.rows_removed', help: 'State rows the latest batch evicted (numRowsRemoved).', kind: 'gauge', unit: '{row}', labels: OP },
  { name: 'query_state_rows_dropped_by_watermark', otel: 'query.state.rows_dropped_by_watermark', help: 'Late rows the latest batch dropped (numRowsDroppedByWatermark).', kind: 'gauge', unit: '{row}', labels: OP },
  { name: 'query_state_memory_bytes', otel: 'query.state.memory', help: 'Memory used by each stateful operator (memoryUsedBytes).', kind: 'gauge', unit: 'By', labels: OP },
  { name: 'query_watermark_lag_seconds', otel: 'query.watermark_lag', help: 'Batch time minus the event-time watermark (Spark\'s global watermark gap).', kind: 'gauge', unit: 's', labels: Q },
  { name: 'source_lag', otel: 'source.lag', help: `How far behind the newest data each source is (${LAG_METRICS.join(', ')}).`, kind: 'gauge', unit: '1', labels: [...Q, 'source', 'metric'] },
  { name: 'query_progress_events_total', otel: 'query.progress_events', help: 'Progress events, batches and idle reports.', kind: 'counter', unit: '1', labels: Q },
  { name: 'query_batches_total', otel: 'query.batches', help: 'Batches run.', kind: 'counter', unit: '1', labels: Q },
  { name: 'query_input_rows_total', otel: 'query.input_rows_total', help: 'Rows read, over all batches.', kind: 'counter', unit: '{row}', labels: Q },
  { name: 'query_failures_total', otel: 'query.failures', help: 'Runs that ended with an exception.', kind: 'counter', unit: '1', labels: Q },
  { name: 'query_restarts_total', otel: 'query.restarts', help: 'Supervised restarts after failures.', kind: 'counter', unit: '1', labels: Q },
];

/** Buckets of the batch duration histogram, in seconds: 10 ms … 2 min. */
export const BATCH_DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** The labels naming a query: its name (or id when it has none) and its id. */
export function queryLabels(record: QueryRecord): { query: string; query_id: string } {
  return { query: redactString(record.query.name ?? record.query.id), query_id: record.query.id };
}

/**
 * The current value of every family, per query. A query started twice in one process (stop,
 * then start on the same checkpoint) is reported by its newest start.
 */
export function collectSamples(records: readonly QueryRecord[]): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>(FAMILIES.map((f) => [f.name, []]));
  const add = (name: string, labels: Record<string, string>, value: number | undefined | null) => {
    if (value !== undefined && value !== null && Number.isFinite(value)) out.get(name)!.push({ labels, value });
  };
  const newest = new Map<string, QueryRecord>();
  for (const record of records) {
    const seen = newest.get(record.query.id);
    if (!seen || record.startedAt >= seen.startedAt) newest.set(record.query.id, record);
  }
  for (const record of newest.values()) {
    const q = queryLabels(record);
    add('query_active', q, record.endedAt === null ? 1 : 0);
    add('query_progress_events_total', q, record.progressEvents);
    add('query_batches_total', q, record.batches);
    add('query_input_rows_total', q, record.inputRowsTotal);
    add('query_failures_total', q, record.failures);
    add('query_restarts_total', q, record.restarts);
    const p = record.lastProgress;
    if (!p) continue;
    add('query_last_batch_id', q, p.batchId);
    add('query_input_rows', q, p.numInputRows);
    add('query_input_rows_per_second', q, p.inputRowsPerSecond);
    add('query_processed_rows_per_second', q, p.processedRowsPerSecond);
    if (p.sink.numOutputRows >= 0) add('query_output_rows', q, p.sink.numOutputRows);
    add('query_last_batch_duration_seconds', q, p.batchDuration / 1000);
    for (const phase of [...PHASES, 'triggerExecution'] as const) {
      const ms = p.durationMs[phase];
      if (ms !== undefined) add('query_operation_duration_seconds', { ...q, operation: phase }, ms / 1000);
    }
    p.stateOperators.forEach((op, i) => {
      const labels = { ...q, operator: op.operatorName, operator_index: String(i) };
      add('query_state_rows', labels, op.numRowsTotal);
      add('query_state_rows_updated', labels, op.numRowsUpdated);
      add('query_state_rows_removed', labels, op.numRowsRemoved);
      add('query_state_rows_dropped_by_watermark', labels, op.numRowsDroppedByWatermark);
      add('query_state_memory_bytes', labels, op.memoryUsedBytes);
    });
    const watermark = p.eventTime?.['watermark'] ? Date.parse(p.eventTime['watermark']) : NaN;
    if (watermark > 0) add('query_watermark_lag_seconds', q, (Date.parse(p.timestamp) - watermark) / 1000);
    p.sources.forEach((source, i) => {
      for (const metric of LAG_METRICS) {
        const value = source.metrics?.[metric];
        if (value !== undefined) add('source_lag', { ...q, source: String(i), metric }, Number(value));
      }
    });
  }
  return out;
}

