import type { OutgoingBytes, OutgoingColumns } from '../types.ts';
import { varintSize, writeBytesField, writeNullField, writeVarint } from './recordFields.ts';

/**
 * The records part of a batch (as `encodeRecords` writes it) straight from the sink's columns:
 * rows `rows[from, to)`, global row numbers over `chunks` (chunk `c` holds rows
 * `starts[c] .. starts[c + 1]`), ascending. Keys and values are copied from the Arrow buffers
 * into the batch; no object is made per record. Every record gets the batch's timestamp
 * (delta 0) and no headers.
 */
export function encodeColumnRecords(chunks: readonly OutgoingColumns[], starts: Int32Array, rows: Int32Array, from: number, to: number): Uint8Array {
  const count = to - from;
  const bodies = new Int32Array(count);
  let size = 0;
  let c = -1;
  let first = 0;
  let next = 0;
  let key: OutgoingBytes | null = null;
  let value: OutgoingBytes | null = null;
  for (let j = 0; j < count; j++) {
    const g = rows[from + j]!;
    while (g >= next) {
      c++;
      first = starts[c]!;
      next = starts[c + 1]!;
      key = chunks[c]!.key;
      value = chunks[c]!.value;
    }
    const row = g - first;
    const body = 3 + varintSize(j) + fieldSize(key, row) + fieldSize(value, row);
    bodies[j] = body;
    size += varintSize(body) + body;
  }
  const out = new Uint8Array(size);
  let at = 0;
  c = -1;
  next = 0;
  for (let j = 0; j < count; j++) {
    const g = rows[from + j]!;
    while (g >= next) {
      c++;
      first = starts[c]!;
      next = starts[c + 1]!;
      key = chunks[c]!.key;
      value = chunks[c]!.value;
    }
    const row = g - first;
    at = writeVarint(out, at, bodies[j]!);
    out[at++] = 0; // attributes
    out[at++] = 0; // timestamp delta
    at = writeVarint(out, at, j); // offset delta
    at = writeField(out, at, key, row);
    at = writeField(out, at, value, row);
    out[at++] = 0; // no headers
  }
  return out;
}

/** The byte length of row `row` of a column, -1 for a null (or no column). */
export function lengthAt(column: OutgoingBytes | null, row: number): number {
  if (column === null) return -1;
  const i = column.offset + row;
  const validity = column.validity;
  if (validity !== null && (validity[i >> 3]! & (1 << (i & 7))) === 0) return -1;
  return column.offsets[i + 1]! - column.offsets[i]!;
}

function fieldSize(column: OutgoingBytes | null, row: number): number {
  const length = lengthAt(column, row);
  return length < 0 ? 1 : varintSize(length) + length;
}

function writeField(out: Uint8Array, at: number, column: OutgoingBytes | null, row: number): number {
  const length = lengthAt(column, row);
  if (length < 0) return writeNullField(out, at);
  return writeBytesField(out, at, column!.values, column!.offsets[column!.offset + row]!, length);
}
