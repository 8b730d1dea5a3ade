import type { Table } from 'apache-arrow';

/** The strings of column `index` (null where null), decoded chunk by chunk without row objects. */
export function decodeUtf8Column(table: Table, index: number): (string | null)[] {
  const out: (string | null)[] = [];
  const column = table.getChildAt(index);
  if (column === null) return out;
  for (const data of column.data) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < data.length; i++) {
      const k = data.offset + i;
      const valid = data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0 || ((data.nullBitmap[k >> 3]! >> (k & 7)) & 1) === 1;
      out.push(valid ? buffer.toString('utf8', offsets[i]!, offsets[i + 1]!) : null);
    }
  }
  return out;
}
