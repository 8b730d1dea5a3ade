import { I16, I64, PARQUET_MAGIC as MAGIC } from '../footer.ts';
import { field, intOf, listOf, readThriftStruct, setInt, shiftIfSet, writeThriftStruct, type ThriftList, type ThriftStruct } from '../thrift/compactTree.ts';

/**
 * Where some contiguous row groups of a file lie, and the footer of a smaller Parquet file that
 * holds just them: "PAR1", the bytes [start, end) of the original, this footer, its length,
 * "PAR1". A worker decodes such a file knowing nothing of the rest, and copies only its share of
 * the bytes into its wasm memory (or reads only them from disk).
 */
export interface RowGroupSubset {
  readonly start: number;
  readonly end: number;
  readonly footer: Uint8Array;
}

/**
 * The subset of `groups` (ascending, contiguous) of the file whose footer (Thrift FileMetaData)
 * is `footerBytes` and starts at `footerStart`. Offsets shift with the bytes; page indexes and
 * bloom filters, which lie outside the row groups, are left out (a whole-file decode never uses
 * them). Throws when a column chunk's bytes are not inside the file's data region.
 */
export function rowGroupSubset(footerBytes: Uint8Array, footerStart: number, groups: readonly number[]): RowGroupSubset {
  const { struct: meta } = readThriftStruct(footerBytes);
  const all = listOf(meta, 4) as ThriftStruct[];
  const chosen = groups.map((g) => all[g]!);
  let start = Infinity;
  let end = 0;
  for (const group of chosen) {
    for (const chunk of chunksOf(group)) {
      const column = field(chunk, 3)?.value as ThriftStruct | undefined;
      if (column === undefined) throw new Error('a column chunk has no metadata');
      const data = Number(intOf(column, 9));
      const dictionary = Number(field(column, 11)?.value ?? 0n);
      const from = dictionary > 0 && dictionary < data ? dictionary : data;
      start = Math.min(start, from);
      end = Math.max(end, from + Number(intOf(column, 7)));
    }
  }
  if (!(start >= 4 && end <= footerStart && start < end)) throw new Error('row group bytes lie outside the data region');
  const shift = BigInt(4 - start);
  let rows = 0n;
  chosen.forEach((group, ordinal) => {
    rows += intOf(group, 3);
    shiftIfSet(group, 5, shift);
    setInt(group, 7, I16, BigInt(ordinal));
    for (const chunk of chunksOf(group)) {
      shiftIfSet(chunk, 2, shift);
      const column = field(chunk, 3)!.value as ThriftStruct;
      for (const id of [9, 10, 11]) shiftIfSet(column, id, shift);
      drop(column, [14, 15]);
      drop(chunk, [4, 5, 6, 7]);
    }
  });
  setInt(meta, 3, I64, rows);
  (field(meta, 4)!.value as ThriftList).items.splice(0, Infinity, ...chosen);
  return { start, end, footer: writeThriftStruct(meta) };
}

/** The subset as a whole file, copied out of the original's bytes. */
export function subsetFile(file: Uint8Array, subset: RowGroupSubset): Uint8Array {
  const length = subset.end - subset.start;
  const out = new Uint8Array(4 + length + subset.footer.length + 8);
  out.set(MAGIC, 0);
  out.set(file.subarray(subset.start, subset.end), 4);
  out.set(subset.footer, 4 + length);
  new DataView(out.buffer).setUint32(4 + length + subset.footer.length, subset.footer.length, true);
  out.set(MAGIC, out.length - 4);
  return out;
}


function chunksOf(group: ThriftStruct): ThriftStruct[] {
  return listOf(group, 1) as ThriftStruct[];
}

function drop(struct: ThriftStruct, ids: readonly number[]): void {
  for (let k = struct.fields.length - 1; k >= 0; k--) if (ids.includes(struct.fields[k]!.id)) struct.fields.splice(k, 1);
}
