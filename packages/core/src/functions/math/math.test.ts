import { describe, expect, it } from 'vitest';
import { evaluateRows, evaluateValue } from '../../testing/evaluateExpression.ts';

/** Spark's answers, restated from MathExpressionsSuite and the arithmetic rules (non-ANSI). */
const v = (sql: string) => evaluateValue(sql);
const type = (sql: string) => evaluateValue(`typeof(${sql})`);

describe('arithmetic operators', () => {
  it('result types widen; / is double; div is bigint', () => {
    expect(type('1 + 1')).toBe('int');
    expect(type('1 + 1L')).toBe('bigint');
    expect(type('cast(1 as smallint) + cast(1 as tinyint)')).toBe('smallint');
    expect(type('1 + 1.0D')).toBe('double');
    expect(type('1.0F + 1')).toBe('float');
    expect(type('1 / 2')).toBe('double');
    expect(type('5 div 2')).toBe('bigint');
    expect(type("'1' + 1")).toBe('double');
    expect(v("'1' + 1")).toBe(2);
    expect(v("'abc' + 1")).toBe(null);
  });

  it('integers wrap on overflow (non-ANSI)', () => {
    expect(v('2147483647 + 1')).toBe(-2147483648);
    expect(v('-2147483648 - 1')).toBe(2147483647);
    expect(v('65536 * 65536')).toBe(0);
    expect(v('9223372036854775807L + 1')).toBe(-9223372036854775808n);
    expect(v('4611686018427387904L * 2')).toBe(-9223372036854775808n);
    expect(v('cast(127 as tinyint) + cast(1 as tinyint)')).toBe(-128);
    expect(v('abs(-2147483648)')).toBe(-2147483648);
  });

  it('division and remainder by zero are null', () => {
    expect(v('10 / 0')).toBe(null);
    expect(v('10.0D / 0')).toBe(null);
    expect(v('10 % 0')).toBe(null);
    expect(v('10 div 0')).toBe(null);
    expect(v('pmod(10, 0)')).toBe(null);
    expect(v('7 / 2')).toBe(3.5);
    expect(v('-7 % 3')).toBe(-1);
    expect(v('7 % -3')).toBe(1);
    expect(v('-7 div 2')).toBe(-3n);
    expect(v('9223372036854775807L div 2')).toBe(4611686018427387903n);
    expect(v('pmod(-10, 3)')).toBe(2);
    expect(v('pmod(10, -3)')).toBe(1);
    expect(v('pmod(-7.5D, 2)')).toBe(0.5);
    expect(v('mod(2, 1.8D)')).toBeCloseTo(0.2, 12);
  });

  it('arithmetic over columns with nulls, and bigints beyond 2^53', () => {
    expect(evaluateRows('a * 2 + b', [{ a: 1, b: 2n }, { a: null, b: 3n }, { a: 4, b: null }], 'a INT, b BIGINT')).toEqual([4n, null, null]);
    const big = 9007199254740993n; // 2^53 + 1: not a double
    expect(evaluateRows('a + 1', [{ a: big }, { a: 1n }], 'a BIGINT')).toEqual([big + 1n, 2n]);
    expect(evaluateRows('a - b', [{ a: big, b: 1n }], 'a BIGINT, b BIGINT')).toEqual([big - 1n]);
    expect(evaluateRows('a > b', [{ a: big, b: big - 1n }, { a: big, b: big }], 'a BIGINT, b BIGINT')).toEqual([true, false]);
  });

  it('unary minus and plus', () => {
    expect(v('-(5)')).toBe(-5);
    expect(v('- cast(-2147483648 as int)')).toBe(-2147483648);
    expect(v('+(-1.5D)')).toBe(-1.5);
    expect(v('negative(2L)')).toBe(-2n);
  });
});

describe('rounding', () => {
  it('round is HALF_UP and bround HALF_EVEN, on the decimal value of a double', () => {
    const cases: [string, number][] = [['round(2.5D, 0)', 3], ['round(3.5D, 0)', 4], ['round(-2.5D, 0)', -3], ['round(-3.5D, 0)', -4], ['round(-0.35D, 1)', -0.4],
      ['bround(2.5D, 0)', 2], ['bround(3.5D, 0)', 4], ['bround(-2.5D, 0)', -2], ['bround(-3.5D, 0)', -4], ['bround(-0.35D, 1)', -0.4], ['round(1.005D, 2)', 1.01]];
    for (const [sql, expected] of cases) expect(v(sql), sql).toBe(expected);
    expect(v('round(-35, -1)')).toBe(-40);
    expect(v('bround(-35, -1)')).toBe(-40);
  });

  it('pi at every scale from -6 to 6, for each numeric type', () => {
    const scales = [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6];
    const doubles = [0, 0, 0, 0, 0, 0, 3, 3.1, 3.14, 3.142, 3.1416, 3.14159, 3.141593];
    const floats = [0, 0, 0, 0, 0, 0, 3, 3.1, 3.14, 3.141, 3.1415, 3.1415, 3.1415].map(Math.fround);
    const shorts = [0, 0, 30000, 31000, 31400, 31420, 31415, 31415, 31415, 31415, 31415, 31415, 31415];
    const ints = [314000000, 314200000, 314160000, 314159000, 314159300, 314159270, ...new Array(7).fill(314159265)];
    const intsB = [314000000, 314200000, 314160000, 314159000, 314159300, 314159260, ...new Array(7).fill(314159265)];
    const longs = [31415926536000000n, 31415926535900000n, 31415926535900000n, 31415926535898000n, 31415926535897900n, 31415926535897930n, ...new Array(7).fill(31415926535897932n)];
    scales.forEach((scale, i) => {
      expect(v(`round(pi(), ${scale})`), `double ${scale}`).toBe(doubles[i]);
      expect(v(`bround(pi(), ${scale})`), `double ${scale}`).toBe(doubles[i]);
      expect(v(`round(3.1415F, ${scale})`), `float ${scale}`).toBe(floats[i]);
      expect(v(`round(cast(31415 as smallint), ${scale})`), `short ${scale}`).toBe(shorts[i]);
      expect(v(`round(314159265, ${scale})`), `int ${scale}`).toBe(ints[i]);
      expect(v(`bround(314159265, ${scale})`), `int ${scale}`).toBe(intsB[i]);
      expect(v(`round(31415926535897932L, ${scale})`), `long ${scale}`).toBe(longs[i]);
    });
    expect(v('round(cast(NULL as double), 2)')).toBe(null);
  });

  it('decimals round exactly and keep Spark\'s result type', () => {
    const pi = "cast('3.1415927' as decimal(8,7))";
    const expected = ['3', '3.1', '3.14', '3.142', '3.1416', '3.14159', '3.141593', '3.1415927'];
    expected.forEach((text, i) => {
      expect(v(`cast(round(${pi}, ${i}) as string)`)).toBe(text);
      expect(v(`cast(bround(${pi}, ${i}) as string)`)).toBe(text);
    });
    expect(v(`cast(round(${pi}, 9) as string)`)).toBe('3.1415927');
    expect(type(`round(${pi}, 2)`)).toBe('decimal(4,2)');
    expect(type('round(cast(99 as decimal(2,0)), -1)')).toBe('decimal(3,0)');
    expect(v('cast(round(cast(99 as decimal(2,0)), -1) as string)')).toBe('100');
    expect(v('cast(bround(cast(2.5 as decimal(2,1)), 0) as string)')).toBe('2');
  });

  it('floor and ceil give bigints', () => {
    expect(v('floor(-0.1D)')).toBe(-1n);
    expect(v('ceil(-0.1D)')).toBe(0n);
    expect(v('ceil(5)')).toBe(5n);
    expect(v('ceiling(1.2D)')).toBe(2n);
    expect(v('floor(NULL)')).toBe(null);
  });
});

describe('functions of doubles', () => {
  it('sqrt, pow, exp and logs, with null and NaN where Spark has them', () => {
    for (let k = 0; k <= 20; k++) expect(v(`sqrt(${k * 0.1}D)`)).toBe(Math.sqrt(k * 0.1));
    expect(v('sqrt(-1.0D)')).toBeNaN();
    expect(v('sqrt(NULL)')).toBe(null);
    expect(v('pow(2, 10)')).toBe(1024);
    expect(v('power(-2.2D, 1.7D)')).toBeNaN();
    expect(v('exp(0)')).toBe(1);
    for (let k = 1; k <= 20; k++) expect(v(`log2(${k * 0.1}D)`)).toBeCloseTo(Math.log(k * 0.1) / Math.log(2), 14);
    for (const x of [-5, -1, 0]) {
      expect(v(`log2(${x})`)).toBe(null);
      expect(v(`ln(${x})`)).toBe(null);
      expect(v(`log10(${x})`)).toBe(null);
    }
    expect(v('log1p(-1)')).toBe(null);
    expect(v('log(2, 8)')).toBeCloseTo(3, 14);
    expect(v('log(-1.0D, 1.0D)')).toBe(null);
    expect(v('log(1.0D, -1.0D)')).toBe(null);
    expect(v('log(NULL, 1.0D)')).toBe(null);
    expect(v('log(1)')).toBe(0);
    expect(v('signum(-5)')).toBe(-1);
    expect(v('sign(0)')).toBe(0);
    expect(v('hypot(3, 4)')).toBe(5);
    expect(v('atan2(1, 1)')).toBe(Math.atan2(1, 1));
    expect(v('degrees(pi())')).toBe(180);
    expect(v('cbrt(27.0D)')).toBe(3);
  });

  it('bitwise operators and shifts', () => {
    expect(v('3 & 5')).toBe(1);
    expect(v('3 | 5')).toBe(7);
    expect(v('3 ^ 5')).toBe(6);
    expect(v('~0')).toBe(-1);
    expect(v('shiftleft(21, 1)')).toBe(42);
    expect(v('shiftleft(-21L, 1)')).toBe(-42n);
    expect(v('shiftleft(NULL, 1)')).toBe(null);
    expect(v('shiftright(42, 1)')).toBe(21);
    expect(v('shiftright(-42L, 1)')).toBe(-21n);
    expect(v('shiftrightunsigned(42, 1)')).toBe(21);
    expect(v('shiftrightunsigned(-42L, 1)')).toBe(9223372036854775787n);
    expect(v('1 << 3')).toBe(8);
  });

  it('hex, unhex and bin of numbers', () => {
    expect(v('hex(cast(NULL as bigint))')).toBe(null);
    expect(v('hex(28L)')).toBe('1C');
    expect(v('hex(-28L)')).toBe('FFFFFFFFFFFFFFE4');
    expect(v('hex(100800200404L)')).toBe('177828FED4');
    expect(v('hex(-100800200404L)')).toBe('FFFFFFE887D7012C');
    expect(v("hex(cast('三重的' as binary))")).toBe('E4B889E9878DE79A84');
    expect(v("unhex('737472696E67')")).toEqual(new TextEncoder().encode('string'));
    expect(v("unhex('')")).toEqual(new Uint8Array(0));
    expect(v("unhex('F')")).toEqual(new Uint8Array([15]));
    expect(v("unhex('ff')")).toEqual(new Uint8Array([255]));
    expect(v("unhex('三重的')")).toBe(null);
    for (let x = -20; x <= 20; x++) expect(v(`bin(${x})`)).toBe(BigInt.asUintN(64, BigInt(x)).toString(2));
    expect(v('bin(NULL)')).toBe(null);
  });
});
