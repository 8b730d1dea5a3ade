import {
  Bool, DataType, DateDay, Float32, Float64, Int16, Int32, Int64, Int8, Null, TimestampMillisecond, Type, Utf8, type Int, type Struct,
} from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import { widerDecimalType } from './decimalHooks.ts';

/** Type predicates and Spark's implicit type coercion (non-ANSI), in one place. */
export const isNullType = (t: DataType): boolean => t.typeId === Type.Null;
export const isStringType = (t: DataType): boolean => t.typeId === Type.Utf8;
export const isBinaryType = (t: DataType): boolean => t.typeId === Type.Binary;
export const isBooleanType = (t: DataType): boolean => t.typeId === Type.Bool;
export const isIntegralType = (t: DataType): boolean => t.typeId === Type.Int;
export const isFloatingType = (t: DataType): boolean => t.typeId === Type.Float;
export const isDecimalType = (t: DataType): boolean => t.typeId === Type.Decimal;
export const isNumericType = (t: DataType): boolean => isIntegralType(t) || isFloatingType(t) || isDecimalType(t);
export const isDateType = (t: DataType): boolean => t.typeId === Type.Date;
export const isTimestampType = (t: DataType): boolean => t.typeId === Type.Timestamp;
export const isDatetimeType = (t: DataType): boolean => isDateType(t) || isTimestampType(t);
export const isArrayType = (t: DataType): boolean => t.typeId === Type.List;
export const isMapType = (t: DataType): boolean => t.typeId === Type.Map;
export const isStructType = (t: DataType): boolean => t.typeId === Type.Struct;
export const isIntervalType = (t: DataType): boolean => t.typeId === Type.Interval;
export const isAtomicType = (t: DataType): boolean => !isArrayType(t) && !isMapType(t) && !isStructType(t);

export const STRING = (): DataType => new Utf8();
export const INT = (): DataType => new Int32();
export const BIGINT = (): DataType => new Int64();
export const DOUBLE = (): DataType => new Float64();
export const BOOLEAN = (): DataType => new Bool();
export const DATE = (): DataType => new DateDay();
export const TIMESTAMP = (): DataType => new TimestampMillisecond();
export const NULL = (): DataType => new Null();

/** The element type of an array type. */
export const elementType = (t: DataType): DataType => t.children[0]!.type as DataType;
/** Key and value types of a map type. */
export function mapTypes(t: DataType): { key: DataType; value: DataType } {
  const entry = t.children[0]!.type as Struct;
  return { key: entry.children[0]!.type, value: entry.children[1]!.type };
}

/** Same Spark type (nullability and Arrow child names aside). */
export function sameType(a: DataType, b: DataType): boolean {
  return a.typeId === b.typeId && sparkTypeName(a) === sparkTypeName(b);
}

/** Spark's numeric precedence: byte < short < int < long < decimal < float < double. */
function numericRank(t: DataType): number {
  if (isIntegralType(t)) return ({ 8: 1, 16: 2, 32: 3, 64: 4 } as Record<number, number>)[(t as Int).bitWidth] ?? 3;
  if (isDecimalType(t)) return 5;
  if (isFloatingType(t)) return (t as Float32).precision === 1 ? 6 : 7;
  return 0;
}

/** The wider of two numeric types (decimal widening is the decimal module's business: here decimal vs integral stays decimal). */
export function widerNumeric(a: DataType, b: DataType): DataType {
  // A decimal and an integer (or two decimals) meet in a decimal wide enough for both.
  if (isDecimalType(a) || isDecimalType(b)) {
    // Decimal with a float or double meets in double (Spark: there is no exact common type).
    if (isFloatingType(a) || isFloatingType(b)) return DOUBLE();
    return widerDecimalType(a, b) ?? a;
  }
  return numericRank(a) >= numericRank(b) ? a : b;
}

export function intType(bits: 8 | 16 | 32 | 64): DataType {
  return bits === 8 ? new Int8() : bits === 16 ? new Int16() : bits === 32 ? new Int32() : new Int64();
}

/**
 * The type two values meet in for CASE, COALESCE, IN, greatest … (Spark's `findWiderTypeForTwo`
 * with string promotion): null yields to anything, numbers widen, date and timestamp meet in
 * timestamp, a string and an atomic value meet in string; undefined when there is none.
 */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a;
  if (isNullType(a)) return b;
  if (isNullType(b)) return a;
  if (isNumericType(a) && isNumericType(b)) return widerNumeric(a, b);
  if (isDatetimeType(a) && isDatetimeType(b)) return TIMESTAMP();
  if ((isStringType(a) && isAtomicType(b) && !isBinaryType(b) && !isBooleanType(b)) || (isStringType(b) && isAtomicType(a) && !isBinaryType(a) && !isBooleanType(a))) return STRING();
  if (isArrayType(a) && isArrayType(b)) {
    const element = commonType(elementType(a), elementType(b));
    return element && sameType(element, elementType(a)) ? a : element && sameType(element, elementType(b)) ? b : undefined;
  }
  return undefined;
}

/** The common type of many (left to right), or undefined. */
export function commonTypeOf(types: readonly DataType[]): DataType | undefined {
  let result: DataType | undefined = types[0];
  for (const t of types.slice(1)) {
    if (result === undefined) return undefined;
    result = commonType(result, t);
  }
  return result;
}

/**
 * The type both sides of a comparison are cast to (Spark's `findCommonTypeForBinaryComparison`,
 * non-ANSI): a string against a number or boolean is read as that type, against a date as a date,
 * against a timestamp as a timestamp; numbers widen.
 */
export function comparisonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a;
  if (isNullType(a)) return b;
  if (isNullType(b)) return a;
  // No decimal type fits every string: Spark compares a string with a decimal as doubles.
  if (isStringType(a) && isAtomicType(b) && !isIntervalType(b)) return isDecimalType(b) ? DOUBLE() : b;
  if (isStringType(b) && isAtomicType(a) && !isIntervalType(a)) return isDecimalType(a) ? DOUBLE() : a;
  if (isNumericType(a) && isNumericType(b)) return widerNumeric(a, b);
  if (isDatetimeType(a) && isDatetimeType(b)) return TIMESTAMP();
  if (isArrayType(a) && isArrayType(b)) return commonType(a, b);
  if (isStructType(a) && isStructType(b)) return sameType(a, b) ? a : undefined;
  return undefined;
}
