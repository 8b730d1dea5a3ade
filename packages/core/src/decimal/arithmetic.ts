import { SluiceError } from '../errors.ts';
import { decimalResultType, decimalTypeName, type DecimalOperator, type DecimalSpec, type DecimalTypeRules } from './decimalType.ts';
import { formatDecimal } from './format.ts';
import { divideHalfUp, pow10, toPrecision } from './rounding.ts';

export interface DecimalModeOptions extends DecimalTypeRules {
  /** `spark.sql.ansi.enabled`: overflow and division by zero throw instead of giving null. */
  readonly ansi?: boolean;
}

/** `left op right` over unscaled values, with its result type fixed when the expression is bound. */
export interface DecimalBinaryOperation {
  readonly resultType: DecimalSpec;
  /** The unscaled result at `resultType.scale`; null on overflow or division by zero (outside ANSI mode). */
  apply(left: bigint, right: bigint): bigint | null;
}

/**
 * Spark's decimal `+ − × ÷ %`: the result type from {@link decimalResultType}, the value computed
 * exactly and rounded once, HALF_UP, to the result scale (Spark 4's SPARK-45786 semantics); a
 * result with more digits than the type holds is null (or `NUMERIC_VALUE_OUT_OF_RANGE` in ANSI
 * mode); `÷ 0` and `% 0` are null (or `DIVIDE_BY_ZERO`).
 *
 * @example
 * const div = decimalArithmetic('/', { precision: 2, scale: 1 }, { precision: 5, scale: 2 })
 * div.resultType          // DECIMAL(10,7)
 * div.apply(10n, 300n)    // 3333333n: 1.0 / 3.00 = 0.3333333
 */
export function decimalArithmetic(op: DecimalOperator, left: DecimalSpec, right: DecimalSpec, options: DecimalModeOptions = {}): DecimalBinaryOperation {
  const resultType = decimalResultType(op, left, right, options);
  const ansi = options.ansi ?? false;
  const s1 = left.scale;
  const s2 = right.scale;
  const common = Math.max(s1, s2);
  const up1 = pow10(common - s1);
  const up2 = pow10(common - s2);
  const fit = (exact: bigint, scale: number): bigint | null => {
    const result = toPrecision(exact, scale, resultType);
    if (result === null && ansi) throw overflow(exact, scale, resultType);
    return result;
  };
  const byZero = (): null => {
    if (ansi) throw new SluiceError('DIVIDE_BY_ZERO', `Division by zero in a DECIMAL ${op === '%' ? 'remainder' : 'division'}. Guard the divisor (e.g. nullif(divisor, 0)), or turn ANSI mode off to get null instead.`);
    return null;
  };
  switch (op) {
    case '+':
      return { resultType, apply: (x, y) => fit(x * up1 + y * up2, common) };
    case '-':
      return { resultType, apply: (x, y) => fit(x * up1 - y * up2, common) };
    case '*':
      return { resultType, apply: (x, y) => fit(x * y, s1 + s2) };
    case '/': {
      // x/10^s1 ÷ y/10^s2 at scale S is x·10^(s2+S) / (y·10^s1), rounded once.
      const up = pow10(s2 + resultType.scale);
      const down = pow10(s1);
      return {
        resultType,
        apply: (x, y) => {
          if (y === 0n) return byZero();
          return fit(divideHalfUp(x * up, y * down), resultType.scale);
        },
      };
    }
    case '%':
      // The remainder at the common scale is exact; its sign follows the dividend, as in Java.
      return { resultType, apply: (x, y) => (y === 0n ? byZero() : fit((x * up1) % (y * up2), common)) };
  }
}

function overflow(exact: bigint, scale: number, type: DecimalSpec): SluiceError {
  return new SluiceError(
    'NUMERIC_VALUE_OUT_OF_RANGE',
    `The result ${formatDecimal(exact, scale)} cannot be represented as ${decimalTypeName(type)}: it needs more than ${type.precision} digits. Cast the operands to a narrower scale, or turn ANSI mode off to get null instead.`,
    { details: { value: formatDecimal(exact, scale), targetType: decimalTypeName(type) } },
  );
}

/**
 * -1, 0 or 1: exact comparison of two decimals of any scales (1.0 equals 1.00).
 *
 * @example compareDecimals(10n, 1, 100n, 2) // 0
 */
export function compareDecimals(x: bigint, xScale: number, y: bigint, yScale: number): -1 | 0 | 1 {
  const a = xScale >= yScale ? x : x * pow10(yScale - xScale);
  const b = yScale >= xScale ? y : y * pow10(xScale - yScale);
  return a < b ? -1 : a > b ? 1 : 0;
}
