/**
 * Rows/s into PostgreSQL: the postgres sink (Arrow batch → binary COPY, in one transaction with
 * its progress row) against a raw COPY of the same rows with pg-copy-streams, in the same run.
 *
 * - append: the sink vs the COPY a user writes by hand (CSV built from the same values) — the
 *   issue's target, ≥ 0.8×;
 * - append vs the server's ceiling: COPY of bytes encoded before the clock starts (no client work);
 * - upsert: the sink vs the same staging COPY + INSERT … ON CONFLICT written by hand.
 *
 * Uses SLUICE_TEST_PG_URL or the local test server; works in a schema of its own, dropped after.
 * BENCH_PG_ROWS sets the rows per run (default 1,000,000), written as 10 micro-batches.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { asyncScheduler } from 'rxjs';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Table } from 'apache-arrow';
import { silentLogger, toSchema } from '@sluice/core';
import { tableFromColumns, type SinkContext } from '@sluice/core/connector';
import { postgresSink } from '@sluice/sinks';
import { median, type Bench, type BenchContext } from './lib/bench.ts';

const URL = process.env['SLUICE_TEST_PG_URL'] ?? 'postgres://postgres:sluice-test-pw@127.0.0.1:5432/postgres';
const ROWS = Number(process.env['BENCH_PG_ROWS'] ?? 1_000_000);
const BATCHES = 10;
const RUNS = 3;
const COLUMNS = '(id bigint PRIMARY KEY, ts timestamptz, name text, value double precision)';

interface Data {
  readonly ids: Float64Array;
  readonly ts: Float64Array;
  readonly names: string[];
  readonly values: Float64Array;
}

function makeData(offset: number): Data {
  const ids = new Float64Array(ROWS);
  const ts = new Float64Array(ROWS);
  const names: string[] = new Array(ROWS);
  const values = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    ids[i] = offset + i;
    ts[i] = 1_700_000_000_000 + i * 7;
    names[i] = `name-${(i * 7919) % 100_000}`.padEnd(10, 'x');
    values[i] = i * 0.25;
  }
  return { ids, ts, names, values };
}

/** The same rows as Arrow micro-batches, built before timing (the engine hands the sink tables). */
function toTables(data: Data): Table[] {
  const schema = toSchema('id LONG, ts TIMESTAMP, name STRING, value DOUBLE');
  const per = Math.ceil(ROWS / BATCHES);
  const tables: Table[] = [];
  for (let start = 0; start < ROWS; start += per) {
    const end = Math.min(ROWS, start + per);
    tables.push(tableFromColumns(schema, {
      id: Array.from(data.ids.subarray(start, end)),
      ts: Array.from(data.ts.subarray(start, end)),
      name: data.names.slice(start, end),
      value: data.values.subarray(start, end),
    }));
  }
  return tables;
}

/** What a user writes by hand: CSV lines from the values, streamed into COPY in 10 transactions. */
async function rawCsvCopy(client: pg.PoolClient, table: string, data: Data, into = table): Promise<void> {
  const per = Math.ceil(ROWS / BATCHES);
  for (let start = 0; start < ROWS; start += per) {
    const end = Math.min(ROWS, start + per);
    await client.query('BEGIN');
    if (into !== table) await client.query(`CREATE TEMP TABLE ${into} (LIKE ${table}) ON COMMIT DROP`);
    await pipeline(Readable.from(csvChunks(data, start, end)), client.query(copyFrom(`COPY ${into} FROM STDIN (FORMAT csv)`)));
    if (into !== table) {
      await client.query(`INSERT INTO ${table} SELECT * FROM ${into} ON CONFLICT (id) DO UPDATE SET ts = EXCLUDED.ts, name = EXCLUDED.name, value = EXCLUDED.value`);
    }
    await client.query('COMMIT');
  }
}

function* csvChunks(data: Data, start: number, end: number): Generator<string> {
  let chunk = '';
  for (let i = start; i < end; i++) {
    chunk += `${data.ids[i]},${new Date(data.ts[i]!).toISOString()},${data.names[i]},${data.values[i]}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function sinkContext(): SinkContext {
  return { queryId: randomUUID(), runId: randomUUID(), queryName: null, outputMode: 'append', scheduler: asyncScheduler, log: silentLogger };
}

async function timeIt(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export const bench: Bench = {
  name: 'postgres sink',
  async run(ctx: BenchContext) {
    const schema = `sluice_bench_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
    const pool = new pg.Pool({ connectionString: URL, max: 2 });
    await pool.query(`CREATE SCHEMA ${schema}`);
    try {
      await measure(ctx, pool, schema);
    } finally {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    }
  },
};

async function measure(ctx: BenchContext, pool: pg.Pool, schema: string): Promise<void> {
  const data = makeData(0);
  const tables = toTables(data);
  const sinkTable = `${schema}.via_sink`;
  const rawTable = `${schema}.via_copy`;
  const client = await pool.connect();
  await client.query(`CREATE TABLE ${sinkTable} ${COLUMNS}`);
  await client.query(`CREATE TABLE ${rawTable} ${COLUMNS}`);

  const runSink = async (mode: 'append' | 'upsert') => {
    const context = sinkContext();
    const sink = await postgresSink({ url: URL, dbtable: sinkTable, mode, ...(mode === 'upsert' ? { keyColumns: ['id'] } : {}) }).open(context);
    const signal = new AbortController().signal;
    const seconds = await timeIt(async () => {
      for (const [batchId, table] of tables.entries()) {
        await sink.addBatch(batchId, table, { batchId, queryId: context.queryId, runId: context.runId, queryName: null, outputMode: 'append', batchTimestampMs: 0, watermarkMs: 0, signal, fault: async () => {} });
      }
    });
    await sink.close();
    return seconds;
  };

  // Append: alternate sink and raw runs so drift on a shared machine hits both alike.
  const sinkAppend: number[] = [];
  const rawAppend: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await client.query(`TRUNCATE ${sinkTable}, ${rawTable}`);
    await client.query('CHECKPOINT');
    sinkAppend.push(await runSink('append'));
    rawAppend.push(await timeIt(() => rawCsvCopy(client, rawTable, data)));
    ctx.progress(`append run ${run + 1}: sink ${sinkAppend.at(-1)!.toFixed(2)} s, raw CSV COPY ${rawAppend.at(-1)!.toFixed(2)} s`);
  }
  const sinkRate = ROWS / median(sinkAppend);
  ctx.report({ name: 'postgres append (sink, binary COPY)', unit: 'rows/s', value: sinkRate, baseline: { name: 'raw COPY csv (pg-copy-streams)', value: ROWS / median(rawAppend) }, target: '≥ 0.8×', better: 'higher' });

  // The ceiling: the same rows as binary COPY bytes the server itself exported (per micro-batch),
  // taken before timing; sending them back is all the client does.
  const encoded: Buffer[][] = [];
  const per = Math.ceil(ROWS / BATCHES);
  for (let start = 0; start < ROWS; start += per) {
    const chunks: Buffer[] = [];
    const out = client.query(copyTo(`COPY (SELECT id, ts, name, value FROM ${sinkTable} WHERE id >= ${start} AND id < ${start + per} ORDER BY id) TO STDOUT (FORMAT binary)`));
    for await (const chunk of out) chunks.push(chunk as Buffer);
    encoded.push(chunks);
  }
  const ceiling: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await client.query(`TRUNCATE ${rawTable}`);
    ceiling.push(await timeIt(async () => {
      for (const chunks of encoded) {
        await client.query('BEGIN');
        await pipeline(Readable.from(chunks), client.query(copyFrom(`COPY ${rawTable} (id, ts, name, value) FROM STDIN (FORMAT binary)`)));
        await client.query('COMMIT');
      }
    }));
  }
  ctx.report({ name: 'postgres append (sink) vs server ceiling', unit: 'rows/s', value: sinkRate, baseline: { name: 'COPY of pre-encoded bytes', value: ROWS / median(ceiling) }, better: 'higher' });

  // Upsert over a full table: every row conflicts and is updated.
  const sinkUpsert: number[] = [];
  const rawUpsert: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    sinkUpsert.push(await runSink('upsert'));
    rawUpsert.push(await timeIt(() => rawCsvCopy(client, rawTable, data, 'raw_stage')));
    ctx.progress(`upsert run ${run + 1}: sink ${sinkUpsert.at(-1)!.toFixed(2)} s, raw ${rawUpsert.at(-1)!.toFixed(2)} s`);
  }
  ctx.report({ name: 'postgres upsert (sink)', unit: 'rows/s', value: ROWS / median(sinkUpsert), baseline: { name: 'raw COPY csv + INSERT ON CONFLICT', value: ROWS / median(rawUpsert) }, better: 'higher' });
  client.release();
}
