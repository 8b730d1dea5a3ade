/**
 * XXH64 as Spark's `xxhash64()` uses it (seed 42): the standard algorithm over the value's
 * little-endian bytes (4 for ints, 8 for longs), on BigInt arithmetic modulo 2^64.
 */
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;
const MASK = 0xffffffffffffffffn;

const rotl = (x: bigint, r: number): bigint => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;

function round(acc: bigint, lane: bigint): bigint {
  return mul(rotl((acc + mul(lane, P2)) & MASK, 31), P1);
}

function mergeRound(acc: bigint, value: bigint): bigint {
  return (mul(acc ^ round(0n, value), P1) + P4) & MASK;
}

function avalanche(h: bigint): bigint {
  h = mul(h ^ (h >> 33n), P2);
  h = mul(h ^ (h >> 29n), P3);
  return h ^ (h >> 32n);
}

function readLong(bytes: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(bytes[i + k]!);
  return v;
}

function readInt(bytes: Uint8Array, i: number): bigint {
  return BigInt((bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0);
}

/** XXH64 of bytes with a signed 64-bit seed; the result as a signed 64-bit value. */
export function xxhash64Bytes(bytes: Uint8Array, seed: bigint): bigint {
  const s = BigInt.asUintN(64, seed);
  const n = bytes.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (s + P1 + P2) & MASK;
    let v2 = (s + P2) & MASK;
    let v3 = s;
    let v4 = (s - P1) & MASK;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, readLong(bytes, i));
      v2 = round(v2, readLong(bytes, i + 8));
      v3 = round(v3, readLong(bytes, i + 16));
      v4 = round(v4, readLong(bytes, i + 24));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) & MASK;
    h = mergeRound(mergeRound(mergeRound(mergeRound(h, v1), v2), v3), v4);
  } else h = (s + P5) & MASK;
  h = (h + BigInt(n)) & MASK;
  for (; i + 8 <= n; i += 8) h = (mul(rotl(h ^ round(0n, readLong(bytes, i)), 27), P1) + P4) & MASK;
  if (i + 4 <= n) {
    h = (mul(rotl(h ^ mul(readInt(bytes, i), P1), 23), P2) + P3) & MASK;
    i += 4;
  }
  for (; i < n; i++) h = mul(rotl(h ^ mul(BigInt(bytes[i]!), P5), 11), P1);
  return BigInt.asIntN(64, avalanche(h));
}

const scratch = new DataView(new ArrayBuffer(8));

export function xxhash64Int(value: number, seed: bigint): bigint {
  scratch.setInt32(0, value, true);
  return xxhash64Bytes(new Uint8Array(scratch.buffer, 0, 4).slice(), seed);
}

export function xxhash64Long(value: bigint, seed: bigint): bigint {
  scratch.setBigInt64(0, BigInt.asIntN(64, value), true);
  return xxhash64Bytes(new Uint8Array(scratch.buffer, 0, 8).slice(), seed);
}
