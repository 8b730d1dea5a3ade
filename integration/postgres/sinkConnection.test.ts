import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { isSluiceError, toSchema } from '@sluice/core';
import { tableFromColumns } from '@sluice/core/connector';
import { postgresSink } from '@sluice/sinks';
import { findPostgresBinaries, startPostgresServer, type PostgresServer } from '@sluice/testing';
import { batchContext, recordingLogger, sinkContext, waitFor } from './support.ts';

// These tests stop and restart a server and need password authentication, so they run on a
// private instance (never the machine's shared one). Without server binaries they cannot run.
const binaries = findPostgresBinaries();
const skipReason = 'reason' in binaries ? binaries.reason : undefined;
if (skipReason) console.warn(`Skipping PostgreSQL restart/auth tests: ${skipReason}`);

const PASSWORD = 'Pr1vate-Server-Pw';
const schema = toSchema('id LONG, name STRING');
const rowsOf = (ids: number[], name = (i: number) => `n${i}`) => tableFromColumns(schema, { id: ids, name: ids.map(name) });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Every text a person or a log could see of an error: message, string form, inspect with causes, details. */
function allTextOf(error: unknown): string {
  return [String(error), (error as Error).message, inspect(error, { depth: 5 }), JSON.stringify((error as { details?: unknown }).details ?? {})].join('\n');
}

describe.skipIf(skipReason !== undefined)('postgres sink against a server that restarts or refuses', () => {
  let server: PostgresServer;
  let admin: pg.Pool;
  beforeAll(async () => {
    server = await startPostgresServer(PASSWORD);
    admin = new pg.Pool({ connectionString: server.url(), max: 2 });
    admin.on('error', () => {});
  });
  afterAll(async () => {
    await admin?.end().catch(() => {});
    await server?.destroy();
  });

  it('wrong password: PG_AUTH_FAILED at open, with neither password in any text', async () => {
    const log = recordingLogger();
    const wrong = 'Wr0ng-Password-xyz';
    const error = await postgresSink({ url: server.url('postgres', wrong), dbtable: 't_auth', createTableIfNotExists: true })
      .open(sinkContext(randomUUID(), 'append', log))
      .catch((e) => e);
    expect(isSluiceError(error, 'PG_AUTH_FAILED')).toBe(true);
    expect(error.message).toMatch(/refused the credentials.*password authentication failed for user "postgres".*Check the user and password/);
    const text = allTextOf(error) + log.lines.join('\n');
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(server.url('postgres', wrong));
  });

  it('an unknown user in a jdbc URL: PG_AUTH_FAILED, password scrubbed', async () => {
    const url = `jdbc:postgresql://127.0.0.1:${server.port}/postgres?user=nobody&password=Jdbc-Secret-77`;
    const error = await postgresSink({ url, dbtable: 't_auth2' }).open(sinkContext()).catch((e) => e);
    expect(isSluiceError(error, 'PG_AUTH_FAILED')).toBe(true);
    expect(error.message).toContain('nobody@127.0.0.1');
    expect(allTextOf(error)).not.toContain('Jdbc-Secret-77');
  });

  it("scrubs the password from errors pg itself raises, even when the server echoes it", async () => {
    await admin.query('CREATE TABLE t_echo (id bigint, name text CHECK (length(name) < 5))');
    const log = recordingLogger();
    const context = sinkContext(randomUUID(), 'append', log);
    const sink = await postgresSink({ url: server.url(), dbtable: 't_echo' }).open(context);
    // The row holds the password; PostgreSQL's CHECK violation detail ("Failing row contains …") echoes it.
    const error = await sink.addBatch(0, rowsOf([1], () => PASSWORD), batchContext(0, context)).catch((e) => e);
    expect(isSluiceError(error, 'PG_ERROR')).toBe(true);
    expect(error.message).toMatch(/violates check constraint.*Failing row contains \(1, \*\*\*\)/);
    const text = allTextOf(error) + log.lines.join('\n') + sink.description;
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(encodeURIComponent(PASSWORD));
    await sink.close();
  });

  it('an unreachable server: PG_UNREACHABLE after bounded retries with backoff', async () => {
    const port = await closedPort();
    const log = recordingLogger();
    const started = Date.now();
    const error = await postgresSink({ url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`, dbtable: 't', reconnectTimeout: 700 })
      .open(sinkContext(randomUUID(), 'append', log))
      .catch((e) => e);
    expect(isSluiceError(error, 'PG_UNREACHABLE')).toBe(true);
    expect(error.message).toMatch(/gave up after [3-9] attempt\(s\).*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(log.lines.filter((l) => l.startsWith('WARN') && /retrying in \d+ ms/.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(allTextOf(error) + log.lines.join('\n')).not.toContain(PASSWORD);
  });

  it('survives a server crash and restart mid-stream, mid-batch included: nothing lost, nothing doubled', async () => {
    const log = recordingLogger();
    const context = sinkContext(randomUUID(), 'append', log);
    const sink = await postgresSink({ url: server.url(), dbtable: 't_restart', createTableIfNotExists: true, reconnectTimeout: 30_000 }).open(context);
    const write = (batchId: number) => sink.addBatch(batchId, rowsOf(range(batchId * 100, batchId * 100 + 100)), batchContext(batchId, context));
    for (let b = 0; b < 5; b++) await write(b);

    // Between batches: a clean restart drops the pool's idle connections.
    await server.stop('fast');
    await server.start();
    for (let b = 5; b < 10; b++) await write(b);

    // Mid-batch: batch 10 is stopped inside its transaction by a lock, then the server crashes.
    const locker = await admin.connect();
    locker.on('error', () => {});
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE t_restart IN SHARE MODE');
    const inFlight = write(10);
    await waitFor(async () => (await admin.query(`SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND c.relname = 't_restart'`)).rowCount === 1);
    await server.stop('immediate');
    locker.release(true);
    await server.start();
    await inFlight;
    for (let b = 11; b < 15; b++) await write(b);

    const check = new pg.Client({ connectionString: server.url() });
    await check.connect();
    const { rows } = await check.query<{ n: string; distinct_ids: string; max: string }>('SELECT count(*) AS n, count(DISTINCT id) AS distinct_ids, max(id) AS max FROM t_restart');
    const progress = await check.query<{ batch_id: string }>('SELECT batch_id FROM sluice_progress WHERE query_id = $1', [context.queryId]);
    await check.end();
    expect(rows[0]).toEqual({ n: '1500', distinct_ids: '1500', max: '1499' });
    expect(progress.rows).toEqual([{ batch_id: '14' }]);
    expect(log.lines.some((l) => /retrying/.test(l))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(PASSWORD);
    await sink.close();
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
