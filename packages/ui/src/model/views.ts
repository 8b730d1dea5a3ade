import type { ChartData } from './history.ts';
import type { QueryRecord } from './queryTracker.ts';
import type { ProgressRow } from './progressRow.ts';
import { sourceLag } from './progressRow.ts';
import { redactDeep } from './redactDeep.ts';

/** A row of the queries page (Spark's query list), secrets scrubbed. */
export interface QuerySummary {
  readonly key: string;
  readonly name: string | null;
  readonly id: string;
  readonly runId: string;
  readonly active: boolean;
  /** Spark's status message ("Waiting for next trigger", "Stopped", …). */
  readonly status: string;
  readonly state: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly restarts: number;
  readonly avgInputRate: number | null;
  readonly avgProcessRate: number | null;
  readonly latestBatchId: number | null;
  readonly progressEvents: number;
  readonly exception: { readonly code: string; readonly message: string } | null;
}

export interface SourceView {
  readonly description: string;
  readonly startOffset: unknown;
  readonly endOffset: unknown;
  readonly latestOffset: unknown;
  readonly numInputRows: number;
  readonly inputRowsPerSecond: number | null;
  readonly processedRowsPerSecond: number | null;
  readonly lag: { readonly metric: string; readonly value: number } | null;
  readonly metrics: Readonly<Record<string, string>>;
}

/** Everything the query page draws. */
export interface QueryDetail {
  readonly summary: QuerySummary;
  readonly sources: readonly SourceView[];
  readonly sink: { readonly description: string; readonly numOutputRows: number } | null;
  readonly charts: readonly ChartData[];
  readonly maxPoints: number;
}

/** A progress event as the page appends it. */
export interface ProgressUpdate {
  readonly key: string;
  /** The how-many-th progress event of the query this is (1-based): pages skip what they already drew. */
  readonly seq: number;
  readonly row: ProgressRow;
  readonly summary: QuerySummary;
  readonly sources: readonly SourceView[];
  readonly sink: QueryDetail['sink'];
}

export function summaryOf(record: QueryRecord): QuerySummary {
  const { query, rates } = record;
  return redactDeep({
    key: record.key,
    name: query.name,
    id: query.id,
    runId: record.runId,
    active: record.endedAt === null,
    status: record.status.message,
    state: record.state,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    restarts: record.restarts,
    avgInputRate: rates.inputCount > 0 ? rates.inputSum / rates.inputCount : null,
    avgProcessRate: rates.processCount > 0 ? rates.processSum / rates.processCount : null,
    latestBatchId: record.lastProgress?.batchId ?? null,
    progressEvents: record.progressEvents,
    exception: record.exception,
  });
}

export function sourcesOf(record: QueryRecord): SourceView[] {
  return redactDeep(
    (record.lastProgress?.sources ?? []).map((s) => ({
      description: s.description,
      startOffset: s.startOffset,
      endOffset: s.endOffset,
      latestOffset: s.latestOffset,
      numInputRows: s.numInputRows,
      inputRowsPerSecond: s.inputRowsPerSecond ?? null,
      processedRowsPerSecond: s.processedRowsPerSecond ?? null,
      lag: sourceLag(s.metrics),
      metrics: s.metrics ?? {},
    })),
  );
}

function sinkOf(record: QueryRecord): QueryDetail['sink'] {
  const sink = record.lastProgress?.sink;
  return sink ? redactDeep({ description: sink.description, numOutputRows: sink.numOutputRows }) : null;
}

export function detailOf(record: QueryRecord, maxPoints: number): QueryDetail {
  return { summary: summaryOf(record), sources: sourcesOf(record), sink: sinkOf(record), charts: record.history.charts(maxPoints), maxPoints };
}

export function progressUpdateOf(record: QueryRecord, row: ProgressRow): ProgressUpdate {
  return { key: record.key, seq: record.progressEvents, row, summary: summaryOf(record), sources: sourcesOf(record), sink: sinkOf(record) };
}
