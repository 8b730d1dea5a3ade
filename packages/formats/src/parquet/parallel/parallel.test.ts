import { fc, test } from '@fast-check/vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSluiceError, tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { arbitraryTableInput, plainRows } from '@sluice/core/arbitraries';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareWrite } from '../encode.ts';
import { readFooter } from '../footer.ts';
import { field, readThriftStruct, type ThriftList, type ThriftStruct } from '../thrift/compactTree.ts';
import { readParquet, readParquetAsync, writeParquet, writeParquetAsync } from '../parquet.ts';
import { closeParquetWorkers } from '../workers/workerPool.ts';
import { readParquetFile, writeParquetFile } from '../parquetFile.ts';
import { decodeInWorkers, MIN_PARALLEL_BYTES } from './readInParallel.ts';
import { sliceRows, splitEvenly } from './split.ts';
import { encodeInWorkers } from './writeInParallel.ts';

afterAll(closeParquetWorkers);

describe('splitting work', () => {
  it('cuts row groups into contiguous ranges of about equal rows, none empty', () => {
    expect(splitEvenly([10, 10, 10, 10], 2)).toEqual([[0, 1], [2, 3]]);
    expect(splitEvenly([100, 1, 1, 1], 2)).toEqual([[0], [1, 2, 3]]);
    expect(splitEvenly([1, 1, 1, 100], 2)).toEqual([[0, 1, 2], [3]]);
    expect(splitEvenly([5], 4)).toEqual([[0]]);
    // DuckDB's 122 880-row groups of a 1 M-row file: 4 + 5 groups is nearer half than 5 + 4.
    expect(splitEvenly([...Array(8).fill(122_880), 16_960], 2)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7, 8]]);
    expect(splitEvenly([1, 1, 1], 3)).toEqual([[0], [1], [2]]);
  });

  it('cuts rows into slices of whole row groups when row groups are smaller than a slice', () => {
    expect(sliceRows(2500, 2, 1000)).toEqual([[0, 2000], [2000, 2500]]);
    expect(sliceRows(4000, 2, 1000)).toEqual([[0, 2000], [2000, 4000]]);
    expect(sliceRows(0, 2, 1000)).toEqual([]);
    expect(sliceRows(10, 2, 1_000_000)).toEqual([[0, 5], [5, 10]]);
    expect(sliceRows(1, 2, 100)).toEqual([[0, 1]]);
  });
});

describe('encoding in slices and decoding by row group ranges, on worker threads', () => {
  test.prop([arbitraryTableInput({}, 30), fc.constantFrom('snappy', 'zstd', 'none'), fc.boolean(), fc.integer({ min: 1, max: 12 })], { numRuns: 40 })(
    'round-trips generated schemas and values, nested and nulls included',
    async ({ schema, rows }, compression, dictionary, rowGroupSize) => {
      const table = tableFromRows(schema, rows);
      const { prepared, settings } = prepareWrite(table, { compression, 'parquet.enable.dictionary': dictionary, rowGroupSize });
      const bytes = await encodeInWorkers(prepared, settings);
      expect(readFooter(bytes).numRows).toBe(rows.length);
      expect(plainRows(tableToRows(readParquet(bytes)))).toEqual(plainRows(tableToRows(table)));
      if (rows.length > 0) {
        const decoded = await decodeInWorkers(bytes, readFooter(bytes));
        expect(decoded.numRows).toBe(rows.length);
        expect(plainRows(tableToRows(readParquet(writeParquet(decoded))))).toEqual(plainRows(tableToRows(table)));
      }
    },
  );

  it('keeps row groups at rowGroupSize and the page indexes pointing at the pages they index', async () => {
    const table = tableFromRows(toSchema('id LONG, s STRING'), Array.from({ length: 2500 }, (_, i) => ({ id: BigInt(i), s: `v${i % 7}` })));
    const { prepared, settings } = prepareWrite(table, { rowGroupSize: 500, 'parquet.page.size': 512 });
    const bytes = await encodeInWorkers(prepared, settings);
    expect(readFooter(bytes).rowGroupRows).toEqual([500, 500, 500, 500, 500]);
    // Each column chunk's offset index must start at its first data page, and every page it lists must be in the chunk.
    const footerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 8, true);
    const { struct: meta } = readThriftStruct(bytes.subarray(bytes.length - 8 - footerLength, bytes.length - 8));
    let checked = 0;
    for (const group of (field(meta, 4)!.value as ThriftList).items as ThriftStruct[]) {
      for (const chunk of (field(group, 1)!.value as ThriftList).items as ThriftStruct[]) {
        const column = field(chunk, 3)!.value as ThriftStruct;
        const start = Number(field(column, 11)?.value ?? field(column, 9)!.value);
        const end = start + Number(field(column, 7)!.value);
        const at = Number(field(chunk, 4)!.value);
        const { struct: index } = readThriftStruct(bytes.subarray(at, at + Number(field(chunk, 5)!.value)));
        const pages = ((field(index, 1)!.value as ThriftList).items as ThriftStruct[]).map((p) => Number(field(p, 1)!.value));
        expect(pages[0]).toBe(Number(field(column, 9)!.value));
        for (const page of pages) expect(page >= start && page < end).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(10);
    expect([...readParquet(bytes).getChild('id')!].map(Number)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
  });
});

describe('timestamps turned into milliseconds on the workers', () => {
  it('floor like conform.ts does: before 1970, year 1 and 9999 (beyond 2^53 µs) included', async () => {
    const values = [-1, -1001, 0, 1, 999, 1714557600123, 253402214399999, -62135596800000];
    const table = tableFromRows(toSchema('ts TIMESTAMP, s STRUCT<t: TIMESTAMP>'), values.map((v) => ({ ts: v, s: { t: v } })));
    const bytes = writeParquet(table, { outputTimestampType: 'TIMESTAMP_MICROS', rowGroupSize: 3 });
    const decoded = await decodeInWorkers(bytes, readFooter(bytes), true);
    expect(String(decoded.schema.fields[0]!.type)).toBe('Timestamp<MILLISECOND, UTC>');
    expect(plainRows(tableToRows(decoded))).toEqual(plainRows(tableToRows(table)));
    expect(plainRows(tableToRows(await readParquetAsync(bytes)))).toEqual(plainRows(tableToRows(readParquet(bytes))));
  });
});

describe('readParquetAsync and writeParquetAsync', () => {
  const big = tableFromRows(toSchema('id LONG, ts TIMESTAMP, s STRING, l ARRAY<INT>'), Array.from({ length: 150_000 }, (_, i) => ({
    id: BigInt(i), ts: 1_700_000_000_000 + i, s: i % 3 === 0 ? null : `row ${i}`, l: [i, i + 1],
  })));

  it('write a large table on the workers into one file that reads back the same, inline and in parallel', async () => {
    const bytes = await writeParquetAsync(big, { rowGroupSize: 30_000, compression: 'zstd' });
    expect(readFooter(bytes).rowGroupRows).toEqual([30_000, 30_000, 30_000, 30_000, 30_000]);
    const inline = readParquet(bytes);
    const parallel = await readParquetAsync(bytes, { file: '/in/big.parquet' });
    expect(plainRows(tableToRows(parallel))).toEqual(plainRows(tableToRows(inline)));
    expect(plainRows(tableToRows(parallel.slice(149_990)))).toEqual(plainRows(tableToRows(big.slice(149_990))));
  });

  it('name the file and row group of damaged pages, as readParquet does', async () => {
    const good = await writeParquetAsync(big, { rowGroupSize: 30_000 });
    const bad = good.slice();
    const middle = Math.floor(good.length / 2);
    for (let k = middle - 200; k < middle + 200; k++) bad[k] = (k * 31) & 0xff;
    const error = await readParquetAsync(bad, { file: '/in/bad.parquet' }).then(() => undefined, (e: unknown) => e as Error & { details: Record<string, unknown> });
    expect(isSluiceError(error, 'FILE_CORRUPT')).toBe(true);
    expect(error!.message).toContain('/in/bad.parquet');
    expect(error!.details['rowGroup']).toBeTypeOf('number');
    expect((await readParquetAsync(good)).numRows).toBe(150_000);
  });

  it('readParquetFile reads a large file row groups by worker, and damage is named as readParquet names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-parquet-file-'));
    try {
      const path = join(dir, 'big.parquet');
      const bytes = await writeParquetAsync(big, { rowGroupSize: 40_000, compression: 'none', outputTimestampType: 'TIMESTAMP_MICROS' });
      expect(bytes.length).toBeGreaterThan(MIN_PARALLEL_BYTES);
      await writeFile(path, bytes);
      const table = await readParquetFile(path);
      expect(table.batches.length).toBeGreaterThan(1);
      expect(plainRows(tableToRows(table))).toEqual(plainRows(tableToRows(readParquet(bytes))));

      // Damage shows where pages are compressed (plain pages would just decode other values).
      const noisy = tableFromRows(toSchema('id LONG, x DOUBLE'), Array.from({ length: 600_000 }, (_, i) => ({ id: BigInt(i), x: Math.sin(i) })));
      const snappy = await writeParquetAsync(noisy, { rowGroupSize: 100_000 });
      expect(snappy.length).toBeGreaterThan(MIN_PARALLEL_BYTES);
      const bad = snappy.slice();
      const middle = Math.floor(bad.length / 2);
      for (let k = middle - 200; k < middle + 200; k++) bad[k] = (k * 31) & 0xff;
      await writeFile(path, bad);
      const error = await readParquetFile(path).then(() => undefined, (e: unknown) => e as Error & { details: Record<string, unknown> });
      expect(isSluiceError(error, 'FILE_CORRUPT')).toBe(true);
      expect(error!.message).toContain(path);
      expect(error!.details['rowGroup']).toBeTypeOf('number');
      await writeFile(path, bytes.subarray(0, bytes.length - 10));
      await expect(readParquetFile(path)).rejects.toThrow(expect.objectContaining({ code: 'FILE_CORRUPT' }));
      // A footer of garbage between intact magic bytes.
      const garbled = snappy.slice();
      garbled.fill(0xff, garbled.length - 200, garbled.length - 8);
      await writeFile(path, garbled);
      await expect(readParquetFile(path)).rejects.toThrow(expect.objectContaining({ code: 'FILE_CORRUPT', message: expect.stringContaining(path) }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writeParquetFile writes the same bytes as writeParquetAsync, slices written as they are encoded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-parquet-file-'));
    try {
      const path = join(dir, 'out.parquet');
      for (const options of [{ rowGroupSize: 30_000, compression: 'zstd' as const }, {}]) {
        const size = await writeParquetFile(path, big, options);
        const bytes = await writeParquetAsync(big, options);
        expect(size).toBe(bytes.length);
        expect(Buffer.compare(readFileSync(path), bytes)).toBe(0);
      }
      // Small tables are written inline.
      expect(await writeParquetFile(path, big.slice(0, 10))).toBe(statSync(path).size);
      expect(readParquet(readFileSync(path)).numRows).toBe(10);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('read the Spark and delta-rs fixtures the same as readParquet', async () => {
    const files = (function walk(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : name.endsWith('.parquet') ? [path] : [];
      });
    })('/work/shared/fixtures/delta');
    for (const file of files) {
      const bytes = readFileSync(file);
      const footer = readFooter(bytes);
      if (footer.rowGroupRows.length < 2 || footer.numRows === 0) continue;
      expect(plainRows(tableToRows(await decodeInWorkers(bytes, footer)))).toEqual(plainRows(tableToRows(readParquet(bytes))));
      expect(plainRows(tableToRows(await readParquetFile(file)))).toEqual(plainRows(tableToRows(readParquet(bytes))));
    }
  });
});
