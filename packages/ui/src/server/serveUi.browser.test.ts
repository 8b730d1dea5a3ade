/**
 * The web UI in a real browser (Debian's Chromium driven by playwright-core) against real
 * queries: the queries page, a query's charts growing live, a failed query's exception, a long
 * history, and screenshots in `.test-output/`.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Subject } from 'rxjs';
import type { Table } from 'apache-arrow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  count, groupBy, memoryCheckpoint, processingTime, QueryManager, silentLogger, window as timeWindow, withWatermark,
  type StreamingQuery, type StreamingQueryProgress,
} from '@sluice/core';
import { rateMicroBatchSource } from '@sluice/sources';
import { foreachBatchSink, noopSink } from '@sluice/sinks';
import { buildAssets } from '../../scripts/buildAssets.ts';
import { launchChromium } from '../testing/browser.ts';
import { serveUi, type UiServer } from './serveUi.ts';

const OUTPUT = fileURLToPath(new URL('../../.test-output/', import.meta.url));

let browser: Awaited<ReturnType<typeof launchChromium>>;
let manager: QueryManager;
let ui: UiServer;
let live: StreamingQuery;
const events: StreamingQueryProgress[] = [];

beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  await buildAssets();
  [browser] = await Promise.all([launchChromium(), Promise.resolve()]);
  manager = new QueryManager({ logger: silentLogger });
  ui = await serveUi(manager, { port: 0, liveIntervalMs: 100 });
  // A windowed count with a watermark, so that every chart of Spark's page has something to draw.
  const start = Date.now();
  live = await rateMicroBatchSource({ rowsPerBatch: 200, startTimestamp: start, advanceMillisPerBatch: 1000 })
    .pipe(withWatermark('timestamp', '2 seconds'), groupBy(timeWindow('timestamp', '2 seconds')).agg(count().alias('n')))
    .writeTo(noopSink(), { manager, queryName: 'clicks_per_window', outputMode: 'update', trigger: processingTime(700), checkpointLocation: memoryCheckpoint() });
  live.progress$.subscribe((p) => events.push(p));
}, 60_000);

afterAll(async () => {
  await manager?.stopAll();
  await ui?.close();
  await browser?.close();
});

/** How many points each chart draws and how many events it counts, read from the page. */
function charts(page: Page): Promise<{ id: string; points: number; total: number }[]> {
  return page.$$eval('figure.chart', (figures) =>
    figures.map((f) => {
      const data = (f as unknown as { dataset: Record<string, string> }).dataset;
      return { id: data['chart']!, points: Number(data['points']), total: Number(data['total']) };
    }),
  );
}

describe('the web UI in Chromium', () => {
  it('the queries page lists the running query', async () => {
    const page = await browser.context.newPage();
    await page.goto(ui.url);
    const row = page.locator(`tr[data-key="${live.runId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('td').first().textContent()).toBe('clicks_per_window');
    expect(await row.locator('[data-field=status]').textContent()).toMatch(/^RUNNING/);
    expect(await page.locator('#active-count').textContent()).toBe('1');
    await page.screenshot({ path: `${OUTPUT}queries-page.png`, fullPage: true });
    await page.close();
  });

  it("a query's page draws one point per progress event in every chart, and a new batch appears without reload", async () => {
    await expect.poll(() => events.filter((e) => e.eventTime?.['watermark'] !== '1970-01-01T00:00:00.000Z').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const page = await browser.context.newPage();
    await page.goto(`${ui.url}/query/${live.runId}`);
    await page.waitForSelector('body[data-ready=true]');
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));

    const ids = (await charts(page)).map((c) => c.id);
    expect(ids).toEqual(['inputRate', 'processRate', 'inputRows', 'batchDuration', 'operationDuration', 'watermarkGap', 'stateRowsTotal', 'stateRowsUpdated', 'stateRowsDropped', 'stateMemory']);
    // Every chart holds exactly the progress events that arrived (checked between two batches).
    await expect.poll(async () => (await charts(page)).every((c) => c.points === events.length && c.total === events.length), { timeout: 5_000 }).toBe(true);
    await expect.poll(async () => page.locator('#lifecycle .state.current').count()).toBe(1);

    // The next batch: its id shows and every chart gains its point within 2 s, on the same document.
    const before = events.length;
    await expect.poll(() => events.length, { timeout: 5_000 }).toBeGreaterThan(before);
    const next = events[before]!;
    const seenAt = Date.now();
    await expect.poll(async () => Number(await page.locator('[data-field=latest-batch]').textContent()) >= next.batchId, { timeout: 2_000, interval: 50 }).toBe(true);
    await expect.poll(async () => (await charts(page)).every((c) => c.points >= before + 1), { timeout: 2_000, interval: 50 }).toBe(true);
    expect(Date.now() - seenAt).toBeLessThan(2_000);
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.screenshot({ path: `${OUTPUT}query-page.png`, fullPage: true });
    await page.close();
  });

  it('a failed query shows its exception on its page and on the queries page', async () => {
    const failing = await rateMicroBatchSource({ rowsPerBatch: 10 }).writeTo(
      foreachBatchSink(async (_table: Table, batchId: number) => {
        if (batchId === 2) throw new Error('the warehouse refused batch 2: disk full');
      }),
      { manager, queryName: 'doomed', trigger: processingTime(50), checkpointLocation: memoryCheckpoint() },
    );
    await failing.awaitTermination().catch(() => undefined);
    const page = await browser.context.newPage();
    await page.goto(`${ui.url}/query/${failing.runId}`);
    await page.waitForSelector('body[data-ready=true]');
    const message = page.locator('#exception [data-field=exception]');
    expect(await message.isVisible()).toBe(true);
    expect(await message.textContent()).toContain('the warehouse refused batch 2: disk full');
    expect(await page.locator('#exception .code').textContent()).toBe(failing.exception!.code);
    expect(await page.locator('#lifecycle svg').getAttribute('data-current')).toBe('failed');
    await page.screenshot({ path: `${OUTPUT}failed-query-page.png`, fullPage: true });

    await page.goto(ui.url);
    const row = page.locator(`#completed-queries tr[data-key="${failing.runId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-field=status]').textContent()).toMatch(/^FAILED/);
    expect(await row.locator('td.error pre').textContent()).toContain('disk full');
    await page.close();
  });

  it('stays quick with 10,000 batches of history: charts are downsampled, new batches still append live', async () => {
    // 10,000 progress events shaped like the live query's (real batches cost ~3 ms each here:
    // too slow to run 10,000 in a test), fed through a query the tracker follows like any other.
    const template = events.at(-1)!;
    const progress$ = new Subject<StreamingQueryProgress>();
    const fake = fakeManager(progress$);
    const longUi = await serveUi(fake, { port: 0, liveIntervalMs: 100, processMetrics: false });
    const t0 = Date.parse(template.timestamp) - 20_000_000;
    const at = (i: number): StreamingQueryProgress => ({
      ...template,
      batchId: i,
      timestamp: new Date(t0 + i * 1000).toISOString(),
      numInputRows: 100 + ((i * 7919) % 200),
      inputRowsPerSecond: 100 + ((i * 104729) % 500),
      batchDuration: i === 4321 ? 9_999 : 20 + (i % 13),
    });
    for (let i = 0; i < 10_000; i++) progress$.next(at(i));
    const page = await browser.context.newPage();
    const started = performance.now();
    await page.goto(`${longUi.url}/query/long-run`);
    await page.waitForSelector('body[data-ready=true]');
    const loadMs = performance.now() - started;
    const drawn = await charts(page);
    expect(drawn.every((c) => c.total === 10_000 && c.points <= 1_002 && c.points >= 200)).toBe(true);
    // The one slow batch survives downsampling: the spike is on the chart.
    const peak = await page.evaluate(async () => ((await (await fetch('/api/queries/long-run')).json()) as { charts: { id: string; y: number[][] }[] }).charts.find((c) => c.id === 'batchDuration')!.y[0]!);
    expect(Math.max(...peak)).toBe(9_999);
    progress$.next(at(10_000));
    await expect.poll(async () => (await charts(page)).every((c) => c.total === 10_001), { timeout: 2_000, interval: 50 }).toBe(true);
    console.info(`query page with 10,000 batches: loaded and drawn in ${Math.round(loadMs)} ms`);
    await page.close();
    await longUi.close();
  });
});

/** The little of a manager and a query the tracker reads, carrying a hand-fed progress stream. */
function fakeManager(progress$: Subject<StreamingQueryProgress>): QueryManager {
  const never = new Subject<never>();
  const query = {
    id: 'long-query', runId: 'long-run', name: 'long_history', isActive: true, exception: null,
    status: { message: 'Waiting for next trigger', isDataAvailable: false, isTriggerActive: false },
    lifecycleState: 'waiting', recentProgress: [], progress$, status$: never, lifecycle$: never,
  };
  return {
    scheduler: { now: () => Date.now() },
    active: [query],
    get: () => query,
    addListener: () => {},
    removeListener: () => {},
  } as unknown as QueryManager;
}
