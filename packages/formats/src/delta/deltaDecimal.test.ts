/**
 * DECIMAL in Delta tables: the schema says `decimal(p,s)`, file statistics hold the exact digits
 * as JSON numbers (as Spark writes them), a decimal partition column is a directory and a log
 * string with its scale (`12.30`), and what we write reads back exactly, here and in DuckDB.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDelta } from './readDelta.ts';
import { duckdbReadDelta } from './testing/duckdbReplay.ts';
import { writeDelta } from './writeDelta.ts';

let instance: DuckDBInstance;
let db: DuckDBConnection;
let dir: string;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  dir = await mkdtemp(join(tmpdir(), 'sluice-delta-decimal-'));
});
afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

const schema = toSchema('id INT, amount DECIMAL(38,18), bucket DECIMAL(5,2), nested STRUCT<fee: DECIMAL(10,8)>');
const rows = [
  { id: 1, amount: '12345678901234567890.123456789012345678', bucket: '12.3', nested: { fee: '0.0000001' } },
  { id: 2, amount: '-0.05', bucket: '12.30', nested: { fee: '1.5' } },
  { id: 3, amount: null, bucket: null, nested: null },
  { id: 4, amount: '0', bucket: '-0.5', nested: { fee: null } },
];

describe('DECIMAL in Delta', () => {
  it('writes decimal(p,s) types, exact JSON-number stats and scaled partition values; reads back exactly', async () => {
    const path = join(dir, 'money');
    await writeDelta(path, tableFromRows(schema, rows), { partitionBy: ['bucket'] });
    const commit = (await readFile(join(path, '_delta_log', '00000000000000000000.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    const metadata = commit.find((a) => a['metaData'])!['metaData']!;
    expect(JSON.parse(metadata['schemaString'] as string).fields.map((f: { type: unknown }) => f.type)).toEqual([
      'integer', 'decimal(38,18)', 'decimal(5,2)', { type: 'struct', fields: [{ name: 'fee', type: 'decimal(10,8)', nullable: true, metadata: {} }] },
    ]);
    const adds = commit.filter((a) => a['add']).map((a) => a['add']!);
    expect(adds.map((a) => a['partitionValues']).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { bucket: '-0.50' }, { bucket: '12.30' }, { bucket: null },
    ]);
    const stats = adds.find((a) => (a['partitionValues'] as Record<string, unknown>)['bucket'] === '12.30')!['stats'] as string;
    // Every digit, as JSON numbers (a double would print 12345678901234567000 and 1e-7).
    expect(stats).toContain('"minValues":{"id":1,"amount":-0.050000000000000000,"nested":{"fee":1.0E-7}}');
    expect(stats).toContain('"maxValues":{"id":2,"amount":12345678901234567890.123456789012345678,"nested":{"fee":1.50000000}}');
    expect(JSON.parse(stats).nullCount).toEqual({ id: 0, amount: 0, nested: { fee: 0 } });
    expect(await readdir(path)).toEqual(expect.arrayContaining(['bucket=12.30', 'bucket=-0.50', 'bucket=__HIVE_DEFAULT_PARTITION__']));

    const back = tableToRows(await readDelta(path));
    const expected = tableToRows(tableFromRows(schema, rows));
    expect(back.sort((a, b) => Number(a['id']) - Number(b['id']))).toEqual(expected);

    // DuckDB replays the log on its own and reads the files: the same digits.
    const duck = await duckdbReadDelta(db, path);
    const files = duck.files.map((f) => `'${join(path, decodeURIComponent(f))}'`).join(',');
    const amounts = (await db.runAndReadAll(`SELECT id, amount::VARCHAR AS amount, nested.fee::VARCHAR AS fee FROM read_parquet([${files}]) ORDER BY id`)).getRowObjectsJS();
    expect(amounts).toEqual([
      { id: 1, amount: '12345678901234567890.123456789012345678', fee: '0.00000010' },
      { id: 2, amount: '-0.050000000000000000', fee: '1.50000000' },
      { id: 3, amount: null, fee: null },
      { id: 4, amount: '0.000000000000000000', fee: null },
    ]);
    expect(duck.rows.map((r) => r['bucket']).sort()).toEqual(['-0.50', '12.30', '12.30', null]);
  });
});
