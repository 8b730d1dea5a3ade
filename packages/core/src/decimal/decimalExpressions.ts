import { DataType, Type, type Decimal, type Int } from 'apache-arrow';
import { SluiceError } from '../errors.ts';
import { compareDecimals, decimalArithmetic, type DecimalModeOptions } from './arithmetic.ts';
import {
  decimalFromEpochMs, decimalFromInteger, decimalFromNumber, decimalToDecimal, decimalToEpochMs, decimalToInteger, decimalToNumber, decimalToString,
} from './convert.ts';
import { decimalArrowType, decimalSpec, decimalSpecOf, integerLiteralDecimalSpec, integralDecimalSpec, type DecimalOperator, type DecimalSpec } from './decimalType.ts';
import { formatDecimal } from './format.ts';
import { castStringToDecimal, parseExactDecimal } from './parse.ts';
import { digitCount, toPrecision } from './rounding.ts';

/*
 * The decimal side of expression binding, as small plans the expression code calls: which type
 * a `+ − × ÷ %`, a comparison or a cast over decimals has, and how each cell converts. Cells
 * are what `cellsOf` gives: a decimal is its unscaled bigint, an integer a number or bigint, a
 * double a number, a timestamp epoch ms, a string a string.
 */

/**
 * How decimals evaluate: Spark's defaults `spark.sql.ansi.enabled=false` (overflow and bad input
 * give null, like every other expression in Sluice today; see conformance/README.md) and
 * `spark.sql.decimalOperations.allowPrecisionLoss=true`.
 */
export const DECIMAL_EVALUATION: Required<DecimalModeOptions> = { ansi: false, allowPrecisionLoss: true };

/**
 * An exact decimal constant, Spark's BigDecimal literal (`1.05BD`, or `1.05` in SQL): its type
 * is the digits written, DECIMAL(3,2) for `1.05`. Use it in `lit()` or any column method.
 *
 * @example col('price').multiply(decimalLiteral('1.05')) // price × 1.05, exactly
 */
export class DecimalLiteral {
  constructor(
    /** The value × 10^scale. */
    readonly unscaled: bigint,
    readonly spec: DecimalSpec,
  ) {}

  toString(): string {
    return formatDecimal(this.unscaled, this.spec.scale);
  }
}

/**
 * A decimal constant from its text. Without a type it gets Spark's literal type (precision =
 * digits, scale = digits after the point); with one it is rounded HALF_UP to it, and a value
 * that does not fit is an error.
 *
 * @example decimalLiteral('12.30') // DECIMAL(4,2)
 * @example decimalLiteral('12.345', 5, 2) // 12.35 as DECIMAL(5,2)
 */
export function decimalLiteral(text: string, precision?: number, scale?: number): DecimalLiteral {
  const exact = parseExactDecimal(text.trim());
  if (exact === null) throw new SluiceError('TYPE_MISMATCH', `'${text}' is not a decimal number; write it like '12.30' or '-1.5e3'.`);
  let spec: DecimalSpec;
  if (precision !== undefined) spec = decimalSpec(precision, scale ?? 0);
  else {
    const literalScale = Math.max(0, exact.scale);
    spec = decimalSpec(Math.max(digitCount(exact.unscaled) + literalScale - exact.scale, literalScale, 1), literalScale);
  }
  const unscaled = toPrecision(exact.unscaled, exact.scale, spec);
  if (unscaled === null) throw new SluiceError('TYPE_MISMATCH', `${text} does not fit DECIMAL(${spec.precision},${spec.scale}); give a wider precision.`);
  return new DecimalLiteral(unscaled, spec);
}

/** What binding knows of an operand: its type, and its value when it is a literal. */
export interface OperandInfo {
  readonly type: DataType;
  /** Present (possibly null) when the operand is a literal. */
  readonly literal?: unknown;
}

export type DecimalArithmeticPlan =
  | {
      readonly kind: 'decimal';
      readonly type: Decimal;
      left(cell: unknown): bigint;
      right(cell: unknown): bigint;
      /** The unscaled result, or null (overflow, ÷ 0) outside ANSI mode. */
      apply(x: bigint, y: bigint): bigint | null;
    }
  | { readonly kind: 'double'; left(cell: unknown): number; right(cell: unknown): number };

/**
 * The plan of `left op right` when a decimal is involved (else null): decimal with decimal or
 * integer is decimal arithmetic with Spark's result type (integer columns as DECIMAL(10,0) etc.,
 * integer literals with just their digits); decimal with float/double is double arithmetic.
 *
 * @example planDecimalArithmetic('*', { type: decimal(10,2) }, { type: new Int32(), literal: 3 }) // DECIMAL(12,2)
 */
export function planDecimalArithmetic(op: DecimalOperator, left: OperandInfo, right: OperandInfo, mode: DecimalModeOptions = DECIMAL_EVALUATION): DecimalArithmeticPlan | null {
  if (!DataType.isDecimal(left.type) && !DataType.isDecimal(right.type)) return null;
  if (isFloating(left.type) || isFloating(right.type)) {
    const l = toDouble(left.type);
    const r = toDouble(right.type);
    return l && r ? { kind: 'double', left: l, right: r } : null;
  }
  const a = operandSpec(left);
  const b = operandSpec(right);
  if (a === null || b === null) return null;
  const operation = decimalArithmetic(op, a, b, mode);
  return { kind: 'decimal', type: decimalArrowType(operation.resultType), left: toUnscaled, right: toUnscaled, apply: operation.apply };
}

/**
 * A comparator for `left` vs `right` when a decimal is involved (else null): exact across
 * scales with decimals and integers; as doubles with float/double and with strings (Spark's
 * rule since SPARK-22469). Null when a side has no value as a number (a string like 'abc').
 */
export function planDecimalComparison(left: OperandInfo, right: OperandInfo): ((x: unknown, y: unknown) => -1 | 0 | 1 | null) | null {
  if (!DataType.isDecimal(left.type) && !DataType.isDecimal(right.type)) return null;
  const a = operandSpec(left);
  const b = operandSpec(right);
  if (a !== null && b !== null) return (x, y) => compareDecimals(toUnscaled(x), a.scale, toUnscaled(y), b.scale);
  const l = toDouble(left.type);
  const r = toDouble(right.type);
  if (!l || !r) return null;
  return (x, y) => {
    const u = l(x);
    const v = r(y);
    return Number.isNaN(u) || Number.isNaN(v) ? null : u < v ? -1 : u > v ? 1 : 0;
  };
}

/**
 * Spark's cast between a decimal and another type, one cell at a time; undefined when the cast
 * is not allowed. Outside ANSI mode what does not convert is null.
 */
export function decimalCast(from: DataType, to: DataType, mode: DecimalModeOptions = DECIMAL_EVALUATION): ((cell: unknown) => unknown) | undefined {
  const ansi = mode.ansi ?? false;
  const target = decimalSpecOf(to);
  const source = decimalSpecOf(from);
  if (target !== null) {
    if (source !== null) return (v) => decimalToDecimal(v as bigint, source, target, ansi);
    if (from.typeId === Type.Int) return (v) => decimalFromInteger(v as number | bigint, target, ansi);
    if (from.typeId === Type.Float) return (v) => decimalFromNumber(Number(v), target, ansi);
    if (from.typeId === Type.Utf8) return (v) => castStringToDecimal(String(v), target, ansi);
    if (from.typeId === Type.Bool) return (v) => decimalFromInteger(v ? 1 : 0, target, ansi);
    if (DataType.isTimestamp(from)) return (v) => decimalFromEpochMs(Number(v), target, ansi);
    return undefined;
  }
  if (source === null) return undefined;
  const scale = source.scale;
  if (to.typeId === Type.Utf8) return (v) => decimalToString(v as bigint, scale, ansi);
  if (to.typeId === Type.Float) {
    const single = (to as unknown as { precision: number }).precision === 1;
    return (v) => (single ? Math.fround(decimalToNumber(v as bigint, scale)) : decimalToNumber(v as bigint, scale));
  }
  if (to.typeId === Type.Int) {
    const bitWidth = (to as Int).bitWidth as 8 | 16 | 32 | 64;
    return (v) => decimalToInteger(v as bigint, scale, bitWidth, ansi);
  }
  if (to.typeId === Type.Bool) return (v) => (v as bigint) !== 0n;
  if (DataType.isTimestamp(to)) return (v) => decimalToEpochMs(v as bigint, scale);
  return undefined;
}

/** A decimal cell to text for users (`'12.30'`). */
export function decimalCellToText(cell: unknown, type: DataType): string {
  return formatDecimal(cell as bigint, (type as Decimal).scale);
}

function operandSpec(operand: OperandInfo): DecimalSpec | null {
  const spec = decimalSpecOf(operand.type);
  if (spec !== null) return spec;
  if (operand.type.typeId !== Type.Int) return null;
  const literal = operand.literal;
  if (typeof literal === 'number' || typeof literal === 'bigint') return integerLiteralDecimalSpec(literal);
  return integralDecimalSpec((operand.type as Int).bitWidth);
}

function toUnscaled(cell: unknown): bigint {
  return typeof cell === 'bigint' ? cell : BigInt(cell as number);
}

function isFloating(type: DataType): boolean {
  return type.typeId === Type.Float;
}

/** How a cell of `type` becomes a double, or undefined when Spark would not compare/compute it so. */
function toDouble(type: DataType): ((cell: unknown) => number) | undefined {
  if (DataType.isDecimal(type)) {
    const scale = type.scale;
    return (v) => decimalToNumber(v as bigint, scale);
  }
  if (type.typeId === Type.Int || type.typeId === Type.Float) return (v) => Number(v);
  if (type.typeId === Type.Utf8) {
    return (v) => {
      const text = String(v).trim();
      return text === '' ? NaN : Number(text);
    };
  }
  return undefined;
}
