import { I16, I32, I64, PARQUET_MAGIC as MAGIC } from '../footer.ts';
import { field, intOf, listOf, readThriftStruct, setInt, shiftIfSet, writeThriftStruct, type ThriftList, type ThriftStruct } from '../thrift/compactTree.ts';

/**
 * One Parquet file from several written with the same schema and options (each a slice of the
 * rows, encoded in parallel): their row groups in order, under one footer.
 *
 * Row-group bytes (pages) hold no absolute positions, so each file's data region is copied as it
 * is and the footer's offsets are shifted. The page indexes after the data are moved behind all
 * data regions: column indexes verbatim, offset indexes re-encoded, since their page locations
 * are absolute. Bloom filters are copied verbatim when present.
 *
 * The stitcher is fed the files in order and says where each piece of output goes, so a caller
 * writing to disk can write a file's data region as soon as it arrives.
 */
export class ParquetStitcher {
  private readonly parts: Part[] = [];
  private position = MAGIC.length;

  /** Adds the next file; returns its data region and where it goes in the output (the magic bytes are before the first). */
  add(file: Uint8Array): { readonly bytes: Uint8Array; readonly position: number } {
    const part = parsePart(file, this.position - MAGIC.length);
    this.parts.push(part);
    const position = this.position;
    this.position += part.dataEnd - MAGIC.length;
    return { bytes: file.subarray(MAGIC.length, part.dataEnd), position };
  }

  /** What follows the data regions: the moved indexes, the merged footer, its length, the magic bytes. */
  finish(): { readonly bytes: Uint8Array; readonly position: number } {
    const start = this.position;
    const blobs: Uint8Array[] = [];
    let position = start;
    const place = (bytes: Uint8Array): bigint => {
      blobs.push(bytes);
      position += bytes.length;
      return BigInt(position - bytes.length);
    };
    const rowGroups: ThriftStruct[] = [];
    let numRows = 0n;
    for (const part of this.parts) {
      numRows += intOf(part.meta, 3);
      for (const group of listOf(part.meta, 4)) {
        const rg = group as ThriftStruct;
        shiftIfSet(rg, 5, part.shift);
        setInt(rg, 7, I16, BigInt(rowGroups.length));
        for (const c of listOf(rg, 1)) moveChunk(c as ThriftStruct, part, place);
        rowGroups.push(rg);
      }
    }
    const meta = this.parts[0]!.meta;
    setInt(meta, 3, I64, numRows);
    (field(meta, 4)!.value as ThriftList).items.splice(0, Infinity, ...rowGroups);
    const footer = writeThriftStruct(meta);
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, footer.length, true);
    return { bytes: concat([...blobs, footer, length, MAGIC]), position: start };
  }
}

/** `files` stitched into one file in memory. */
export function stitchParquet(files: readonly Uint8Array[]): Uint8Array {
  if (files.length === 1) return files[0]!;
  const stitcher = new ParquetStitcher();
  const regions = files.map((file) => stitcher.add(file).bytes);
  return concat([MAGIC, ...regions, stitcher.finish().bytes]);
}

/** A column chunk's offsets shifted with its data, its side blobs placed after all data. */
function moveChunk(chunk: ThriftStruct, part: Part, place: (bytes: Uint8Array) => bigint): void {
  shiftIfSet(chunk, 2, part.shift);
  const meta = field(chunk, 3)?.value as ThriftStruct | undefined;
  if (meta !== undefined) {
    for (const id of [9, 10, 11]) shiftIfSet(meta, id, part.shift);
    const bloom = field(meta, 14);
    if (bloom !== undefined) {
      const length = field(meta, 15);
      if (length === undefined) throw new Error('a bloom filter without its length cannot be moved');
      const at = Number(bloom.value);
      bloom.value = place(part.file.subarray(at, at + Number(length.value)));
    }
  }
  const columnIndex = field(chunk, 6);
  if (columnIndex !== undefined) {
    const at = Number(columnIndex.value);
    columnIndex.value = place(part.file.subarray(at, at + Number(intOf(chunk, 7))));
  }
  const offsetIndex = field(chunk, 4);
  if (offsetIndex !== undefined) {
    const at = Number(offsetIndex.value);
    const { struct } = readThriftStruct(part.file.subarray(at, at + Number(intOf(chunk, 5))));
    for (const location of listOf(struct, 1)) shiftIfSet(location as ThriftStruct, 1, part.shift);
    const bytes = writeThriftStruct(struct);
    offsetIndex.value = place(bytes);
    setInt(chunk, 5, I32, BigInt(bytes.length));
  }
}


interface Part {
  readonly file: Uint8Array;
  readonly meta: ThriftStruct;
  /** Where the row groups' pages end: the first side blob (index, bloom filter) or the footer. */
  readonly dataEnd: number;
  /** How far this file's data moves in the output. */
  readonly shift: bigint;
}

function parsePart(file: Uint8Array, shift: number): Part {
  const footerLength = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 8, true);
  const footerStart = file.length - 8 - footerLength;
  const { struct: meta } = readThriftStruct(file.subarray(footerStart, file.length - 8));
  let dataEnd = footerStart;
  for (const group of listOf(meta, 4)) {
    for (const c of listOf(group as ThriftStruct, 1)) {
      const chunk = c as ThriftStruct;
      const column = field(chunk, 3)?.value as ThriftStruct | undefined;
      for (const at of [field(chunk, 4), field(chunk, 6), column && field(column, 14)]) {
        if (at !== undefined) dataEnd = Math.min(dataEnd, Number(at.value));
      }
    }
  }
  return { file, meta, dataEnd, shift: BigInt(shift) };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
