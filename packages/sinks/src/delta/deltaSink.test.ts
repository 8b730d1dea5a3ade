/**
 * The Delta sink driven directly (the engine's view: batches, replays, crashes inside a write),
 * checked by reading the table back. Whole queries through the engine are in integration/delta.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncScheduler } from 'rxjs';
import { SimulatedCrash, type SinkContext } from '@sluice/core/connector';
import { silentLogger, tableFromRows, tableToRows, toSchema, type BatchContext, type OutputMode } from '@sluice/core';
import { readDelta, vacuum, writeDelta } from '@sluice/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deltaForeachBatch } from './deltaForeachBatch.ts';
import { deltaSink } from './deltaSink.ts';

let dir: string;
let n = 0;
const fresh = () => join(dir, `t${n++}`);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-delta-sink-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const schema = toSchema('id INT, p STRING');
const batch = (ids: number[]) => tableFromRows(schema, ids.map((id) => ({ id, p: id % 2 === 0 ? 'even' : 'odd' })));

function contexts(outputMode: OutputMode = 'append', queryId = randomUUID()) {
  const sink: SinkContext = { queryId, runId: randomUUID(), queryName: null, outputMode, scheduler: asyncScheduler, log: silentLogger };
  const points: string[] = [];
  const batchContext = (batchId: number, crashAt?: string): BatchContext => ({
    batchId, queryId, runId: sink.runId, queryName: null, outputMode, batchTimestampMs: 0, watermarkMs: 0, signal: new AbortController().signal,
    fault: async (point) => {
      points.push(point);
      if (point === crashAt) throw new SimulatedCrash(`sink:${point}`);
    },
  });
  return { sink, batchContext, points };
}

const ids = async (path: string) => tableToRows(await readDelta(path)).map((r) => r['id'] as number).sort((a, b) => a - b);

describe('delta sink', () => {
  it('commits each batch once with a txn action; a replayed batch is skipped', async () => {
    const path = fresh();
    const { sink: context, batchContext } = contexts();
    const sink = await deltaSink({ path, partitionBy: ['p'] }).open(context);
    await sink.addBatch(0, batch([1, 2]), batchContext(0));
    await sink.addBatch(1, batch([3]), batchContext(1));
    await sink.addBatch(1, batch([3]), batchContext(1));
    await sink.addBatch(0, batch([1, 2]), batchContext(0));
    expect(await ids(path)).toEqual([1, 2, 3]);
    expect(sink.lastBatchOutputRows?.()).toBe(0);
    expect(sink.metrics?.()).toEqual({ numSkippedBatches: '2', tableVersion: '1' });
    const commit = (await readFile(join(path, '_delta_log', '00000000000000000001.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(commit[0].commitInfo).toMatchObject({ operation: 'STREAMING UPDATE', operationParameters: { outputMode: 'Append', queryId: context.queryId, epochId: '1' } });
    expect(commit.find((a) => a.txn).txn).toMatchObject({ appId: context.queryId, version: 1 });
  });

  it('declares a crash point between the Parquet files and the commit; the files a crash leaves are never read, and vacuum removes them', async () => {
    const path = fresh();
    const { sink: context, batchContext, points } = contexts();
    const sink = await deltaSink({ path }).open(context);
    await sink.addBatch(0, batch([1]), batchContext(0));
    await expect(sink.addBatch(1, batch([2, 3]), batchContext(1, 'files-written'))).rejects.toBeInstanceOf(SimulatedCrash);
    expect(points).toEqual(['files-written', 'committed', 'files-written']);
    expect(await ids(path)).toEqual([1]);
    const restarted = await deltaSink({ path }).open(context);
    await restarted.addBatch(1, batch([2, 3]), batchContext(1));
    expect(await ids(path)).toEqual([1, 2, 3]);
    const files = async () => (await readdir(path)).filter((f) => f.endsWith('.parquet'));
    expect(await files()).toHaveLength(3); // one orphan
    const { files: vacuumed } = await vacuum(path, { retentionHours: 0, retentionDurationCheck: false, now: Date.now() + 1000 });
    expect(vacuumed).toHaveLength(1);
    expect(await files()).toHaveLength(2);
    expect(await ids(path)).toEqual([1, 2, 3]);
  });

  it('a crash after the commit: the replay is skipped', async () => {
    const path = fresh();
    const { sink: context, batchContext } = contexts();
    const sink = await deltaSink({ path }).open(context);
    await expect(sink.addBatch(0, batch([1, 2]), batchContext(0, 'committed'))).rejects.toBeInstanceOf(SimulatedCrash);
    await (await deltaSink({ path }).open(context)).addBatch(0, batch([1, 2]), batchContext(0));
    expect(await ids(path)).toEqual([1, 2]);
  });

  it('complete mode replaces the rows each batch; overwriteSchema lets the schema change', async () => {
    const path = fresh();
    const { sink: context, batchContext } = contexts('complete');
    const sink = await deltaSink({ path, overwriteSchema: true }).open(context);
    await sink.addBatch(0, batch([1, 2, 3]), batchContext(0));
    await sink.addBatch(1, batch([4]), batchContext(1));
    expect(await ids(path)).toEqual([4]);
    await sink.addBatch(2, tableFromRows(toSchema('word STRING, count LONG'), [{ word: 'a', count: 2n }]), batchContext(2));
    expect(tableToRows(await readDelta(path))).toEqual([{ word: 'a', count: 2n }]);
    expect((await readDelta(path, { versionAsOf: 0 })).numRows).toBe(3);
  });

  it('refuses at start what can never work: update mode, overwriteSchema in append mode, another partitioning', async () => {
    const path = fresh();
    await writeDelta(path, batch([1]), { partitionBy: ['p'] });
    await expect(deltaSink({ path }).open(contexts('update').sink)).rejects.toMatchObject({ code: 'UNSUPPORTED_OUTPUT_MODE' });
    await expect(deltaSink({ path, overwriteSchema: true }).open(contexts().sink)).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'overwriteSchema' } });
    await expect(deltaSink({ path, partitionBy: ['id'] }).open(contexts().sink)).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'partitionBy' } });
    expect(() => deltaSink({ path: '' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => deltaSink({ path, parttionBy: 'p' } as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION', message: expect.stringContaining('partitionBy') }));
  });

  it('a batch that does not fit the table fails with the schema difference; the table is unchanged', async () => {
    const path = fresh();
    await writeDelta(path, batch([1]));
    const { sink: context, batchContext } = contexts();
    const sink = await deltaSink({ path }).open(context);
    const error = await sink.addBatch(0, tableFromRows(toSchema('id STRING, p STRING'), [{ id: 'x', p: 'y' }]), batchContext(0)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHEMA_MISMATCH', message: expect.stringContaining("column 'id' is integer in the table but string in the batch") });
    expect(await ids(path)).toEqual([1]);
  });
});

describe('deltaForeachBatch', () => {
  it('writes once per (query, batch) and names several writes of one batch apart', async () => {
    const a = fresh();
    const { batchContext } = contexts();
    const write = async (batchId: number, crash: boolean) => {
      const context = batchContext(batchId);
      await deltaForeachBatch(a, batch([batchId]), batchId, context);
      if (crash) throw new Error('the process died between the two writes');
      await deltaForeachBatch(a, batch([100 + batchId]), batchId, context, { appIdSuffix: 'audit' });
    };
    await write(0, false);
    await expect(write(1, true)).rejects.toThrow('died');
    await write(1, false); // the replay: the first write is skipped, the second lands
    expect(await ids(a)).toEqual([0, 1, 100, 101]);
  });
});
