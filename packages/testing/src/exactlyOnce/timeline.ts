/** What happened during one scenario, in order: drawn as a marble diagram when it fails. */
export type TimelineEvent =
  | { readonly kind: 'input'; readonly ids: readonly string[] }
  | { readonly kind: 'start' }
  | { readonly kind: 'crash'; readonly where: string }
  | { readonly kind: 'deliver'; readonly batchId: number; readonly ids: readonly string[] }
  | { readonly kind: 'stop' };

/**
 * One column per event, one row per actor: the arrivals, the query's life (R start, X crash,
 * S stop) and the batches handed to the sink — the counterexample as a marble diagram.
 */
export function drawTimeline(events: readonly TimelineEvent[]): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const rows = { input: '', query: '', sink: '' };
  const legend: string[] = [];
  let inputs = 0;
  for (const e of events) {
    const cell = { input: '-', query: '-', sink: '-' };
    if (e.kind === 'input') {
      const letter = letters[inputs++ % letters.length]!;
      cell.input = letter;
      legend.push(`${letter} = [${e.ids.join(' ')}]`);
    } else if (e.kind === 'start') cell.query = 'R';
    else if (e.kind === 'stop') cell.query = 'S';
    else if (e.kind === 'crash') {
      cell.query = 'X';
      legend.push(`X = crash ${e.where}`);
    } else {
      cell.sink = String(e.batchId % 10);
      legend.push(`${e.batchId} → [${e.ids.join(' ')}]`);
    }
    rows.input += cell.input;
    rows.query += cell.query;
    rows.sink += cell.sink;
  }
  return [`    input  ${rows.input}`, `    query  ${rows.query}`, `    sink   ${rows.sink}   (batch ids handed to the sink)`, ...[...new Set(legend)].map((l) => `      ${l}`)].join('\n');
}
