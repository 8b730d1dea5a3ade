import { lifecycleGraph, type LifecycleGraph } from '@sluice/core';
import { escapeHtml } from './html.ts';

/** Where each known state sits (column, row): the batch loop along the top, waiting below, the ends at the bottom. */
const PLACES: Readonly<Record<string, readonly [number, number]>> = {
  initializing: [0, 0],
  gettingOffsets: [1, 0],
  walCommit: [2, 0],
  processing: [3, 0],
  committing: [4, 0],
  waiting: [1, 1],
  stopped: [0, 2],
  failed: [3, 2],
};

const W = 128;
const H = 34;
const COL = 160;
const ROW = 88;
const PAD = 40;

/** Labels for the arrows worth naming; `done` (the step finished) is the unlabelled default. */
const EDGE_LABELS: Readonly<Record<string, string>> = { after: 'trigger due', 'query.trigger': 'data arrived' };

/**
 * The query lifecycle machine as an SVG, drawn from the machine definition (`lifecycleGraph`):
 * one box per state (`data-state`), arrows for its transitions, failures dashed. The page lights
 * the box of the current state; a state added to the machine later gets a box in a spare column.
 */
export function lifecycleDiagram(graph: LifecycleGraph = lifecycleGraph()): string {
  const places = new Map<string, readonly [number, number]>();
  let spare = 5;
  for (const state of graph.states) places.set(state.name, PLACES[state.name] ?? [spare++, 1]);
  const center = (name: string) => {
    const [c, r] = places.get(name) ?? [0, 0];
    return { x: PAD + c * COL + W / 2, y: PAD + r * ROW + H / 2 };
  };
  const width = PAD * 2 + (Math.max(...[...places.values()].map(([c]) => c)) + 1) * COL - (COL - W);
  const height = PAD * 2 + 3 * ROW - (ROW - H) + 10;

  const edges = graph.edges.map((edge) => {
    const a = center(edge.from);
    const b = center(edge.to);
    const [ca, ra] = places.get(edge.from)!;
    const [cb, rb] = places.get(edge.to)!;
    const start = boxEdgePoint(a, b);
    const end = boxEdgePoint(b, a);
    let path: string;
    let label = { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2 };
    if (ra === rb && Math.abs(ca - cb) > 1) {
      // Along the top row past other boxes: arc over them (back to the start of the loop arcs higher).
      const lift = cb < ca ? 34 : 22;
      const s = { x: a.x, y: a.y - H / 2 };
      const e = { x: b.x, y: b.y - H / 2 };
      path = `M${s.x},${s.y} C${s.x},${s.y - lift} ${e.x},${e.y - lift} ${e.x},${e.y}`;
      label = { x: (s.x + e.x) / 2, y: s.y - lift + 4 };
    } else if (edge.from === 'waiting' && edge.to === 'gettingOffsets') {
      const dx = edge.on === 'after' ? -14 : 14;
      path = `M${start.x + dx},${start.y} L${end.x + dx},${end.y}`;
      label = { x: start.x + dx * 4.2, y: (start.y + end.y) / 2 + 4 };
    } else {
      path = `M${start.x},${start.y} L${end.x},${end.y}`;
    }
    const kind = edge.on === 'error' ? 'edge error' : 'edge';
    const text = EDGE_LABELS[edge.on];
    return `<g class="${kind}" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}"><path d="${path}" marker-end="url(#arrow)"/>${text ? `<text x="${label.x}" y="${label.y}">${escapeHtml(text)}</text>` : ''}</g>`;
  });

  const boxes = graph.states.map((state) => {
    const [c, r] = places.get(state.name)!;
    const x = PAD + c * COL;
    const y = PAD + r * ROW;
    return `<g class="state${state.final ? ' final' : ''}" data-state="${escapeHtml(state.name)}"><rect x="${x}" y="${y}" width="${W}" height="${H}" rx="8"/><text x="${x + W / 2}" y="${y + H / 2 + 4}">${escapeHtml(state.name)}</text></g>`;
  });

  const anywhere = graph.fromAnyState.map((t) => `${t.on} → ${t.to}`).join(', ');
  return `<svg class="lifecycle" viewBox="0 0 ${width} ${height}" role="img" aria-label="Query lifecycle: the current state is highlighted">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
${edges.join('\n')}
${boxes.join('\n')}
<text class="note" x="${PAD}" y="${height - 8}">From any state: ${escapeHtml(anywhere)}. Dashed: a step failed.</text>
</svg>`;
}

/** Where the segment from a box's centre towards `to` leaves the box. */
function boxEdgePoint(from: { x: number; y: number }, to: { x: number; y: number }): { x: number; y: number } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (dx === 0 && dy === 0) return from;
  const scale = Math.min(Math.abs(dx) > 0 ? W / 2 / Math.abs(dx) : Infinity, Math.abs(dy) > 0 ? H / 2 / Math.abs(dy) : Infinity);
  return { x: from.x + dx * scale, y: from.y + dy * scale };
}
