import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { FAULT_POINTS, SimulatedCrash, type FaultPhase, type FaultPoint } from '@sluice/core/connector';
import { QueryManager, isSluiceError, memoryCheckpoint, readStream, silentLogger, type StreamingQuery } from '@sluice/core';
import { memoryStream, rateMicroBatchSource } from '@sluice/sources';
import { postgresSink } from '@sluice/sinks';
import { findPostgresBinaries, startPostgresServer, type PostgresServer } from '@sluice/testing';
import { TEST_PG_URL, createTestSchema, recordingLogger, waitFor, type TestSchema } from './support.ts';

let db: TestSchema;
let checkpoints: string;
beforeAll(async () => {
  db = await createTestSchema();
  checkpoints = await mkdtemp(join(tmpdir(), 'sluice-pg-it-'));
});
afterAll(async () => {
  await db?.drop();
  await rm(checkpoints, { recursive: true, force: true });
});

const manager = new QueryManager({ logger: silentLogger });
let counter = 0;
const uniqueName = (prefix: string) => `${prefix}_${++counter}`;

/** Row count, distinct ids, min and max: "every id once" is count = distinct = max - min + 1. */
async function idStats(table: string, url?: string): Promise<{ n: number; distinct: number; min: number | null; max: number | null }> {
  const sql = `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct, min(id)::int AS min, max(id)::int AS max FROM ${table}`;
  if (!url) return (await db.rows<{ n: number; distinct: number; min: number | null; max: number | null }>(sql))[0]!;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: BigInt(from + i), name: `row ${from + i}` }));

describe('memory → postgres through real queries', () => {
  it('writes every batch once through the fluent API, with no secret in explain or progress', async () => {
    const table = `${db.schema}.fluent`;
    const input = memoryStream('id LONG, name STRING');
    const password = new URL(TEST_PG_URL).password;
    const query = await readStream().format('memory').option('stream', input).load()
      .writeStream().format('postgres').manager(manager)
      .option('url', TEST_PG_URL).option('dbtable', table).option('createTableIfNotExists', 'true').option('password', password)
      .option('checkpointLocation', memoryCheckpoint())
      .start();
    input.addData(rows(0, 100));
    await query.processAllAvailable();
    input.addData(rows(100, 250));
    await query.processAllAvailable();
    expect(await idStats(table)).toEqual({ n: 250, distinct: 250, min: 0, max: 249 });
    const progress = query.lastProgress!;
    expect(progress.sink.description).toMatch(/^PostgresSink\[table=sluice_test_\w+\.fluent/);
    expect(progress.sink.numOutputRows).toBe(150);
    const seen = query.explain() + JSON.stringify(query.recentProgress);
    expect(seen).toContain('PostgresSink');
    expect(seen).not.toContain(password);
    expect(seen).not.toContain(TEST_PG_URL);
    await query.stop();
  });

  it('upserts in update output mode: one row per key, the latest value', async () => {
    const table = `${db.schema}.latest`;
    const input = memoryStream('id LONG, name STRING');
    const query = await input.toFrame().writeTo(
      postgresSink({ url: TEST_PG_URL, dbtable: table, createTableIfNotExists: true, mode: 'upsert', keyColumns: ['id'] }),
      { checkpointLocation: memoryCheckpoint(), outputMode: 'update', manager },
    );
    input.addData([{ id: 1n, name: 'a' }, { id: 2n, name: 'b' }]);
    await query.processAllAvailable();
    input.addData([{ id: 2n, name: 'b2' }, { id: 3n, name: 'c' }, { id: 2n, name: 'b3' }]);
    await query.processAllAvailable();
    await query.stop();
    expect(await db.rows(`SELECT id::int, name FROM ${table} ORDER BY id`)).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b3' }, { id: 3, name: 'c' }]);
  });

  it('rate-micro-batch → postgres, stopped and restarted: a contiguous, duplicate-free sequence', async () => {
    const table = `${db.schema}.rate`;
    const checkpoint = join(checkpoints, 'rate');
    const start = () => rateMicroBatchSource({ rowsPerBatch: 500 }).writeTo(postgresSink({ url: TEST_PG_URL, dbtable: table, createTableIfNotExists: true }), { checkpointLocation: checkpoint, manager });
    for (let run = 0; run < 3; run++) {
      const query = await start();
      await waitForBatches(query, 3);
      await query.stop();
    }
    const stats = await db.rows<{ n: number; distinct: number; min: string; max: string }>(`SELECT count(*)::int AS n, count(DISTINCT value)::int AS distinct, min(value) AS min, max(value) AS max FROM ${table}`);
    const { n, distinct, min, max } = stats[0]!;
    expect(n).toBeGreaterThanOrEqual(9 * 500);
    expect(n % 500).toBe(0);
    expect({ distinct, min: Number(min), max: Number(max) }).toEqual({ distinct: n, min: 0, max: n - 1 });
  });
});

describe('exactly-once across crashes at every point of the batch lifecycle', () => {
  const points = FAULT_POINTS.flatMap((point) => (['before', 'after'] as const).map((phase) => [point, phase] as const));

  it.each(points)('crash %s:%s during batch 1, restart from the checkpoint: every row once', async (point, phase) => {
    const table = `${db.schema}.${uniqueName(`crash_${point}_${phase}`)}`;
    const checkpoint = memoryCheckpoint();
    const input = memoryStream('id LONG, name STRING');
    let crashed = false;
    const injector = {
      at(at: FaultPoint, atPhase: FaultPhase, batchId: number) {
        if (!crashed && at === point && atPhase === phase && (batchId === 1 || point === 'initialize')) {
          crashed = true;
          throw new SimulatedCrash(`${point}:${phase}`);
        }
      },
    };
    const start = (faults?: typeof injector) => {
      let writer = input.toFrame().writeStream().sink(postgresSink({ url: TEST_PG_URL, dbtable: table, createTableIfNotExists: true }))
        .option('checkpointLocation', checkpoint).manager(manager);
      if (faults) writer = writer.faults(faults);
      return writer.start();
    };

    input.addData(rows(0, 50));
    let query: StreamingQuery | undefined = await start(injector).catch(() => undefined);
    if (query) {
      await query.processAllAvailable().catch(() => {});
      input.addData(rows(50, 120));
      await query.processAllAvailable().catch(() => {});
      await query.awaitTermination(5000).catch(() => {});
      if (query.isActive) await query.stop();
    } else {
      input.addData(rows(50, 120));
    }
    expect(crashed).toBe(true);

    query = await startWhenUnlocked(() => start());
    await query.processAllAvailable();
    input.addData(rows(120, 200));
    await query.processAllAvailable();
    await query.stop();
    expect(await idStats(table)).toEqual({ n: 200, distinct: 200, min: 0, max: 199 });
  });
});

const binaries = findPostgresBinaries();
const noServer = 'reason' in binaries ? binaries.reason : undefined;
if (noServer) console.warn(`Skipping database-restart pipeline tests: ${noServer}`);

describe.skipIf(noServer !== undefined)('a query writing to a database that restarts', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('wrong credentials fail the query at start with PG_AUTH_FAILED, the password nowhere', async () => {
    const input = memoryStream('id LONG, name STRING');
    const error = await input.toFrame().writeStream().format('postgres').manager(manager)
      .option('url', `jdbc:postgresql://127.0.0.1:${server.port}/postgres?user=postgres&password=Not-The-Password-1`)
      .option('dbtable', 'never').option('checkpointLocation', memoryCheckpoint())
      .start().catch((e: unknown) => e);
    expect(isSluiceError(error, 'PG_AUTH_FAILED')).toBe(true);
    expect(String(error)).toMatch(/password authentication failed for user "postgres"/);
    expect(String(error) + JSON.stringify((error as { details?: unknown }).details)).not.toContain('Not-The-Password-1');
  });

  it('rides through a crash and restart of the database: the batch waits, nothing lost or doubled', async () => {
    const input = memoryStream('id LONG, name STRING');
    const query = await input.toFrame().writeTo(postgresSink({ url: server.url(), dbtable: 'through_restart', createTableIfNotExists: true }), { checkpointLocation: memoryCheckpoint(), manager });
    input.addData(rows(0, 100));
    await query.processAllAvailable();
    await server.stop('immediate');
    input.addData(rows(100, 200));
    // The batch is planned and retries its connection while the server is down.
    await waitFor(async () => query.status.message === 'Processing new data', 'batch in progress');
    await server.start();
    await query.processAllAvailable();
    input.addData(rows(200, 300));
    await query.processAllAvailable();
    expect(query.exception).toBeNull();
    await query.stop();
    expect(await idStats('through_restart', server.url())).toEqual({ n: 300, distinct: 300, min: 0, max: 299 });
  });

  it('when the database stays down past reconnectTimeout, the query fails with PG_UNREACHABLE and a supervised restart resumes it exactly once', async () => {
    const log = recordingLogger();
    const supervised = new QueryManager({ logger: log, restart: { maxRestarts: 20, backoffMs: 100 } });
    const input = memoryStream('id LONG, name STRING');
    const query = await input.toFrame().writeTo(
      postgresSink({ url: server.url(), dbtable: 'supervised', createTableIfNotExists: true, reconnectTimeout: 300 }),
      { checkpointLocation: memoryCheckpoint(), manager: supervised },
    );
    input.addData(rows(0, 100));
    await query.processAllAvailable();
    await server.stop('fast');
    input.addData(rows(100, 200));
    await waitFor(async () => log.lines.some((l) => /PG_UNREACHABLE.*restarting from its checkpoint/.test(l)), 'a supervised restart after PG_UNREACHABLE');
    await server.start();
    await waitFor(async () => (await idStats('supervised', server.url()).catch(() => ({ n: 0 }))).n === 200, 'all rows written after the restart');
    input.addData(rows(200, 250));
    await query.processAllAvailable();
    await query.stop();
    expect(await idStats('supervised', server.url())).toEqual({ n: 250, distinct: 250, min: 0, max: 249 });
    expect(log.lines.join('\n')).not.toContain(server.password);
  });
});

/**
 * Start, retrying while the checkpoint is still locked: when a crash fails `start()` itself
 * (initialize:after), `start()` rejects before the dead run has let go of its lock, and the
 * engine offers no event for that moment.
 */
async function startWhenUnlocked(start: () => Promise<StreamingQuery>): Promise<StreamingQuery> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!isSluiceError(error, 'CHECKPOINT_LOCKED') || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Wait until this run of the query has written `count` batches with rows. */
async function waitForBatches(query: StreamingQuery, count: number): Promise<void> {
  await waitFor(async () => query.recentProgress.filter((p) => p.numInputRows > 0).length >= count, `${count} batches`);
}
