/**
 * Support for the PostgreSQL integration tests: the shared test server (a private schema per
 * test file), sink and batch contexts for driving a sink directly, and a logger that keeps lines.
 */
import { randomUUID } from 'node:crypto';
import { asyncScheduler } from 'rxjs';
import pg from 'pg';
import type { BatchContext, Logger, OutputMode, SinkContext } from '@sluice/core';

/** `SLUICE_TEST_PG_URL`, else the local server that scripts/setup.d/30-postgres.sh provides. */
export const TEST_PG_URL = process.env['SLUICE_TEST_PG_URL'] ?? 'postgres://postgres:sluice-test-pw@127.0.0.1:5432/postgres';

export interface TestSchema {
  readonly schema: string;
  readonly pool: pg.Pool;
  rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh schema on the shared test server, dropped with its tables by `drop()`. */
export async function createTestSchema(url = TEST_PG_URL): Promise<TestSchema> {
  const schema = `sluice_it_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  pool.on('error', () => {});
  try {
    await pool.query(`CREATE SCHEMA ${schema}`);
  } catch (error) {
    await pool.end();
    throw new Error(
      `The PostgreSQL tests need a server: ${url.replace(/:[^:@/]*@/, ':***@')} is not usable (${(error as Error).message}). ` +
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

export function sinkContext(queryId: string = randomUUID(), outputMode: OutputMode = 'append', log?: Logger): SinkContext {
  return { queryId, runId: randomUUID(), queryName: null, outputMode, scheduler: asyncScheduler, log: log ?? recordingLogger() };
}

export function batchContext(batchId: number, context: SinkContext): BatchContext {
  return {
    batchId, queryId: context.queryId, runId: context.runId, queryName: context.queryName, outputMode: context.outputMode,
    batchTimestampMs: 0, watermarkMs: 0, signal: new AbortController().signal, fault: async () => {},
  };
}

/** A logger that keeps every line as given (before any redaction), to assert what was logged. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}

/** Poll `condition` (a database state the test waits for) every 10 ms, up to 5 s. */
export async function waitFor(condition: () => Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what} never held`);
}
