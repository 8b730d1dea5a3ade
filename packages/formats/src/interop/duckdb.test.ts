/**
 * Interop with an independent engine: DuckDB (@duckdb/node-api) reads the Parquet files we write
 * and we read the Parquet, JSON and CSV files it writes, with the same rows.
 */
import { fc, test } from '@fast-check/vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Schema } from 'apache-arrow';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../csv/csv.ts';
import { readJson } from '../json/json.ts';
import { readParquet, writeParquet } from '../parquet/parquet.ts';
import { prepareWrite } from '../parquet/encode.ts';
import { encodeInWorkers } from '../parquet/parallel/writeInParallel.ts';
import { closeParquetWorkers } from '../parquet/workers/workerPool.ts';
import { arbitraryRows, plainRows } from '@sluice/core/arbitraries';

let dir: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-duckdb-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});

afterAll(async () => {
  await closeParquetWorkers();
  db?.closeSync();
  instance?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

const rowsJS = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS();

describe('DuckDB reads the Parquet we write', () => {
  const schema = toSchema('id LONG, n INT, small SMALLINT, tiny TINYINT, f FLOAT, x DOUBLE, ok BOOLEAN, s STRING, b BINARY, ts TIMESTAMP, d DATE, l ARRAY<STRING>, m MAP<STRING,INT>, st STRUCT<a: INT, z: STRUCT<q: STRING>>');
  let run = 0;

  test.prop([arbitraryRows(schema, 40), fc.constantFrom('snappy', 'zstd'), fc.constantFrom('TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS')], { numRuns: 8 })(
    'with the same values, and what DuckDB writes back from them reads as the same rows',
    async (rows, compression, outputTimestampType) => {
      const table = tableFromRows(schema, rows);
      const ours = join(dir, `ours-${run}.parquet`);
      const back = join(dir, `back-${run++}.parquet`);
      await writeFile(ours, writeParquet(table, { compression, outputTimestampType, rowGroupSize: 16 }));

      const seen = await rowsJS(`SELECT id, s, epoch_ms(ts) AS ts, strftime(d, '%Y-%m-%d') AS d, hex(b) AS b, ok, n, len(l) AS nl FROM read_parquet('${ours}')`);
      expect(seen).toEqual(rows.map((r) => ({
        id: r['id'] ?? null,
        s: r['s'] ?? null,
        ts: r['ts'] == null ? null : BigInt(r['ts'] as number),
        d: r['d'] == null ? null : new Date(r['d'] as number).toISOString().slice(0, 10),
        b: r['b'] == null ? null : Buffer.from(r['b'] as Uint8Array).toString('hex').toUpperCase(),
        ok: r['ok'] ?? null,
        n: r['n'] ?? null,
        nl: r['l'] == null ? null : BigInt((r['l'] as unknown[]).length),
      })));

      // Every column, nested ones included: DuckDB decodes our file into its own memory and writes it anew.
      await db.run(`COPY (SELECT * FROM read_parquet('${ours}')) TO '${back}' (FORMAT parquet)`);
      const again = readParquet(await readFile(back), { schema });
      expect(plainRows(tableToRows(again))).toEqual(plainRows(tableToRows(table)));
    },
  );
});

describe('DuckDB reads a file we encode in slices on worker threads', () => {
  it('as one file: every row group, dictionaries and stats per slice, zstd', async () => {
    const n = 120_000;
    const schema = toSchema('id LONG, country STRING, note STRING, ts TIMESTAMP, l ARRAY<INT>');
    const table = tableFromRows(schema, Array.from({ length: n }, (_, i) => ({ id: BigInt(i), country: ['fr', 'de', 'nl'][i % 3], note: i % 5 === 0 ? null : `note ${i}`, ts: 1_700_000_000_000 + i, l: [i] })));
    const file = join(dir, 'stitched.parquet');
    const { prepared, settings } = prepareWrite(table, { compression: 'zstd', rowGroupSize: 25_000 });
    await writeFile(file, await encodeInWorkers(prepared, settings));
    expect(await rowsJS(`SELECT count(*) AS n, sum(id) AS s, count(note) AS notes, min(id) AS lo, max(id) AS hi, sum(l[1]) AS ls FROM read_parquet('${file}')`)).toEqual([
      { n: BigInt(n), s: BigInt((n * (n - 1)) / 2), notes: BigInt(n - n / 5), lo: 0n, hi: BigInt(n - 1), ls: BigInt((n * (n - 1)) / 2) },
    ]);
    const groups = await rowsJS(`SELECT row_group_id AS g, row_group_num_rows AS rows, stats_min AS lo FROM parquet_metadata('${file}') WHERE path_in_schema = 'id' ORDER BY 1`);
    expect(groups.map((g) => [g['rows'], g['lo']])).toEqual([0, 1, 2, 3, 4].map((g) => [BigInt(g < 4 ? 25_000 : 20_000), String(g * 25_000)]));
    expect(await rowsJS(`SELECT count(*) AS n FROM read_parquet('${file}') WHERE id BETWEEN 60000 AND 60009 AND country = 'fr'`)).toEqual([{ n: 4n }]);
  });
});

describe('Parquet encodings we write, as DuckDB sees them', () => {
  it('dictionary pages for repetitive columns, plain pages for mostly-distinct ones, zstd when asked', async () => {
    const n = 20_000;
    const table = tableFromRows(toSchema('id LONG, country STRING, note STRING'), Array.from({ length: n }, (_, i) => ({ id: BigInt(i), country: ['fr', 'de', 'nl'][i % 3], note: `note ${i}` })));
    const file = join(dir, 'encodings.parquet');
    await writeFile(file, writeParquet(table, { compression: 'zstd' }));
    const meta = await rowsJS(`SELECT path_in_schema AS col, encodings, compression FROM parquet_metadata('${file}')`);
    const encodings = Object.fromEntries(meta.map((m) => [m['col'], String(m['encodings'])]));
    expect(encodings['country']).toMatch(/DICTIONARY/);
    expect(encodings['id']).not.toMatch(/DICTIONARY/);
    expect(encodings['note']).not.toMatch(/DICTIONARY/);
    expect(new Set(meta.map((m) => m['compression']))).toEqual(new Set(['ZSTD']));
    expect(await rowsJS(`SELECT count(*) AS n, count(DISTINCT note) AS d FROM read_parquet('${file}')`)).toEqual([{ n: BigInt(n), d: BigInt(n) }]);
  });
});

describe('we read what DuckDB writes', () => {
  const select = `SELECT
      i::BIGINT * 1000003 - 500 AS id,
      (i % 100)::INTEGER AS n,
      CASE WHEN i % 7 = 0 THEN NULL ELSE i / 3.0 END::DOUBLE AS x,
      CASE WHEN i % 5 = 0 THEN NULL ELSE 'name ' || i || CASE WHEN i % 3 = 0 THEN ', "quoted"' ELSE '' END END AS s,
      (i % 2 = 0) AS ok,
      TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i * 1234567) MILLISECOND AS ts,
      DATE '2000-01-01' + (i * 37)::INTEGER AS d,
      CASE WHEN i % 4 = 0 THEN NULL ELSE [i, i + 1, NULL] END AS l,
      map(['k' || (i % 3)], [i]) AS m,
      {'a': i, 'b': 'v' || i} AS st,
      ('\\xAA\\xBB' || i::VARCHAR)::BLOB AS bin
    FROM range(3000) t(i)`;

  it.each(['snappy', 'zstd', 'uncompressed'])('Parquet (%s, dictionary pages, several row groups): the same rows DuckDB holds', async (codec) => {
    const file = join(dir, `duck-${codec}.parquet`);
    await db.run(`COPY (${select}) TO '${file}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1000)`);
    const table = readParquet(await readFile(file), { file });
    expect(table.numRows).toBe(3000);
    const expected = await rowsJS(`SELECT id, n, x, s, ok, epoch_ms(ts) AS ts, hex(bin) AS bin FROM (${select})`);
    const ours = tableToRows(table).map((r) => ({
      id: r['id'], n: r['n'], x: r['x'], s: r['s'], ok: r['ok'],
      ts: r['ts'] == null ? null : BigInt(r['ts'] as number),
      bin: r['bin'] == null ? null : Buffer.from(r['bin'] as Uint8Array).toString('hex').toUpperCase(),
    }));
    expect(ours).toEqual(expected);
  });

  it("JSON lines: reading DuckDB's JSON with the Parquet file's schema gives the Parquet file's rows", async () => {
    const parquet = join(dir, 'duck-json.parquet');
    const json = join(dir, 'duck.json');
    await db.run(`COPY (SELECT * EXCLUDE (bin) FROM (${select})) TO '${parquet}' (FORMAT parquet)`);
    await db.run(`COPY (SELECT * EXCLUDE (bin) FROM (${select})) TO '${json}' (FORMAT json)`);
    const fromParquet = readParquet(await readFile(parquet));
    const fromJson = readJson(await readFile(json), { schema: fromParquet.schema, file: json, options: { mode: 'FAILFAST' } });
    expect(fromJson.numRows).toBe(3000);
    expect(plainRows(tableToRows(fromJson), { sortMaps: true })).toEqual(plainRows(tableToRows(fromParquet), { sortMaps: true }));
  });

  it("CSV with a header: DuckDB's quoting and nulls read back as its Parquet rows", async () => {
    const columns = 'id, n, x, s, ok, ts, d';
    const parquet = join(dir, 'duck-csv.parquet');
    const csv = join(dir, 'duck.csv');
    await db.run(`COPY (SELECT ${columns} FROM (${select})) TO '${parquet}' (FORMAT parquet)`);
    await db.run(`COPY (SELECT ${columns} FROM (${select})) TO '${csv}' (FORMAT csv, HEADER)`);
    const fromParquet = readParquet(await readFile(parquet));
    const fromCsv = readCsv(await readFile(csv), { schema: new Schema(fromParquet.schema.fields), file: csv, options: { header: true, mode: 'FAILFAST' } });
    expect(fromCsv.numRows).toBe(3000);
    expect(plainRows(tableToRows(fromCsv))).toEqual(plainRows(tableToRows(fromParquet)));
  });
});
