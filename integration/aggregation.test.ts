import { describe, expect, it } from 'vitest';
import { avg, count, groupBy, isSluiceError, max, memoryCheckpoint, min, processingTime, QueryManager, silentLogger, sum, window, withWatermark } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import { crashAt, sluiceMarbles } from '@sluice/testing';
import { STATE_PROVIDERS } from './state/providers.ts';

const at = (s: number) => s * 1000;
const events = (rows: [string, number, number][]) => rows.map(([user, second, amount]) => ({ user, ts: at(second), amount }));
const SCHEMA = 'user STRING, ts TIMESTAMP, amount INT';
const w = (start: number, end: number) => ({ start: at(start), end: at(end) });

for (const provider of STATE_PROVIDERS)
describe(`streaming aggregation with state in the checkpoint (${provider.name} state store)`, () => {
  it('update mode emits the groups each batch changed, with running totals', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '-a--b', { a: events([['ada', 1, 5], ['bob', 2, 1]]), b: events([['ada', 3, 2]]) }, SCHEMA);
      const totals = input.pipe(groupBy('user').agg(count().alias('n'), sum('amount').alias('total'), avg('amount').alias('mean'), min('amount'), max('amount')));
      expectSink(query(totals, { outputMode: 'update', options: provider.options() })).toBe('-x--y', {
        x: [
          { user: 'ada', n: 1n, total: 5n, mean: 5, 'min(amount)': 5, 'max(amount)': 5 },
          { user: 'bob', n: 1n, total: 1n, mean: 1, 'min(amount)': 1, 'max(amount)': 1 },
        ],
        y: [{ user: 'ada', n: 2n, total: 7n, mean: 3.5, 'min(amount)': 2, 'max(amount)': 5 }],
      });
    }));

  it('append mode emits each window once, when the watermark passes its end; late rows are dropped', () =>
    sluiceMarbles(({ source, query, expectSink, expectProgress }) => {
      // 10 s windows, 5 s allowed lateness. Event times (seconds) arrive out of order.
      const input = source('memory', '-a-----b-----c-----d', {
        a: events([['ada', 1, 1], ['ada', 8, 1]]),
        b: events([['ada', 12, 1], ['bob', 4, 1]]), // max 12 → watermark 7: window [0,10) still open
        c: events([['ada', 21, 1]]), // watermark becomes 16 after this batch: [0,10) closes
        d: events([['bob', 2, 1]]), // window [0,10) is closed: dropped as late
      }, SCHEMA);
      const perWindow = input.pipe(withWatermark('ts', '5 seconds'), groupBy(window('ts', '10 seconds'), 'user').agg(count().alias('n')));
      const q = query(perWindow, { outputMode: 'append', options: provider.options() });
      // Every batch that moves the watermark is followed by a no-data batch (Spark's rule), which
      // emits what the new watermark closed: [0,10) after c, when the watermark reaches 16 s.
      expectSink(q).toBe('-(xx) 2ms (xx) 2ms (xu) 2ms x', {
        x: [],
        u: [{ window: w(0, 10), user: 'ada', n: 2n }, { window: w(0, 10), user: 'bob', n: 1n }],
      });
      expectProgress(q).toBe(' 19ms p', { p: { stateOperators: [{ numRowsDroppedByWatermark: 1 }], eventTime: { watermark: '1970-01-01T00:00:16.000Z' } } as never });
    }));

  it('a crash after the sink wrote an aggregation batch replays it from the saved state: same output, no double counting', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '-a--b---c', { a: events([['ada', 1, 5]]), b: events([['ada', 2, 5]]), c: events([['ada', 3, 5]]) }, SCHEMA);
      const totals = input.pipe(groupBy('user').agg(sum('amount').alias('total')));
      const q = query(totals, { outputMode: 'update', options: provider.options() }, '---k--R', { k: crashAt('addBatch', 'after') });
      expectSink(q).toBe('-x--y---z', { x: [{ user: 'ada', total: 5n }], y: [{ user: 'ada', total: 10n }], z: [{ user: 'ada', total: 15n }] });
    }));

  it('sliding windows put a row in every window that holds it', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '-a', { a: events([['ada', 7, 1]]) }, SCHEMA);
      const counts = input.pipe(groupBy(window('ts', '10 seconds', '5 seconds')).agg(count().alias('n')));
      expectSink(query(counts, { outputMode: 'complete', options: provider.options() })).toBe('-x', { x: [{ window: w(0, 10), n: 1n }, { window: w(5, 15), n: 1n }] });
    }));

  it('refuses append without a watermark and complete without an aggregation, as Spark does', async () => {
    const manager = new QueryManager({ logger: silentLogger });
    const input = memoryStream(SCHEMA);
    const counts = input.toFrame().pipe(groupBy('user').agg(count()));
    const noWatermark = await counts.writeTo(memorySink(), { queryName: `agg_refused_${provider.name}`, manager, checkpointLocation: memoryCheckpoint() }).catch((e: unknown) => e);
    expect(isSluiceError(noWatermark, 'UNSUPPORTED_OUTPUT_MODE')).toBe(true);
    expect((noWatermark as Error).message).toContain('without a watermark');
    const noAggregation = await input.toFrame().writeTo(memorySink(), { queryName: `agg_refused2_${provider.name}`, outputMode: 'complete', manager }).catch((e: unknown) => e);
    expect(isSluiceError(noAggregation, 'UNSUPPORTED_OUTPUT_MODE')).toBe(true);
  });

  it('the state survives a restart on a new process-like run: totals continue', async () => {
    const manager = new QueryManager({ logger: silentLogger });
    const input = memoryStream(SCHEMA);
    const checkpoint = memoryCheckpoint();
    const options = provider.options();
    const table = `agg_restart_${provider.name}`;
    const start = () => input.toFrame().pipe(groupBy('user').agg(sum('amount').alias('total'))).writeStream().sink(memorySink()).options(options)
      .queryName(table).outputMode('complete').option('checkpointLocation', checkpoint).manager(manager).trigger(processingTime(10)).start();
    const first = await start();
    input.addData(events([['ada', 1, 5]]));
    await first.processAllAvailable();
    await first.stop();
    const second = await start();
    input.addData(events([['ada', 2, 7]]));
    await second.processAllAvailable();
    await second.stop();
    expect(memoryTableRows(table)).toEqual([{ user: 'ada', total: 12n }]);
    // One delta (changelog) of the changed keys per batch, beside the state's metadata (no whole copy per batch).
    const ext = provider.name === 'memory' ? 'delta' : 'changelog';
    expect([...checkpoint.snapshot().keys()].filter((k) => k.startsWith('state/')).sort()).toEqual([`state/0/0/1.${ext}`, `state/0/0/2.${ext}`, 'state/0/_metadata/sluice']);
  });
});
