import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StreamingQuery } from '@sluice/core';
import { startWriteToDb } from './foreach-batch-postgres.ts';

const BASE_URL = process.env['SLUICE_TEST_PG_URL'] ?? 'postgres://postgres:sluice-test-pw@127.0.0.1:5432/postgres';
const schema = `sluice_ex_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
// The example's tables land in a schema of the test's own (first on the search path).
const url = `${BASE_URL}${BASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
let admin: pg.Pool;
let checkpoint: string;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: BASE_URL, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  checkpoint = await mkdtemp(join(tmpdir(), 'sluice-example-'));
});
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  await rm(checkpoint, { recursive: true, force: true });
});

async function runFor(batches: number): Promise<void> {
  const { query, pool } = await startWriteToDb({ url, checkpointLocation: checkpoint, rowsPerSecond: 2000 });
  await waitForBatches(query, batches);
  await query.stop();
  await pool.end();
}

describe('examples/foreach-batch-postgres', () => {
  it('write_to_db stays exactly-once across restarts of the query', async () => {
    await runFor(2);
    await runFor(2);
    const [results] = (await admin.query(`SELECT count(*)::int AS n, count(DISTINCT value)::int AS d, min(value)::int AS min, max(value)::int AS max FROM ${schema}.results`)).rows;
    expect(results.n).toBeGreaterThan(0);
    expect(results).toEqual({ n: results.n, d: results.n, min: 0, max: results.n - 1 });
    // The function's own SQL ran once per batch too: one log row per batch, and its counts add up.
    const batches = (await admin.query(`SELECT batch_id::int AS id, num_rows AS rows FROM ${schema}.results_batches ORDER BY batch_id`)).rows;
    expect(batches.map((b) => b.id)).toEqual(batches.map((_, i) => i));
    expect(batches.reduce((sum, b) => sum + b.rows, 0)).toBe(results.n);
    const progress = (await admin.query(`SELECT batch_id::int AS id FROM ${schema}.sluice_progress WHERE query_id = 'write_to_db'`)).rows;
    expect(progress).toEqual([{ id: batches.at(-1)!.id }]);
  });
});

async function waitForBatches(query: StreamingQuery, count: number): Promise<void> {
  for (let i = 0; i < 1000 && query.recentProgress.filter((p) => p.numInputRows > 0).length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
