/**
 * DECIMAL through Parquet: Decimal128 columns keep every digit, are written with the physical
 * types Spark uses (INT32 up to 9 digits, INT64 up to 18, FIXED_LEN_BYTE_ARRAY above) and the
 * DECIMAL logical type, DuckDB reads them as DECIMAL(p,s), and we read the decimals DuckDB writes.
 */
import { fc, test } from '@fast-check/vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { arbitraryRows } from '@sluice/core/arbitraries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParquet, writeParquet } from './parquet.ts';

let dir: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-decimal-parquet-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

const rowsOf = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS();
const schema = toSchema('a DECIMAL(5,2), b DECIMAL(18,4), c DECIMAL(38,18), d DECIMAL(20,0), e DECIMAL(9,9), l ARRAY<DECIMAL(12,3)>');

describe('DECIMAL in Parquet', () => {
  test.prop([arbitraryRows(schema, 30), fc.constantFrom('snappy', 'zstd')], { numRuns: 6 })('round-trips exactly, and DuckDB reads the same digits as DECIMAL(p,s)', async (rows, compression) => {
    const table = tableFromRows(schema, rows);
    const file = join(dir, `r${n++}.parquet`);
    const bytes = writeParquet(table, { compression, rowGroupSize: 8 });
    await writeFile(file, bytes);
    expect(tableToRows(readParquet(bytes, { schema }))).toEqual(tableToRows(table));
    const duck = (await rowsOf(`SELECT a::VARCHAR a, b::VARCHAR b, c::VARCHAR c, d::VARCHAR d, e::VARCHAR e, l::VARCHAR l FROM read_parquet('${file}')`))
      // DuckDB prints a decimal with no integer digits as `.500`: add the 0 back before comparing texts.
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/(^|[[ ]|-)\./g, '$10.') : v])));
    const text = (v: unknown) => (v == null ? null : String(v));
    expect(duck).toEqual(tableToRows(table).map((r) => ({
      a: text(r['a']), b: text(r['b']), c: text(r['c']), d: text(r['d']), e: text(r['e']),
      l: r['l'] == null ? null : `[${(r['l'] as (string | null)[]).map((v) => v ?? 'NULL').join(', ')}]`,
    })));
  });

  it('uses Spark\'s physical types and the DECIMAL logical type', async () => {
    const file = join(dir, 'types.parquet');
    await writeFile(file, writeParquet(tableFromRows(schema, [{ a: '1.5', b: '2', c: '3', d: '4', e: '0.5', l: ['1'] }]), {}));
    const columns = await rowsOf(`SELECT name, type, logical_type FROM parquet_schema('${file}') WHERE type IS NOT NULL`);
    expect(columns).toEqual([
      { name: 'a', type: 'INT32', logical_type: 'DecimalType(scale=2, precision=5)' },
      { name: 'b', type: 'INT64', logical_type: 'DecimalType(scale=4, precision=18)' },
      { name: 'c', type: 'FIXED_LEN_BYTE_ARRAY', logical_type: 'DecimalType(scale=18, precision=38)' },
      { name: 'd', type: 'FIXED_LEN_BYTE_ARRAY', logical_type: 'DecimalType(scale=0, precision=20)' },
      { name: 'e', type: 'INT32', logical_type: 'DecimalType(scale=9, precision=9)' },
      { name: 'element', type: 'INT64', logical_type: 'DecimalType(scale=3, precision=12)' },
    ]);
    const described = await rowsOf(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`);
    expect(described.map((c) => c['column_type'])).toEqual(['DECIMAL(5,2)', 'DECIMAL(18,4)', 'DECIMAL(38,18)', 'DECIMAL(20,0)', 'DECIMAL(9,9)', 'DECIMAL(12,3)[]']);
  });

  it('reads the decimals DuckDB writes (INT32, INT64 and minimal fixed-length byte arrays)', async () => {
    const file = join(dir, 'duck.parquet');
    await db.run(`COPY (SELECT * FROM (VALUES
        (1.25::DECIMAL(4,2), -123456789012.345678::DECIMAL(18,6), '-12345678901234567890.123456789012345678'::DECIMAL(38,18), 99999999999999999999::DECIMAL(20,0)),
        (NULL, 0.000001::DECIMAL(18,6), '0.000000000000000001'::DECIMAL(38,18), -1::DECIMAL(20,0))
      ) t(a, b, c, d)) TO '${file}' (FORMAT PARQUET)`);
    const read = readParquet(new Uint8Array(await readFile(file)));
    expect(read.schema.fields.map((f) => String(f.type))).toEqual(['Decimal[4e+2]', 'Decimal[18e+6]', 'Decimal[38e+18]', 'Decimal[20e0]']);
    expect(tableToRows(read)).toEqual([
      { a: '1.25', b: '-123456789012.345678', c: '-12345678901234567890.123456789012345678', d: '99999999999999999999' },
      { a: null, b: '0.000001', c: '0.000000000000000001', d: '-1' },
    ]);
  });
});
