/**
 * Decodes one LZ4 block (the sequence format: token, literals, 2-byte offset, match) from
 * `src[at, end)` into `out` from `o`; returns where the output ends. Matches may reach back to
 * `floor` (the block's own start for independent blocks, 0 for linked ones). Corrupt input
 * throws rather than writing outside the output.
 */
export function lz4DecodeBlock(src: Uint8Array, at: number, end: number, out: Uint8Array, o: number, floor: number): number {
  const capacity = out.length;
  while (at < end) {
    const token = src[at++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let byte: number;
      do {
        byte = src[at++]!;
        literals += byte;
      } while (byte === 255 && at < end);
    }
    if (literals > 0) {
      if (at + literals > end || o + literals > capacity) throw new Error('corrupt LZ4 block (literals run past the end)');
      if (literals < 24) {
        for (let i = 0; i < literals; i++) out[o + i] = src[at + i]!;
      } else {
        out.set(src.subarray(at, at + literals), o);
      }
      at += literals;
      o += literals;
    }
    // The last sequence is literals only.
    if (at >= end) break;
    const offset = src[at]! | (src[at + 1]! << 8);
    at += 2;
    let length = token & 15;
    if (length === 15) {
      let byte: number;
      do {
        byte = src[at++]!;
        length += byte;
      } while (byte === 255 && at < end);
    }
    length += 4;
    let from = o - offset;
    if (offset === 0 || from < floor || o + length > capacity) throw new Error('corrupt LZ4 block (a match outside the output)');
    if (offset >= length && length > 24) {
      out.copyWithin(o, from, from + length);
      o += length;
    } else {
      // Overlapping matches repeat the bytes just written: byte by byte.
      const stop = o + length;
      while (o < stop) out[o++] = out[from++]!;
    }
  }
  return o;
}

/**
 * The decoded size of the LZ4 block `src[at, end)`, read from its sequences' lengths without
 * decoding (several times faster than decoding); -1 when the block is malformed.
 */
export function lz4BlockSize(src: Uint8Array, at: number, end: number): number {
  let size = 0;
  while (at < end) {
    const token = src[at++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let byte: number;
      do {
        byte = src[at++]!;
        literals += byte;
      } while (byte === 255 && at < end);
    }
    at += literals;
    size += literals;
    if (at >= end) return at === end ? size : -1;
    at += 2;
    let length = token & 15;
    if (length === 15) {
      let byte: number;
      do {
        byte = src[at++]!;
        length += byte;
      } while (byte === 255 && at < end);
    }
    size += length + 4;
  }
  return -1;
}
