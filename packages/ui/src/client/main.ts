import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { QueryDetail, QuerySummary } from '../model/views.ts';
import { followLive } from './live.ts';
import { queriesView } from './queriesView.ts';
import { fetchDetail, queryView } from './queryView.ts';

/** The page script: read the data the server embedded, draw, then follow the live feed. */
function main(): void {
  const page = document.body.dataset['page'];
  const data = JSON.parse(document.getElementById('initial-data')?.textContent ?? 'null') as unknown;
  if (page === 'queries') {
    const view = queriesView((data as { queries: QuerySummary[] }).queries);
    followLive(view.update, () => void fetch('/api/queries').then(async (r) => r.ok && view.refresh((await r.json()) as QuerySummary[])));
  } else if (page === 'query') {
    const view = queryView(data as QueryDetail);
    const key = (data as QueryDetail).summary.key;
    followLive(view.update, () => void fetchDetail(key).then((d) => d && view.reload(d)));
  }
  document.body.dataset['ready'] = 'true';
}

main();
