import { DataType, TimeUnit, Type, type Data, type Timestamp } from 'apache-arrow';
import { unscaledAt } from '@sluice/core';

/**
 * Reads the values of one column chunk straight from its buffers, without row objects: numbers
 * for ints and floats (bigint for int64 beyond 2^53), epoch milliseconds for timestamps and
 * dates, strings, booleans, the unscaled bigint for decimals (the scale is on the type); null for
 * null slots. `undefined` for types it does not read.
 */
export function columnReader(data: Data): ((i: number) => unknown) | undefined {
  const type = data.type as DataType;
  const valid = validity(data);
  const guard = (read: (i: number) => unknown) => (data.nullCount > 0 ? (i: number) => (valid(i) ? read(i) : null) : read);
  switch (type.typeId) {
    case Type.Int: {
      if ((type as unknown as { bitWidth: number }).bitWidth === 64) {
        const values = data.values as BigInt64Array;
        const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
        return guard((i) => {
          const hi = words[2 * i + 1]!;
          return hi >= -0x200000 && hi < 0x200000 ? hi * 4294967296 + (words[2 * i]! >>> 0) : values[i]!;
        });
      }
      const values = data.values as ArrayLike<number>;
      return guard((i) => values[i]);
    }
    case Type.Float: {
      const values = data.values as ArrayLike<number>;
      return guard((i) => values[i]);
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      return guard((i) => ((bits[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1) === 1);
    }
    case Type.Utf8: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const start = offsets[0] ?? 0;
      const end = offsets[data.length] ?? 0;
      let ascii = true;
      for (let k = start; k < end; k++) if (bytes[k]! > 127) { ascii = false; break; }
      if (ascii) {
        // One decode for the whole chunk; each value is then a cheap slice of it.
        const all = buffer.toString('latin1', start, end);
        return guard((i) => all.slice(offsets[i]! - start, offsets[i + 1]! - start));
      }
      return guard((i) => buffer.toString('utf8', offsets[i]!, offsets[i + 1]!));
    }
    case Type.Timestamp: {
      const values = data.values as BigInt64Array;
      const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
      const unit = (type as Timestamp).unit;
      const perMs = unit === TimeUnit.SECOND ? 1e-3 : unit === TimeUnit.MILLISECOND ? 1 : unit === TimeUnit.MICROSECOND ? 1e3 : 1e6;
      return guard((i) => Math.floor((words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0)) / perMs));
    }
    case Type.Decimal:
      return guard((i) => unscaledAt(data as Data<never>, i));
    case Type.Date: {
      if ((type as unknown as { unit: number }).unit === 0) {
        const days = data.values as Int32Array;
        return guard((i) => days[i]! * 86_400_000);
      }
      const values = data.values as BigInt64Array;
      const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
      return guard((i) => words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0));
    }
  }
  return undefined;
}

/** Whether row `i` of `data` is valid (not null), from its bitmap. */
export function validity(data: Data): (i: number) => boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return () => true;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
}
