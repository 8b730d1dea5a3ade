import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compareDecimals, decimalArithmetic } from './arithmetic.ts';
import type { DecimalOperator, DecimalSpec } from './decimalType.ts';
import { formatDecimal } from './format.ts';
import { parseExactDecimal } from './parse.ts';

const dec = (precision: number, scale: number): DecimalSpec => ({ precision, scale });

/** Spark's `Literal(Decimal(BigDecimal(text), p, s)) op …`, returned as text (or null). */
function evaluate(op: DecimalOperator, a: string, pa: number, sa: number, b: string, pb: number, sb: number): string | null {
  const x = parseExactDecimal(a)!;
  const y = parseExactDecimal(b)!;
  const operation = decimalArithmetic(op, dec(pa, sa), dec(pb, sb));
  const scaled = (v: { unscaled: bigint; scale: number }, s: number) => v.unscaled * 10n ** BigInt(s - v.scale);
  const result = operation.apply(scaled(x, sa), scaled(y, sb));
  return result === null ? null : formatDecimal(result, operation.resultType.scale);
}

describe('DECIMAL arithmetic with Spark answers', () => {
  // DecimalSuite "arithmetic", with the operands typed as Decimal(n) gives them (INT → DECIMAL(10,0)).
  it('DecimalSuite arithmetic', () => {
    expect(evaluate('+', '100', 10, 0, '-100', 10, 0)).toBe('0');
    expect(evaluate('*', '100', 10, 0, '-100', 10, 0)).toBe('-10000');
    expect(evaluate('*', '1e13', 14, 0, '1e13', 14, 0)).toBe('100000000000000000000000000');
    expect(evaluate('/', '100', 10, 0, '-100', 10, 0)).toBe('-1.00000000000');
    expect(evaluate('/', '100', 10, 0, '0', 10, 0)).toBeNull();
    expect(evaluate('%', '100', 10, 0, '-100', 10, 0)).toBe('0');
    expect(evaluate('%', '100', 10, 0, '3', 10, 0)).toBe('1');
    expect(evaluate('%', '-100', 10, 0, '3', 10, 0)).toBe('-1');
    expect(evaluate('%', '100', 10, 0, '0', 10, 0)).toBeNull();
  });

  it('SPARK-8359: exact product of two longs', () => {
    const max = 9223372036854775807n;
    const multiply = decimalArithmetic('*', dec(38, 0), dec(38, 0));
    expect(multiply.resultType).toEqual(dec(38, 0));
    expect(multiply.apply(max, max)?.toString()).toBe('85070591730234615847396907784232501249');
    expect(multiply.apply(max * 10n, max)).toBeNull(); // 39 digits
  });

  it('SPARK-8677/8800: 1/3 and 2/3 round at the result scale, 1/8 is exact', () => {
    expect(evaluate('/', '1.000', 10, 3, '3.000', 10, 3)).toBe('0.33333333333333');
    expect(evaluate('/', '2', 10, 0, '3', 10, 0)).toBe('0.66666666667');
    expect(evaluate('/', '1', 10, 0, '8', 10, 0)).toBe('0.12500000000');
  });

  // ArithmeticExpressionSuite "SPARK-45786: Decimal multiply, divide, remainder, quot".
  it('SPARK-45786 known cases: one HALF_UP rounding of the exact result', () => {
    expect(evaluate('*', '-14120025096157587712113961295153.858047', 38, 6, '-0.4652', 4, 4)).toBe('6568635674732509803675414794505.574763');
    expect(evaluate('*', '-240810500742726', 15, 0, '-5677.6988688550027099967697071', 29, 25)).toBe('1367249507675382200.164877854336665327');
    const q1 = evaluate('/', '-0.172787979', 9, 9, '533704665545018957788294905796.5', 31, 1)!;
    expect(parseExactDecimal(q1)!.unscaled * 10n ** 0n).toBe(-3237520n);
    expect(q1).toBe('-0.0000000000000000000000000000003237520');
    // Spark states this one as 7.21642358550E-25, equal in value to the DECIMAL(38,35) result.
    expect(evaluate('/', '-0.574302343618', 12, 12, '-795826820326278835912868.106', 27, 3)).toBe('0.00000000000000000000000072164235855');
  });

  it('overflow is null, or NUMERIC_VALUE_OUT_OF_RANGE in ANSI mode; x/0 is null or DIVIDE_BY_ZERO', () => {
    const nines = 10n ** 38n - 1n;
    expect(decimalArithmetic('+', dec(38, 0), dec(38, 0)).apply(nines, 1n)).toBeNull();
    expect(() => decimalArithmetic('+', dec(38, 0), dec(38, 0), { ansi: true }).apply(nines, 1n)).toThrow(/NUMERIC_VALUE_OUT_OF_RANGE/);
    expect(() => decimalArithmetic('/', dec(5, 2), dec(5, 2), { ansi: true }).apply(1n, 0n)).toThrow(/DIVIDE_BY_ZERO/);
    expect(() => decimalArithmetic('%', dec(5, 2), dec(5, 2), { ansi: true }).apply(1n, 0n)).toThrow(/DIVIDE_BY_ZERO/);
  });

  it('pmod-style remainder keeps the sign of the dividend', () => {
    expect(evaluate('%', '0.7', 2, 1, '0.2', 2, 1)).toBe('0.1');
    expect(evaluate('%', '-7', 2, 0, '3', 2, 0)).toBe('-1');
    expect(evaluate('%', '7.5', 3, 1, '-2', 2, 0)).toBe('1.5');
  });

  it('compares across scales', () => {
    expect(compareDecimals(123n, 0, 12300n, 2)).toBe(0);
    expect(compareDecimals(-123n, 0, -12300n, 2)).toBe(0);
    expect(compareDecimals(1n, 1, 11n, 2)).toBe(-1);
    expect(compareDecimals(10n ** 37n, 0, 1n, 38)).toBe(1);
  });
});

/* An independent oracle: exact rationals, Spark's type formulas written out again, HALF_UP by hand. */
interface Rational { num: bigint; den: bigint }
const abs = (v: bigint) => (v < 0n ? -v : v);
function roundHalfUp(r: Rational, scale: number): bigint {
  const num = r.num * 10n ** BigInt(scale);
  const den = r.den;
  const sign = (num < 0n) !== (den < 0n) ? -1n : 1n;
  const [n, d] = [abs(num), abs(den)];
  const q = n / d;
  return sign * (2n * (n - q * d) >= d ? q + 1n : q);
}
function oracleType(op: DecimalOperator, a: DecimalSpec, b: DecimalSpec): DecimalSpec {
  const { precision: p1, scale: s1 } = a;
  const { precision: p2, scale: s2 } = b;
  const raw =
    op === '+' || op === '-' ? [Math.max(s1, s2) + Math.max(p1 - s1, p2 - s2) + 1, Math.max(s1, s2)]
    : op === '*' ? [p1 + p2 + 1, s1 + s2]
    : op === '/' ? [p1 - s1 + s2 + Math.max(6, s1 + p2 + 1), Math.max(6, s1 + p2 + 1)]
    : [Math.min(p1 - s1, p2 - s2) + Math.max(s1, s2), Math.max(s1, s2)];
  const [p, s] = raw as [number, number];
  if (p <= 38) return { precision: p, scale: s };
  return { precision: 38, scale: Math.max(38 - (p - s), Math.min(s, 6)) };
}
function oracle(op: DecimalOperator, x: Rational, y: Rational): Rational | null {
  switch (op) {
    case '+': return { num: x.num * y.den + y.num * x.den, den: x.den * y.den };
    case '-': return { num: x.num * y.den - y.num * x.den, den: x.den * y.den };
    case '*': return { num: x.num * y.num, den: x.den * y.den };
    case '/': return y.num === 0n ? null : { num: x.num * y.den, den: x.den * y.num };
    case '%': {
      if (y.num === 0n) return null;
      // x - trunc(x/y)·y
      const q = (x.num * y.den) / (x.den * y.num);
      return { num: x.num * y.den - q * y.num * x.den, den: x.den * y.den };
    }
  }
}

const spec = fc.integer({ min: 1, max: 38 }).chain((precision) => fc.record({ precision: fc.constant(precision), scale: fc.integer({ min: 0, max: precision }) }));
const valueOf = (s: DecimalSpec) => fc.bigInt({ min: -(10n ** BigInt(s.precision)) + 1n, max: 10n ** BigInt(s.precision) - 1n });
const operands = fc.tuple(spec, spec).chain(([a, b]) => fc.tuple(fc.constant(a), fc.constant(b), valueOf(a), valueOf(b)));

describe('property: decimal arithmetic agrees with exact rational arithmetic', () => {
  for (const op of ['+', '-', '*', '/', '%'] as const) {
    test.prop([operands], { numRuns: 300 })(`${op}: result type and value`, ([a, b, x, y]) => {
      const operation = decimalArithmetic(op, a, b);
      const type = oracleType(op, a, b);
      expect(operation.resultType).toEqual(type);
      const exact = oracle(op, { num: x, den: 10n ** BigInt(a.scale) }, { num: y, den: 10n ** BigInt(b.scale) });
      const rounded = exact === null ? null : roundHalfUp(exact, type.scale);
      const expected = rounded === null || abs(rounded) >= 10n ** BigInt(type.precision) ? null : rounded;
      expect(operation.apply(x, y)).toBe(expected);
    });
  }
});
