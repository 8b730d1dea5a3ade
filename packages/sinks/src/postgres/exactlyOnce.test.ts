import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { randomUUID } from 'node:crypto';
import { silentLogger, toSchema } from '@sluice/core';
import { tableFromColumns } from '@sluice/core/connector';
import { postgresSink } from './postgresSink.ts';
import { TEST_PG_URL, batchContext, createTestSchema, sinkContext, type TestSchema } from './testing/testDatabase.ts';

let db: TestSchema;
beforeAll(async () => {
  db = await createTestSchema();
});
afterAll(async () => {
  await db?.drop();
});

const schema = toSchema('id LONG, batch INT');
let totalKilled = 0;

/**
 * The engine's view of a run: batches 0..n-1 with replays of earlier ones (a restarted query
 * re-runs its last batch; a confused one may re-run older ones), while the sink's connection is
 * killed at random moments — during the claim, the COPY, the COMMIT, or between batches.
 */
const scenario = fc.record({
  sizes: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 6 }),
  replays: fc.array(fc.nat(), { maxLength: 4 }),
  kills: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 4 }),
});

describe('postgres sink exactly-once under killed connections', () => {
  test.prop([scenario], { numRuns: 12 })('every row of every batch lands exactly once, whatever is killed when', async ({ sizes, replays, kills }) => {
    const appName = `sluice-kill-${randomUUID().slice(0, 8)}`;
    const url = `${TEST_PG_URL}${TEST_PG_URL.includes('?') ? '&' : '?'}application_name=${appName}`;
    const dbtable = `${db.schema}.k_${randomUUID().slice(0, 8)}`;
    const context = sinkContext(randomUUID(), 'append', silentLogger);
    const sink = await postgresSink({ url, dbtable, createTableIfNotExists: true }).open(context);
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const batch = (b: number) => tableFromColumns(schema, {
      id: Array.from({ length: sizes[b]! }, (_, i) => starts[b]! + i),
      batch: Array.from({ length: sizes[b]! }, () => b),
    });
    // Batches in order, each replay inserted after the batch it repeats.
    const order: number[] = [];
    sizes.forEach((_, b) => {
      order.push(b);
      for (const r of replays) if (r % sizes.length <= b && r % 3 === b % 3) order.push(r % sizes.length);
    });

    let killed = 0;
    const killer = (async () => {
      for (const delay of kills) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        const r = await db.pool.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1', [appName]);
        killed += r.rows[0].n;
      }
    })();
    for (const b of order) await sink.addBatch(b, batch(b), batchContext(b, context));
    await killer;
    await sink.close();

    const total = sizes.reduce((a, b) => a + b, 0);
    const [stats] = await db.rows<{ n: number; distinct: number; min: number | null; max: number | null }>(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct, min(id)::int AS min, max(id)::int AS max FROM ${dbtable}`,
    );
    expect(stats).toEqual({ n: total, distinct: total, min: total ? 0 : null, max: total ? total - 1 : null });
    const perBatch = await db.rows<{ batch: number; n: number }>(`SELECT batch, count(*)::int AS n FROM ${dbtable} GROUP BY batch ORDER BY batch`);
    expect(perBatch).toEqual(sizes.flatMap((n, b) => (n > 0 ? [{ batch: b, n }] : [])));
    const [progress] = await db.rows<{ batch_id: number }>(`SELECT batch_id::int FROM ${db.schema}.sluice_progress WHERE query_id = $1`, [context.queryId]);
    expect(progress).toEqual({ batch_id: sizes.length - 1 });
    totalKilled += killed;
  });

  it('did kill the sink\'s connections (the property above is not vacuous)', () => {
    expect(totalKilled).toBeGreaterThan(3);
  });
});
