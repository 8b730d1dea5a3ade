/**
 * Murmur3 x86 32-bit as Spark's `hash()` uses it (Murmur3_x86_32 with seed 42): ints and longs
 * hashed as one or two 4-byte blocks, bytes hashed in 4-byte little-endian blocks with Spark's own
 * tail rule (each remaining byte, sign-extended, mixed as a block of its own).
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export function murmur3Int(value: number, seed: number): number {
  return fmix(mixH1(seed, mixK1(value | 0)), 4);
}

/** A 64-bit value: low word then high word. */
export function murmur3Long(value: bigint, seed: number): number {
  const low = Number(BigInt.asIntN(32, value));
  const high = Number(BigInt.asIntN(32, value >> 32n));
  return fmix(mixH1(mixH1(seed, mixK1(low)), mixK1(high)), 8);
}

/** Spark's `hashUnsafeBytes`. */
export function murmur3Bytes(bytes: Uint8Array, seed: number): number {
  const aligned = bytes.length - (bytes.length % 4);
  let h = seed;
  for (let i = 0; i < aligned; i += 4) {
    const block = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h = mixH1(h, mixK1(block));
  }
  for (let i = aligned; i < bytes.length; i++) h = mixH1(h, mixK1((bytes[i]! << 24) >> 24));
  return fmix(h, bytes.length);
}
