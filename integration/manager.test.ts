import { describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import {
  memoryCheckpoint, QueryManager, registerSinkFormat, registerSourceFormat, readStream, silentLogger, isSluiceError, type InspectionEventLike,
} from './support.ts';
import { memoryStream } from '@sluice/sources';
import { rateProvider } from '@sluice/sources/internal';
import { foreachBatchSink, memorySink } from '@sluice/sinks';
import { VirtualScheduler } from '@sluice/testing';

describe('QueryManager', () => {
  it('lists active queries, finds them by id, and wakes awaitAnyTermination', async () => {
    const manager = new QueryManager({ logger: silentLogger });
    const a = memoryStream('x INT');
    const q1 = await a.toFrame().writeTo(memorySink(), { queryName: 'mgr_1', checkpointLocation: memoryCheckpoint(), manager });
    const q2 = await a.toFrame().writeTo(memorySink(), { queryName: 'mgr_2', checkpointLocation: memoryCheckpoint(), manager });
    expect(manager.active.map((q) => q.name)).toEqual(['mgr_1', 'mgr_2']);
    expect(manager.get(q2.id)).toBe(q2);
    expect(await manager.awaitAnyTermination(0)).toBe(false);
    const any = manager.awaitAnyTermination();
    await q1.stop();
    expect(await any).toBe(true);
    expect(manager.active).toEqual([q2]);
    expect(manager.get(q1.id)).toBeNull();
    manager.resetTerminated();
    expect(await manager.awaitAnyTermination(0)).toBe(false);
    await manager.stopAll();
  });

  it('keeps the query id across restarts and gives each run a new runId', async () => {
    const manager = new QueryManager({ logger: silentLogger });
    const checkpoint = memoryCheckpoint();
    const a = memoryStream('x INT');
    const first = await a.toFrame().writeTo(memorySink(), { queryName: 'mgr_ids', checkpointLocation: checkpoint, manager });
    await first.stop();
    const second = await a.toFrame().writeTo(memorySink(), { queryName: 'mgr_ids', checkpointLocation: checkpoint, manager });
    expect(second.id).toBe(first.id);
    expect(second.runId).not.toBe(first.runId);
    await second.stop();
  });

  it('supervision restarts a failed query from its checkpoint with backoff, and nothing is lost or doubled', async () => {
    const clock = new VirtualScheduler(0);
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger, restart: { maxRestarts: 3, backoffMs: 1000 } });
    const starts: string[] = [];
    manager.addListener({ onQueryStarted: (e) => starts.push(e.runId) });
    const input = memoryStream('x INT');
    const written: number[] = [];
    let failures = 2;
    const sink = foreachBatchSink(async (table: Table, batchId: number) => {
      if (batchId === 1 && failures-- > 0) throw new Error('database briefly away');
      for (const row of table) written.push(row!.x as number);
    });
    const query = await input.toFrame().writeTo(sink, { queryName: 'mgr_supervised', checkpointLocation: memoryCheckpoint(), manager });
    input.addData([{ x: 1 }]);
    await clock.advanceBy(10);
    input.addData([{ x: 2 }]);
    await clock.advanceBy(10);
    expect(query.isActive).toBe(true);
    expect(query.status.message).toMatch(/^Restarting after failure in 1000 ms \(restart 1 of 3\)/);
    await clock.advanceBy(1000); // first restart fails again; the next waits twice as long
    expect(query.status.message).toMatch(/^Restarting after failure in 2000 ms \(restart 2 of 3\)/);
    await clock.advanceBy(2000);
    expect(query.status.message).toBe('Waiting for data to arrive');
    expect(written).toEqual([1, 2]);
    expect(new Set(starts).size).toBe(3);
    await query.stop();
  });

  it('gives up after maxRestarts and terminates with the last failure', async () => {
    const clock = new VirtualScheduler(0);
    const manager = new QueryManager({ scheduler: clock, logger: silentLogger, restart: { maxRestarts: 1, backoffMs: 10 } });
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeTo(foreachBatchSink(() => { throw new Error('always broken'); }), { queryName: 'mgr_give_up', checkpointLocation: memoryCheckpoint(), manager });
    input.addData([{ x: 1 }]);
    await clock.advanceBy(100);
    expect(query.isActive).toBe(false);
    await expect(query.awaitTermination()).rejects.toThrow(/SINK_FAILED.*always broken/);
  });

  it('lets one inspector see every lifecycle transition of every query', async () => {
    const seen: string[] = [];
    const manager = new QueryManager({
      logger: silentLogger,
      inspect: (event: InspectionEventLike) => {
        if (event.type === '@xstate.snapshot') {
          const value = (event.snapshot as { value?: unknown }).value;
          if (typeof value === 'string') seen.push(value);
        }
      },
    });
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeTo(memorySink(), { queryName: 'mgr_inspect', checkpointLocation: memoryCheckpoint(), manager });
    input.addData([{ x: 1 }]);
    await query.processAllAvailable();
    await query.stop();
    expect(seen).toEqual(expect.arrayContaining(['initializing', 'gettingOffsets', 'walCommit', 'processing', 'committing', 'waiting', 'stopped']));
  });

  it('explain shows the plan and never a secret', async () => {
    registerSourceFormat({
      name: 'secretive',
      createSource: ({ options }) => ({ ...rateProvider({}), format: 'secretive', options }),
    });
    // A careless sink author puts the connection string in the description.
    registerSinkFormat({
      name: 'leaky',
      createSink: ({ options }) => ({
        format: 'leaky', guarantee: 'none', outputModes: new Set(['append']), options, allowsTemporaryCheckpoint: true,
        open: async () => ({ description: `LeakySink[${String(options['url'])}]`, guarantee: 'none', outputModes: new Set(['append']), addBatch: async () => {}, close: async () => {} }),
      }),
    });
    const manager = new QueryManager({ logger: silentLogger });
    const query = await readStream().format('secretive').option('password', 'hunter2').option('url', 'postgres://app:hunter2@db/x').load()
      .writeStream().format('leaky').option('url', 'postgres://app:hunter2@db/x').queryName('mgr_explain').manager(manager).start();
    expect(query.explain()).toBe('No physical plan. Waiting for data.');
    // The rate source has rows once a second has passed: then a batch runs and has a plan.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await query.processAllAvailable();
    const text = query.explain(true);
    expect(text).toContain('== Physical Plan ==');
    expect(text).toContain('writer: LeakySink[postgres://app:***@db/x]');
    expect(text).toContain('+- MicroBatchScan[timestamp, value] RateStreamV2');
    expect(text).not.toContain('hunter2');
    expect(JSON.stringify(query.recentProgress)).not.toContain('hunter2');
    expect(JSON.stringify(query.recentProgress)).toContain('postgres://app:***@db/x');
    await query.stop();
    expect(isSluiceError(query.exception)).toBe(false);
  });
});
