import { Binary, makeData, makeVector, Utf8, type Data, type Vector } from 'apache-arrow';
import { Buffer } from 'node:buffer';
import { finishValidity, type Bitmap } from './bits.ts';

/**
 * A string (or binary) column read in place: offsets and bytes, offset applied. `get` decodes one
 * value; kernels that only compare or copy bytes never decode.
 */
export class Utf8Column {
  readonly length: number;
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
  private buffer: Buffer | undefined;
  private asciiOnly: boolean | undefined;

  constructor(data: Data) {
    this.length = data.length;
    // Arrow JS slices the offsets with the data (only bitmaps count from `data.offset`).
    this.offsets = (data.valueOffsets as Int32Array).subarray(0, data.length + 1);
    this.bytes = (data.values as Uint8Array | null) ?? new Uint8Array(0);
  }

  /** Every byte below 0x80: character positions are byte positions. */
  get ascii(): boolean {
    if (this.asciiOnly === undefined) {
      const start = this.offsets[0]!;
      const end = this.offsets[this.length]!;
      let ascii = true;
      for (let k = start; k < end; k++) {
        if (this.bytes[k]! > 127) {
          ascii = false;
          break;
        }
      }
      this.asciiOnly = ascii;
    }
    return this.asciiOnly;
  }

  /** Value i as a JS string (validity is the caller's business). */
  get(i: number): string {
    const start = this.offsets[i]!;
    const end = this.offsets[i + 1]!;
    if (start === end) return '';
    this.buffer ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.buffer.toString(this.ascii ? 'latin1' : 'utf8', start, end);
  }

  /** Value i's bytes, without a copy. */
  bytesOf(i: number): Uint8Array {
    return this.bytes.subarray(this.offsets[i]!, this.offsets[i + 1]!);
  }

  byteLength(i: number): number {
    return this.offsets[i + 1]! - this.offsets[i]!;
  }
}

/** Byte-wise comparison of value i of `a` with value j of `b` (UTF-8 byte order is code point order, Spark's string order). */
export function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let k = 0; k < n; k++) {
    const d = a[aStart + k]! - b[bStart + k]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Builds a string or binary column value by value: JS strings are encoded in place (ASCII by a
 * plain loop), byte ranges are copied. Grows its buffer by doubling.
 */
export class Utf8Builder {
  private bytes: Uint8Array;
  private buffer: Buffer;
  private readonly offsets: Int32Array;
  private validity: Uint8Array | null = null;
  private position = 0;
  private row = 0;

  constructor(readonly length: number, bytesHint = length * 8) {
    this.bytes = new Uint8Array(Math.max(16, bytesHint));
    this.buffer = Buffer.from(this.bytes.buffer);
    this.offsets = new Int32Array(length + 1);
  }

  append(text: string): void {
    const n = text.length;
    this.reserve(n * 3);
    let p = this.position;
    const bytes = this.bytes;
    let k = 0;
    for (; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c > 127) break;
      bytes[p++] = c;
    }
    if (k < n) p += this.buffer.write(text.slice(k), p, 'utf8');
    this.position = p;
    this.offsets[++this.row] = p;
  }

  appendBytes(source: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.reserve(n);
    if (n < 16) {
      const bytes = this.bytes;
      let p = this.position;
      for (let k = start; k < end; k++) bytes[p++] = source[k]!;
    } else this.bytes.set(source.subarray(start, end), this.position);
    this.position += n;
    this.offsets[++this.row] = this.position;
  }

  appendNull(): void {
    if (this.validity === null) {
      this.validity = new Uint8Array((this.length + 7) >> 3).fill(0xff);
    }
    this.validity[this.row >> 3]! &= ~(1 << (this.row & 7));
    this.offsets[++this.row] = this.position;
  }

  /** Append a value or null. */
  appendValue(text: string | null | undefined): void {
    if (text == null) this.appendNull();
    else this.append(text);
  }

  finish(binary = false): Vector {
    const n = this.length;
    if (this.validity !== null && n & 7) this.validity[n >> 3]! &= (1 << (n & 7)) - 1;
    const data = this.position < this.bytes.length >> 1 ? this.bytes.slice(0, this.position) : this.bytes.subarray(0, this.position);
    return makeVector(
      makeData({ type: binary ? new Binary() : new Utf8(), length: n, valueOffsets: this.offsets, data, ...finishValidity(this.validity, n) } as never),
    );
  }

  private reserve(extra: number): void {
    if (this.position + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.position + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.position));
    this.bytes = grown;
    this.buffer = Buffer.from(grown.buffer);
  }
}

/** A string vector whose rows are the same bytes for each valid row of `validity` (materialized constants). */
export function repeatedUtf8(text: string, n: number, validity: Bitmap, binary = false): Vector {
  const encoded = encodeUtf8(text);
  const builder = new Utf8Builder(n, encoded.length * n);
  for (let i = 0; i < n; i++) {
    if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) builder.appendNull();
    else builder.appendBytes(encoded, 0, encoded.length);
  }
  return builder.finish(binary);
}
