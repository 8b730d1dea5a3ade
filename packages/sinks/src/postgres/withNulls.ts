import type { Data } from 'apache-arrow';
import type { FieldEncoder } from './fieldEncoders.ts';

/** Wrap a value encoder with the column's validity bitmap. */
export function withNulls(data: Data, encode: FieldEncoder): FieldEncoder {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || !bitmap || bitmap.length === 0) return encode;
  const offset = data.offset;
  return (out, i) => {
    const j = offset + i;
    if ((bitmap[j >> 3]! >> (j & 7)) & 1) encode(out, i);
    else out.int32(-1);
  };
}
