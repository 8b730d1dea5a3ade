/**
 * A PostgreSQL table or query as the static side of a stream–static join, against the real
 * server: the query runs again each micro-batch (Spark re-executes the JDBC relation of the
 * batch side per micro-batch), so rows inserted or updated between two batches join from the
 * next one on; PostgreSQL types arrive as Spark's PostgresDialect types them; the url and
 * password appear nowhere a person reads (explain, progress, errors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join, memoryCheckpoint, QueryManager, silentLogger, type StreamFrame } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { dropMemoryTable, memorySink, memoryTableRows, staticPostgres } from '@sluice/sinks';
import { createTestSchema, TEST_PG_URL, type TestSchema } from './support.ts';

let db: TestSchema;
const manager = new QueryManager({ logger: silentLogger });
const password = new URL(TEST_PG_URL).password;

beforeAll(async () => {
  db = await createTestSchema();
  await db.rows(`CREATE TABLE ${db.schema}.customers (customer_id bigint PRIMARY KEY, tier text, credit numeric(10,2), since date, seen timestamptz, active boolean)`);
  await db.rows(`INSERT INTO ${db.schema}.customers VALUES (1, 'gold', 1234.50, '2024-02-29', '2026-01-01 12:00:00.123+00', true), (2, 'silver', 10.00, '2023-01-01', '2026-01-02 00:00:00+00', false)`);
});
afterAll(async () => {
  await manager.stopAll();
  await db.drop();
});

let n = 0;
/** Run `frame` to the memory sink; each step adds data (and may change the database), then a batch runs; returns the rows after each step. */
async function run(frame: StreamFrame, steps: (() => Promise<void>)[]): Promise<{ after: Record<string, unknown>[][]; explain: string; progress: string }> {
  const table = `pg_static_${n++}`;
  dropMemoryTable(table);
  const query = await frame.writeTo(memorySink({ tableName: table }), { checkpointLocation: memoryCheckpoint(table), manager });
  const after: Record<string, unknown>[][] = [];
  try {
    for (const step of steps) {
      await step();
      await query.processAllAvailable();
      after.push(memoryTableRows(table) as Record<string, unknown>[]);
    }
    return { after, explain: query.explain(), progress: JSON.stringify(query.recentProgress) };
  } finally {
    await query.stop();
  }
}

describe('a PostgreSQL query as the static side of a stream–static join', () => {
  it('left outer join: re-queried every micro-batch, so an insert and an update between batches join from the next batch', async () => {
    const customers = await staticPostgres({ url: TEST_PG_URL, query: `SELECT customer_id, tier, credit, since, seen, active FROM ${db.schema}.customers` });
    expect(customers.schema.fields.map((f) => `${f.name} ${f.type}`)).toEqual([
      'customer_id Int64', 'tier Utf8', 'credit Decimal[10e+2]', 'since Date32<DAY>', 'seen Timestamp<MILLISECOND>', 'active Bool',
    ]);
    const orders = memoryStream('order_id INT, customer_id LONG');
    const { after, explain, progress } = await run(orders.toFrame().pipe(join(customers, 'customer_id', 'left_outer')), [
      async () => void orders.addData([{ order_id: 10, customer_id: 1n }, { order_id: 11, customer_id: 3n }]),
      async () => {
        await db.rows(`INSERT INTO ${db.schema}.customers VALUES (3, 'bronze', NULL, NULL, NULL, NULL)`);
        await db.rows(`UPDATE ${db.schema}.customers SET tier = 'platinum' WHERE customer_id = 1`);
        orders.addData([{ order_id: 12, customer_id: 3n }, { order_id: 13, customer_id: 1n }]);
      },
    ]);
    expect(after[0]).toEqual([
      { customer_id: 1n, order_id: 10, tier: 'gold', credit: '1234.50', since: Date.UTC(2024, 1, 29), seen: Date.UTC(2026, 0, 1, 12, 0, 0, 123), active: true },
      { customer_id: 3n, order_id: 11, tier: null, credit: null, since: null, seen: null, active: null },
    ]);
    expect(after[1]!.slice(2)).toEqual([
      { customer_id: 3n, order_id: 12, tier: 'bronze', credit: null, since: null, seen: null, active: null },
      { customer_id: 1n, order_id: 13, tier: 'platinum', credit: '1234.50', since: Date.UTC(2024, 1, 29), seen: Date.UTC(2026, 0, 1, 12, 0, 0, 123), active: true },
    ]);
    expect(explain).toContain('JDBCRelation(postgres postgres@127.0.0.1:5432/postgres)');
    for (const shown of [explain, progress]) {
      expect(shown).not.toContain(password);
      expect(shown).not.toContain(TEST_PG_URL);
    }
    await customers.end();
  });

  it('a table (dbtable) in inner and left anti joins', async () => {
    const customers = await staticPostgres({ url: TEST_PG_URL, dbtable: `${db.schema}.customers` });
    const orders = memoryStream('order_id INT, customer_id LONG');
    const inner = await run(orders.toFrame().pipe(join(customers, 'customer_id')), [
      async () => void orders.addData([{ order_id: 1, customer_id: 2n }, { order_id: 2, customer_id: 99n }]),
    ]);
    expect(inner.after[0]!.map((r) => [r['order_id'], r['tier']])).toEqual([[1, 'silver']]);
    const orders2 = memoryStream('order_id INT, customer_id LONG');
    const anti = await run(orders2.toFrame().pipe(join(customers, 'customer_id', 'left_anti')), [
      async () => void orders2.addData([{ order_id: 1, customer_id: 2n }, { order_id: 2, customer_id: 99n }]),
    ]);
    expect(anti.after[0]).toEqual([{ order_id: 2, customer_id: 99n }]);
    await customers.end();
  });

  it('errors name the server without its password: a bad query, an unreachable server, a type without a Spark type, both or neither of dbtable and query', async () => {
    const bad = await staticPostgres({ url: TEST_PG_URL, query: 'SELECT 1 AS x' }).then(async (side) => {
      await side.end();
      return staticPostgres({ url: TEST_PG_URL, query: `SELECT * FROM ${db.schema}.no_such_table` });
    }).catch((e: unknown) => e as Error & { code?: string });
    expect(bad).toMatchObject({ code: 'PG_ERROR' });
    expect((bad as Error).message).toContain('no_such_table');
    expect((bad as Error).message).toContain('postgres@127.0.0.1:5432/postgres');

    const unreachable = await staticPostgres({ url: `postgres://postgres:${password}@127.0.0.1:1/postgres`, query: 'SELECT 1' }).catch((e: unknown) => e as Error & { code?: string });
    expect(unreachable).toMatchObject({ code: 'PG_UNREACHABLE' });

    const point = await staticPostgres({ url: TEST_PG_URL, query: 'SELECT point(1, 2) AS location' }).catch((e: unknown) => e as Error & { code?: string });
    expect(point).toMatchObject({ code: 'TYPE_MISMATCH' });
    expect((point as Error).message).toContain("'location'");

    await expect(staticPostgres({ url: TEST_PG_URL })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(staticPostgres({ url: TEST_PG_URL, query: 'SELECT 1', dbtable: 'x' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });

    for (const error of [bad, unreachable, point] as Error[]) {
      const text = `${error.message} ${String(error.stack)} ${JSON.stringify(error)}`;
      expect(text).not.toContain(password);
      expect(text).not.toContain(TEST_PG_URL);
    }
  });
});
