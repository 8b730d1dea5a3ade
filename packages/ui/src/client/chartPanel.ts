import uPlot from 'uplot';
import { formatValue, seriesLabel, type ChartSpec } from '../model/charts.ts';
import { pickIndices } from '../model/downsample.ts';
import type { ChartData } from '../model/history.ts';
import type { ProgressRow } from '../model/progressRow.ts';
import { h } from './dom.ts';

const COLORS = ['#1f6feb', '#d9480f', '#2b8a3e', '#862e9c', '#e8590c', '#0b7285', '#c2255c'];

/**
 * One chart of the query page: a uPlot time series that grows as progress events arrive. Past
 * twice `maxPoints` it downsamples itself with the server's rule, so a query with a long history
 * stays as quick to draw as a new one. `data-points` (drawn) and `data-total` (events recorded)
 * say what it holds.
 */
export class ChartPanel {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private plot: uPlot | undefined;
  private readonly keys: readonly string[];
  private x: number[];
  private y: (number | null)[][];
  private total: number;

  constructor(
    private readonly spec: ChartSpec,
    data: ChartData,
    private readonly sourceLabels: readonly string[],
    private readonly maxPoints: number,
  ) {
    this.keys = [...data.series];
    this.x = [...data.x];
    this.y = data.y.map((column) => [...column]);
    this.total = data.total;
    this.plotHost = h('div', { class: 'plot' });
    this.element = h('figure', { class: 'chart', 'data-chart': spec.id, 'data-series': this.keys.join(',') }, h('figcaption', {}, h('strong', {}, spec.title), h('span', { class: 'question' }, spec.question)), this.plotHost);
    this.mark();
  }

  /** Draw into the page (the panel must be in the document to know its width). */
  mount(): void {
    const width = Math.max(280, this.plotHost.clientWidth || this.element.clientWidth || 480);
    this.plot = new uPlot(this.options(this.keys, width), this.drawn(), this.plotHost);
  }

  /** Add the points of newly arrived progress events, then redraw once. */
  append(rows: readonly ProgressRow[]): void {
    for (const row of rows) {
      this.x.push((row['time'] ?? 0) / 1000);
      this.keys.forEach((key, i) => this.y[i]!.push(row[key] ?? null));
      this.total++;
    }
    if (this.x.length > 2 * this.maxPoints) {
      const picking = this.spec.stacked ? [this.x.map((_, i) => this.y.reduce((n, c) => n + (c[i] ?? 0), 0))] : this.y;
      const keep = pickIndices(picking, this.maxPoints);
      this.x = keep.map((i) => this.x[i]!);
      this.y = this.y.map((column) => keep.map((i) => column[i] ?? null));
    }
    this.plot?.setData(this.drawn());
    this.mark();
  }

  resize(): void {
    const width = this.plotHost.clientWidth;
    if (this.plot && width > 0) this.plot.setSize({ width, height: this.plot.height });
  }

  private mark(): void {
    this.element.dataset['points'] = String(this.x.length);
    this.element.dataset['total'] = String(this.total);
  }

  /** uPlot's aligned arrays; a stacked chart draws running sums (its legend still shows each phase's own value). */
  private drawn(): uPlot.AlignedData {
    if (!this.spec.stacked) return [this.x, ...this.y] as uPlot.AlignedData;
    const sums: (number | null)[][] = [];
    this.y.forEach((column, s) => sums.push(column.map((v, i) => (v === null && s === 0 ? null : (sums[s - 1]?.[i] ?? 0) + (v ?? 0)))));
    return [this.x, ...sums] as uPlot.AlignedData;
  }

  private options(keys: readonly string[], width: number): uPlot.Options {
    const unit = this.spec.unit;
    const raw = (seriesIndex: number, index: number | null) => (index === null ? null : (this.y[seriesIndex - 1]?.[index] ?? null));
    return {
      width,
      height: 200,
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.1 : 1] } },
      series: [
        { value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toLocaleTimeString()) },
        ...keys.map((key, i) => ({
          label: seriesLabel(key, this.sourceLabels),
          stroke: COLORS[i % COLORS.length]!,
          width: 1.5,
          points: { size: 4 },
          ...(this.spec.stacked ? { fill: `${COLORS[i % COLORS.length]!}40` } : {}),
          value: (_u: uPlot, _v: number | null, s: number, index: number | null) => formatValue(raw(s, index), unit),
        })),
      ],
      ...(this.spec.stacked ? { bands: keys.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] })) } : {}),
      axes: [{}, { size: 64, values: (_u, ticks) => ticks.map((t) => formatValue(t, unit)) }],
      legend: { live: true },
    };
  }
}
