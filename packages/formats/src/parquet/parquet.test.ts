import { fc, test } from '@fast-check/vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSluiceError, tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { arbitraryTableInput, plainRows } from '@sluice/core/arbitraries';
import { readFooter } from './footer.ts';
import { readParquet, writeParquet } from './parquet.ts';
import { parquetWriteOptions } from './options.ts';

const FIXTURES = '/work/shared/fixtures/delta';

function parquetFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? parquetFiles(path) : name.endsWith('.parquet') ? [path] : [];
  });
}

describe('writeParquet → readParquet', () => {
  test.prop([arbitraryTableInput({}, 30), fc.constantFrom('snappy', 'zstd', 'none'), fc.boolean()], { numRuns: 60 })(
    'is the identity over generated schemas and values, nulls included',
    ({ schema, rows }, compression, dictionary) => {
      const table = tableFromRows(schema, rows);
      const bytes = writeParquet(table, { compression, 'parquet.enable.dictionary': dictionary });
      const back = readParquet(bytes);
      expect(back.schema.fields.map((f) => [f.name, String(f.type)])).toEqual(schema.fields.map((f) => [f.name, String(f.type)]));
      expect(plainRows(tableToRows(back))).toEqual(plainRows(tableToRows(table)));
    },
  );

  it('splits row groups at rowGroupSize and reads them all back in order', () => {
    const table = tableFromRows(toSchema('id LONG'), Array.from({ length: 2500 }, (_, i) => ({ id: BigInt(i) })));
    const bytes = writeParquet(table, { rowGroupSize: 1000 });
    expect(readFooter(bytes).rowGroupRows).toEqual([1000, 1000, 500]);
    expect(readParquet(bytes).getChild('id')!.toArray()).toEqual(BigInt64Array.from({ length: 2500 }, (_, i) => BigInt(i)));
  });

  it('writes timestamps as micros when asked (what Delta expects) and reads them back as ms', () => {
    const table = tableFromRows(toSchema('ts TIMESTAMP, s STRUCT<t: TIMESTAMP>'), [{ ts: 1714557600123, s: { t: -1 } }]);
    const back = readParquet(writeParquet(table, { outputTimestampType: 'TIMESTAMP_MICROS' }));
    expect(plainRows(tableToRows(back))).toEqual([{ ts: 1714557600123, s: { t: -1 } }]);
  });

  it('parses its options through defineOptions, Spark-style strings included', () => {
    const o = parquetWriteOptions.parse({ COMPRESSION: 'ZSTD', 'parquet.block.size': '64m', rowGroupSize: '10' }).options;
    expect(o).toMatchObject({ compression: 'zstd', 'parquet.block.size': 64 * 1024 * 1024, rowGroupSize: 10 });
    expect(() => parquetWriteOptions.parse({ compresion: 'zstd' })).toThrow(/Did you mean 'compression'/);
    expect(() => parquetWriteOptions.parse({ compression: 'lzo' })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});

describe('readParquet with a schema', () => {
  const bytes = writeParquet(tableFromRows(toSchema('Id INT, name STRING, score FLOAT'), [{ Id: 1, name: 'a', score: 0.5 }, { Id: null, name: null, score: null }]));

  it('matches columns case-insensitively, widens ints and floats, and fills absent columns with nulls', () => {
    const t = readParquet(bytes, { schema: toSchema('id LONG, score DOUBLE, missing STRING') });
    expect(plainRows(tableToRows(t))).toEqual([{ id: 1n, score: 0.5, missing: null }, { id: null, score: null, missing: null }]);
  });

  it('names the file and column when a type cannot be converted', () => {
    expect(() => readParquet(bytes, { schema: toSchema('name INT'), file: '/in/x.parquet' })).toThrow(
      expect.objectContaining({ code: 'SCHEMA_MISMATCH', message: expect.stringMatching(/'name' of file \/in\/x\.parquet is string .* says int/) }),
    );
  });
});

describe('readParquet on files written by Spark and delta-rs', () => {
  const files = parquetFiles(FIXTURES);

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(files.map((f) => [f.slice(FIXTURES.length + 1)]))('reads %s with the row count its footer declares', (relative) => {
    const bytes = readFileSync(join(FIXTURES, relative));
    const table = readParquet(bytes, { file: relative });
    expect(table.numRows).toBe(readFooter(bytes).numRows);
    expect(table.schema.fields.length).toBeGreaterThan(0);
    tableToRows(table); // every value decodes
  });

  it('reads the rows of the simple_table fixture as Spark wrote them', () => {
    const dir = join(FIXTURES, 'simple_table');
    const ids = parquetFiles(dir).flatMap((f) => [...readParquet(readFileSync(f)).getChild('id')!].map(Number));
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
  });

  it("reads Spark's INT96 timestamps as Timestamp(ms), 9999-12-31 included (parquet-rs alone wraps it around)", () => {
    const dir = join(FIXTURES, 'table_with_edge_timestamps');
    const rows = parquetFiles(dir).sort().flatMap((f) => tableToRows(readParquet(readFileSync(f))));
    expect(rows.map((r) => [new Date(r['BIG_DATE'] as number).toISOString(), new Date(r['NORMAL_DATE'] as number).toISOString(), r['SOME_VALUE']])).toEqual([
      ['9999-12-31T00:00:00.000Z', '2022-01-01T00:00:00.000Z', 1],
      ['9999-12-30T00:00:00.000Z', '2022-02-01T00:00:00.000Z', 2],
    ]);
  });
});

describe('readParquet on damaged input', () => {
  const good = writeParquet(tableFromRows(toSchema('id LONG, s STRING'), Array.from({ length: 3000 }, (_, i) => ({ id: BigInt(i), s: `v${i}` }))), { rowGroupSize: 1000, compression: 'snappy' });

  const expectCorrupt = (bytes: Uint8Array, pattern?: RegExp) => {
    let error: unknown;
    try {
      readParquet(bytes, { file: '/in/bad.parquet' });
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'FILE_CORRUPT')).toBe(true);
    expect((error as Error).message).toContain('/in/bad.parquet');
    if (pattern) expect((error as Error).message).toMatch(pattern);
    return error as Error & { details: Record<string, unknown> };
  };

  it('reports a truncated file (still being written) as FILE_CORRUPT naming the file', () => {
    expectCorrupt(good.slice(0, good.length - 100), /PAR1/);
    expectCorrupt(good.slice(0, 5), /too short/);
    expectCorrupt(new TextEncoder().encode('id,name\n1,a\n'), /PAR1/);
  });

  it('names the row group whose pages are damaged', () => {
    const footer = readFooter(good);
    expect(footer.rowGroupRows).toHaveLength(3);
    // Overwrite bytes in the middle of the file (row group 1's pages) with garbage.
    const bad = good.slice();
    const middle = Math.floor(good.length / 2);
    for (let k = middle - 200; k < middle + 200; k++) bad[k] = (k * 31) & 0xff;
    const error = expectCorrupt(bad);
    expect(error.details['rowGroup']).toBeTypeOf('number');
    expect(error.message).toMatch(/row group \d/);
  });

  test.prop([fc.integer({ min: 4, max: 10_000 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 255 })], { numRuns: 40 })(
    'never escapes as a raw wasm error or hangs, whatever bytes are damaged',
    (at, span, value) => {
      const bad = good.slice();
      const start = at % (good.length - 4);
      for (let k = start; k < Math.min(good.length - 4, start + span); k++) bad[k] = value;
      try {
        readParquet(bad, { file: '/in/bad.parquet' });
      } catch (e) {
        expect(isSluiceError(e)).toBe(true);
      }
    },
  );

  it('keeps working after a damaged file', () => {
    expect(readParquet(good).numRows).toBe(3000);
  });
});
