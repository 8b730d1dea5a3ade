import {
  Binary, Bool, DataType, Float32, Float64, Int16, Int32, Int64, Int8, makeBuilder, makeData, makeVector,
  TimestampMillisecond, Type, Utf8, type Vector,
} from 'apache-arrow';

import { decimalVector, writeUnscaled128 } from '../decimal/decimalVectors.ts';
import { unscaledFromValue, wordsToBigInt } from '../decimal/decimalValues.ts';

const encoder = new TextEncoder();

/**
 * A Utf8 vector built by hand: one buffer, Int32 offsets, a validity bitmap. Arrow's generic
 * `vectorFromArray` for strings costs ~2 s per million values; this costs ~50 ms.
 */
export function utf8Vector(values: ArrayLike<string | null | undefined>): Vector<Utf8> {
  const length = values.length;
  const offsets = new Int32Array(length + 1);
  let capacity = 16;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v != null) capacity += v.length * 3;
  }
  let bytes = new Uint8Array(capacity);
  let position = 0;
  let nulls = 0;
  const validity = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v == null) {
      nulls++;
    } else {
      validity[i >> 3]! |= 1 << (i & 7);
      if (isAscii(v)) {
        for (let k = 0; k < v.length; k++) bytes[position + k] = v.charCodeAt(k);
        position += v.length;
      } else {
        position += encoder.encodeInto(v, bytes.subarray(position)).written;
      }
    }
    offsets[i + 1] = position;
  }
  if (position < bytes.length >> 1) bytes = bytes.slice(0, position);
  return makeVector(
    makeData({ type: new Utf8(), length, nullCount: nulls, nullBitmap: nulls > 0 ? validity : null, valueOffsets: offsets, data: bytes.subarray(0, position) }),
  );
}

function isAscii(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 127) return false;
  return true;
}

/** A Binary vector from byte arrays (null for a null cell). */
export function binaryVector(values: ArrayLike<Uint8Array | null | undefined>): Vector<Binary> {
  const length = values.length;
  const offsets = new Int32Array(length + 1);
  let total = 0;
  for (let i = 0; i < length; i++) total += values[i]?.length ?? 0;
  const data = new Uint8Array(total);
  const validity = new Uint8Array((length + 7) >> 3);
  let position = 0;
  let nulls = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v == null) nulls++;
    else {
      validity[i >> 3]! |= 1 << (i & 7);
      data.set(v, position);
      position += v.length;
    }
    offsets[i + 1] = position;
  }
  return makeVector(makeData({ type: new Binary(), length, nullCount: nulls, nullBitmap: nulls > 0 ? validity : null, valueOffsets: offsets, data }));
}

/**
 * A vector of `type` from JS values: typed arrays for numbers (zero-copy where possible), the
 * hand-built path for strings and bytes, Arrow's builder for everything else (nested types).
 * Numbers, bigints and Dates are accepted for Int64 and Timestamp columns. A Decimal column takes
 * strings (`'12.30'`), numbers, bigints as *unscaled* values (Arrow's convention: 12.30 in
 * DECIMAL(p,2) is `1230n`), or one Uint32Array of Arrow's own words (what `Vector#toArray` gives).
 */
export function vectorFromValues(type: DataType, values: ArrayLike<unknown>): Vector {
  const length = values.length;
  switch (type.typeId) {
    case Type.Utf8:
      return utf8Vector(values as ArrayLike<string | null>);
    case Type.Binary:
      return binaryVector(values as ArrayLike<Uint8Array | null>);
    case Type.Decimal:
      return decimalFromValues(type as DataType<Type.Decimal>, values);
    case Type.Int:
    case Type.Float:
    case Type.Timestamp: {
      const data = numericArray(type, length);
      // A typed array of the column's own element type (a memory source's BigInt64Array, say)
      // holds no nulls and needs no conversion: one copy, where reading its 64-bit elements one
      // by one would make a BigInt of each, twice.
      if (ArrayBuffer.isView(values) && values.constructor === data.constructor) {
        (data as unknown as { set(from: ArrayLike<unknown>): void }).set(values);
        return makeVector(makeData({ type, length, data } as never));
      }
      if (hasNull(values)) break;
      if (data instanceof BigInt64Array) {
        for (let i = 0; i < length; i++) data[i] = toBigInt(values[i]);
      } else {
        for (let i = 0; i < length; i++) data[i] = Number(values[i]);
      }
      return makeVector(makeData({ type, length, data } as never));
    }
  }
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  for (let i = 0; i < length; i++) builder.append(normalizeForBuilder(type, values[i]));
  return builder.finish().toVector();
}

function decimalFromValues(type: DataType<Type.Decimal>, values: ArrayLike<unknown>): Vector {
  const spec = { precision: (type as unknown as { precision: number }).precision, scale: (type as unknown as { scale: number }).scale };
  const stride = (type as unknown as { bitWidth: number }).bitWidth / 32;
  if (values instanceof Uint32Array) {
    // Arrow's flat word layout, e.g. from `vector.toArray()` of a decimal column.
    const out = new Array<bigint>(values.length / stride);
    for (let i = 0; i < out.length; i++) out[i] = wordsToBigInt(values.subarray(i * stride, (i + 1) * stride));
    return decimalVector(spec, out);
  }
  const out = new Array<bigint | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v == null ? null : unscaledFromValue(v, spec);
  }
  return decimalVector(spec, out);
}

function hasNull(values: ArrayLike<unknown>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] == null) return true;
  return false;
}

function numericArray(type: DataType, length: number): BigInt64Array | Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array {
  const ArrayType = (type as unknown as { ArrayType: new (n: number) => never }).ArrayType;
  return new ArrayType(length);
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) return BigInt(value.getTime());
  return BigInt(Math.trunc(Number(value)));
}

function normalizeForBuilder(type: DataType, value: unknown): unknown {
  if (value == null) return value;
  if (type.typeId === Type.Int && (type as Int64).bitWidth === 64 && typeof value === 'number') return BigInt(Math.trunc(value));
  if (type.typeId === Type.Timestamp && value instanceof Date) return value.getTime();
  if (type.typeId === Type.Timestamp && typeof value === 'bigint') return Number(value);
  if (containsDecimal(type)) return decimalsAsWords(type, value);
  return value;
}

/** Arrow's builders take a decimal only as its words: convert the decimals inside a nested value. */
function decimalsAsWords(type: DataType, value: unknown): unknown {
  if (value == null) return value;
  if (DataType.isDecimal(type)) {
    if (value instanceof Uint32Array) return value;
    const words = new Uint32Array(4);
    writeUnscaled128(words, 0, unscaledFromValue(value, { precision: type.precision, scale: type.scale }));
    return words;
  }
  if (DataType.isStruct(type)) {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = { ...record };
    for (const child of type.children) out[child.name] = decimalsAsWords(child.type, record[child.name]);
    return out;
  }
  if (DataType.isList(type)) return Array.from(value as Iterable<unknown>, (v) => decimalsAsWords(type.children[0]!.type, v));
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as unknown as { children: { type: DataType }[] };
    const pairs: Iterable<[unknown, unknown]> = value instanceof Map ? value : Object.entries(value as object);
    return new Map(Array.from(pairs, ([k, v]) => [decimalsAsWords(entry.children[0]!.type, k), decimalsAsWords(entry.children[1]!.type, v)]));
  }
  return value;
}

function containsDecimal(type: DataType): boolean {
  return DataType.isDecimal(type) || (type.children ?? []).some((c) => containsDecimal(c.type));
}

export { Binary, Bool, Float32, Float64, Int16, Int32, Int64, Int8, TimestampMillisecond, Utf8 };
