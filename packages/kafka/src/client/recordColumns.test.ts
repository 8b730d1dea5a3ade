import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ByteColumn } from './recordColumns.ts';

const value = fc.option(fc.uint8Array({ maxLength: 200 }), { nil: null });

describe('ByteColumn', () => {
  test.prop([fc.array(value, { maxLength: 300 }), fc.nat(), fc.nat()])('gives back every value pushed, through slices and compaction', (values, a, b) => {
    // A tiny initial array forces the grow path.
    const column = new ByteColumn(new Uint8Array(4));
    for (const v of values) column.push(v);
    const read = (c: ByteColumn) => Array.from({ length: c.length }, (_, i) => c.get(i));
    expect(read(column)).toEqual(values);
    const from = values.length === 0 ? 0 : a % (values.length + 1);
    const to = from + (values.length === 0 ? 0 : b % (values.length - from + 1));
    expect(read(column.slice(from, to))).toEqual(values.slice(from, to));
    const compacted = column.compactFrom(from);
    expect(read(compacted)).toEqual(values.slice(from));
    // Writing on after compaction, and to the original after slicing, leaves slices intact.
    const slice = column.slice(from, to);
    column.push(new Uint8Array([9, 9, 9]));
    compacted.push(null);
    expect(read(slice)).toEqual(values.slice(from, to));
    expect(read(compacted)).toEqual([...values.slice(from), null]);
  });

  test('a slice is read-only', () => {
    const column = new ByteColumn();
    column.push(new Uint8Array([1]));
    expect(() => column.slice(0, 1).push(null)).toThrow(/read-only/);
  });
});
