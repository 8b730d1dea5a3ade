import { fc, test } from '@fast-check/vitest';
import { tableFromRows, toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { columnStats } from './columnStats.ts';

describe('columnStats', () => {
  it("has Delta's add.stats shape, recursing into structs", () => {
    const schema = toSchema('id LONG, name STRING, ts TIMESTAMP, d DATE, x DOUBLE, ok BOOLEAN, b BINARY, tags ARRAY<STRING>, s STRUCT<a: INT, inner: STRUCT<z: STRING>>');
    const table = tableFromRows(schema, [
      { id: 3n, name: 'b', ts: Date.UTC(2024, 4, 1, 10), d: Date.UTC(2024, 4, 1), x: 1.5, ok: true, b: new Uint8Array([1]), tags: ['x'], s: { a: 5, inner: { z: 'q' } } },
      { id: -1n, name: 'a', ts: Date.UTC(2024, 4, 2), d: Date.UTC(2023, 0, 1), x: NaN, ok: false, b: null, tags: null, s: null },
      { id: null, name: null, ts: null, d: null, x: -2, ok: null, b: null, tags: [], s: { a: null, inner: null } },
    ]);
    const stats = columnStats(table);
    expect(JSON.parse(JSON.stringify(stats))).toEqual({
      numRecords: 3,
      minValues: { id: -1, name: 'a', ts: '2024-05-01T10:00:00.000Z', d: '2023-01-01', x: -2, s: { a: 5, inner: { z: 'q' } } },
      maxValues: { id: 3, name: 'b', ts: '2024-05-02T00:00:00.000Z', d: '2024-05-01', x: 1.5, s: { a: 5, inner: { z: 'q' } } },
      nullCount: { id: 1, name: 1, ts: 1, d: 1, x: 0, ok: 1, b: 2, tags: 1, s: { a: 2, inner: { z: 2 } } },
    });
  });

  it('truncates long strings to 32 characters, raising a truncated max so it still bounds', () => {
    const long = 'x'.repeat(40);
    const stats = columnStats(tableFromRows(toSchema('s STRING'), [{ s: long }, { s: 'a' }]));
    expect(stats.minValues['s']).toBe('a');
    expect((stats.maxValues['s'] as string) > long).toBe(true);
    expect([...(stats.maxValues['s'] as string)]).toHaveLength(33);
  });

  it('leaves out bounds it cannot state: all-null columns, infinite floats', () => {
    const stats = columnStats(tableFromRows(toSchema('a INT, f DOUBLE'), [{ a: null, f: -Infinity }, { a: null, f: 1 }]));
    expect(stats.minValues).toEqual({});
    expect(stats.maxValues).toEqual({ f: 1 });
    expect(stats.nullCount).toEqual({ a: 2, f: 0 });
  });

  test.prop([fc.array(fc.option(fc.integer(), { nil: null }), { maxLength: 50 })])('bounds every value of an int column and counts its nulls', (values) => {
    const stats = columnStats(tableFromRows(toSchema('v INT'), values.map((v) => ({ v }))));
    const present = values.filter((v): v is number => v !== null);
    expect(stats.nullCount['v']).toBe(values.length - present.length);
    if (present.length > 0) {
      expect(stats.minValues['v']).toBe(Math.min(...present));
      expect(stats.maxValues['v']).toBe(Math.max(...present));
    }
  });

  test.prop([fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { minLength: 1, maxLength: 20 })])('rounds int64 bounds outward so they still bound', (values) => {
    const stats = columnStats(tableFromRows(toSchema('v LONG'), values.map((v) => ({ v }))));
    for (const v of values) {
      expect(BigInt(stats.minValues['v'] as number) <= v).toBe(true);
      expect(BigInt(stats.maxValues['v'] as number) >= v).toBe(true);
    }
  });

  test.prop([fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { minLength: 1, maxLength: 20 })])('orders strings by UTF-8 bytes, as Delta does', (values) => {
    const stats = columnStats(tableFromRows(toSchema('s STRING'), values.map((s) => ({ s }))));
    const sorted = [...values].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(stats.minValues['s']).toBe(sorted[0]);
    expect(stats.maxValues['s']).toBe(sorted.at(-1));
  });
});
