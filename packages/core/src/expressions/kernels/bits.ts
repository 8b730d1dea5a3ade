import type { Data } from 'apache-arrow';

/**
 * Validity bitmaps (Arrow's layout: bit i of byte i >> 3, set = valid), always starting at bit 0.
 * `null` means every row is valid, so the common no-null column costs nothing.
 */
export type Bitmap = Uint8Array | null;

/** The column's validity as a bitmap starting at row 0 (copied only when the data is sliced at an odd bit). */
export function validityOf(data: Data): Bitmap {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return null;
  const bitmap = data.nullBitmap as Uint8Array;
  const n = data.length;
  const offset = data.offset;
  if ((offset & 7) === 0) return bitmap.subarray(offset >> 3, (offset >> 3) + ((n + 7) >> 3));
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const j = offset + i;
    if (bitmap[j >> 3]! & (1 << (j & 7))) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** Rows valid in both (null when both are all-valid). */
export function andBitmaps(a: Bitmap, b: Bitmap, n: number): Bitmap {
  if (a === null) return b;
  if (b === null) return a;
  const bytes = (n + 7) >> 3;
  const out = new Uint8Array(bytes);
  for (let k = 0; k < bytes; k++) out[k] = a[k]! & b[k]!;
  return out;
}

/** A bitmap with every one of `n` rows set. */
export function allSet(n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3).fill(0xff);
  clearTail(out, n);
  return out;
}

/** Clear the bits past row n in the last byte (Arrow expects them zero; popcounts rely on it). */
export function clearTail(bitmap: Uint8Array, n: number): void {
  if (n & 7 && bitmap.length > n >> 3) bitmap[n >> 3]! &= (1 << (n & 7)) - 1;
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/** Rows of `n` whose bit is clear: the null count of a validity bitmap. */
export function countUnset(bitmap: Bitmap, n: number): number {
  if (bitmap === null) return 0;
  let set = 0;
  const full = n >> 3;
  for (let k = 0; k < full; k++) set += POPCOUNT[bitmap[k]!]!;
  for (let i = full << 3; i < n; i++) if (bitmap[i >> 3]! & (1 << (i & 7))) set++;
  return n - set;
}

/** A validity bitmap for Arrow: null when nothing is null. */
export function finishValidity(bitmap: Bitmap, n: number): { nullBitmap: Uint8Array | null; nullCount: number } {
  const nullCount = countUnset(bitmap, n);
  return nullCount === 0 ? { nullBitmap: null, nullCount: 0 } : { nullBitmap: bitmap, nullCount };
}

/** Bit i of a bitmap (true when the bitmap is null: all valid). */
export function isSet(bitmap: Bitmap, i: number): boolean {
  return bitmap === null || (bitmap[i >> 3]! & (1 << (i & 7))) !== 0;
}

/** A byte-per-row copy of a bitmap (1 = set), for row loops that test validity often. */
export function bitmapToBytes(bitmap: Bitmap, n: number): Uint8Array | null {
  if (bitmap === null) return null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (bitmap[i >> 3]! >> (i & 7)) & 1;
  return out;
}

/** A bitmap from a byte-per-row mask (nonzero = set). */
export function bytesToBitmap(bytes: ArrayLike<number>, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** The same data with another validity bitmap (aligned with the data's own offset). */
export function withValidity(data: Data, bitmap: Uint8Array | null, nullCount: number): Data {
  const buffers = [...(data.buffers as unknown as unknown[])];
  buffers[2] = bitmap ?? undefined;
  return data.clone(data.type, data.offset, data.length, nullCount, buffers as never);
}
