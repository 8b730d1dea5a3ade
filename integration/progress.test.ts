import { describe, expect, it } from 'vitest';
import { createStreamingQuery, memoryCheckpoint, QueryManager, silentLogger, type StreamingQueryProgress, type StreamingQueryStatus } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import '@sluice/sinks';
import { VirtualScheduler } from '@sluice/testing';

describe('progress and status, as Spark names them', () => {
  it('lastProgress carries every field of the seed example with measured values', async () => {
    const clock = new VirtualScheduler(Date.UTC(2025, 8, 20, 2, 52, 16));
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const query = await createStreamingQuery({
      sourceFormat: 'rate',
      sourceOptions: { rowsPerSecond: 1 },
      targetFormat: 'noop',
      targetOptions: { checkpointLocation: memoryCheckpoint() },
      queryName: 'source_rate_sink_noop',
      manager,
    });
    await clock.advanceBy(3_000);
    const progress = query.lastProgress as StreamingQueryProgress;
    expect(Object.keys(progress).sort()).toEqual(
      ['batchDuration', 'batchId', 'durationMs', 'id', 'inputRowsPerSecond', 'name', 'numInputRows', 'processedRowsPerSecond', 'runId', 'sink', 'sources', 'stateOperators', 'timestamp'].sort(),
    );
    expect(Object.keys(progress.durationMs)).toEqual(['addBatch', 'commitOffsets', 'getBatch', 'latestOffset', 'queryPlanning', 'triggerExecution', 'walCommit']);
    expect(Object.keys(progress.sources[0]!).sort()).toEqual(['description', 'endOffset', 'inputRowsPerSecond', 'latestOffset', 'numInputRows', 'processedRowsPerSecond', 'startOffset'].sort());
    expect(progress).toMatchObject({
      id: query.id,
      runId: query.runId,
      name: 'source_rate_sink_noop',
      batchId: 2,
      numInputRows: 1,
      stateOperators: [],
      sources: [{ description: 'RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, numPartitions=default]', startOffset: 2, endOffset: 3, latestOffset: 3, numInputRows: 1 }],
      sink: { description: 'NoopSink', numOutputRows: 1 },
    });
    // One row a second: the trigger that found it started one second after the previous one.
    expect(progress.inputRowsPerSecond).toBe(1);
    expect(progress.timestamp).toBe('2025-09-20T02:52:19.000Z');
    // The first trigger, at the creation second, found nothing yet: an idle report (Spark does the same).
    expect(query.recentProgress.map((p) => `${p.batchId}:${p.numInputRows}`)).toEqual(['0:0', '0:1', '1:1', '2:1']);
    await query.stop();
  });

  it('status walks through Spark’s messages and ends Stopped', async () => {
    const manager = new QueryManager({ logger: silentLogger });
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeStream().format('memory').queryName('status_walk').option('checkpointLocation', memoryCheckpoint()).manager(manager).start();
    const seen: StreamingQueryStatus[] = [];
    query.status$.subscribe((s) => seen.push(s));
    input.addData([{ x: 1 }]);
    await query.processAllAvailable();
    await query.stop();
    const messages = [...new Set(seen.map((s) => s.message))];
    expect(messages).toEqual(expect.arrayContaining(['Getting offsets from MemoryStream[x]', 'Writing offsets to log', 'Processing new data', 'Waiting for data to arrive', 'Stopped']));
    expect(seen.find((s) => s.message === 'Processing new data')).toEqual({ message: 'Processing new data', isDataAvailable: true, isTriggerActive: true });
    expect(seen.at(-1)).toEqual({ message: 'Stopped', isDataAvailable: false, isTriggerActive: false });
  });

  it('an idle query reports progress at most every noDataProgressEventInterval, and listeners hear it', async () => {
    const clock = new VirtualScheduler();
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger });
    const events: string[] = [];
    manager.addListener({
      onQueryStarted: (e) => events.push(`started ${e.name}`),
      onQueryProgress: (e) => events.push(`progress ${e.progress.batchId}:${e.progress.numInputRows}`),
      onQueryIdle: () => events.push('idle'),
      onQueryTerminated: (e) => events.push(`terminated ${e.exception}`),
    });
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeStream().format('memory').queryName('idle_events').option('checkpointLocation', memoryCheckpoint()).option('pollingDelay', '500ms').manager(manager).start();
    await clock.advanceBy(25_000);
    input.addData([{ x: 1 }]);
    await clock.advanceBy(15_000);
    await query.stop();
    expect(events).toEqual([
      'started idle_events',
      'progress 0:0', 'idle',
      'progress 0:0', 'idle',
      'progress 0:0', 'idle',
      'progress 0:1',
      'progress 1:0', 'idle',
      'terminated null',
    ]);
  });
});
