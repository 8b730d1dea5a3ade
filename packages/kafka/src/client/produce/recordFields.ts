/**
 * The byte-level pieces of a Kafka record (v2 record batch): zigzag varints and length-prefixed
 * byte fields. Shared by the row encoder and the columnar one, which differ only in where a
 * field's bytes come from (a record's Uint8Array, or a slice of an Arrow values buffer).
 */

/** Size of a zigzag varint of a non-negative int32 (lengths, counts, deltas). */
export function varintSize(n: number): number {
  let z = (n << 1) >>> 0;
  let size = 1;
  while (z >= 0x80) {
    z >>>= 7;
    size++;
  }
  return size;
}

export function writeVarint(out: Uint8Array, at: number, n: number): number {
  let z = ((n << 1) ^ (n >> 31)) >>> 0;
  while (z >= 0x80) {
    out[at++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  out[at++] = z;
  return at;
}

/** A null key or value: length -1. */
export function writeNullField(out: Uint8Array, at: number): number {
  out[at] = 1; // zigzag(-1)
  return at + 1;
}

/** A length-prefixed field of `src[start, start + length)`; returns where the next field starts. */
export function writeBytesField(out: Uint8Array, at: number, src: Uint8Array, start: number, length: number): number {
  at = writeVarint(out, at, length);
  // A subarray view per value would be an object per record; short values are copied by hand.
  if (length <= 128) {
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      out[at + i] = src[start + i]!;
      out[at + i + 1] = src[start + i + 1]!;
      out[at + i + 2] = src[start + i + 2]!;
      out[at + i + 3] = src[start + i + 3]!;
    }
    for (; i < length; i++) out[at + i] = src[start + i]!;
  } else out.set(start === 0 && length === src.length ? src : src.subarray(start, start + length), at);
  return at + length;
}
