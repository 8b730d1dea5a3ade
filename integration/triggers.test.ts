import { describe, expect, it } from 'vitest';
import { availableNow, memoryCheckpoint, once, processingTime, QueryManager, silentLogger } from '@sluice/core';
import { memoryStream, rateMicroBatchSource } from '@sluice/sources';
import { memorySink, memoryTableBatches, memoryTableRows } from '@sluice/sinks';
import { sluiceMarbles, VirtualScheduler } from '@sluice/testing';

describe('triggers', () => {
  it('processingTime runs batches on interval boundaries, on virtual time, with no real waiting', () =>
    sluiceMarbles(({ source, query, expectSink, expectProgress, expectStatus }) => {
      const input = source('memory', ' 250ms a 749ms (bc)', { a: [{ x: 1 }], b: [{ x: 2 }], c: [{ x: 3 }] });
      const q = query(input, { trigger: processingTime('1 second') });
      // a lands at 250 ms and waits for the 1000 ms boundary; b and c land at 1000 ms, and arrivals
      // come before the trigger of their frame, so all three make that batch.
      expectSink(q).toBe(' 1000ms x', { x: [{ x: 1 }, { x: 2 }, { x: 3 }] });
      expectProgress(q).toBe(' 1000ms p', { p: { batchId: 0, numInputRows: 3, timestamp: '1970-01-01T00:00:01.000Z' } });
      expectStatus(q).toBe(' 999ms w 500ms n', { w: { message: 'Waiting for next trigger', isDataAvailable: false }, n: { message: 'Waiting for next trigger', isDataAvailable: true } });
    }));

  it('processingTime does not catch up: batches stay on boundaries after a quiet spell', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '-a 3998ms b', { a: [{ x: 1 }], b: [{ x: 2 }] });
      const q = query(input, { trigger: processingTime(1000) });
      expectSink(q).toBe(' 1000ms x 2999ms y', { x: [{ x: 1 }], y: [{ x: 2 }] });
    }));

  it('the default trigger runs a batch the moment data arrives', () =>
    sluiceMarbles(({ source, query, expectSink }) => {
      const input = source('memory', '--a-----b', { a: [{ x: 1 }], b: [{ x: 2 }] });
      expectSink(query(input)).toBe('--x-----y', { x: [{ x: 1 }], y: [{ x: 2 }] });
    }));

  it('once processes everything available in one batch, ignoring read limits, then stops', async () => {
    const input = memoryStream('x INT');
    for (let i = 0; i < 5; i++) input.addData([{ x: i }]);
    const query = await input.toFrame().writeTo(memorySink(), { queryName: 'trigger_once', trigger: once(), checkpointLocation: memoryCheckpoint(), manager: new QueryManager({ logger: silentLogger }) });
    expect(await query.awaitTermination()).toBe(true);
    expect(memoryTableBatches('trigger_once').map((b) => b.table.numRows)).toEqual([5]);
    expect(query.status.message).toBe('Stopped');
  });

  it('availableNow stops after the data present at start; rate-micro-batch gives exactly one batch', async () => {
    const query = await rateMicroBatchSource({ rowsPerBatch: 10 }).writeTo(memorySink(), { queryName: 'trigger_available_now', trigger: availableNow(), checkpointLocation: memoryCheckpoint(), manager: new QueryManager({ logger: silentLogger }) });
    await query.awaitTermination();
    expect(memoryTableRows('trigger_available_now').map((r) => r['value'])).toEqual([...Array(10).keys()].map(BigInt));
  });

  it('availableNow on a source without support falls back to one batch of everything (Spark’s rule)', async () => {
    const clock = new VirtualScheduler(0);
    const { rateSource } = await import('@sluice/sources');
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const checkpoint = memoryCheckpoint();
    // Give the rate source a head start of 3 seconds of data.
    const warm = await rateSource({ rowsPerSecond: 2 }).writeTo(memorySink(), { queryName: 'trigger_fallback_warm', checkpointLocation: checkpoint, manager, trigger: processingTime('1 hour') });
    await warm.stop();
    await clock.advanceTo(3_000);
    const query = await rateSource({ rowsPerSecond: 2 }).writeTo(memorySink(), { queryName: 'trigger_fallback', trigger: availableNow(), checkpointLocation: checkpoint, manager });
    await clock.advanceTo(3_000);
    await query.awaitTermination();
    expect(memoryTableBatches('trigger_fallback').map((b) => b.table.numRows)).toEqual([6]);
  });
});
