import { CHARTS, formatValue } from '../model/charts.ts';
import type { ProgressRow } from '../model/progressRow.ts';
import type { ProgressUpdate, QueryDetail, QuerySummary, SourceView } from '../model/views.ts';
import type { LiveUpdate } from '../server/liveFeed.ts';
import { ChartPanel } from './chartPanel.ts';
import { byId, formatDuration, formatRate, formatTime, h, offsetText } from './dom.ts';

/** The query page: everything redrawn from the query's detail, then kept current from the live feed. */
export function queryView(initial: QueryDetail): { update(update: LiveUpdate): void; reload(detail: QueryDetail): void } {
  let detail = initial;
  let summary = initial.summary;
  let panels = new Map<string, ChartPanel>();
  let seen = initial.summary.progressEvents;
  // Updates received lately: a detail fetched before one of them but answered after it must not lose it.
  let recent: ProgressUpdate[] = [];

  const drawCharts = (charts: QueryDetail['charts'], sources: readonly SourceView[]) => {
    const host = byId('charts');
    host.replaceChildren();
    panels = new Map();
    const labels = sources.map((s, i) => `${i}: ${s.description.slice(0, 40)}${s.lag ? ` (${s.lag.metric})` : ''}`);
    for (const data of charts) {
      const spec = CHARTS.find((c) => c.id === data.id);
      if (!spec) continue;
      const panel = new ChartPanel(spec, data, labels, detail.maxPoints);
      host.append(panel.element);
      panel.mount();
      panels.set(spec.id, panel);
    }
  };

  const drawSummary = () => {
    const s = summary;
    const ended = s.endedAt ?? Date.now();
    const field = (label: string, value: string | number | Node, attributes: Record<string, string> = {}) => [h('dt', {}, label), h('dd', attributes, value)];
    byId('summary').replaceChildren(
      h(
        'dl',
        {},
        ...field('Status', s.exception ? 'FAILED (see the exception below)' : `${s.active ? 'RUNNING' : 'FINISHED'} · ${s.status}`, { 'data-field': 'status' }),
        ...field('Name', s.name ?? '(unnamed)'),
        ...field('ID', s.id, { class: 'mono' }),
        ...field('Run ID', s.runId, { class: 'mono' }),
        ...field('Started', formatTime(s.startedAt)),
        ...field('Duration', formatDuration(ended - s.startedAt)),
        ...field('Latest batch', s.latestBatchId ?? '–', { 'data-field': 'latest-batch' }),
        ...field('Progress events', s.progressEvents, { 'data-field': 'progress-events' }),
        ...field('Avg input', `${formatRate(s.avgInputRate)} rows/s`),
        ...field('Avg process', `${formatRate(s.avgProcessRate)} rows/s`),
        ...field('Restarts', s.restarts),
      ),
    );
    const exception = byId('exception');
    exception.hidden = s.exception === null;
    if (s.exception) exception.replaceChildren(h('h2', {}, 'Exception'), h('p', { class: 'code' }, s.exception.code), h('pre', { 'data-field': 'exception' }, s.exception.message));
  };

  const drawSources = (sources: readonly SourceView[], sink: QueryDetail['sink']) => {
    byId('sources').replaceChildren(
      sources.length === 0
        ? h('p', { class: 'empty' }, 'No progress yet.')
        : h(
            'table',
            { class: 'sources' },
            h('thead', {}, h('tr', {}, ...['#', 'Description', 'Start offset', 'End offset', 'Latest offset', 'Input rows', 'Input rows/s', 'Processed rows/s', 'Lag'].map((c) => h('th', {}, c)))),
            h(
              'tbody',
              {},
              ...sources.map((s, i) =>
                h(
                  'tr',
                  {},
                  h('td', {}, i),
                  h('td', { class: 'mono wrap' }, s.description),
                  h('td', { class: 'mono wrap' }, offsetText(s.startOffset)),
                  h('td', { class: 'mono wrap' }, offsetText(s.endOffset)),
                  h('td', { class: 'mono wrap' }, offsetText(s.latestOffset)),
                  h('td', { class: 'num' }, s.numInputRows),
                  h('td', { class: 'num' }, formatRate(s.inputRowsPerSecond)),
                  h('td', { class: 'num' }, formatRate(s.processedRowsPerSecond)),
                  h('td', { class: 'num' }, s.lag ? `${formatValue(s.lag.value, 'count')} (${s.lag.metric})` : '–'),
                ),
              ),
            ),
          ),
    );
    byId('sink').replaceChildren(sink ? h('p', { class: 'mono wrap' }, `${sink.description} · ${sink.numOutputRows >= 0 ? `${sink.numOutputRows} rows in the latest batch` : 'rows written not reported by this sink'}`) : h('p', { class: 'empty' }, 'No progress yet.'));
  };

  const lightState = (state: string) => {
    for (const box of document.querySelectorAll<SVGGElement>('#lifecycle .state')) box.classList.toggle('current', box.dataset['state'] === state);
    document.querySelector('#lifecycle svg')?.setAttribute('data-current', state);
  };

  const drawAll = () => {
    drawSummary();
    drawSources(detail.sources, detail.sink);
    drawCharts(detail.charts, detail.sources);
    lightState(summary.state);
  };
  drawAll();
  setInterval(drawSummary, 1000);
  window.addEventListener('resize', () => panels.forEach((p) => p.resize()));

  return {
    update: (update) => {
      const all = update.progress.filter((p) => p.key === summary.key);
      recent = [...recent, ...all].slice(-500);
      const mine = all.filter((p) => p.seq > seen);
      if (mine.length > 0) seen = mine.at(-1)!.seq;
      const latest = update.queries.find((q) => q.key === summary.key) ?? mine.at(-1)?.summary;
      if (mine.length > 0) {
        const rows: ProgressRow[] = mine.map((p) => p.row);
        // A chart that did not apply yet (the first state rows, a first lag) needs the server's view.
        const newChart = CHARTS.some((c) => c.optional && !panels.has(c.id) && c.series.some((key) => key !== 'lag.*' && rows.some((r) => r[key] !== null && r[key] !== undefined)));
        if (newChart) return void fetchDetail(summary.key).then((d) => d && reload(d));
        for (const panel of panels.values()) panel.append(rows);
        const last = mine.at(-1)!;
        drawSources(last.sources, last.sink);
      }
      if (latest) {
        summary = latest;
        drawSummary();
        lightState(summary.state);
      }
    },
    reload,
  };

  function reload(fresh: QueryDetail): void {
    detail = fresh;
    summary = fresh.summary;
    seen = fresh.summary.progressEvents;
    drawAll();
    const missed = recent.filter((p) => p.seq > seen);
    if (missed.length > 0) {
      for (const panel of panels.values()) panel.append(missed.map((p) => p.row));
      seen = missed.at(-1)!.seq;
    }
  }
}

export async function fetchDetail(key: string): Promise<QueryDetail | undefined> {
  const response = await fetch(`/api/queries/${encodeURIComponent(key)}`);
  return response.ok ? ((await response.json()) as QueryDetail) : undefined;
}

export type { QuerySummary };
