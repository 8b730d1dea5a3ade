import type { QueryDetail, QuerySummary } from '../model/views.ts';
import { escapeHtml, layout } from './html.ts';
import { lifecycleDiagram } from './lifecycleDiagram.ts';

/** The queries page (Spark's "Streaming Query" list): active and completed queries; the script fills and updates the tables. */
export function queriesPage(queries: readonly QuerySummary[]): string {
  const body = `<h1>Streaming Queries</h1>
<section><h2>Active Streaming Queries (<span id="active-count">${queries.filter((q) => q.active).length}</span>)</h2><div id="active-queries"></div></section>
<section><h2>Completed Streaming Queries (<span id="completed-count">${queries.filter((q) => !q.active).length}</span>)</h2><div id="completed-queries"></div></section>`;
  return layout({ title: 'Streaming Queries', name: 'queries', body, data: { queries } });
}

/** A query's page (Spark's StreamingQueryStatisticsPage): summary, exception, lifecycle, sources, charts. */
export function queryPage(detail: QueryDetail): string {
  const title = detail.summary.name ?? detail.summary.id;
  const body = `<h1>Streaming Query <span class="name">${escapeHtml(title)}</span></h1>
<section id="summary" class="summary"></section>
<section id="exception" class="exception" hidden></section>
<section><h2>Lifecycle</h2><div id="lifecycle">${lifecycleDiagram()}</div></section>
<section><h2>Sources</h2><div id="sources"></div><h2>Sink</h2><div id="sink"></div></section>
<section><h2>Statistics</h2><p class="hint">One point per progress event; ${detail.maxPoints.toLocaleString('en')} points per chart at most (lowest and highest of each stretch kept).</p><div id="charts" class="charts"></div></section>`;
  return layout({ title: `Query ${title}`, name: 'query', body, data: detail });
}

export function notFoundPage(what: string): string {
  return layout({ title: 'Not found', name: 'none', body: `<h1>Not found</h1><p>Nothing at ${escapeHtml(what)}. <a href="/">All queries</a></p>`, data: null });
}
