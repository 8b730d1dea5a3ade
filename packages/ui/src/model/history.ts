import { CHARTS, chartSeries, type ChartSpec } from './charts.ts';
import { pickIndices } from './downsample.ts';
import type { ProgressRow } from './progressRow.ts';

/** A chart's points as the page draws them: x in epoch seconds (uPlot's time axis), one array per series. */
export interface ChartData {
  readonly id: string;
  readonly series: readonly string[];
  readonly x: readonly number[];
  readonly y: readonly (readonly (number | null)[])[];
  /** Progress events recorded for the query (the points drawn are fewer once downsampled). */
  readonly total: number;
}

/**
 * A query's progress history, column by column (one array of numbers per recorded key), keeping
 * the newest `retained` events. Columns make downsampling and sending a chart cheap: a chart
 * reads its few columns, never every event object.
 */
export class History {
  private readonly columns = new Map<string, (number | null)[]>();
  private size = 0;

  constructor(private readonly retained: number) {}

  get length(): number {
    return this.size;
  }

  /** The keys recorded so far (a source's lag appears once it first reports one). */
  keys(): string[] {
    return [...this.columns.keys()];
  }

  column(key: string): readonly (number | null)[] {
    return this.columns.get(key) ?? [];
  }

  push(row: ProgressRow): void {
    for (const [key, value] of Object.entries(row)) {
      if (!this.columns.has(key)) this.columns.set(key, new Array<number | null>(this.size).fill(null));
    }
    for (const [key, column] of this.columns) column.push(row[key] ?? null);
    this.size++;
    if (this.size > this.retained) {
      // Drop a tenth at once: one splice per many events rather than a shift per event.
      const drop = this.size - this.retained + Math.floor(this.retained / 10);
      for (const column of this.columns.values()) column.splice(0, drop);
      this.size -= drop;
    }
  }

  /** Every chart that applies to this query, at most about `maxPoints` points each. */
  charts(maxPoints: number): ChartData[] {
    const keys = this.keys();
    return CHARTS.filter((chart) => this.applies(chart)).map((chart) => this.chart(chart, chartSeries(chart, keys), maxPoints));
  }

  /** Optional charts are drawn once the query has recorded any value for them. */
  applies(chart: ChartSpec): boolean {
    if (!chart.optional) return true;
    return chartSeries(chart, this.keys()).some((key) => this.column(key).some((v) => v !== null));
  }

  private chart(chart: ChartSpec, series: readonly string[], maxPoints: number): ChartData {
    const columns = series.map((key) => this.column(key));
    // A stacked chart is picked by its total, so that the stack's peaks survive.
    const picking = chart.stacked ? [columns[0]!.map((_, i) => columns.reduce((n, c) => n + (c[i] ?? 0), 0))] : columns;
    const indices = pickIndices(picking.length > 0 ? picking : [this.column('time')], maxPoints);
    const time = this.column('time');
    return {
      id: chart.id,
      series,
      x: indices.map((i) => (time[i] ?? 0) / 1000),
      y: columns.map((column) => indices.map((i) => column[i] ?? null)),
      total: this.size,
    };
  }
}
