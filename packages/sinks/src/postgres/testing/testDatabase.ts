/**
 * Test support (not exported): the PostgreSQL the tests use, and a private schema per test so
 * test files run beside each other and beside other packages' tests on one server.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '@sluice/core';

/** `SLUICE_TEST_PG_URL`, else the local server that scripts/setup.d/30-postgres.sh provides. */
export const TEST_PG_URL = process.env['SLUICE_TEST_PG_URL'] ?? 'postgres://postgres:sluice-test-pw@127.0.0.1:5432/postgres';

export interface TestSchema {
  readonly schema: string;
  /** A pool on the test server for the test's own checks. */
  readonly pool: pg.Pool;
  /** Rows of a query, for assertions. */
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh schema `sluice_test_<random>` on the test server, dropped (with its tables) by `drop()`. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `sluice_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const pool = new pg.Pool({ connectionString: TEST_PG_URL, max: 3 });
  pool.on('error', () => {});
  try {
    await pool.query(`CREATE SCHEMA ${schema}`);
  } catch (error) {
    await pool.end();
    throw new Error(
      `The PostgreSQL tests need a server: ${TEST_PG_URL.replace(/:[^:@/]*@/, ':***@')} is not usable (${(error as Error).message}). ` +
        'Run `bash scripts/setup.d/30-postgres.sh` (installs and starts PostgreSQL as root), or set SLUICE_TEST_PG_URL=postgres://user:password@host:port/db.',
    );
  }
  return {
    schema,
    pool,
    async rows<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await pool.end();
    },
  };
}

export { batchContext, sinkContext } from '../../testing/contexts.ts';

/** A logger that keeps every line, to assert what was (and was not) logged. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}
