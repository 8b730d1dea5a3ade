import { Int64, makeData, makeVector, TimestampMillisecond, type Vector } from 'apache-arrow';

const TWO_32 = 2 ** 32;

/**
 * An Int64 column `first, first+step, first+2·step, …` written through a Uint32 view of the
 * BigInt64 buffer: one BigInt allocation per value would cost ~20× more than the memory write.
 * Values must stay below 2^53 (rate sources reach that after 285 years at 1 M rows/s).
 */
export function int64Sequence(first: number, step: number, length: number): Vector<Int64> {
  const data = new BigInt64Array(length);
  fillSequence(new Uint32Array(data.buffer), first, step, length);
  return makeVector(makeData({ type: new Int64(), length, data }));
}

/** A Timestamp(ms) column from epoch milliseconds per row. */
export function timestampColumn(millis: Float64Array): Vector<TimestampMillisecond> {
  const data = new BigInt64Array(millis.length);
  const words = new Uint32Array(data.buffer);
  for (let i = 0; i < millis.length; i++) {
    const v = millis[i]!;
    words[2 * i] = v % TWO_32;
    words[2 * i + 1] = Math.floor(v / TWO_32);
  }
  return makeVector(makeData({ type: new TimestampMillisecond(), length: millis.length, data }));
}

/** A Timestamp(ms) column holding one value on every row. */
export function constantTimestampColumn(millis: number, length: number): Vector<TimestampMillisecond> {
  const data = new BigInt64Array(length);
  data.fill(BigInt(millis));
  return makeVector(makeData({ type: new TimestampMillisecond(), length, data }));
}

function fillSequence(words: Uint32Array, first: number, step: number, length: number): void {
  let lo = first % TWO_32;
  let hi = Math.floor(first / TWO_32);
  for (let i = 0, w = 0; i < length; i++, w += 2) {
    words[w] = lo;
    words[w + 1] = hi;
    lo += step;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi++;
    }
  }
}
