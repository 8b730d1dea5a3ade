/**
 * Streaming pipelines through Delta tables with the real engine: memory → Delta (checked by
 * DuckDB), Delta → transform → Delta chains (bronze → silver → gold) exactly once through
 * crashes at every point, concurrent writers, schema mismatches, availableNow and foreachBatch.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fc } from '@fast-check/vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FAULT_POINTS, type FaultInjector } from '@sluice/core/connector';
import { FileCheckpointStore } from '@sluice/core';
import { QueryManager, availableNow, col, filter, lit, memoryCheckpoint, readStream, select, silentLogger, tableFromRows, toSchema, withColumn, type CheckpointStore, type StreamFrame, type StreamingQuery } from '@sluice/core';
import { readDelta, writeDelta } from '@sluice/formats';
import { memoryStream } from '@sluice/sources';
import { deltaForeachBatch, deltaSink } from '@sluice/sinks';
import { crashAt, isSimulatedCrash } from '@sluice/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../support.ts';
import { rowsInCommitOrder, scratchDirectory } from './support.ts';

const manager = new QueryManager({ logger: silentLogger });
let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let instance: DuckDBInstance;
let db: DuckDBConnection;
beforeAll(async () => {
  scratch = await scratchDirectory('sluice-delta-pipeline-');
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await scratch.remove();
});

const EVENTS = 'id INT, kind STRING, amount DOUBLE';
const event = (id: number) => ({ id, kind: id % 3 === 0 ? 'test' : 'sale', amount: id * 1.5 });

/** The rows DuckDB reads from the files the log lists as live (its own JSON replay of _delta_log). */
async function duckdbRows(path: string, columns: string): Promise<Record<string, unknown>[]> {
  const log = join(path, '_delta_log').replace(/'/g, "''");
  const live = (await db.runAndReadAll(`
    SELECT path FROM (
      SELECT path, kind, row_number() OVER (PARTITION BY path ORDER BY version DESC, kind DESC) AS rn FROM (
        SELECT CAST(regexp_extract(filename, '(\\d{20})\\.json$', 1) AS BIGINT) AS version, add.path AS path, 1 AS kind
          FROM read_json('${log}/*.json', filename = true, format = 'newline_delimited', columns = {add: 'STRUCT(path VARCHAR)', remove: 'STRUCT(path VARCHAR)'}) WHERE add IS NOT NULL
        UNION ALL
        SELECT CAST(regexp_extract(filename, '(\\d{20})\\.json$', 1) AS BIGINT), remove.path, 0
          FROM read_json('${log}/*.json', filename = true, format = 'newline_delimited', columns = {add: 'STRUCT(path VARCHAR)', remove: 'STRUCT(path VARCHAR)'}) WHERE remove IS NOT NULL))
    WHERE rn = 1 AND kind = 1`)).getRowObjectsJS().map((r) => join(path, decodeURIComponent(String(r['path']))));
  if (live.length === 0) return [];
  const list = live.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
  return (await db.runAndReadAll(`SELECT ${columns} FROM read_parquet([${list}]) ORDER BY id`)).getRowObjectsJS();
}

describe('memory → Delta', () => {
  it('through the fluent API: DuckDB reads the rows of every live file; a restart adds nothing twice', async () => {
    const path = scratch.path('fluent');
    const checkpoint = scratch.path('fluent-ck');
    const input = memoryStream(EVENTS);
    const start = () => input.toFrame().writeStream().format('delta').outputMode('append').partitionBy('kind')
      .option('checkpointLocation', checkpoint).manager(manager).start(path);
    let query = await start();
    input.addData([1, 2, 3].map(event));
    await query.processAllAvailable();
    input.addData([4, 5].map(event));
    await query.processAllAvailable();
    await query.stop();
    query = await start();
    input.addData([6].map(event));
    await query.processAllAvailable();
    await query.stop();

    const expected = [1, 2, 3, 4, 5, 6].map((id) => ({ id, amount: id * 1.5 }));
    expect(await duckdbRows(path, 'id, amount')).toEqual(expected);
    const ours = (await readDelta(path)).toArray().map((r) => r.toJSON()).sort((a, b) => a.id - b.id);
    expect(ours).toEqual([1, 2, 3, 4, 5, 6].map(event));
    const commit = (await readFile(join(path, '_delta_log', '00000000000000000001.json'), 'utf8')).split('\n')[0]!;
    expect(JSON.parse(commit).commitInfo).toMatchObject({ operation: 'STREAMING UPDATE', operationParameters: { outputMode: 'Append', queryId: query.id, epochId: '1' } });
    expect(query.lastProgress?.sink.description).toBe(`DeltaSink[${path}]`);
  });

  it('two streaming queries appending to one table land every row', async () => {
    const path = scratch.path('shared');
    const a = memoryStream(EVENTS);
    const b = memoryStream(EVENTS);
    const qa = await a.toFrame().writeTo(deltaSink({ path }), { checkpointLocation: memoryCheckpoint(), manager });
    const qb = await b.toFrame().writeTo(deltaSink({ path }), { checkpointLocation: memoryCheckpoint(), manager });
    for (let round = 0; round < 5; round++) {
      a.addData([event(round * 2)]);
      b.addData([event(round * 2 + 1)]);
      await Promise.all([qa.processAllAvailable(), qb.processAllAvailable()]);
    }
    await Promise.all([qa.stop(), qb.stop()]);
    expect((await duckdbRows(path, 'id')).map((r) => r['id'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a batch that does not fit the table fails the query with the schema difference', async () => {
    const path = scratch.path('mismatch');
    await writeDelta(path, tableFromRows(toSchema('id STRING, kind STRING'), [{ id: 'a', kind: 'x' }]));
    const input = memoryStream(EVENTS);
    const query = await input.toFrame().writeTo(deltaSink({ path }), { checkpointLocation: memoryCheckpoint(), manager });
    input.addData([event(1)]);
    const error = await query.awaitTermination().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHEMA_MISMATCH' });
    expect((error as Error).message).toContain("column 'id' is string in the table but integer in the batch");
    expect((error as Error).message).toContain("column 'amount' (double) is not in the table");
    expect((await readDelta(path)).numRows).toBe(1);
  });
});

/** bronze (Delta) → silver: test events dropped, a constant column added. */
const silverOf = (bronze: string): StreamFrame =>
  readStream().format('delta').option('maxFilesPerTrigger', 2).load(bronze)
    .pipe(filter(col('kind').neq(lit('test'))), withColumn('source', lit('bronze')));

describe('Delta → transform → Delta', () => {
  it('bronze → silver → gold, each a streaming query reading the one before', async () => {
    const bronze = scratch.path('bronze');
    const silver = scratch.path('silver');
    const gold = scratch.path('gold');
    const input = memoryStream(EVENTS);
    await writeDelta(bronze, tableFromRows(toSchema(EVENTS), [event(0)]));
    const qb = await input.toFrame().writeTo(deltaSink({ path: bronze }), { checkpointLocation: memoryCheckpoint(), manager });
    const qs = await silverOf(bronze).writeTo(deltaSink({ path: silver }), { checkpointLocation: memoryCheckpoint(), manager });
    await qs.processAllAvailable(); // silver exists from here on
    const qg = await readStream().format('delta').load(silver).pipe(select('id', 'amount'))
      .writeTo(deltaSink({ path: gold }), { checkpointLocation: memoryCheckpoint(), manager });
    for (let round = 0; round < 4; round++) {
      input.addData([1, 2, 3].map((k) => event(round * 3 + k)));
      await qb.processAllAvailable();
      await qs.processAllAvailable();
      await qg.processAllAvailable();
    }
    await Promise.all([qb.stop(), qs.stop(), qg.stop()]);
    const expected = Array.from({ length: 13 }, (_, id) => id).filter((id) => id % 3 !== 0).map((id) => ({ id, amount: id * 1.5 }));
    expect(await duckdbRows(gold, 'id, amount')).toEqual(expected);
    expect((await rowsInCommitOrder(silver)).every((r) => r['source'] === 'bronze')).toBe(true);
  });

  const points = [...FAULT_POINTS.flatMap((p) => [[p, 'before'], [p, 'after']] as const), ['sink:files-written', 'during'], ['sink:committed', 'during']] as const;
  it.each(points)('silver killed at %s (%s) in a batch, restarted: every bronze row once', async (point, phase) => {
    const bronze = scratch.path('crash-bronze');
    const silver = scratch.path('crash-silver');
    for (let i = 0; i < 3; i++) await writeDelta(bronze, tableFromRows(toSchema(EVENTS), [1, 2].map((k) => event(i * 2 + k))));
    const checkpoint = new FileCheckpointStore(scratch.path('crash-ck'));
    const start = (faults?: FaultInjector) => {
      const writer = silverOf(bronze).writeStream().sink(deltaSink({ path: silver })).option('checkpointLocation', checkpoint).manager(manager);
      return (faults ? writer.faults(faults) : writer).start();
    };
    const crash = crashAt(point, phase, point === 'initialize' ? {} : { batchId: 1 });
    try {
      const query = await start(crash);
      await query.processAllAvailable().catch((e: unknown) => {
        if (!isSimulatedCrash(e)) throw e;
      });
      if (query.isActive) await query.stop();
    } catch (e) {
      if (!isSimulatedCrash(e)) throw e;
    }
    expect(crash.fired).toBe(true);
    await writeDelta(bronze, tableFromRows(toSchema(EVENTS), [event(7)]));
    const restarted = await start();
    await restarted.processAllAvailable();
    await restarted.stop();
    const ids = (await rowsInCommitOrder(silver)).map((r) => r['id']);
    expect(ids).toEqual([1, 2, 4, 5, 7]);
  });

  it('random commits upstream × random crashes downstream: the silver table is the filtered bronze, once, in commit order', async () => {
    const specs = fc.record({
      commits: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
      crashes: fc.array(fc.record({ point: fc.constantFrom(...points.map(([p]) => p)), occurrence: fc.integer({ min: 1, max: 3 }) }), { maxLength: 3 }),
    });
    await fc.assert(fc.asyncProperty(specs, async ({ commits, crashes }) => {
      const bronze = scratch.path('prop-bronze');
      const silver = scratch.path('prop-silver');
      const checkpoint: CheckpointStore = memoryCheckpoint();
      await writeDelta(bronze, tableFromRows(toSchema(EVENTS), []));
      let next = 0;
      let query: StreamingQuery | undefined;
      const pending = [...crashes];
      const drive = async () => {
        for (let attempt = 0; attempt < 20; attempt++) {
          if (!query?.isActive) {
            const spec = pending.shift();
            const writer = silverOf(bronze).writeStream().sink(deltaSink({ path: silver })).option('checkpointLocation', checkpoint).manager(manager);
            try {
              query = await (spec ? writer.faults(crashAt(spec.point, points.find(([p]) => p === spec.point)![1], { occurrence: spec.occurrence })) : writer).start();
            } catch (e) {
              if (!isSimulatedCrash(e)) throw e;
              continue;
            }
          }
          try {
            await query.processAllAvailable();
            return;
          } catch (e) {
            if (!isSimulatedCrash(e)) throw e;
          }
        }
        throw new Error('did not settle');
      };
      for (const size of commits) {
        await writeDelta(bronze, tableFromRows(toSchema(EVENTS), Array.from({ length: size }, () => event(next++))));
        await drive();
      }
      await query?.stop();
      const expected = Array.from({ length: next }, (_, id) => id).filter((id) => id % 3 !== 0);
      expect((await rowsInCommitOrder(silver)).map((r) => r['id'])).toEqual(expected);
    }), { numRuns: 15 });
  }, 120_000);

  it('availableNow reads the backlog in rate-limited batches, then stops', async () => {
    const bronze = scratch.path('available-bronze');
    const silver = scratch.path('available-silver');
    for (let i = 0; i < 5; i++) await writeDelta(bronze, tableFromRows(toSchema(EVENTS), [event(i * 3 + 1)]));
    const query = await silverOf(bronze).writeTo(deltaSink({ path: silver }), { checkpointLocation: memoryCheckpoint(), trigger: availableNow(), manager });
    await query.awaitTermination();
    expect(query.recentProgress.filter((p) => p.numInputRows > 0).map((p) => p.numInputRows)).toEqual([2, 2, 1]);
    expect((await rowsInCommitOrder(silver)).map((r) => r['id'])).toEqual([1, 4, 7, 10, 13]);
    expect(query.recentProgress.at(-1)?.sources[0]?.metrics).toMatchObject({ numFilesOutstanding: '0' });
  });

  it('foreachBatch with deltaForeachBatch: two tables per batch, each exactly once through a crash between them', async () => {
    const bronze = scratch.path('fb-bronze');
    const a = scratch.path('fb-a');
    const b = scratch.path('fb-b');
    for (let i = 0; i < 2; i++) await writeDelta(bronze, tableFromRows(toSchema(EVENTS), [event(i + 1)]));
    const checkpoint = memoryCheckpoint();
    let crashOnce = true;
    const start = () => readStream().format('delta').load(bronze).writeStream()
      .foreachBatch(async (table, batchId, context) => {
        await deltaForeachBatch(a, table, batchId, context);
        if (crashOnce) {
          crashOnce = false;
          throw new Error('the process died between the two writes');
        }
        await deltaForeachBatch(b, table, batchId, context, { appIdSuffix: 'copy' });
      })
      .option('checkpointLocation', checkpoint).manager(manager).start();
    const first = await start();
    await expect(first.processAllAvailable()).rejects.toThrow('died');
    const second = await start();
    await second.processAllAvailable();
    await second.stop();
    expect((await rowsInCommitOrder(a)).map((r) => r['id'])).toEqual([1, 2]);
    expect((await rowsInCommitOrder(b)).map((r) => r['id'])).toEqual([1, 2]);
  });
});
