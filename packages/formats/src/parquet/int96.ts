import { Field, RecordBatch, Schema, Struct, Table, TimestampMillisecond, makeData, type Data } from 'apache-arrow';
import { BINARY, CompactReader, I32, LIST, PARQUET_MAGIC, STRUCT } from './footer.ts';

/**
 * Spark's legacy INT96 timestamps, read without overflow. parquet-rs turns INT96 into int64
 * nanoseconds, which wraps for dates outside 1677–2262 — and 9999-12-31 is a common "open end"
 * sentinel. So before decoding, the footer is rewritten to declare top-level INT96 columns as
 * FIXED_LEN_BYTE_ARRAY(12) (the same bytes on disk), and the 12-byte values are turned into
 * milliseconds here. Nested INT96 fields are left to parquet-rs.
 */
export interface Int96Exposed {
  readonly bytes: Uint8Array;
  readonly columns: ReadonlySet<string>;
}

const INT96 = 3;
const FIXED_LEN_BYTE_ARRAY = 7;
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: readonly number[];
}

/** The file with top-level INT96 columns re-declared, or undefined when it has none. */
export function exposeInt96(bytes: Uint8Array): Int96Exposed | undefined {
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 8, true);
  const footerStart = bytes.length - 8 - footerLength;
  const footer = bytes.subarray(footerStart, bytes.length - 8);
  const reader = new CompactReader(footer);
  const edits: Edit[] = [];
  const columns = new Set<string>();
  reader.readStruct((id, type) => {
    if (id === 2 && type === LIST) {
      const { size } = reader.readListHeader();
      // Remaining child counts of the groups being walked; element 0 is the root, depth 1 is top-level.
      const open: number[] = [];
      for (let e = 0; e < size; e++) {
        let typeAt = -1;
        let physical = -1;
        let nextHeaderAt = -1;
        let hasLength = false;
        let name = '';
        let children = 0;
        let previous = 0;
        reader.readStruct((fid, ftype, headerAt) => {
          if (previous === 1) nextHeaderAt = headerAt;
          previous = fid;
          if (fid === 1 && ftype === I32) {
            typeAt = reader.position;
            physical = Number(reader.readVarLong());
          } else if (fid === 2) {
            hasLength = true;
            reader.skip(ftype);
          } else if (fid === 4 && ftype === BINARY) name = Buffer.from(reader.readBinary()).toString('utf8');
          else if (fid === 5 && ftype === I32) children = Number(reader.readVarLong());
          else reader.skip(ftype);
        });
        const depth = open.length;
        if (e > 0 && open.length > 0) open[open.length - 1]!--;
        if (children > 0) open.push(children);
        while (open.length > 0 && open[open.length - 1] === 0) open.pop();
        if (depth === 1 && physical === INT96 && !hasLength && typeAt >= 0 && footer[typeAt] === zigzag(INT96)) {
          columns.add(name);
          edits.push({ at: typeAt, remove: 1, insert: [zigzag(FIXED_LEN_BYTE_ARRAY)] });
          // type_length = 12 as field 2, right after field 1; the next field's delta shrinks by one.
          edits.push({ at: typeAt + 1, remove: 0, insert: [0x10 | I32, zigzag(12)] });
          if (nextHeaderAt >= 0 && footer[nextHeaderAt]! >> 4 !== 0) edits.push({ at: nextHeaderAt, remove: 1, insert: [footer[nextHeaderAt]! - 0x10] });
        }
      }
    } else if (id === 4 && type === LIST) {
      const { size } = reader.readListHeader();
      for (let g = 0; g < size; g++) {
        reader.readStruct((gid, gtype) => {
          if (gid !== 1 || gtype !== LIST) return reader.skip(gtype);
          const chunks = reader.readListHeader();
          for (let c = 0; c < chunks.size; c++) {
            reader.readStruct((cid, ctype) => {
              if (cid !== 3 || ctype !== STRUCT) return reader.skip(ctype);
              let typeAt = -1;
              let physical = -1;
              let path: string[] = [];
              reader.readStruct((mid, mtype) => {
                if (mid === 1 && mtype === I32) {
                  typeAt = reader.position;
                  physical = Number(reader.readVarLong());
                } else if (mid === 3 && mtype === LIST) {
                  const parts = reader.readListHeader();
                  path = Array.from({ length: parts.size }, () => Buffer.from(reader.readBinary()).toString('utf8'));
                } else reader.skip(mtype);
              });
              if (physical === INT96 && path.length === 1 && columns.has(path[0]!) && footer[typeAt] === zigzag(INT96)) edits.push({ at: typeAt, remove: 1, insert: [zigzag(FIXED_LEN_BYTE_ARRAY)] });
            });
          }
        });
      }
    } else reader.skip(type);
  });
  if (columns.size === 0) return undefined;
  edits.sort((a, b) => a.at - b.at);
  const parts: number[] = [];
  let from = 0;
  for (const edit of edits) {
    for (let k = from; k < edit.at; k++) parts.push(footer[k]!);
    parts.push(...edit.insert);
    from = edit.at + edit.remove;
  }
  for (let k = from; k < footer.length; k++) parts.push(footer[k]!);
  const out = new Uint8Array(footerStart + parts.length + 8);
  out.set(bytes.subarray(0, footerStart));
  out.set(parts, footerStart);
  new DataView(out.buffer).setUint32(footerStart + parts.length, parts.length, true);
  out.set(PARQUET_MAGIC, out.length - 4);
  return { bytes: out, columns };
}

/** The table with the named FixedSizeBinary(12) INT96 columns turned into Timestamp(ms). */
export function decodeInt96Columns(table: Table, columns: ReadonlySet<string>): Table {
  const fields = table.schema.fields.map((f) => (columns.has(f.name) ? new Field(f.name, new TimestampMillisecond(), true, f.metadata) : f));
  const schema = new Schema(fields, table.schema.metadata);
  const batches = table.batches.map((batch) => {
    const children = batch.data.children.map((child, j) => (columns.has(fields[j]!.name) ? int96ToMs(child) : child));
    return new RecordBatch(schema, makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children }));
  });
  return new Table(schema, batches);
}

const JULIAN_DAY_OF_EPOCH = 2_440_588;

function int96ToMs(data: Data): Data {
  const raw = data.values as Uint8Array;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new BigInt64Array(data.length);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (12 * i + 12 > raw.byteLength) break;
    // 8 bytes of nanoseconds within the day, then 4 bytes of Julian day, little-endian.
    const nanos = view.getUint32(12 * i, true) + view.getUint32(12 * i + 4, true) * 4294967296;
    const day = view.getInt32(12 * i + 8, true);
    const ms = (day - JULIAN_DAY_OF_EPOCH) * 86_400_000 + Math.floor(nanos / 1_000_000);
    const hi = Math.floor(ms / 4294967296);
    words[2 * i] = ms - hi * 4294967296;
    words[2 * i + 1] = hi;
  }
  const nullBitmap = data.nullCount > 0 && data.offset === 0 ? data.nullBitmap : null;
  return makeData({ type: new TimestampMillisecond(), length: data.length, nullCount: nullBitmap ? data.nullCount : 0, nullBitmap, data: out } as never);
}
