import type { QuerySummary } from '../model/views.ts';
import type { LiveUpdate } from '../server/liveFeed.ts';
import { byId, formatDuration, formatRate, formatTime, h } from './dom.ts';

const COLUMNS = ['Name', 'Status', 'ID', 'Run ID', 'Start Time', 'Duration', 'Avg Input /sec', 'Avg Process /sec', 'Latest Batch', 'Error'];

/** The queries page: two tables (active, completed) kept current from the live feed. */
export function queriesView(initial: readonly QuerySummary[]): { update(update: LiveUpdate): void; refresh(queries: readonly QuerySummary[]): void } {
  const queries = new Map(initial.map((q) => [q.key, q] as const));
  const render = () => {
    const all = [...queries.values()].sort((a, b) => b.startedAt - a.startedAt);
    const active = all.filter((q) => q.active);
    const completed = all.filter((q) => !q.active);
    byId('active-count').textContent = String(active.length);
    byId('completed-count').textContent = String(completed.length);
    byId('active-queries').replaceChildren(table(active, 'No active queries.'));
    byId('completed-queries').replaceChildren(table(completed, 'No completed queries.'));
  };
  render();
  // Durations of running queries tick.
  setInterval(render, 1000);
  return {
    update: (update) => {
      for (const q of update.queries) queries.set(q.key, q);
      if (update.queries.length > 0) render();
    },
    refresh: (all) => {
      queries.clear();
      for (const q of all) queries.set(q.key, q);
      render();
    },
  };
}

function table(queries: readonly QuerySummary[], empty: string): HTMLElement {
  if (queries.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    { class: 'queries' },
    h('thead', {}, h('tr', {}, ...COLUMNS.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...queries.map(row)),
  );
}

function row(q: QuerySummary): HTMLElement {
  const ended = q.endedAt ?? Date.now();
  return h(
    'tr',
    { 'data-key': q.key, class: q.exception ? 'failed' : q.active ? 'active' : 'stopped' },
    h('td', {}, h('a', { href: `/query/${q.key}` }, q.name ?? '(unnamed)')),
    h('td', { 'data-field': 'status' }, q.exception ? 'FAILED' : q.active ? (q.restarts > 0 ? `RUNNING (${q.restarts} restarts)` : 'RUNNING') : 'FINISHED', h('div', { class: 'muted' }, q.status)),
    h('td', { class: 'mono' }, q.id),
    h('td', { class: 'mono' }, q.runId),
    h('td', {}, formatTime(q.startedAt)),
    h('td', {}, formatDuration(ended - q.startedAt)),
    h('td', { class: 'num' }, formatRate(q.avgInputRate)),
    h('td', { class: 'num' }, formatRate(q.avgProcessRate)),
    h('td', { class: 'num', 'data-field': 'latest-batch' }, q.latestBatchId ?? '–'),
    h('td', { class: 'error' }, q.exception ? h('details', {}, h('summary', {}, q.exception.code), h('pre', {}, q.exception.message)) : ''),
  );
}
