import type { StreamingQueryProgress } from '@sluice/core';
import { LAG_METRICS, PHASES } from './charts.ts';

/** One progress event as the numbers the charts draw; null where the event has no value. */
export type ProgressRow = Readonly<Record<string, number | null>>;

/**
 * The numbers of one progress event: rates, rows, durations by phase, the watermark gap, state
 * summed over operators (Spark's "aggregated" charts) and each source's lag.
 *
 * @example
 * progressRow(query.lastProgress!)['inputRate'] // rows/s, or null on an idle event
 */
export function progressRow(progress: StreamingQueryProgress): ProgressRow {
  const time = Date.parse(progress.timestamp);
  const row: Record<string, number | null> = {
    time,
    batchId: progress.batchId,
    inputRate: progress.inputRowsPerSecond ?? null,
    processRate: progress.processedRowsPerSecond ?? null,
    inputRows: progress.numInputRows,
    batchDuration: progress.batchDuration,
    watermarkGap: watermarkGap(time, progress.eventTime?.['watermark']),
  };
  for (const phase of PHASES) row[`op.${phase}`] = progress.durationMs[phase] ?? null;
  const state = progress.stateOperators;
  const sum = (field: 'numRowsTotal' | 'numRowsUpdated' | 'numRowsRemoved' | 'numRowsDroppedByWatermark' | 'memoryUsedBytes') =>
    state.length === 0 ? null : state.reduce((n, op) => n + (op[field] ?? 0), 0);
  row['stateRowsTotal'] = sum('numRowsTotal');
  row['stateRowsUpdated'] = sum('numRowsUpdated');
  row['stateRowsRemoved'] = sum('numRowsRemoved');
  row['stateRowsDroppedByWatermark'] = sum('numRowsDroppedByWatermark');
  row['stateMemoryBytes'] = sum('memoryUsedBytes');
  progress.sources.forEach((source, i) => {
    const lag = sourceLag(source.metrics);
    if (lag !== null) row[`lag.${i}`] = lag.value;
  });
  return row;
}

/** The most telling lag metric a source reports (Kafka's offsets behind, files outstanding), or null. */
export function sourceLag(metrics: Readonly<Record<string, string>> | undefined): { metric: string; value: number } | null {
  if (!metrics) return null;
  for (const metric of LAG_METRICS) {
    const value = Number(metrics[metric]);
    if (metrics[metric] !== undefined && Number.isFinite(value)) return { metric, value };
  }
  return null;
}

/** Batch time − watermark in ms (Spark's "Global Watermark Gap"); null before the watermark first moves. */
function watermarkGap(batchTime: number, watermark: string | undefined): number | null {
  if (watermark === undefined) return null;
  const ms = Date.parse(watermark);
  return Number.isFinite(ms) && ms > 0 ? batchTime - ms : null;
}
