/**
 * The charts of a query's page — Spark's `StreamingQueryStatisticsPage`, one chart per question
 * a user asks — and the numbers each progress event contributes to them. Shared by the server
 * (which records and downsamples) and the page's script (which draws and appends live).
 */

/** Trigger phases drawn stacked in "Operation Duration" (Spark's `durationMs` keys, in execution order). */
export const PHASES = ['latestOffset', 'getBatch', 'queryPlanning', 'walCommit', 'addBatch', 'commitOffsets'] as const;

export type Unit = 'rows/s' | 'rows' | 'ms' | 'bytes' | 'count';

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** The question the chart answers, shown under its title. */
  readonly question: string;
  readonly unit: Unit;
  /** Keys of the recorded columns drawn, in legend order; `lag.*` expands to every source that has a lag metric. */
  readonly series: readonly string[];
  readonly stacked?: boolean;
  /** Only drawn when a query records any value for it (state charts need a stateful query). */
  readonly optional?: boolean;
}

export const CHARTS: readonly ChartSpec[] = [
  { id: 'inputRate', title: 'Input Rate', question: 'How fast does data arrive? (rows/s, all sources)', unit: 'rows/s', series: ['inputRate'] },
  { id: 'processRate', title: 'Process Rate', question: 'How fast is it processed? Below the input rate, the query falls behind.', unit: 'rows/s', series: ['processRate'] },
  { id: 'inputRows', title: 'Input Rows', question: 'How many rows did each batch read?', unit: 'rows', series: ['inputRows'] },
  { id: 'batchDuration', title: 'Batch Duration', question: 'How long did each batch take, end to end?', unit: 'ms', series: ['batchDuration'] },
  { id: 'operationDuration', title: 'Operation Duration', question: 'Where did the time go? (durationMs by phase, stacked)', unit: 'ms', series: PHASES.map((p) => `op.${p}`), stacked: true },
  { id: 'watermarkGap', title: 'Global Watermark Gap', question: 'How far does the event-time watermark trail the batch time?', unit: 'ms', series: ['watermarkGap'], optional: true },
  { id: 'stateRowsTotal', title: 'Aggregated Number Of Total State Rows', question: 'How much state is kept?', unit: 'rows', series: ['stateRowsTotal'], optional: true },
  { id: 'stateRowsUpdated', title: 'Aggregated Number Of Updated State Rows', question: 'How much state did each batch change?', unit: 'rows', series: ['stateRowsUpdated'], optional: true },
  { id: 'stateRowsDropped', title: 'Aggregated Number Of State Rows Dropped By Watermark / Removed', question: 'How many late rows were dropped, and how many state rows evicted?', unit: 'rows', series: ['stateRowsDroppedByWatermark', 'stateRowsRemoved'], optional: true },
  { id: 'stateMemory', title: 'Aggregated State Memory Used In Bytes', question: 'How much memory does the state take?', unit: 'bytes', series: ['stateMemoryBytes'], optional: true },
  { id: 'sourceLag', title: 'Source Lag', question: 'How far behind the newest data is each source? (Kafka offsets, outstanding files)', unit: 'count', series: ['lag.*'], optional: true },
];

/** Source metrics that say how far behind a source is, most telling first. */
export const LAG_METRICS = ['maxOffsetsBehindLatest', 'numFilesOutstanding', 'numBytesOutstanding'] as const;

/** Readable names of the recorded columns (legends). */
export function seriesLabel(key: string, sourceLabels: readonly string[] = []): string {
  if (key.startsWith('op.')) return key.slice(3);
  const lag = /^lag\.(\d+)$/.exec(key);
  if (lag) return sourceLabels[Number(lag[1])] ?? `source ${lag[1]}`;
  return LABELS[key] ?? key;
}

const LABELS: Readonly<Record<string, string>> = {
  inputRate: 'input rows/s',
  processRate: 'processed rows/s',
  inputRows: 'input rows',
  batchDuration: 'batch duration',
  watermarkGap: 'watermark gap',
  stateRowsTotal: 'total',
  stateRowsUpdated: 'updated',
  stateRowsDroppedByWatermark: 'dropped by watermark',
  stateRowsRemoved: 'removed',
  stateMemoryBytes: 'memory',
};

/** The series keys a chart draws for a query, `lag.*` expanded over the recorded keys. */
export function chartSeries(chart: ChartSpec, recordedKeys: readonly string[]): string[] {
  return chart.series.flatMap((key) => (key === 'lag.*' ? recordedKeys.filter((k) => k.startsWith('lag.')).sort() : [key]));
}

/** Format a value of a unit for axes, tooltips and tables. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  switch (unit) {
    case 'ms':
      return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
    case 'bytes':
      return value >= 1 << 30 ? `${(value / (1 << 30)).toFixed(1)} GiB` : value >= 1 << 20 ? `${(value / (1 << 20)).toFixed(1)} MiB` : value >= 1024 ? `${(value / 1024).toFixed(1)} KiB` : `${value} B`;
    case 'rows/s':
      return `${compact(value)}/s`;
    default:
      return compact(value);
  }
}

function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
