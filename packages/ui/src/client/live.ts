import type { LiveUpdate } from '../server/liveFeed.ts';

/**
 * Follow the server's live feed. Each time the feed (re)opens, `onOpen` fetches the page's data
 * afresh: what happened between the page's render and the feed's start, or while it was down,
 * is then drawn too (updates carry sequence numbers, so nothing is drawn twice). The browser's
 * EventSource reconnects by itself.
 */
export function followLive(onUpdate: (update: LiveUpdate) => void, onOpen: () => void): void {
  const indicator = document.getElementById('connection');
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    indicator?.classList.add('live');
    indicator?.setAttribute('title', 'Live: updates arrive as batches complete');
    onOpen();
  });
  source.addEventListener('error', () => {
    indicator?.classList.remove('live');
    indicator?.setAttribute('title', 'Disconnected: reconnecting…');
  });
  source.addEventListener('update', (event) => onUpdate(JSON.parse((event as MessageEvent<string>).data) as LiveUpdate));
}
