import { makeBuilder, makeData, makeVector, RecordBatch, Struct, Type, Vector, type Data, type DataType } from 'apache-arrow';

/**
 * The rows at `indices` of a record batch, column by column. Fixed-width columns gather from
 * their typed arrays, strings/bytes copy their byte ranges and structs gather each child; only
 * lists, maps and unions fall back to Arrow's row builder. This is the kernel behind `filter`.
 */
export function takeRows(batch: RecordBatch, indices: Int32Array): RecordBatch {
  const children = batch.schema.fields.map((_, c) => takeData(batch.getChildAt(c)!.data[0]!, indices));
  const data = makeData({ type: new Struct(batch.schema.fields), length: indices.length, nullCount: 0, children });
  return new RecordBatch(batch.schema, data);
}

/** Gather from one column chunk. */
export function takeData(data: Data, indices: Int32Array): Data {
  const n = indices.length;
  const nullBitmap = data.nullCount > 0 ? gatherValidity(data, indices) : null;
  const nullCount = nullBitmap ? n - popcount(nullBitmap, n) : 0;
  const type = data.type as DataType;
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Timestamp:
    case Type.Date:
    case Type.Time:
    case Type.Duration:
    case Type.Decimal: {
      const stride = data.stride;
      const source = data.values as ArrayLike<number | bigint> & { constructor: new (n: number) => Int32Array };
      const Ctor = (data.values as { constructor: new (n: number) => never }).constructor;
      const out = new Ctor(n * stride) as unknown as { [i: number]: number | bigint };
      // Arrow slices fixed-width values with the data (only validity and booleans keep `offset`).
      for (let i = 0; i < n; i++) {
        const from = indices[i]! * stride;
        for (let k = 0; k < stride; k++) out[i * stride + k] = source[from + k]!;
      }
      return makeData({ type, length: n, nullCount, nullBitmap, data: out } as never);
    }
    case Type.Bool: {
      const out = new Uint8Array((n + 7) >> 3);
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const j = data.offset + indices[i]!;
        if (bits[j >> 3]! & (1 << (j & 7))) out[i >> 3]! |= 1 << (i & 7);
      }
      return makeData({ type, length: n, nullCount, nullBitmap, data: out } as never);
    }
    case Type.Utf8:
    case Type.Binary: {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      const outOffsets = new Int32Array(n + 1);
      let total = 0;
      // Value offsets are sliced with the data too.
      for (let i = 0; i < n; i++) {
        const j = indices[i]!;
        total += offsets[j + 1]! - offsets[j]!;
        outOffsets[i + 1] = total;
      }
      const outBytes = new Uint8Array(total);
      for (let i = 0; i < n; i++) {
        const j = indices[i]!;
        outBytes.set(bytes.subarray(offsets[j]!, offsets[j + 1]!), outOffsets[i]!);
      }
      return makeData({ type, length: n, nullCount, nullBitmap, valueOffsets: outOffsets, data: outBytes } as never);
    }
    case Type.Struct:
      // A struct's children are sliced with it: row i of the struct is row i of every child.
      return makeData({ type, length: n, nullCount, nullBitmap, children: data.children.map((child) => takeData(child, indices)) } as never);
    default: {
      const vector: Vector = makeVector(data);
      const builder = makeBuilder({ type, nullValues: [null, undefined] });
      for (let i = 0; i < n; i++) builder.append(builderValue(vector.get(indices[i]!)));
      return builder.finish().toVector().data[0]!;
    }
  }
}

/**
 * A nested cell in the form Arrow's builders take. A list cell comes out of `Vector#get` as a
 * Vector, which a ListBuilder reads as all nulls; arrays, objects and Maps it reads correctly.
 */
function builderValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Vector) return Array.from(value, builderValue);
  const kind = (value as object).constructor?.name;
  if (kind === 'MapRow') return new Map(Array.from(value as Iterable<[unknown, unknown]>, ([k, v]) => [k, builderValue(v)]));
  if (kind === 'StructRow') {
    return Object.fromEntries(Object.entries((value as { toJSON(): Record<string, unknown> }).toJSON()).map(([k, v]) => [k, builderValue(v)]));
  }
  return value;
}

function gatherValidity(data: Data, indices: Int32Array): Uint8Array {
  const out = new Uint8Array((indices.length + 7) >> 3);
  const bitmap = data.nullBitmap as Uint8Array;
  for (let i = 0; i < indices.length; i++) {
    const j = data.offset + indices[i]!;
    if (bitmap[j >> 3]! & (1 << (j & 7))) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

function popcount(bitmap: Uint8Array, length: number): number {
  let count = 0;
  for (let i = 0; i < length; i++) if (bitmap[i >> 3]! & (1 << (i & 7))) count++;
  return count;
}
