import { makeData, makeVector, type Data, type Decimal, type Vector } from 'apache-arrow';
import { decimalArrowType, type DecimalSpec } from './decimalType.ts';

/*
 * Arrow's Decimal stores each value as a little-endian two's-complement integer of bitWidth bits
 * (128 here) in a Uint32Array, four words per value, least significant word first. Its getter
 * hands out those words (a `Uint32Array` subclass that prints the *unscaled* digits), so Sluice
 * reads and writes the words itself: bigints in, bigints out.
 */

const TWO_32 = 4294967296;
const SAFE_HIGH = 0x200000; // 2^21: a high word below this keeps the value within 2^53

/** The unscaled value of element `index` of a decimal column chunk (any bit width). */
export function unscaledAt(data: Data<Decimal>, index: number): bigint {
  const words = data.values as Uint32Array;
  const stride = data.stride;
  // Arrow slices fixed-width values along with the data: `offset` applies to the validity only.
  const j = index * stride;
  if (stride === 4) return readWords128(words, j);
  let value = 0n;
  for (let k = stride - 1; k >= 0; k--) value = (value << 32n) | BigInt(words[j + k]!);
  return BigInt.asIntN(stride * 32, value);
}

function readWords128(words: Uint32Array, j: number): bigint {
  const w0 = words[j]!;
  const w1 = words[j + 1]!;
  const w2 = words[j + 2]!;
  const w3 = words[j + 3]!;
  // Most money fits in 53 bits: read it as a number, skipping three bigint shifts.
  if (w2 === 0 && w3 === 0 && w1 < SAFE_HIGH) return BigInt(w1 * TWO_32 + w0);
  if (w2 === 0xffffffff && w3 === 0xffffffff && w1 >= 0x100000000 - SAFE_HIGH) return BigInt((w1 - TWO_32) * TWO_32 + w0);
  return BigInt.asIntN(128, (BigInt(w3) << 96n) | (BigInt(w2) << 64n) | (BigInt(w1) << 32n) | BigInt(w0));
}

/** Write `value` as element `index` (four words) of a 128-bit decimal buffer. */
export function writeUnscaled128(words: Uint32Array, index: number, value: bigint): void {
  const j = index * 4;
  if (value >= -9007199254740991n && value <= 9007199254740991n) {
    const n = Number(value);
    const high = Math.floor(n / TWO_32);
    words[j] = n - high * TWO_32;
    words[j + 1] = high >>> 0;
    const sign = high < 0 ? 0xffffffff : 0;
    words[j + 2] = sign;
    words[j + 3] = sign;
    return;
  }
  const bits = BigInt.asUintN(128, value);
  words[j] = Number(bits & 0xffffffffn);
  words[j + 1] = Number((bits >> 32n) & 0xffffffffn);
  words[j + 2] = Number((bits >> 64n) & 0xffffffffn);
  words[j + 3] = Number(bits >> 96n);
}

/** The unscaled values of a decimal vector (all chunks), and its validity (null when nothing is null). */
export function unscaledValues(vector: Vector<Decimal>): { values: bigint[]; valid: Uint8Array | null } {
  const values = new Array<bigint>(vector.length);
  let valid: Uint8Array | null = null;
  let i = 0;
  for (const data of vector.data) {
    const bitmap = data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null;
    for (let k = 0; k < data.length; k++, i++) {
      if (bitmap !== null) {
        const bit = data.offset + k;
        if ((bitmap[bit >> 3]! & (1 << (bit & 7))) === 0) {
          (valid ??= new Uint8Array(vector.length).fill(1))[i] = 0;
          values[i] = 0n;
          continue;
        }
      }
      values[i] = unscaledAt(data, k);
    }
  }
  return { values, valid };
}

/**
 * A Decimal128 vector of `spec` from unscaled values (null or undefined for a null cell), built
 * straight into its word buffer.
 *
 * @example decimalVector({ precision: 10, scale: 2 }, [1230n, null]) // 12.30, null
 */
export function decimalVector(spec: DecimalSpec, values: ArrayLike<bigint | null | undefined>, valid: Uint8Array | null = null): Vector<Decimal> {
  const length = values.length;
  const words = new Uint32Array(length * 4);
  const bitmap = new Uint8Array((length + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (v == null || (valid !== null && valid[i] === 0)) {
      nulls++;
      continue;
    }
    bitmap[i >> 3]! |= 1 << (i & 7);
    writeUnscaled128(words, i, v);
  }
  return makeVector(makeData({ type: decimalArrowType(spec), length, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : null, data: words }));
}
