import { describe, expect, it } from 'vitest';
import {
  avgResultType, decimalResultType, decimalSpec, integerLiteralDecimalSpec, integralDecimalSpec, sumResultType, SYSTEM_DEFAULT_DECIMAL,
  widerDecimalSpec, type DecimalOperator, type DecimalSpec,
} from './decimalType.ts';

const dec = (precision: number, scale: number): DecimalSpec => ({ precision, scale });
const d1 = dec(2, 1);
const d2 = dec(5, 2);
const u = SYSTEM_DEFAULT_DECIMAL;
const i = integralDecimalSpec(32);
const type = (op: DecimalOperator, a: DecimalSpec, b: DecimalSpec) => decimalResultType(op, a, b);

// Restated from Spark's DecimalPrecisionSuite (d1 DECIMAL(2,1), d2 DECIMAL(5,2), u DECIMAL(38,18), i INT).
describe('DECIMAL result types (Spark DecimalPrecisionSuite)', () => {
  it('basic operations', () => {
    expect(type('+', d1, d2)).toEqual(dec(6, 2));
    expect(type('-', d1, d2)).toEqual(dec(6, 2));
    expect(type('*', d1, d2)).toEqual(dec(8, 3));
    expect(type('/', d1, d2)).toEqual(dec(10, 7));
    expect(type('/', d2, d1)).toEqual(dec(10, 6));
    expect(type('%', d1, d2)).toEqual(dec(3, 2));
    expect(type('%', d2, d1)).toEqual(dec(3, 2));
    expect(sumResultType(d1)).toEqual(dec(12, 1));
    expect(avgResultType(d1)).toEqual(dec(6, 5));
  });

  it('nested operations', () => {
    expect(type('+', type('+', d1, d2), d1)).toEqual(dec(7, 2));
    expect(type('+', type('+', d1, d1), d1)).toEqual(dec(4, 1));
    expect(type('+', type('+', type('+', d1, d2), d1), d2)).toEqual(dec(8, 2));
    expect(type('+', type('+', d1, d2), type('+', d1, d2))).toEqual(dec(7, 2));
    expect(type('-', type('-', d2, d1), d1)).toEqual(dec(7, 2));
    expect(type('*', type('*', d1, d1), d2)).toEqual(dec(11, 4));
    expect(type('/', d2, type('+', d1, d1))).toEqual(dec(10, 6));
    expect(sumResultType(type('+', d1, d1))).toEqual(dec(13, 1));
  });

  it('bringing in integer types', () => {
    expect(type('+', d1, i)).toEqual(dec(12, 1));
    expect(type('+', i, d1)).toEqual(dec(12, 1));
    expect(type('+', d1, integralDecimalSpec(64))).toEqual(dec(22, 1));
    expect(type('+', d1, integralDecimalSpec(16))).toEqual(dec(7, 1));
    expect(type('+', d1, integralDecimalSpec(8))).toEqual(dec(5, 1));
  });

  it('maximum decimals: cut to 38 digits keeping at least 6 fraction digits', () => {
    for (const e of [d1, d2, i, u]) {
      expect(type('+', e, u)).toEqual(dec(38, 17));
      expect(type('-', e, u)).toEqual(dec(38, 17));
    }
    expect(type('*', d1, u)).toEqual(dec(38, 16));
    expect(type('*', d2, u)).toEqual(dec(38, 14));
    expect(type('*', i, u)).toEqual(dec(38, 7));
    expect(type('*', u, u)).toEqual(dec(38, 6));
    expect(type('/', u, d1)).toEqual(dec(38, 17));
    expect(type('/', u, d2)).toEqual(dec(38, 16));
    expect(type('/', u, i)).toEqual(dec(38, 18));
    expect(type('/', u, u)).toEqual(dec(38, 6));
    expect(type('%', d1, u)).toEqual(dec(19, 18));
    expect(type('%', d2, u)).toEqual(dec(21, 18));
    expect(type('%', i, u)).toEqual(dec(28, 18));
    expect(type('%', u, u)).toEqual(u);
  });

  it('comparisons and unions widen to the narrowest type holding both', () => {
    expect(widerDecimalSpec(i, d1)).toEqual(dec(11, 1));
    expect(widerDecimalSpec(d2, d1)).toEqual(dec(5, 2));
    expect(widerDecimalSpec(d2, u)).toEqual(u);
    expect(widerDecimalSpec(i, d2)).toEqual(dec(12, 2));
  });

  it('without allowPrecisionLoss the types are only capped (and division splits the excess)', () => {
    const rules = { allowPrecisionLoss: false };
    expect(decimalResultType('*', u, u, rules)).toEqual(dec(38, 36));
    expect(decimalResultType('+', i, u, rules)).toEqual(dec(38, 18));
    // integer digits min(38, 38) and fraction digits min(38, 57) = 76, 38 too many: fraction 38 - (19 + 1) = 18
    expect(decimalResultType('/', u, u, rules)).toEqual(dec(38, 18));
  });

  it('sum adds 10 digits, avg 4 digits and 4 fraction digits, both capped at 38', () => {
    expect(sumResultType(dec(10, 2))).toEqual(dec(20, 2));
    expect(sumResultType(dec(30, 2))).toEqual(dec(38, 2));
    expect(avgResultType(dec(10, 2))).toEqual(dec(14, 6));
    expect(avgResultType(dec(36, 36))).toEqual(dec(38, 38));
  });

  it('integer literals take the fewest digits that hold them (DecimalType.fromLiteral)', () => {
    expect(integerLiteralDecimalSpec(5)).toEqual(dec(1, 0));
    expect(integerLiteralDecimalSpec(0)).toEqual(dec(1, 0));
    expect(integerLiteralDecimalSpec(-100)).toEqual(dec(3, 0));
    expect(integerLiteralDecimalSpec(9223372036854775807n)).toEqual(dec(19, 0));
  });

  it('refuses impossible types', () => {
    expect(() => decimalSpec(0, 0)).toThrow(/INVALID_SCHEMA/);
    expect(() => decimalSpec(39, 0)).toThrow(/between 1 and 38/);
    expect(() => decimalSpec(5, 6)).toThrow(/impossible scale/);
  });
});
