import { DataType, makeBuilder, Type, type Data, type Decimal, type Field, type Struct, type Vector } from 'apache-arrow';
import { decimalSpecOf } from '../../decimal/decimalType.ts';
import { decimalVector, unscaledAt } from '../../decimal/decimalVectors.ts';
import { utf8Vector, binaryVector } from '../../arrow/vectors.ts';
import { bitmapToBytes, validityOf } from './bits.ts';
import { bigintsOf, numbersOf, numericVector, storageFor, is64Bit } from './numbers.ts';
import { Utf8Column } from './utf8.ts';

/**
 * The row path: a column as one JS value per row, for functions with no columnar kernel. The
 * convention every row function sees: integers up to 32 bits and doubles are numbers, bigint
 * columns bigints, timestamps epoch milliseconds, dates epoch days, strings strings, binary
 * Uint8Array, arrays JS arrays, structs plain objects, maps JS `Map`s, decimals their unscaled
 * bigint; null is null.
 */
export function rowValues(vector: Vector): unknown[] {
  const out = new Array<unknown>(vector.length);
  let offset = 0;
  for (const data of vector.data) {
    fillRowValues(data, out, offset);
    offset += data.length;
  }
  return out;
}

function fillRowValues(data: Data, out: unknown[], at: number): void {
  const n = data.length;
  const valid = bitmapToBytes(validityOf(data), n);
  const type = data.type as DataType;
  switch (type.typeId) {
    case Type.Utf8: {
      const column = new Utf8Column(data);
      for (let i = 0; i < n; i++) out[at + i] = valid && !valid[i] ? null : column.get(i);
      return;
    }
    case Type.Binary: {
      const column = new Utf8Column(data);
      for (let i = 0; i < n; i++) out[at + i] = valid && !valid[i] ? null : column.bytesOf(i).slice();
      return;
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp: {
      if (type.typeId === Type.Int && is64Bit(type)) {
        const values = bigintsOf(data);
        for (let i = 0; i < n; i++) out[at + i] = valid && !valid[i] ? null : values[i];
        return;
      }
      const { values } = numbersOf(data);
      for (let i = 0; i < n; i++) out[at + i] = valid && !valid[i] ? null : values[i];
      return;
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < n; i++) {
        const j = data.offset + i;
        out[at + i] = valid && !valid[i] ? null : (bits[j >> 3]! & (1 << (j & 7))) !== 0;
      }
      return;
    }
    case Type.Null:
      for (let i = 0; i < n; i++) out[at + i] = null;
      return;
  }
  // Nested and other types: Arrow's accessors, converted to the plain convention.
  for (let i = 0; i < n; i++) out[at + i] = valid && !valid[i] ? null : getter(data, i);
}

function getter(data: Data, i: number): unknown {
  const type = data.type as DataType;
  if (type.typeId === Type.List) {
    const offsets = data.valueOffsets as Int32Array;
    const child = data.children[0]!;
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    return rowValuesOfData(child.slice(start, end - start));
  }
  if (type.typeId === Type.Struct) {
    const row: Record<string, unknown> = {};
    (type as Struct).children.forEach((f: Field, k: number) => {
      const child = data.children[k]!;
      row[f.name] = rowValuesOfData(child.slice(i, 1))[0];
    });
    return row;
  }
  if (type.typeId === Type.Map) {
    const offsets = data.valueOffsets as Int32Array;
    const entries = data.children[0]!;
    const start = offsets[i]!;
    const end = offsets[i + 1]!;
    const keys = rowValuesOfData(entries.children[0]!.slice(start, end - start));
    const values = rowValuesOfData(entries.children[1]!.slice(start, end - start));
    return new Map(keys.map((k, j) => [k, values[j]]));
  }
  if (type.typeId === Type.Decimal) return unscaledAt(data as Data<Decimal>, i);
  throw new Error(`no row reader for ${String(type)}`);
}

function rowValuesOfData(data: Data): unknown[] {
  const out = new Array<unknown>(data.length);
  fillRowValues(data, out, 0);
  return out;
}

/** A vector of `type` from row values in the row convention (see {@link rowValues}). */
export function fromRowValues(type: DataType, values: ArrayLike<unknown>): Vector {
  const n = values.length;
  switch (type.typeId) {
    case Type.Utf8:
      return utf8Vector(values as ArrayLike<string | null>);
    case Type.Binary:
      return binaryVector(values as ArrayLike<Uint8Array | null>);
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp: {
      const storage = storageFor(type, n);
      let validity: Uint8Array | null = null;
      const big = storage instanceof BigInt64Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v == null) {
          validity ??= new Uint8Array((n + 7) >> 3).fill(0xff);
          validity[i >> 3]! &= ~(1 << (i & 7));
        } else if (big) (storage as BigInt64Array)[i] = typeof v === 'bigint' ? BigInt.asIntN(64, v) : BigInt(Math.trunc(Number(v)));
        else (storage as Float64Array)[i] = typeof v === 'bigint' ? Number(v) : (v as number);
      }
      if (validity && n & 7) validity[n >> 3]! &= (1 << (n & 7)) - 1;
      return numericVector(type, storage, validity);
    }
  }
  if (type.typeId === Type.Decimal) return decimalVector(decimalSpecOf(type)!, values as ArrayLike<bigint | null>);
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  for (let i = 0; i < n; i++) builder.append(toBuilderValue(type, values[i]));
  return builder.finish().toVector();
}

/** Arrow's builders want epoch ms for dates, bigints for 64-bit ints, objects for structs. */
function toBuilderValue(type: DataType, value: unknown): unknown {
  if (value == null) return null;
  switch (type.typeId) {
    case Type.Date:
      return (value as number) * 86_400_000;
    case Type.Int:
      return is64Bit(type) && typeof value === 'number' ? BigInt(Math.trunc(value)) : value;
    case Type.List: {
      const child = type.children[0]!.type as DataType;
      return (value as unknown[]).map((v) => toBuilderValue(child, v));
    }
    case Type.Struct: {
      const row = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of (type as Struct).children) out[f.name] = toBuilderValue(f.type, row[f.name]);
      return out;
    }
    case Type.Map: {
      const entry = type.children[0]!.type as Struct;
      const [k, v] = entry.children;
      const map = value instanceof Map ? value : new Map(Object.entries(value as object));
      return new Map([...map].map(([key, val]) => [toBuilderValue(k!.type, key), toBuilderValue(v!.type, val)]));
    }
    case Type.Decimal: {
      const unscaled = BigInt.asUintN(128, value as bigint);
      const words = new Uint32Array(4);
      for (let w = 0; w < 4; w++) words[w] = Number((unscaled >> BigInt(32 * w)) & 0xffffffffn);
      return words;
    }
  }
  return value;
}
