import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { isSluiceError, toSchema } from '@sluice/core';
import { tableFromColumns } from '@sluice/core/connector';
import { idempotentBatch } from './idempotentBatch.ts';
import { postgresTableWriter } from './postgresTableWriter.ts';
import { TEST_PG_URL, createTestSchema, recordingLogger, type TestSchema } from './testing/testDatabase.ts';

let db: TestSchema;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestSchema();
  // The user's own pool, as a foreachBatch function would hold it; search_path puts the test schema first.
  pool = new pg.Pool({ connectionString: TEST_PG_URL, options: `-c search_path=${db.schema}`, max: 3 });
  await pool.query('CREATE TABLE totals (name text PRIMARY KEY, n bigint NOT NULL)');
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** A user's foreachBatch body that is NOT idempotent on its own: it increments counters. */
const increment = (names: string[]) => async (client: pg.PoolClient) => {
  for (const name of names) {
    await client.query('INSERT INTO totals (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = totals.n + 1', [name]);
  }
  return names.length;
};

async function totals(): Promise<Record<string, number>> {
  const rows = await db.rows<{ name: string; n: string }>(`SELECT name, n FROM ${db.schema}.totals ORDER BY name`);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

describe('idempotentBatch', () => {
  it("runs a batch's SQL once: a replay is skipped and says which batch is recorded", async () => {
    const identity = { queryId: randomUUID(), sinkName: 'totals' };
    await db.pool.query(`TRUNCATE ${db.schema}.totals`);
    expect(await idempotentBatch(pool, identity, 0, increment(['a', 'b']))).toEqual({ skipped: false, result: 2 });
    expect(await idempotentBatch(pool, identity, 1, increment(['a']))).toEqual({ skipped: false, result: 1 });
    expect(await idempotentBatch(pool, identity, 1, increment(['a']))).toEqual({ skipped: true, recordedBatchId: 1 });
    expect(await idempotentBatch(pool, identity, 0, increment(['a', 'b']))).toEqual({ skipped: true, recordedBatchId: 1 });
    expect(await totals()).toEqual({ a: 2, b: 1 });
    // The progress table was created on the pool's search path.
    expect(await db.rows(`SELECT batch_id::int FROM ${db.schema}.sluice_progress WHERE query_id = $1`, [identity.queryId])).toEqual([{ batch_id: 1 }]);
  });

  it('leaves nothing behind when the function throws, so the replay runs it again', async () => {
    const identity = { queryId: randomUUID(), sinkName: 'totals' };
    await db.pool.query(`TRUNCATE ${db.schema}.totals`);
    const failing = async (client: pg.PoolClient) => {
      await increment(['x'])(client);
      throw new Error('user code failed half-way');
    };
    await expect(idempotentBatch(pool, identity, 0, failing)).rejects.toThrow(/user code failed half-way/);
    expect(await totals()).toEqual({});
    await idempotentBatch(pool, identity, 0, increment(['x']));
    expect(await totals()).toEqual({ x: 1 });
  });

  it('retries the whole batch when its connection is killed mid-transaction', async () => {
    const identity = { queryId: randomUUID(), sinkName: 'totals' };
    await db.pool.query(`TRUNCATE ${db.schema}.totals`);
    const log = recordingLogger();
    let attempts = 0;
    const result = await idempotentBatch(pool, identity, 7, async (client) => {
      attempts++;
      await increment(['k'])(client);
      if (attempts === 1) {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await client.query('SELECT 1'); // fails: the connection is gone, the increment with it
      }
      return 'done';
    }, { log });
    expect(result).toEqual({ skipped: false, result: 'done' });
    expect(attempts).toBe(2);
    expect(await totals()).toEqual({ k: 1 });
    expect(log.lines.some((l) => /retrying/.test(l))).toBe(true);
  });

  it('gives a SQL error in user code back as PG_ERROR with the SQLSTATE', async () => {
    const error = await idempotentBatch(pool, { queryId: randomUUID(), sinkName: 's' }, 0, async (client) => client.query('SELECT * FROM no_such_table')).catch((e) => e);
    expect(isSluiceError(error, 'PG_ERROR')).toBe(true);
    expect(error.message).toMatch(/relation "no_such_table" does not exist \(42P01\)/);
  });

  it('with postgresTableWriter, is the foreachBatch equivalent of the sink', async () => {
    const identity = { queryId: randomUUID(), sinkName: 'events', progressTable: `${db.schema}.my_progress` };
    const events = postgresTableWriter({ dbtable: 'events', createTableIfNotExists: true });
    const schema = toSchema('id LONG, kind STRING');
    const batch = (ids: number[]) => tableFromColumns(schema, { id: ids, kind: ids.map((i) => (i % 2 ? 'odd' : 'even')) });
    for (const [batchId, ids] of [[0, [1, 2]], [1, [3]], [1, [3]], [2, [4, 5]]] as const) {
      await idempotentBatch(pool, identity, batchId, async (client) => {
        await events.write(client, batch([...ids]));
        await client.query('INSERT INTO totals (name, n) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET n = totals.n + EXCLUDED.n', ['events', ids.length]);
      });
    }
    expect(await db.rows(`SELECT id::int, kind FROM ${db.schema}.events ORDER BY id`)).toEqual([
      { id: 1, kind: 'odd' }, { id: 2, kind: 'even' }, { id: 3, kind: 'odd' }, { id: 4, kind: 'even' }, { id: 5, kind: 'odd' },
    ]);
    expect((await totals())['events']).toBe(5);
  });
});
