/**
 * A growable byte buffer for encoding rows: one scratch buffer reused across rows, so encoding
 * a key allocates only the final copy. Little helpers write the fixed-width forms both row
 * encodings use.
 */
export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  reset(): void {
    this.length = 0;
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  byte(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  /** Unsigned LEB128 (lengths and counts). */
  varint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  /** UTF-8 of `text`, returning the number of bytes written (ASCII copied byte by byte, which is faster for short strings). */
  utf8(text: string): number {
    this.ensure(text.length * 3);
    const start = this.length;
    let i = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) break;
      this.bytes[this.length++] = c;
    }
    if (i < text.length) this.length += encoder.encodeInto(text.slice(i), this.bytes.subarray(this.length)).written;
    return this.length - start;
  }

  /** A copy of what was written since the last reset. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** What was written since the last reset as a latin1 string (one char per byte; see `state/latin1.ts`). */
  latin1(): string {
    return latin1Slice(this.bytes, 0, this.length);
  }
}

/**
 * Reads what a `ByteWriter` wrote; `position` moves forward. One reader can be pointed at many
 * rows in turn (`reset`), so decoding a row allocates only its values.
 */
export class ByteReader {
  position = 0;
  /** Where the row ends (exclusive). */
  end: number;
  bytes: Uint8Array;
  view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.end = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Read `bytes[start, end)` next (the view is kept when the array is the same). */
  reset(bytes: Uint8Array, start: number, end: number): void {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.position = start;
    this.end = end;
  }

  byte(): number {
    if (this.position >= this.end) throw new RangeError('state row ends early');
    return this.bytes[this.position++]!;
  }

  take(n: number): Uint8Array {
    if (this.position + n > this.end) throw new RangeError('state row ends early');
    const out = this.bytes.subarray(this.position, this.position + n);
    this.position += n;
    return out;
  }

  /** Step over `n` bytes; returns where they start (read them through `view`). */
  skip(n: number): number {
    const at = this.position;
    if (at + n > this.end) throw new RangeError('state row ends early');
    this.position = at + n;
    return at;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  }

  get done(): boolean {
    return this.position >= this.end;
  }
}

const encoder = new TextEncoder();
const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/** `bytes[start, end)` as a latin1 string (Buffer's native slice; measured no slower than building short strings in JS). */
export function latin1Slice(bytes: Uint8Array, start: number, end: number): string {
  return nativeLatin1Slice.call(bytes, start, end);
}
export const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
