import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decimalFromInteger, decimalFromNumber, decimalToDecimal, decimalToEpochMs, decimalToInteger, decimalToNumber, decimalToString } from './convert.ts';
import type { DecimalSpec } from './decimalType.ts';
import { formatDecimal, formatDecimalJava } from './format.ts';
import { castStringToDecimal, decimalFromText, parseExactDecimal } from './parse.ts';
import { rescale, toPrecision } from './rounding.ts';

const dec = (precision: number, scale: number): DecimalSpec => ({ precision, scale });
/** The text of a cast result (null stays null), to compare with Spark's answers as written. */
const text = (value: bigint | null, spec: DecimalSpec) => (value === null ? null : formatDecimal(value, spec.scale));
const fromDouble = (v: number, p: number, s: number) => text(decimalFromNumber(v, dec(p, s), false), dec(p, s));
const fromString = (v: string, p: number, s: number) => text(castStringToDecimal(v, dec(p, s), false), dec(p, s));

describe('parsing like java.math.BigDecimal', () => {
  it('keeps the scale written', () => {
    expect(parseExactDecimal('10.030')).toEqual({ unscaled: 10030n, scale: 3 });
    expect(parseExactDecimal('-0.09')).toEqual({ unscaled: -9n, scale: 2 });
    expect(parseExactDecimal('0')).toEqual({ unscaled: 0n, scale: 0 });
    expect(parseExactDecimal('6E+37')).toEqual({ unscaled: 6n, scale: -37 });
    expect(parseExactDecimal('1.2e-3')).toEqual({ unscaled: 12n, scale: 4 });
    expect(parseExactDecimal('+.5')).toEqual({ unscaled: 5n, scale: 1 });
    expect(parseExactDecimal('1.')).toEqual({ unscaled: 1n, scale: 0 });
  });

  it('refuses what BigDecimal refuses', () => {
    for (const bad of ['', '.', '-', 'abc', '1e', '1.2.3', ' 1', 'NaN', 'Infinity', '1_000', '0x10', '1e99999999999']) {
      expect(parseExactDecimal(bad), bad).toBeNull();
    }
  });
});

describe('formatting', () => {
  // DecimalSuite "creating decimals": Decimal(BigDecimal(text)).toString === text.
  it('prints plain notation with the scale kept', () => {
    for (const t of ['0.09', '0.9', '0.90', '0.0', '0', '1.0', '-0.09', '-0.9', '-0.90', '-1.0', '10.030', '10000000000000000.00']) {
      const { unscaled, scale } = parseExactDecimal(t)!;
      expect(formatDecimal(unscaled, scale)).toBe(t);
      expect(formatDecimalJava(unscaled, scale)).toBe(t);
    }
    expect(formatDecimal(-5n, 3)).toBe('-0.005');
    expect(formatDecimal(1n, 7)).toBe('0.0000001');
  });

  it("prints Java's BigDecimal.toString below 1e-6 (what Spark writes to JSON and CSV)", () => {
    expect(formatDecimalJava(1n, 7)).toBe('1E-7');
    expect(formatDecimalJava(10n, 8)).toBe('1.0E-7');
    expect(formatDecimalJava(-123n, 10)).toBe('-1.23E-8');
    expect(formatDecimalJava(0n, 10)).toBe('0E-10');
    expect(formatDecimalJava(0n, 18)).toBe('0E-18');
    expect(formatDecimalJava(1n, 6)).toBe('0.000001');
    // DecimalSuite's "-3.237520E-31" result of SPARK-45786.
    expect(formatDecimalJava(-3237520n, 37)).toBe('-3.237520E-31');
  });

  test.prop([fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: 0, max: 38 })])(
    'plain text parses back to the same unscaled value and scale',
    (unscaled, scale) => {
      expect(parseExactDecimal(formatDecimal(unscaled, scale))).toEqual({ unscaled, scale });
      const java = parseExactDecimal(formatDecimalJava(unscaled, scale))!;
      expect(rescale(java.unscaled, java.scale, scale)).toBe(unscaled);
    },
  );
});

describe('rescaling HALF_UP (DecimalSuite changePrecision)', () => {
  it('rounds ties away from zero', () => {
    const cases: [string, string][] = [['0.4', '0'], ['0.5', '1'], ['0.6', '1'], ['1.0', '1'], ['1.1', '1'], ['1.6', '2'], ['2.5', '3'], ['5.5', '6']];
    for (const [n, rounded] of cases) {
      for (const sign of ['', '-']) {
        const value = parseExactDecimal(sign + n)!;
        const expected = sign && rounded !== '0' ? `-${rounded}` : rounded;
        expect(formatDecimal(toPrecision(value.unscaled, value.scale, dec(10, 0))!, 0), `${sign}${n}`).toBe(expected);
      }
    }
  });

  it('Decimal(BigDecimal(v), p, s): 10.030 at (4,1) is 10.0, -9.95 at (4,1) is -10.0; too wide is refused', () => {
    expect(text(toPrecision(10030n, 3, dec(4, 1)), dec(4, 1))).toBe('10.0');
    expect(text(toPrecision(-995n, 2, dec(4, 1)), dec(4, 1))).toBe('-10.0');
    expect(toPrecision(10030n, 3, dec(2, 1))).toBeNull();
    expect(toPrecision(-995n, 2, dec(2, 1))).toBeNull();
    expect(toPrecision(10n ** 17n, 0, dec(17, 0))).toBeNull();
    expect(toPrecision(10n ** 17n, 0, dec(18, 0))).toBe(10n ** 17n);
  });
});

// CastSuiteBase "casting to fixed-precision decimals", "cast from int/long #2", "Fast fail …", SPARK-28470.
describe('CAST(... AS DECIMAL(p, s)) outside ANSI mode', () => {
  it('doubles go through their shortest decimal form and round HALF_UP', () => {
    expect(fromDouble(10.03, 38, 18)).toBe('10.030000000000000000');
    expect(fromDouble(10.03, 4, 2)).toBe('10.03');
    expect(fromDouble(10.03, 3, 1)).toBe('10.0');
    expect(fromDouble(10.03, 2, 0)).toBe('10');
    expect(fromDouble(10.03, 1, 0)).toBeNull();
    expect(fromDouble(10.03, 2, 1)).toBeNull();
    expect(fromDouble(10.03, 3, 2)).toBeNull();
    expect(fromDouble(10.05, 4, 2)).toBe('10.05');
    expect(fromDouble(10.05, 3, 1)).toBe('10.1'); // 10.05 as a binary double is 10.0499999…: the shortest form decides
    expect(fromDouble(10.05, 2, 0)).toBe('10');
    expect(fromDouble(9.95, 3, 2)).toBe('9.95');
    expect(fromDouble(9.95, 3, 1)).toBe('10.0');
    expect(fromDouble(9.95, 2, 0)).toBe('10');
    expect(fromDouble(9.95, 2, 1)).toBeNull();
    expect(fromDouble(-9.95, 3, 1)).toBe('-10.0');
    expect(fromDouble(-9.95, 2, 0)).toBe('-10');
    expect(fromDouble(-9.95, 1, 0)).toBeNull();
    expect(fromDouble(134.12, 3, 2)).toBeNull();
    for (const special of [NaN, Infinity, -Infinity]) expect(fromDouble(special, 38, 18)).toBeNull();
    expect(fromDouble(Math.fround(10.03), 10, 5)).toBe('10.03000'); // a float widened: 10.029999732971191
  });

  it('decimals re-round and overflow to null', () => {
    expect(text(decimalToDecimal(1003n, dec(4, 2), dec(3, 1), false), dec(3, 1))).toBe('10.0');
    expect(decimalToDecimal(1003n, dec(4, 2), dec(3, 2), false)).toBeNull();
    expect(text(decimalToDecimal(1005n, dec(4, 2), dec(3, 1), false), dec(3, 1))).toBe('10.1');
    expect(text(decimalToDecimal(-995n, dec(3, 2), dec(3, 1), false), dec(3, 1))).toBe('-10.0');
    expect(decimalToDecimal(995n, dec(3, 2), dec(1, 0), false)).toBeNull();
    expect(decimalToDecimal(1003n, dec(4, 0), dec(3, 0), false)).toBeNull();
    expect(decimalToDecimal(995n, dec(3, 0), dec(3, 0), false)).toBe(995n);
  });

  it('integers and booleans', () => {
    expect(decimalFromInteger(123, dec(3, 1), false)).toBeNull();
    expect(decimalFromInteger(123, dec(2, 0), false)).toBeNull();
    expect(decimalFromInteger(123n, dec(3, 1), false)).toBeNull();
    expect(text(decimalFromInteger(123, dec(10, 0), false), dec(10, 0))).toBe('123');
    expect(text(decimalFromInteger(1, dec(2, 1), false), dec(2, 1))).toBe('1.0'); // CAST(true AS DECIMAL(2,1))
    expect(decimalFromInteger(1, dec(1, 1), false)).toBeNull(); // CAST(true AS DECIMAL(1,1))
  });

  it('strings: trimmed, BigDecimal syntax, 38 integer digits at most, null when not a number', () => {
    expect(fromString('12345678901234567890123456789012345678', 38, 0)).toBe('12345678901234567890123456789012345678');
    expect(fromString('123456789012345678901234567890123456789', 38, 0)).toBeNull();
    expect(fromString('12345678901234567890123456789012345678', 38, 1)).toBeNull();
    expect(fromString('0.00000000000000000000000000000000000001', 38, 0)).toBe('0');
    expect(fromString('0.00000000000000000000000000000000000000000001', 38, 0)).toBe('0');
    expect(fromString('0.00000000000000000000000000000000000001', 38, 18)).toBe('0.000000000000000000');
    expect(fromString('6E-120', 38, 0)).toBe('0');
    expect(fromString('6E+37', 38, 0)).toBe('60000000000000000000000000000000000000');
    expect(fromString('6E+38', 38, 0)).toBeNull();
    expect(fromString('6E+37', 38, 1)).toBeNull();
    expect(fromString('abcd', 38, 1)).toBeNull();
    expect(fromString('abdef', 10, 0)).toBeNull();
    expect(fromString('134.12', 3, 2)).toBeNull();
    expect(fromString(' \t10.035\n', 4, 2)).toBe('10.04');
    expect(fromString('1e-999999999', 10, 2)).toBe('0.00');
    expect(fromString('6.0790316E+25569151', 38, 0)).toBeNull();
  });

  it('in ANSI mode bad input and overflow are coded errors', () => {
    expect(() => castStringToDecimal('abc', dec(10, 2), true)).toThrow(/CAST_INVALID_INPUT/);
    expect(() => castStringToDecimal('134.12', dec(3, 2), true)).toThrow(/NUMERIC_VALUE_OUT_OF_RANGE/);
    expect(() => decimalFromNumber(NaN, dec(3, 2), true)).toThrow(/CAST_INVALID_INPUT/);
    expect(() => decimalFromNumber(1e10, dec(3, 2), true)).toThrow(/NUMERIC_VALUE_OUT_OF_RANGE/);
    expect(() => decimalToDecimal(1003n, dec(4, 2), dec(3, 2), true)).toThrow(/decimal\(3,2\)/);
  });
});

describe('JSON/CSV text (Spark decimalParser, en-US)', () => {
  it('drops grouping commas, does not trim, rounds HALF_UP', () => {
    expect(decimalFromText('1,234.567', dec(6, 2))).toBe(123457n);
    expect(decimalFromText('1e2', dec(5, 2))).toBe(10000n);
    expect(decimalFromText(' 1', dec(5, 2))).toBeNull();
    expect(decimalFromText('', dec(5, 2))).toBeNull();
    expect(decimalFromText('1000', dec(5, 2))).toBeNull();
    expect(decimalFromText('0e999999999', dec(5, 2))).toBe(0n);
  });
});

// CastSuiteBase "from decimal" and DecimalSuite "double and long values".
describe('CAST from DECIMAL', () => {
  it('to numbers and strings', () => {
    expect(decimalToNumber(10030n, 3)).toBe(10.03);
    expect(decimalToNumber(-100n, 1)).toBe(-10);
    expect(decimalToNumber(9223372036854775807n, 0)).toBe(9223372036854775807);
    expect(decimalToInteger(10030n, 3, 64, false)).toBe(10n);
    expect(decimalToInteger(15n, 1, 32, false)).toBe(1);
    expect(decimalToInteger(15n, 1, 8, false)).toBe(1);
    expect(decimalToInteger(-15n, 1, 16, false)).toBe(-1);
    expect(decimalToInteger(17n, 1, 64, false)).toBe(1n);
    expect(decimalToString(15n, 1, false)).toBe('1.5');
    expect(decimalToString(1n, 7, false)).toBe('1E-7');
    expect(decimalToString(1n, 7, true)).toBe('0.0000001');
  });

  it('to integers: out of range wraps like toLong.toInt, or fails in ANSI mode', () => {
    expect(decimalToInteger(3000000000n, 0, 32, false)).toBe(3000000000 - 2 ** 32);
    expect(decimalToInteger(2n ** 64n + 5n, 0, 64, false)).toBe(5n);
    expect(() => decimalToInteger(3000000000n, 0, 32, true)).toThrow(/CAST_OVERFLOW/);
    expect(decimalToInteger(2147483647n, 0, 32, true)).toBe(2147483647);
  });

  it('to timestamps as seconds', () => {
    expect(decimalToEpochMs(1n, 0)).toBe(1000);
    expect(decimalToEpochMs(15003n, 3)).toBe(15003);
    expect(decimalToEpochMs(-15n, 4)).toBe(-2); // -1.5 ms floors to -2
  });
});
