import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { isSluiceError, silentLogger, toSchema, type Logger } from '@sluice/core';
import { sinkFormat, tableFromColumns, type Sink } from '@sluice/core/connector';
import { postgresSink } from './postgresSink.ts';
import '../index.ts'; // registers format 'postgres'
import { TEST_PG_URL, batchContext, createTestSchema, recordingLogger, sinkContext, type TestSchema } from './testing/testDatabase.ts';

let db: TestSchema;
beforeAll(async () => {
  db = await createTestSchema();
});
afterAll(async () => {
  await db?.drop();
});

const schema = toSchema('id LONG, name STRING, score DOUBLE');
const rowsOf = (ids: number[], score = 1) => tableFromColumns(schema, { id: ids, name: ids.map((i) => `n${i}`), score: ids.map(() => score) });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

let tableCounter = 0;
function newTable(): string {
  return `${db.schema}.t${++tableCounter}`;
}

async function openSink(dbtable: string, extra: Record<string, unknown> = {}, queryId = randomUUID(), log: Logger = silentLogger) {
  const context = sinkContext(queryId, (extra['outputMode'] as 'append' | undefined) ?? 'append', log);
  delete extra['outputMode'];
  const sink = await postgresSink({ url: TEST_PG_URL, dbtable, createTableIfNotExists: true, ...extra }).open(context);
  return { sink, context, write: (batchId: number, table = rowsOf([batchId])) => sink.addBatch(batchId, table, batchContext(batchId, context)) };
}

async function ids(dbtable: string): Promise<number[]> {
  return (await db.rows<{ id: string }>(`SELECT id FROM ${dbtable} ORDER BY id`)).map((r) => Number(r.id));
}

async function progress(queryId: string): Promise<number | undefined> {
  const rows = await db.rows<{ batch_id: string }>(`SELECT batch_id FROM ${db.schema}.sluice_progress WHERE query_id = $1`, [queryId]);
  return rows[0] ? Number(rows[0].batch_id) : undefined;
}

describe('postgres sink: exactly-once appends', () => {
  it('writes a batch and its progress row in one transaction', async () => {
    const table = newTable();
    const { sink, context, write } = await openSink(table);
    await write(0, rowsOf(range(0, 100)));
    expect(await ids(table)).toEqual(range(0, 100));
    expect(await progress(context.queryId)).toBe(0);
    expect(sink.lastBatchOutputRows?.()).toBe(100);
    await sink.close();
  });

  it('skips a replayed batch and any batch at or below the recorded id, also after reopening', async () => {
    const table = newTable();
    const queryId = randomUUID();
    const first = await openSink(table, {}, queryId);
    await first.write(0, rowsOf([1, 2]));
    await first.write(1, rowsOf([3]));
    await first.write(1, rowsOf([3]));
    await first.write(0, rowsOf([1, 2]));
    expect(first.sink.metrics?.()).toEqual({ numSkippedBatches: '2' });
    await first.sink.close();
    // A restarted query replays its last batch: the new sink finds it recorded.
    const second = await openSink(table, {}, queryId);
    await second.write(1, rowsOf([3]));
    expect(second.sink.lastBatchOutputRows?.()).toBe(0);
    await second.write(2, rowsOf([4]));
    expect(await ids(table)).toEqual([1, 2, 3, 4]);
    expect(await progress(queryId)).toBe(2);
    await second.sink.close();
  });

  it('keeps queries apart: the same batch id from another query is written', async () => {
    const table = newTable();
    const a = await openSink(table);
    const b = await openSink(table);
    await a.write(0, rowsOf([1]));
    await b.write(0, rowsOf([2]));
    expect(await ids(table)).toEqual([1, 2]);
    await a.sink.close();
    await b.sink.close();
  });

  it('retries a batch whose connection is killed mid-transaction, and writes it once', async () => {
    const table = newTable();
    const log = recordingLogger();
    const { sink, context, write } = await openSink(table, {}, randomUUID(), log);
    await write(0, rowsOf([0]));
    // Hold a lock the sink's COPY needs, so its transaction stops half-way (progress row claimed, data not yet written).
    const locker = await db.pool.connect();
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE ${table} IN SHARE MODE`);
    const pending = write(1, rowsOf(range(1, 1001)));
    const pid = await waitForBlockedBackend(table);
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await locker.query('ROLLBACK');
    locker.release();
    await pending;
    expect(log.lines.filter((l) => /terminating connection.*retrying/.test(l))).toHaveLength(1);
    expect(await ids(table)).toEqual(range(0, 1001));
    expect(await progress(context.queryId)).toBe(1);
    await sink.close();
  });

  it('lets only one of two concurrent writers of the same batch commit (a zombie run)', async () => {
    const table = newTable();
    const queryId = randomUUID();
    const a = await openSink(table, {}, queryId);
    const b = await openSink(table, {}, queryId);
    await Promise.all([a.write(0, rowsOf(range(0, 500))), b.write(0, rowsOf(range(0, 500)))]);
    expect(await ids(table)).toEqual(range(0, 500));
    expect(Number(a.sink.metrics?.()['numSkippedBatches']) + Number(b.sink.metrics?.()['numSkippedBatches'])).toBe(1);
    await a.sink.close();
    await b.sink.close();
  });

  it('records empty batches too', async () => {
    const table = newTable();
    const { sink, context, write } = await openSink(table);
    await write(0, rowsOf([]));
    expect(await progress(context.queryId)).toBe(0);
    expect(await ids(table)).toEqual([]);
    await sink.close();
  });

  it('streams large batches through COPY in chunks of batchSize rows', async () => {
    const table = newTable();
    const { sink, write } = await openSink(table, { batchSize: 1000 });
    await write(0, rowsOf(range(0, 25_000)));
    expect((await db.rows<{ n: string; s: string }>(`SELECT count(*) AS n, sum(id) AS s FROM ${table}`))[0]).toEqual({ n: '25000', s: String((24_999 * 25_000) / 2) });
    await sink.close();
  });
});

describe('postgres sink: upsert', () => {
  it('keeps one row per key with the latest value, within a batch and across batches', async () => {
    const table = newTable();
    const upsertSchema = toSchema('user_id LONG NOT NULL, total DOUBLE, label STRING');
    const batch = (rows: [number, number, string][]) =>
      tableFromColumns(upsertSchema, { user_id: rows.map((r) => r[0]), total: rows.map((r) => r[1]), label: rows.map((r) => r[2]) });
    const { sink, write } = await openSink(table, { mode: 'upsert', keyColumns: ['user_id'], outputMode: 'update' });
    await write(0, batch([[1, 10, 'a'], [2, 20, 'b'], [1, 11, 'a2']]));
    await write(1, batch([[2, 21, 'b2'], [3, 30, 'c']]));
    await write(1, batch([[2, 999, 'replayed'], [3, 999, 'replayed']]));
    const rows = await db.rows(`SELECT user_id::int AS id, total, label FROM ${table} ORDER BY user_id`);
    expect(rows).toEqual([
      { id: 1, total: 11, label: 'a2' },
      { id: 2, total: 21, label: 'b2' },
      { id: 3, total: 30, label: 'c' },
    ]);
    expect(sink.lastBatchOutputRows?.()).toBe(0);
    await sink.close();
  });

  it('refuses a table without a unique key on keyColumns, saying how to add one', async () => {
    const table = newTable();
    await db.pool.query(`CREATE TABLE ${table} (id bigint, name text, score double precision)`);
    const { sink, write } = await openSink(table, { mode: 'upsert', keyColumns: ['id'] });
    const error = await write(0).catch((e) => e);
    expect(isSluiceError(error, 'SCHEMA_MISMATCH')).toBe(true);
    expect(error.message).toMatch(/primary key or unique index on \(id\).*CREATE UNIQUE INDEX/);
    await sink.close();
  });

  it('accepts update and complete output modes; append mode refuses them', async () => {
    const table = newTable();
    await expect(openSink(table, { outputMode: 'update' })).rejects.toSatisfy((e) => isSluiceError(e, 'UNSUPPORTED_OUTPUT_MODE') && /mode 'upsert'/.test((e as Error).message));
    const provider = postgresSink({ url: TEST_PG_URL, dbtable: table, mode: 'upsert', keyColumns: ['id'] });
    expect([...provider.outputModes].sort()).toEqual(['append', 'complete', 'update']);
  });
});

describe('postgres sink: table shape', () => {
  it('fails at open when the table is missing and may not be created', async () => {
    const error = await postgresSink({ url: TEST_PG_URL, dbtable: newTable() }).open(sinkContext()).catch((e) => e);
    expect(isSluiceError(error, 'INVALID_OPTION')).toBe(true);
    expect(error.message).toMatch(/does not exist.*createTableIfNotExists/);
  });

  it('names the column and both types when the table cannot take a batch column, and writes nothing', async () => {
    const table = newTable();
    await db.pool.query(`CREATE TABLE ${table} (id integer, name text, score double precision)`);
    const { sink, context, write } = await openSink(table);
    const error = await write(0).catch((e) => e);
    expect(isSluiceError(error, 'TYPE_MISMATCH')).toBe(true);
    expect(error.message).toContain("Column 'id'");
    expect(error.message).toContain('bigint (Arrow Int64)');
    expect(error.message).toContain('has type integer');
    expect(error.details).toMatchObject({ column: 'id', arrowType: 'Int64', postgresType: 'integer' });
    expect(await progress(context.queryId)).toBeUndefined();
    await sink.close();
  });

  it('names a batch column the table lacks, and a NOT NULL column the batch lacks', async () => {
    const t1 = newTable();
    await db.pool.query(`CREATE TABLE ${t1} (id bigint, name text)`);
    const a = await openSink(t1);
    const missing = await a.write(0).catch((e) => e);
    expect(isSluiceError(missing, 'SCHEMA_MISMATCH') && /Column 'score' of the batch does not exist/.test(missing.message)).toBe(true);
    await a.sink.close();
    const t2 = newTable();
    await db.pool.query(`CREATE TABLE ${t2} (id bigint, name text, score double precision, owner text NOT NULL)`);
    const b = await openSink(t2);
    const notNull = await b.write(0).catch((e) => e);
    expect(isSluiceError(notNull, 'SCHEMA_MISMATCH') && /'owner'.*NOT NULL/.test(notNull.message)).toBe(true);
    await b.sink.close();
  });

  it('writes into wider existing columns, matching names case-insensitively, leaving defaults to the table', async () => {
    const table = newTable();
    await db.pool.query(`CREATE TABLE ${table} ("ID" numeric, "Name" varchar(20), score double precision, created timestamptz DEFAULT now(), serial_no bigserial)`);
    const { sink, write } = await openSink(table);
    await write(0, rowsOf([12345678901234]));
    const rows = await db.rows(`SELECT "ID"::text AS id, "Name" AS name, created IS NOT NULL AS has_default, serial_no::int FROM ${table}`);
    expect(rows).toEqual([{ id: '12345678901234', name: 'n12345678901234'.slice(0, 15), has_default: true, serial_no: 1 }]);
    await sink.close();
  });

  it('creates the table from the schema with keys as the primary key', async () => {
    const table = newTable();
    const { sink, write } = await openSink(table, { mode: 'upsert', keyColumns: ['id'] });
    await write(0);
    const columns = await db.rows(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [db.schema, table.split('.')[1]],
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'bigint' },
      { column_name: 'name', data_type: 'text' },
      { column_name: 'score', data_type: 'double precision' },
    ]);
    const pk = await db.rows(`SELECT a.attname::text AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary`, [table]);
    expect(pk).toEqual([{ name: 'id' }]);
    await sink.close();
  });
});

describe('postgres sink: registration and description', () => {
  it("is format 'postgres' in the registry, taking the fluent API's strings", async () => {
    const table = newTable();
    const provider = sinkFormat('postgres').createSink({ options: { url: TEST_PG_URL, dbtable: table, createTableIfNotExists: 'true', batchsize: '100' } });
    expect(provider.guarantee).toBe('exactly-once');
    expect(provider.allowsTemporaryCheckpoint).toBe(false);
    const context = sinkContext();
    const sink: Sink = await provider.open(context);
    await sink.addBatch(0, rowsOf([7]), batchContext(0, context));
    expect(await ids(table)).toEqual([7]);
    expect(sink.description).toMatch(/^PostgresSink\[table=sluice_test_\w+\.t\d+, server=.*127\.0\.0\.1:5432\/postgres, mode=append\]$/);
    await sink.close();
  });

  it('refuses partitionBy', () => {
    expect(() => sinkFormat('postgres').createSink({ options: { url: TEST_PG_URL, dbtable: 't' }, partitionBy: ['day'] })).toThrow(/partitionBy/);
  });
});

/** The pid of the backend waiting for a lock on `table` (the sink's, stopped by the test's lock). */
async function waitForBlockedBackend(table: string): Promise<number> {
  const relation = table.split('.')[1]!;
  for (let i = 0; i < 500; i++) {
    const rows = await db.rows<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND c.relname = $1`,
      [relation],
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the sink never blocked on the lock');
}
