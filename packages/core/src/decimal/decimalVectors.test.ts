import { fc, test } from '@fast-check/vitest';
import { Field, Schema, Table, tableFromIPC, tableToIPC, type Decimal, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { tableFromRows, tableToRows } from '../arrow/tables.ts';
import { toSchema, sparkTypeName } from '../arrow/schema.ts';
import { vectorFromValues } from '../arrow/vectors.ts';
import { takeRows } from '../arrow/take.ts';
import { decimalArrowType } from './decimalType.ts';
import { decimalVector, unscaledValues } from './decimalVectors.ts';

const MAX = 10n ** 38n - 1n;
const cell = fc.option(fc.oneof(fc.bigInt({ min: -MAX, max: MAX }), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), fc.constantFrom(0n, -1n, 2n ** 53n, -(2n ** 53n), 2n ** 64n, -(2n ** 64n))), { nil: null });

describe('Decimal128 vectors', () => {
  test.prop([fc.array(cell, { maxLength: 40 })])('values → words → values is the identity, and Arrow reads the same numbers', (values) => {
    const vector = decimalVector({ precision: 38, scale: 4 }, values);
    const back = unscaledValues(vector);
    expect(back.values.map((v, i) => (back.valid && !back.valid[i] ? null : v))).toEqual(values);
    // Arrow's own getter is the independent reader: it prints the unscaled digits.
    values.forEach((v, i) => expect(vector.get(i) === null ? null : BigInt(String(vector.get(i)))).toBe(v));
  });

  test.prop([fc.array(cell, { minLength: 1, maxLength: 30 })])('survive Arrow IPC, slicing and takeRows', (values) => {
    const schema = new Schema([new Field('d', decimalArrowType({ precision: 38, scale: 2 }), true)]);
    const table = new Table({ d: decimalVector({ precision: 38, scale: 2 }, values) });
    const read = tableFromIPC(tableToIPC(table));
    expect(unscaledValues(read.getChild('d') as Vector<Decimal>).values.filter((_, i) => values[i] !== null)).toEqual(values.filter((v) => v !== null));
    const sliced = read.getChild('d')!.slice(1) as Vector<Decimal>;
    const slicedBack = unscaledValues(sliced);
    expect(slicedBack.values.map((v, i) => (slicedBack.valid?.[i] === 0 ? null : v))).toEqual(values.slice(1));
    const reversed = Int32Array.from(values.map((_, i) => values.length - 1 - i));
    const taken = takeRows(table.batches[0]!, reversed);
    const takenBack = unscaledValues(taken.getChildAt(0) as Vector<Decimal>);
    expect(takenBack.values.map((v, i) => (takenBack.valid?.[i] === 0 ? null : v))).toEqual([...values].reverse());
    expect(schema.fields[0]!.type.toString()).toBe('Decimal[38e+2]');
  });

  it('rows show decimals as exact text with their scale, and take them back', () => {
    const schema = toSchema('id INT, amount DECIMAL(12,2), nested STRUCT<x: DECIMAL(5,3)>, list ARRAY<DEC(4,1)>');
    const rows = [
      { id: 1, amount: '12.3', nested: { x: '1.5' }, list: ['1', '-2.25'] },
      { id: 2, amount: 0.1, nested: null, list: null },
      { id: 3, amount: null, nested: { x: null }, list: [] },
      { id: 4, amount: 123456789012345n, nested: { x: 12.3456 }, list: [null] },
    ];
    const table = tableFromRows(schema, rows);
    expect(tableToRows(table)).toEqual([
      { id: 1, amount: '12.30', nested: { x: '1.500' }, list: ['1.0', '-2.3'] },
      { id: 2, amount: '0.10', nested: null, list: null },
      { id: 3, amount: null, nested: { x: null }, list: [] },
      { id: 4, amount: '1234567890123.45', nested: { x: '12.346' }, list: [null] },
    ]);
  });

  it('a value that does not fit the column is a TYPE_MISMATCH, not a silent null', () => {
    const type = decimalArrowType({ precision: 4, scale: 2 });
    expect(() => vectorFromValues(type, ['123.4'])).toThrow(/TYPE_MISMATCH.*decimal\(4,2\)/);
    expect(() => vectorFromValues(type, ['abc'])).toThrow(/TYPE_MISMATCH/);
    expect(() => vectorFromValues(type, [Infinity])).toThrow(/TYPE_MISMATCH/);
  });

  it('a flat Uint32Array is taken as Arrow words (what Vector#toArray gives)', () => {
    const original = decimalVector({ precision: 20, scale: 2 }, [5n, -7n, 10n ** 30n]);
    const copy = vectorFromValues(original.type, original.toArray() as Uint32Array) as Vector<Decimal>;
    expect(unscaledValues(copy).values).toEqual([5n, -7n, 10n ** 30n]);
  });
});

describe('DECIMAL in schema strings (Spark DDL)', () => {
  it('DECIMAL(p,s), DECIMAL(p), DECIMAL, DEC and NUMERIC', () => {
    const schema = toSchema('a DECIMAL(12,2), b decimal(5), c DECIMAL, d NUMERIC(38, 18), e dec(3,3), f DECIMAL (7 , 1) NOT NULL');
    expect(schema.fields.map((f) => sparkTypeName(f.type))).toEqual(['decimal(12,2)', 'decimal(5,0)', 'decimal(10,0)', 'decimal(38,18)', 'decimal(3,3)', 'decimal(7,1)']);
    expect(schema.fields[5]!.nullable).toBe(false);
    expect((schema.fields[0]!.type as Decimal).bitWidth).toBe(128);
    expect(sparkTypeName(toSchema('m MAP<STRING, DECIMAL(4,2)>').fields[0]!.type)).toBe('map<string,decimal(4,2)>');
  });

  it('refuses impossible precision and scale with a coded error', () => {
    expect(() => toSchema('a DECIMAL(39,2)')).toThrow(/INVALID_SCHEMA.*precision must be 1 to 38/);
    expect(() => toSchema('a DECIMAL(0)')).toThrow(/INVALID_SCHEMA/);
    expect(() => toSchema('a DECIMAL(5,6)')).toThrow(/INVALID_SCHEMA/);
    expect(() => toSchema('a DECIMAL(5,x)')).toThrow(/INVALID_SCHEMA.*DECIMAL\(precision, scale\)/);
    expect(() => toSchema({ a: 'decimal(3,-1)' })).toThrow(/INVALID_SCHEMA/);
  });
});
