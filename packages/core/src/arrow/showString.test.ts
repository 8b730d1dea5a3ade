import { describe, expect, it } from 'vitest';
import { conf, tableFromRows, toSchema } from '../index.ts';
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

describe("showString restated from Spark's DataFrameShowSuite", () => {
  const long = '1'.repeat(21);
  const strings = tableFromRows(toSchema('value STRING'), [{ value: '1' }, { value: long }]);

  it('showString: truncate = [0, 20]', () => {
    expect(showString(strings, 10, 0)).toBe(['+---------------------+', '|value                |', '+---------------------+', '|1                    |', `|${long}|`, '+---------------------+', ''].join('\n'));
    expect(showString(strings, 10, 20)).toBe(['+--------------------+', '|               value|', '+--------------------+', '|                   1|', `|${'1'.repeat(17)}...|`, '+--------------------+', ''].join('\n'));
  });

  it('showString: truncate = [3, 17]', () => {
    expect(showString(strings, 10, 3)).toBe(['+---+', '|val|', '+---+', '|  1|', '|111|', '+---+', ''].join('\n'));
    expect(showString(strings, 10, 17)).toBe(['+-----------------+', '|            value|', '+-----------------+', '|                1|', `|${'1'.repeat(14)}...|`, '+-----------------+', ''].join('\n'));
  });

  it('showString: truncate = [0, 20] and [3, 17], vertical = true', () => {
    expect(showString(strings, 10, 0, true)).toBe(`-RECORD 0----------------------\n value | 1                     \n-RECORD 1----------------------\n value | ${long} \n`);
    expect(showString(strings, 10, 20, true)).toBe(`-RECORD 0---------------------\n value | 1                    \n-RECORD 1---------------------\n value | ${'1'.repeat(17)}... \n`);
    expect(showString(strings, 10, 3, true)).toBe('-RECORD 0--\n val | 1   \n-RECORD 1--\n val | 111 \n');
    expect(showString(strings, 10, 17, true)).toBe(`-RECORD 0------------------\n value | 1                 \n-RECORD 1------------------\n value | ${'1'.repeat(14)}... \n`);
  });

  it('showString: minimum column width, horizontal and vertical; SPARK-7319 vertical footer', () => {
    const t = tableFromRows(toSchema('_1 INT, _2 INT'), [{ _1: 1, _2: 1 }, { _1: 2, _2: 2 }]);
    expect(showString(t, 10, true)).toBe(['+---+---+', '| _1| _2|', '+---+---+', '|  1|  1|', '|  2|  2|', '+---+---+', ''].join('\n'));
    expect(showString(t, 10, true, true)).toBe('-RECORD 0--\n _1  | 1   \n _2  | 1   \n-RECORD 1--\n _1  | 2   \n _2  | 2   \n');
    expect(showString(t, 1, true, true)).toBe('-RECORD 0--\n _1  | 1   \n _2  | 1   \nonly showing top 1 row\n');
  });

  it('showString: array and binary (HEX_DISCRETE); SPARK-23023 maps and structs', () => {
    const arrays = tableFromRows(toSchema('_1 ARRAY<INT>, _2 ARRAY<INT>'), [{ _1: [1, 2, 3], _2: [1, 2, 3] }, { _1: [2, 3, 4], _2: [2, 3, 4] }]);
    expect(showString(arrays, 10, true)).toBe(['+---------+---------+', '|       _1|       _2|', '+---------+---------+', '|[1, 2, 3]|[1, 2, 3]|', '|[2, 3, 4]|[2, 3, 4]|', '+---------+---------+', ''].join('\n'));
    const bytes = (s: string) => new TextEncoder().encode(s);
    const binary = tableFromRows(toSchema('_1 BINARY, _2 BINARY'), [{ _1: bytes('12'), _2: bytes('ABC.') }, { _1: bytes('34'), _2: bytes('12346') }]);
    expect(showString(binary, 10, true)).toBe(['+-------+----------------+', '|     _1|              _2|', '+-------+----------------+', '|[31 32]|   [41 42 43 2E]|', '|[33 34]|[31 32 33 34 36]|', '+-------+----------------+', ''].join('\n'));
    const structs = tableFromRows(toSchema('a STRUCT<_1: INT, _2: STRING>, b INT'), [{ a: { _1: 1, _2: 'a' }, b: 0 }, { a: { _1: 2, _2: 'b' }, b: 0 }]);
    expect(showString(structs, 10, true)).toBe(['+------+---+', '|     a|  b|', '+------+---+', '|{1, a}|  0|', '|{2, b}|  0|', '+------+---+', ''].join('\n'));
  });

  it('SPARK-33690: showString escapes meta-characters', () => {
    const t = tableFromRows(toSchema('s STRING'), [{ s: 'aaa\nbbb\tccc\rddd\feee\bfff\u000Bggg\u0007hhh' }]);
    expect(showString(t, 1, 0).split('\n')[3]).toBe('|aaa\\nbbb\\tccc\\rddd\\feee\\bfff\\vggg\\ahhh|');
  });

  it('SPARK-18350 show with session local timezone', () => {
    const t = tableFromRows(toSchema('d DATE, ts TIMESTAMP'), [{ d: Date.UTC(2016, 11, 1), ts: Date.UTC(2016, 11, 1, 8) }]);
    const previous = conf.get('spark.sql.session.timeZone');
    try {
      conf.set('spark.sql.session.timeZone', 'America/Los_Angeles');
      expect(showString(t, 1, 0).split('\n')[3]).toBe('|2016-12-01|2016-12-01 00:00:00|');
      conf.set('spark.sql.session.timeZone', 'UTC');
      expect(showString(t, 1, 0).split('\n')[3]).toBe('|2016-12-01|2016-12-01 08:00:00|');
    } finally {
      conf.set('spark.sql.session.timeZone', previous);
    }
  });
});
