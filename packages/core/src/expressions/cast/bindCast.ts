import { DataType, makeData, makeVector, Type, type Int, type Vector } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { formatLocalTimestamp, MS_PER_DAY } from '../../time/civil.ts';
import { requireZone, type ZoneRules } from '../../time/timeZone.ts';
import { constantExpression, firstValue, oneRowBatch, type BoundExpression } from '../bound.ts';
import { validityOf, andBitmaps, bytesToBitmap } from '../kernels/bits.ts';
import { numbersOf, numericVector, storageFor, bigintsOf, is64Bit } from '../kernels/numbers.ts';
import { fromRowValues, rowValues } from '../kernels/rows.ts';
import { Utf8Builder, Utf8Column } from '../kernels/utf8.ts';
import { isDateType, isFloatingType, isIntegralType, isNullType, isStringType, isTimestampType, sameType, isBinaryType } from '../types.ts';
import { castValueFunction } from './castValue.ts';
import { formatDouble, formatFloat, parseDouble } from './numberText.ts';
import { standaloneOperatorContext } from '../../builders/plan.ts';

/**
 * Cast a bound expression to `to` (Spark's non-ANSI cast), or undefined when Spark forbids the
 * cast. Common casts run column at a time (numbers, numbers ↔ strings, timestamps ↔ dates and
 * strings, binary ↔ string without a copy); the rest convert value by value.
 */
export function castExpression(inner: BoundExpression, to: DataType, timeZone: string, name: string): BoundExpression | undefined {
  const from = inner.type;
  if (sameType(from, to)) return { ...inner, name, type: to };
  const zone = requireZone(timeZone);
  const kernel = castKernel(from, to, zone);
  if (!kernel) return undefined;
  const bound: BoundExpression = { name, type: to, evaluate: (batch, context) => kernel(inner.evaluate(batch, context)) };
  if (inner.constant) {
    const value = firstValue(bound.evaluate(oneRowBatch(), standaloneOperatorContext()));
    return constantExpression(name, to, value);
  }
  return bound;
}

type Kernel = (v: Vector) => Vector;

function castKernel(from: DataType, to: DataType, zone: ZoneRules): Kernel | undefined {
  if (isNullType(from)) return (v) => fromRowValues(to, new Array(v.length).fill(null));
  if ((isBinaryType(from) && isStringType(to)) || (isStringType(from) && isBinaryType(to))) return (v) => relabel(v, to);
  if (isNumeric(from) && isNumeric(to)) return numericCast(from, to);
  if (isStringType(to) && (isIntegralType(from) || isFloatingType(from))) {
    const single = isFloatingType(from) && (from as unknown as { precision: number }).precision === 1;
    const text = isIntegralType(from) ? String : single ? formatFloat : formatDouble;
    return (v) => mapToStrings(v, (x) => text(x as never));
  }
  if (isStringType(to) && isTimestampType(from)) return (v) => mapToStrings(v, (ms) => formatLocalTimestamp((ms as number) + zone.offsetAt(ms as number)));
  if (isStringType(from) && isFloatingType(to)) return (v) => stringToDouble(v, to);
  if (isStringType(from) && isIntegralType(to) && (to as Int).bitWidth <= 32) return (v) => stringToInteger(v, to);
  if (isTimestampType(from) && isDateType(to)) {
    return (v) => mapNumbers(v, to, zone.fixed !== null ? ((off) => (ms: number) => Math.floor((ms + off) / MS_PER_DAY))(zone.fixed) : (ms) => Math.floor((ms + zone.offsetAt(ms)) / MS_PER_DAY));
  }
  if (isDateType(from) && isTimestampType(to)) return (v) => mapNumbers(v, to, (days) => zone.toUtc(days * MS_PER_DAY));
  const convert = castValueFunction(from, to, zone);
  if (!convert) return undefined;
  return (v) => {
    const values = rowValues(v);
    for (let i = 0; i < values.length; i++) if (values[i] !== null) values[i] = convert(values[i]);
    return fromRowValues(to, values);
  };
}

/** Numbers that cast through typed arrays: integers, floats (dates and timestamps go their own way). */
const isNumeric = (t: DataType): boolean => isIntegralType(t) || isFloatingType(t);

function numericCast(from: DataType, to: DataType): Kernel {
  const toBits = isIntegralType(to) ? (to as Int).bitWidth : 0;
  return (vector) => {
    const data = vector.data[0]!;
    const n = data.length;
    const validity = validityOf(data);
    if (toBits === 64) {
      const out = new BigInt64Array(n);
      if (is64Bit(from)) out.set(bigintsOf(data));
      else {
        const { values } = numbersOf(data);
        const float = isFloatingType(from);
        for (let i = 0; i < n; i++) {
          const x = values[i]!;
          out[i] = float ? (Number.isNaN(x) ? 0n : x >= 9223372036854775807 ? 9223372036854775807n : x <= -9223372036854775808 ? -9223372036854775808n : BigInt(Math.trunc(x))) : BigInt(x);
        }
      }
      return numericVector(to, out, validity);
    }
    const out = storageFor(to, n) as Float64Array;
    if (is64Bit(from) && toBits > 0) {
      // Java's long → int narrowing keeps the low word.
      const words = new Int32Array((data.values as BigInt64Array).buffer, (data.values as BigInt64Array).byteOffset, n * 2);
      for (let i = 0; i < n; i++) out[i] = words[2 * i]!;
    } else {
      const { values } = numbersOf(data);
      if (isFloatingType(from) && toBits > 0) {
        // Scala's Double.toInt saturates (NaN → 0); shorter types then wrap.
        for (let i = 0; i < n; i++) {
          const x = values[i]!;
          out[i] = x !== x ? 0 : x >= 2147483647 ? 2147483647 : x <= -2147483648 ? -2147483648 : Math.trunc(x);
        }
      } else out.set(values);
    }
    return numericVector(to, out, validity);
  };
}

function mapToStrings(vector: Vector, text: (value: number | bigint) => string): Vector {
  const data = vector.data[0]!;
  const n = data.length;
  const validity = validityOf(data);
  const builder = new Utf8Builder(n, n * 12);
  const values = is64Bit(data.type) && data.type.typeId === Type.Int ? bigintsOf(data) : numbersOf(data).values;
  for (let i = 0; i < n; i++) {
    if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) builder.appendNull();
    else builder.append(text(values[i]!));
  }
  return builder.finish();
}

function mapNumbers(vector: Vector, to: DataType, fn: (x: number) => number): Vector {
  const data = vector.data[0]!;
  const n = data.length;
  const { values } = numbersOf(data);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = fn(values[i]!);
  const storage = storageFor(to, n);
  if (storage instanceof BigInt64Array) return numericVector(to, out, validityOf(data));
  (storage as Float64Array).set(out);
  return numericVector(to, storage, validityOf(data));
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * String → double over the UTF-8 bytes: plain decimals of up to 15 significant digits are exact
 * as mantissa / 10^k (both exact, so the division rounds correctly); anything else is decoded
 * and parsed as Java does.
 */
function stringToDouble(vector: Vector, to: DataType): Vector {
  const data = vector.data[0]!;
  const n = data.length;
  const column = new Utf8Column(data);
  const validity = validityOf(data);
  const single = (to as unknown as { precision: number }).precision === 1;
  const out = single ? new Float32Array(n) : new Float64Array(n);
  const valid = new Uint8Array(n);
  const { offsets, bytes } = column;
  for (let i = 0; i < n; i++) {
    if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) continue;
    let k = offsets[i]!;
    const end = offsets[i + 1]!;
    let negative = false;
    if (k < end && (bytes[k] === 45 || bytes[k] === 43)) negative = bytes[k++] === 45;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let dot = false;
    let simple = k < end;
    for (; k < end; k++) {
      const b = bytes[k]!;
      if (b >= 48 && b <= 57) {
        mantissa = mantissa * 10 + (b - 48);
        if (mantissa > 0) digits++;
        if (dot) scale++;
      } else if (b === 46 && !dot) dot = true;
      else {
        simple = false;
        break;
      }
    }
    if (simple && digits <= 15 && scale <= 22 && end - offsets[i]! > (dot ? 1 : 0) + (negative || bytes[offsets[i]!] === 43 ? 1 : 0)) {
      const x = mantissa / POW10[scale]!;
      out[i] = negative ? -x : x;
      valid[i] = 1;
    } else {
      const parsed = parseDouble(column.get(i));
      if (parsed !== null) {
        out[i] = parsed;
        valid[i] = 1;
      }
    }
  }
  return numericVector(to, out, andBitmaps(validity, bytesToBitmap(valid, n), n));
}

/**
 * String → tinyint/smallint/int over the UTF-8 bytes (Spark's `UTF8String.toInt`): bytes up to the
 * space trimmed, an optional sign, digits, an optional `.digits` fraction that is dropped; null
 * for anything else or a value out of range. Digits are ASCII, so no text is decoded.
 */
function stringToInteger(vector: Vector, to: DataType): Vector {
  const data = vector.data[0]!;
  const n = data.length;
  const column = new Utf8Column(data);
  const validity = validityOf(data);
  const bits = (to as Int).bitWidth;
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  const out = storageFor(to, n) as Int32Array;
  const valid = new Uint8Array(n);
  const { offsets, bytes } = column;
  for (let i = 0; i < n; i++) {
    if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) continue;
    let k = offsets[i]!;
    let end = offsets[i + 1]!;
    while (k < end && bytes[k]! <= 32) k++;
    while (end > k && bytes[end - 1]! <= 32) end--;
    if (k === end) continue;
    let negative = false;
    if (bytes[k] === 45 || bytes[k] === 43) {
      negative = bytes[k] === 45;
      k++;
      if (k === end) continue;
    }
    let value = 0;
    let ok = true;
    for (; k < end; k++) {
      const b = bytes[k]!;
      if (b >= 48 && b <= 57) {
        value = value * 10 + (b - 48);
        if (value > 2147483648) ok = false;
      } else break;
    }
    if (k < end) {
      // A fraction is allowed and ignored, but only digits may follow the point.
      if (bytes[k] !== 46) ok = false;
      else for (k++; k < end; k++) if (bytes[k]! < 48 || bytes[k]! > 57) ok = false;
    }
    if (!ok) continue;
    const signed = negative ? -value : value;
    if (signed < min || signed > max) continue;
    out[i] = signed;
    valid[i] = 1;
  }
  return numericVector(to, out, andBitmaps(validity, bytesToBitmap(valid, n), n));
}

/** The same buffers under another type (string and binary share a layout). */
function relabel(vector: Vector, type: DataType): Vector {
  const data = vector.data[0]!;
  return makeVector(makeData({ type, length: data.length, offset: data.offset, nullCount: data.nullCount, nullBitmap: data.nullBitmap, valueOffsets: data.valueOffsets, data: data.values } as never));
}

/** Spark's message for a cast it does not allow. */
export function castNotAllowed(from: DataType, to: DataType, what: string): string {
  return `Cannot cast ${what} from ${sparkTypeName(from)} to ${sparkTypeName(to)}.`;
}
