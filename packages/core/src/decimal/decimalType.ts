import { DataType, Decimal } from 'apache-arrow';
import { SluiceError } from '../errors.ts';

/** The largest precision a DECIMAL may have (Spark's `DecimalType.MAX_PRECISION`). */
export const MAX_PRECISION = 38;
/** The scale Spark keeps at least when a result type is cut down to 38 digits. */
export const MINIMUM_ADJUSTED_SCALE = 6;

/** A DECIMAL(precision, scale): the value is `unscaled / 10^scale` with at most `precision` digits. */
export interface DecimalSpec {
  readonly precision: number;
  readonly scale: number;
}

/** Spark's `DecimalType.SYSTEM_DEFAULT`, DECIMAL(38,18) (a bare `DECIMAL` is {@link DEFAULT_DECIMAL} instead). */
export const SYSTEM_DEFAULT_DECIMAL: DecimalSpec = { precision: 38, scale: 18 };
/** A bare `DECIMAL` in a schema string (Spark's `DecimalType.USER_DEFAULT`). */
export const DEFAULT_DECIMAL: DecimalSpec = { precision: 10, scale: 0 };

/**
 * A checked DECIMAL(p, s): 1 ≤ p ≤ 38 and 0 ≤ s ≤ p (Spark refuses the rest, and so do we).
 *
 * @example decimalSpec(10, 2) // { precision: 10, scale: 2 }
 */
export function decimalSpec(precision: number, scale = 0): DecimalSpec {
  if (!Number.isInteger(precision) || precision < 1 || precision > MAX_PRECISION) {
    throw new SluiceError('INVALID_SCHEMA', `DECIMAL precision ${precision} is out of range: it must be between 1 and ${MAX_PRECISION}.`);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new SluiceError('INVALID_SCHEMA', `DECIMAL(${precision}, ${scale}) has an impossible scale: it must be between 0 and the precision (${precision}).`);
  }
  return { precision, scale };
}

/** The Arrow type of a DECIMAL: 128-bit, as Spark writes and DuckDB reads it. */
export function decimalArrowType(spec: DecimalSpec): Decimal {
  return new Decimal(spec.scale, spec.precision, 128);
}

/** The DECIMAL behind an Arrow type, or null when it is not a decimal. */
export function decimalSpecOf(type: DataType): DecimalSpec | null {
  return DataType.isDecimal(type) ? { precision: type.precision, scale: type.scale } : null;
}

/** Spark's `DecimalType.bounded`: precision and scale each capped at 38. */
export function boundedDecimal(precision: number, scale: number): DecimalSpec {
  return { precision: Math.min(precision, MAX_PRECISION), scale: Math.min(scale, MAX_PRECISION) };
}

/**
 * Spark's `DecimalType.adjustPrecisionScale` (with `allowPrecisionLoss`): a result wider than 38
 * digits keeps its integer digits and gives up fraction digits, but never below 6 of them.
 */
export function adjustPrecisionScale(precision: number, scale: number): DecimalSpec {
  if (precision <= MAX_PRECISION) return { precision, scale };
  const integerDigits = precision - scale;
  const minimumScale = Math.min(scale, MINIMUM_ADJUSTED_SCALE);
  return { precision: MAX_PRECISION, scale: Math.max(MAX_PRECISION - integerDigits, minimumScale) };
}

export type DecimalOperator = '+' | '-' | '*' | '/' | '%';

export interface DecimalTypeRules {
  /** `spark.sql.decimalOperations.allowPrecisionLoss` (Spark's default: true). */
  readonly allowPrecisionLoss?: boolean;
}

/**
 * The result type of `a op b` for two decimals (Spark's `DecimalPrecision`):
 *
 * | op | precision | scale |
 * |----|-----------|-------|
 * | + − | max(s1,s2) + max(p1−s1, p2−s2) + 1 | max(s1,s2) |
 * | ×  | p1 + p2 + 1 | s1 + s2 |
 * | ÷  | p1 − s1 + s2 + max(6, s1 + p2 + 1) | max(6, s1 + p2 + 1) |
 * | %  | min(p1−s1, p2−s2) + max(s1,s2) | max(s1,s2) |
 *
 * then cut to 38 digits by {@link adjustPrecisionScale} (or capped, without precision loss).
 *
 * @example decimalResultType('/', { precision: 2, scale: 1 }, { precision: 5, scale: 2 }) // DECIMAL(10,7)
 */
export function decimalResultType(op: DecimalOperator, a: DecimalSpec, b: DecimalSpec, rules: DecimalTypeRules = {}): DecimalSpec {
  const allowLoss = rules.allowPrecisionLoss ?? true;
  const { precision: p1, scale: s1 } = a;
  const { precision: p2, scale: s2 } = b;
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(s1, s2);
      const precision = scale + Math.max(p1 - s1, p2 - s2) + 1;
      return allowLoss ? adjustPrecisionScale(precision, scale) : boundedDecimal(precision, scale);
    }
    case '*':
      return allowLoss ? adjustPrecisionScale(p1 + p2 + 1, s1 + s2) : boundedDecimal(p1 + p2 + 1, s1 + s2);
    case '/': {
      if (allowLoss) {
        const scale = Math.max(MINIMUM_ADJUSTED_SCALE, s1 + p2 + 1);
        return adjustPrecisionScale(p1 - s1 + s2 + scale, scale);
      }
      // Without precision loss Spark splits what does not fit between integer and fraction digits.
      let integerDigits = Math.min(MAX_PRECISION, p1 - s1 + s2);
      let fractionDigits = Math.min(MAX_PRECISION, Math.max(6, s1 + p2 + 1));
      const excess = integerDigits + fractionDigits - MAX_PRECISION;
      if (excess > 0) {
        fractionDigits -= Math.floor(excess / 2) + 1;
        integerDigits = MAX_PRECISION - fractionDigits;
      }
      return boundedDecimal(integerDigits + fractionDigits, fractionDigits);
    }
    case '%': {
      const scale = Math.max(s1, s2);
      const precision = Math.min(p1 - s1, p2 - s2) + scale;
      return allowLoss ? adjustPrecisionScale(precision, scale) : boundedDecimal(precision, scale);
    }
  }
}

/** `sum` over DECIMAL(p, s) is DECIMAL(p + 10, s), capped at 38. */
export function sumResultType(input: DecimalSpec): DecimalSpec {
  return boundedDecimal(input.precision + 10, input.scale);
}

/** `avg` over DECIMAL(p, s) is DECIMAL(p + 4, s + 4), capped at 38. */
export function avgResultType(input: DecimalSpec): DecimalSpec {
  return boundedDecimal(input.precision + 4, input.scale + 4);
}

/** The DECIMAL an integer column of `bitWidth` bits converts to (Spark's `DecimalType.forType`). */
export function integralDecimalSpec(bitWidth: number): DecimalSpec {
  switch (bitWidth) {
    case 8:
      return { precision: 3, scale: 0 };
    case 16:
      return { precision: 5, scale: 0 };
    case 32:
      return { precision: 10, scale: 0 };
    default:
      return { precision: 20, scale: 0 };
  }
}

/** An integer literal converts to the fewest digits that hold it (Spark's `DecimalType.fromLiteral`): `5` → DECIMAL(1,0). */
export function integerLiteralDecimalSpec(value: number | bigint): DecimalSpec {
  const digits = (typeof value === 'bigint' ? (value < 0n ? -value : value) : Math.abs(Math.trunc(value))).toString().length;
  return { precision: Math.max(1, digits), scale: 0 };
}

/** The narrowest DECIMAL holding both (Spark's `widerDecimalType`, used to compare and union). */
export function widerDecimalSpec(a: DecimalSpec, b: DecimalSpec): DecimalSpec {
  const scale = Math.max(a.scale, b.scale);
  const integerDigits = Math.max(a.precision - a.scale, b.precision - b.scale);
  return boundedDecimal(integerDigits + scale, scale);
}

/** Spark's name: `decimal(10,2)`. */
export function decimalTypeName(spec: DecimalSpec): string {
  return `decimal(${spec.precision},${spec.scale})`;
}
