import { makeVector, type Data, type Vector } from 'apache-arrow';
import { takeData } from '../../arrow/take.ts';
import { andBitmaps, finishValidity, validityOf, withValidity } from './bits.ts';
import { fromRowValues } from './rows.ts';

/** Rows `indices` of `data`, where -1 gives null (out-of-range lookups). */
export function takeOrNull(data: Data, indices: Int32Array): Vector {
  const n = indices.length;
  if (data.length === 0) return fromRowValues(data.type, new Array(n).fill(null));
  let missing: Uint8Array | null = null;
  const safe = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = indices[i]!;
    if (k < 0) {
      missing ??= new Uint8Array((n + 7) >> 3).fill(0xff);
      missing[i >> 3]! &= ~(1 << (i & 7));
    } else safe[i] = k;
  }
  const taken = takeData(data, safe);
  if (missing === null) return makeVector(taken);
  if (n & 7) missing[n >> 3]! &= (1 << (n & 7)) - 1;
  const validity = andBitmaps(validityOf(taken), missing, n);
  const { nullCount, nullBitmap } = finishValidity(validity, n);
  return makeVector(withValidity(taken, nullBitmap, nullCount));
}

/**
 * Per row of a list column, the child index of the element picked by `pick(length)` (or -1 for
 * none): the kernel of `arr[i]`, `element_at`, `array_position`-like lookups.
 */
export function listElementIndices(list: Data, pick: (row: number, length: number) => number): Int32Array {
  const n = list.length;
  const offsets = list.valueOffsets as Int32Array;
  const validity = validityOf(list);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) {
      out[i] = -1;
      continue;
    }
    const start = offsets[i]!;
    const k = pick(i, offsets[i + 1]! - start);
    out[i] = k < 0 ? -1 : start + k;
  }
  return out;
}
