import { makeVector, type FixedSizeList } from 'apache-arrow';
import type { EncoderFactory } from './fieldEncoders.ts';
import { withNulls } from './withNulls.ts';

/*
 * Encoders of values made of other values: dictionary-encoded columns (the dictionary's own
 * encoder, by key), lists as PostgreSQL arrays, and anything as JSON.
 */

/** A dictionary column: each key written with the dictionary's encoder. */
export function dictionaryEncoder(inner: EncoderFactory): EncoderFactory {
  return (data) => {
    const dictionary = data.dictionary!;
    const chunks = dictionary.data;
    const keys = data.values as ArrayLike<number | bigint>;
    if (chunks.length === 1) {
      const encodeValue = inner(chunks[0]!);
      return withNulls(data, (out, i) => encodeValue(out, Number(keys[i])));
    }
    // A dictionary in several chunks (rare): locate the chunk of each key.
    const encoders = chunks.map((chunk) => inner(chunk));
    const starts: number[] = [];
    let at = 0;
    for (const chunk of chunks) {
      starts.push(at);
      at += chunk.length;
    }
    return withNulls(data, (out, i) => {
      const key = Number(keys[i]);
      let c = starts.length - 1;
      while (starts[c]! > key) c--;
      encoders[c]!(out, key - starts[c]!);
    });
  };
}

/** A one-dimensional PostgreSQL array (lower bound 1) from an Arrow list's slice of child values. */
export function arrayEncoder(element: EncoderFactory, elementOid: number): EncoderFactory {
  return (data) => {
    const child = data.children[0]!;
    const encodeElement = element(child);
    const offsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
    const size = (data.type as FixedSizeList).listSize;
    const childBitmap = child.nullCount > 0 ? child.nullBitmap : null;
    return withNulls(data, (out, i) => {
      const from = offsets ? Number(offsets[i]) : i * size;
      const to = offsets ? Number(offsets[i + 1]) : (i + 1) * size;
      const slot = out.reserveInt32();
      out.int32(to > from ? 1 : 0);
      let hasNull = 0;
      if (childBitmap) {
        for (let k = from; k < to; k++) {
          const j = child.offset + k;
          if (!((childBitmap[j >> 3]! >> (j & 7)) & 1)) hasNull = 1;
        }
      }
      out.int32(hasNull);
      out.uint32(elementOid);
      if (to > from) {
        out.int32(to - from);
        out.int32(1);
        for (let k = from; k < to; k++) encodeElement(out, k);
      }
      out.patchLength(slot);
    });
  };
}

/** Any value as JSON text (the slow path: one Arrow row object per value). */
export function jsonEncoder(binary: boolean): EncoderFactory {
  return (data) => {
    const vector = makeVector(data);
    return withNulls(data, (out, i) => {
      const text = Buffer.from(JSON.stringify(vector.get(i), jsonReplacer), 'utf8');
      out.int32(text.length + (binary ? 1 : 0));
      if (binary) out.int8(1);
      out.bytes(text, 0, text.length);
    });
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
