import { DataType, makeData, makeVector, Type, type Data, type Vector } from 'apache-arrow';
import { finishValidity, type Bitmap } from './bits.ts';

const TWO_32 = 4294967296;

/** Typed arrays a numeric column can be read as without copying. */
export type NumberArray = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

/** 64-bit columns (bigint, timestamp): values are read through an Int32 view, two words a row. */
export const is64Bit = (type: DataType): boolean =>
  (type.typeId === Type.Int && (type as unknown as { bitWidth: number }).bitWidth === 64) || type.typeId === Type.Timestamp || type.typeId === Type.Duration;

/**
 * A numeric column's values as numbers, offset applied: 8–32-bit integers, floats and dates
 * (days) without a copy; 64-bit values (bigint, timestamp ms) converted to doubles, which is
 * exact below 2^53 — `exact` says whether every value was (callers fall back to bigint if not).
 */
export function numbersOf(data: Data): { values: NumberArray; exact: boolean } {
  const n = data.length;
  if (is64Bit(data.type)) {
    const words = int64Words(data);
    const out = new Float64Array(n);
    let exact = true;
    for (let i = 0; i < n; i++) {
      const hi = words[2 * i + 1]!;
      out[i] = hi * TWO_32 + (words[2 * i]! >>> 0);
      if (hi > 0x1fffff || hi < -0x200000) exact = false;
    }
    return { values: out, exact };
  }
  // Arrow JS slices value buffers with the data; only bitmaps count from `data.offset`.
  const values = data.values as NumberArray;
  return { values: values.length === n ? values : (values.subarray(0, n) as NumberArray), exact: true };
}

/** The two little-endian 32-bit words of each 64-bit value (offset applied). */
export function int64Words(data: Data): Int32Array {
  const values = data.values as BigInt64Array;
  return new Int32Array(values.buffer, values.byteOffset, data.length * 2);
}

/** A 64-bit column's values as bigints (the exact, slow path). */
export function bigintsOf(data: Data): BigInt64Array {
  const values = data.values as BigInt64Array;
  return values.length === data.length ? values : values.subarray(0, data.length);
}

/** Write doubles holding integers (|v| < 2^53) into a 64-bit column's words. */
export function wordsFromNumbers(values: ArrayLike<number>, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const hi = Math.floor(v / TWO_32);
    words[2 * i] = (v - hi * TWO_32) | 0;
    words[2 * i + 1] = hi;
  }
  return out;
}

/** A vector of a fixed-width `type` over `values` (taken as is), nulls from `validity`. */
export function numericVector(type: DataType, values: ArrayLike<number> | BigInt64Array, validity: Bitmap): Vector {
  const n = values.length;
  const data = is64Bit(type) && !(values instanceof BigInt64Array) ? wordsFromNumbers(values as ArrayLike<number>, n) : values;
  return makeVector(makeData({ type, length: n, data, ...finishValidity(validity, n) } as never));
}

/** A new typed array of the storage of a fixed-width `type` (BigInt64Array for 64-bit types). */
export function storageFor(type: DataType, n: number): NumberArray | BigInt64Array {
  const ArrayType = (type as unknown as { ArrayType: new (n: number) => NumberArray | BigInt64Array }).ArrayType;
  return new ArrayType(n);
}
