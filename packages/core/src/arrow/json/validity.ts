/**
 * A growable validity bitmap that costs nothing until the first null: most columns have none,
 * and Arrow takes a missing bitmap to mean "all valid".
 */
export class Validity {
  private bits: Uint8Array | null = null;
  private anyNull = false;

  setValid(index: number): void {
    if (this.bits === null) return;
    this.ensure(index);
    this.bits[index >> 3]! |= 1 << (index & 7);
  }

  setNull(index: number): void {
    if (this.bits === null) {
      // First null: every earlier slot was valid.
      this.bits = new Uint8Array(Math.max(64, ((index + 8) >> 3) * 2)).fill(0xff);
    }
    this.anyNull = true;
    this.ensure(index);
    this.bits[index >> 3]! &= ~(1 << (index & 7));
  }

  /** The bitmap and null count for the first `length` slots. */
  finish(length: number): { nullBitmap: Uint8Array | null; nullCount: number } {
    if (this.bits === null || !this.anyNull) return { nullBitmap: null, nullCount: 0 };
    const bytes = (length + 7) >> 3;
    this.ensure(length);
    const bitmap = this.bits.slice(0, bytes);
    let valid = 0;
    for (let i = 0; i < bytes; i++) valid += POPCOUNT[bitmap[i]!]!;
    // Bits past `length` in the last byte do not count.
    const tail = length & 7;
    if (tail !== 0) {
      const last = bitmap[bytes - 1]!;
      valid -= POPCOUNT[last]! - POPCOUNT[last & ((1 << tail) - 1)]!;
      bitmap[bytes - 1] = last & ((1 << tail) - 1);
    }
    const nullCount = length - valid;
    return nullCount === 0 ? { nullBitmap: null, nullCount: 0 } : { nullBitmap: bitmap, nullCount };
  }

  private ensure(index: number): void {
    const needed = (index >> 3) + 1;
    if (this.bits!.length >= needed) return;
    const grown = new Uint8Array(Math.max(needed, this.bits!.length * 2)).fill(0xff);
    grown.set(this.bits!);
    this.bits = grown;
  }
}

const POPCOUNT = new Uint8Array(256);
for (let i = 0; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;
