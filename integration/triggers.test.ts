import { describe, expect, it } from 'vitest';
import { availableNow, memoryCheckpoint, once, processingTime, QueryManager, silentLogger } from '@sluice/core';
import { memoryStream, rateMicroBatchSource } from '@sluice/sources';
import { memorySink, memoryTableBatches, memoryTableRows } from '@sluice/sinks';
import { VirtualScheduler } from '@sluice/testing';

describe('triggers', () => {
  it('processingTime runs batches on interval boundaries, on virtual time, with no real waiting', async () => {
    const clock = new VirtualScheduler(0);
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeTo(memorySink(), { queryName: 'trigger_interval', trigger: processingTime('1 second'), checkpointLocation: memoryCheckpoint(), manager });
    await clock.advanceTo(250);
    input.addData([{ x: 1 }]); // lands between triggers: waits for the 1000 ms boundary
    await clock.advanceTo(999);
    expect(memoryTableRows('trigger_interval')).toEqual([]);
    await clock.advanceTo(1000);
    expect(memoryTableRows('trigger_interval')).toEqual([{ x: 1 }]);
    input.addData([{ x: 2 }]);
    input.addData([{ x: 3 }]);
    await clock.advanceTo(2000);
    expect(memoryTableBatches('trigger_interval').map((b) => b.table.numRows)).toEqual([1, 2]);
    expect(query.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.timestamp)).toEqual(['1970-01-01T00:00:01.000Z', '1970-01-01T00:00:02.000Z']);
    expect(query.status.message).toBe('Waiting for next trigger');
    await query.stop();
  });

  it('default trigger wakes as soon as data arrives', async () => {
    const clock = new VirtualScheduler(0);
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeStream().sink(memorySink()).queryName('trigger_default').option('checkpointLocation', memoryCheckpoint()).option('pollingDelay', '1 hour').manager(manager).start();
    await clock.advanceTo(10);
    input.addData([{ x: 1 }]);
    await clock.advanceTo(10); // no time passes: the arrival itself triggers the batch
    expect(memoryTableRows('trigger_default')).toEqual([{ x: 1 }]);
    await query.stop();
  });

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
