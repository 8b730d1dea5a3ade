/**
 * A growable byte sink for PostgreSQL's binary COPY format. Bytes go into large chunks; a
 * finished region is handed out by `take()` without copying, and a region once written is
 * never overwritten, so handed-out buffers stay valid while the socket drains them.
 */
export class CopyBuffer {
  private buf: Buffer;
  private pos = 0;
  /** Start of the region not yet taken. */
  private start = 0;
  private ready: Buffer[] = [];
  /** Bytes written since construction; lets a length prefix be patched across chunk boundaries. */
  private total = 0;

  constructor(private readonly chunkSize = 1 << 20) {
    this.buf = Buffer.allocUnsafe(chunkSize);
  }

  get written(): number {
    return this.total + this.pos;
  }

  /** Make room for `n` more bytes in the current chunk. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > this.start) this.ready.push(this.buf.subarray(this.start, this.pos));
    this.total += this.pos;
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkSize, n));
    this.pos = 0;
    this.start = 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  uint32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  /** A safe integer as a big-endian int64, without going through BigInt. */
  int64(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / 4294967296);
    this.pos = this.buf.writeInt32BE(hi, this.pos);
    this.pos = this.buf.writeUInt32BE(v - hi * 4294967296, this.pos);
  }

  bigint64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }

  /** Eight little-endian bytes (an Arrow int64 in memory) written big-endian. */
  swapped8(src: Uint8Array, at: number): void {
    this.ensure(8);
    const b = this.buf;
    const p = this.pos;
    b[p] = src[at + 7]!;
    b[p + 1] = src[at + 6]!;
    b[p + 2] = src[at + 5]!;
    b[p + 3] = src[at + 4]!;
    b[p + 4] = src[at + 3]!;
    b[p + 5] = src[at + 2]!;
    b[p + 6] = src[at + 1]!;
    b[p + 7] = src[at]!;
    this.pos = p + 8;
  }

  float32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeFloatBE(v, this.pos);
  }

  float64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }

  /** `src[from, to)`, as is. */
  bytes(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.ensure(n);
    if (n < 24) {
      // A typed-array copy costs more than a short loop for the short strings most columns hold.
      const b = this.buf;
      let p = this.pos;
      for (let k = from; k < to; k++) b[p++] = src[k]!;
      this.pos = p;
    } else {
      this.buf.set(src.subarray(from, to), this.pos);
      this.pos += n;
    }
  }

  /** Reserve an int32 to fill in later (a length known only after its value is written). */
  reserveInt32(): { readonly buf: Buffer; readonly pos: number; readonly after: number } {
    this.ensure(4);
    const slot = { buf: this.buf, pos: this.pos, after: this.written + 4 };
    this.pos += 4;
    return slot;
  }

  /** Fill a reserved int32 with the number of bytes written since it. */
  patchLength(slot: { readonly buf: Buffer; readonly pos: number; readonly after: number }): void {
    slot.buf.writeInt32BE(this.written - slot.after, slot.pos);
  }

  /** Everything written so far, as buffers the caller now owns. */
  take(): Buffer[] {
    if (this.pos > this.start) this.ready.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
    const out = this.ready;
    this.ready = [];
    return out;
  }
}

/** The 19-byte header every binary COPY stream starts with: signature, flags, extension length. */
export const COPY_BINARY_HEADER = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** The trailer: a tuple with field count -1. */
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);
