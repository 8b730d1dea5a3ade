import { describe, expect, it } from 'vitest';
import { tableFromRows, toSchema } from '@sluice/core';
import { showString } from './showString.ts';

describe("console sink's table, as Spark's show()", () => {
  const schema = toSchema('value STRING, count LONG');

  it('right-aligns cells under a +---+ frame', () => {
    const table = tableFromRows(schema, [{ value: 'cat', count: 1n }, { value: 'dog', count: 2n }]);
    expect(showString(table, 20, true)).toBe(['+-----+-----+', '|value|count|', '+-----+-----+', '|  cat|    1|', '|  dog|    2|', '+-----+-----+', ''].join('\n'));
  });

  it('cuts long strings to 17 characters and "..." when truncating, and says how many rows it left out', () => {
    const table = tableFromRows(schema, [{ value: 'a'.repeat(25), count: null }, { value: 'b', count: 3n }]);
    expect(showString(table, 1, true)).toBe(
      ['+--------------------+-----+', '|               value|count|', '+--------------------+-----+', `|${'a'.repeat(17)}...| null|`, '+--------------------+-----+', 'only showing top 1 row', ''].join('\n'),
    );
    expect(showString(table, 20, false).split('\n')[3]).toBe(`|${'a'.repeat(25)}|null |`);
  });

  it('prints doubles with a decimal point, binary as hex, arrays and structs', () => {
    const t = tableFromRows(toSchema('d DOUBLE, b BINARY, a ARRAY<INT>, s STRUCT<x: INT, y: STRING>'), [{ d: 1, b: new Uint8Array([10, 31]), a: [1, 2], s: { x: 1, y: 'q' } }]);
    expect(showString(t, 20, true).split('\n')[3]).toBe('|1.0|[0A 1F]|[1, 2]|{1, q}|');
  });
});

describe('showString and DECIMAL', () => {
  it('prints decimals plainly with their scale, right-aligned (Spark ToPrettyString)', () => {
    const t = tableFromRows(toSchema('price DECIMAL(10,2), tiny DECIMAL(10,8), big DECIMAL(38,18)'), [
      { price: '12.3', tiny: '0.0000001', big: '-12345678901234567890.123456789012345678' },
      { price: null, tiny: '0', big: '0' },
    ]);
    expect(showString(t, 20, false)).toBe([
      '+-----+----------+----------------------------------------+',
      '|price|tiny      |big                                     |',
      '+-----+----------+----------------------------------------+',
      '|12.30|0.00000010|-12345678901234567890.123456789012345678|',
      '|null |0.00000000|0.000000000000000000                    |',
      '+-----+----------+----------------------------------------+',
      '',
    ].join('\n'));
    expect(showString(t, 20, true).split('\n')[3]).toBe('|12.30|0.00000010|-1234567890123456...|');
  });
});
