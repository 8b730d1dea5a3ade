import {
  Binary, DataType, Field, Float64, List, Map_, RecordBatch, Schema, Struct, Table, TimestampMillisecond, Type, Utf8, makeData, makeVector, util,
  type Data, type Dictionary, type Timestamp,
} from 'apache-arrow';
import { SluiceError, decimalVector, sparkTypeName, unscaledValues, vectorFromValues } from '@sluice/core';
import { rescaleInt64 } from './timestampRescale.js';

/**
 * Reshapes column data read from (or about to be written to) Parquet into the types Sluice works
 * with: timestamps of any unit to `unit`, integers and floats widened, dictionary columns
 * decoded, nested types recursed. Buffers are reused wherever the layout does not change.
 */
export function conformData(data: Data, target: DataType, where: () => string): Data {
  const source = data.type as DataType;
  // Zero-length nested data can arrive from IPC without its children; rebuild it whole.
  if (data.length === 0) return vectorFromValues(target, []).data[0]!;
  if (source.typeId === Type.Dictionary) return conformData(decodeDictionary(data as Data<Dictionary>), target, where);
  if (DataType.isTimestamp(source) && DataType.isTimestamp(target)) return convertTimestamp(data, target);
  if (DataType.isDate(source) && DataType.isDate(target) && (source as unknown as { unit: number }).unit === (target as unknown as { unit: number }).unit) return data.clone(target);
  if (DataType.isInt(source) && DataType.isInt(target)) return widenInt(data, target, where);
  // Arrow's compareTypes does not look at a decimal's precision and scale: compare them here.
  if (DataType.isDecimal(source) && DataType.isDecimal(target)) {
    return source.scale === target.scale && source.precision === target.precision && source.bitWidth === target.bitWidth ? data.clone(target) : widenDecimal(data, target, where);
  }
  if (DataType.isFloat(source) && DataType.isFloat(target)) {
    if (source.precision === target.precision) return data.clone(target);
    if (target.precision > source.precision) return makeData({ type: target, length: data.length, nullCount: data.nullCount, nullBitmap: bitmapOf(data), data: Float64Array.from(data.values as Float32Array) } as never);
  }
  if (DataType.isInt(source) && target instanceof Float64) {
    const v = makeVector(data);
    return vectorFromValues(target, Array.from({ length: data.length }, (_, i) => (v.get(i) == null ? null : Number(v.get(i))))).data[0]!;
  }
  if ((source.typeId === Type.Utf8 && target.typeId === Type.Utf8) || (source.typeId === Type.Binary && target.typeId === Type.Binary) || (source.typeId === Type.Bool && target.typeId === Type.Bool)) {
    return data.clone(target);
  }
  if ((source.typeId === Type.LargeUtf8 && target.typeId === Type.Utf8) || (source.typeId === Type.LargeBinary && target.typeId === Type.Binary)) {
    const offsets = data.valueOffsets as unknown as BigInt64Array;
    return makeData({ type: target, length: data.length, nullCount: data.nullCount, nullBitmap: bitmapOf(data), valueOffsets: Int32Array.from(offsets, (o) => Number(o)), data: data.values } as never);
  }
  if (DataType.isList(source) && DataType.isList(target)) {
    const child = conformData(data.children[0]!, target.children[0]!.type, where);
    return data.clone(target, data.offset, data.length, data.nullCount, data.buffers, [child]);
  }
  if (DataType.isMap(source) && DataType.isMap(target)) {
    const entries = data.children[0]!;
    const entryType = target.children[0]!.type as Struct;
    const key = conformData(entries.children[0]!, entryType.children[0]!.type, where);
    const value = conformData(entries.children[1]!, entryType.children[1]!.type, where);
    const entryData = entries.clone(entryType, entries.offset, entries.length, entries.nullCount, entries.buffers, [key, value]);
    return data.clone(target, data.offset, data.length, data.nullCount, data.buffers, [entryData]);
  }
  if (DataType.isStruct(source) && DataType.isStruct(target)) {
    const children = target.children.map((field) => {
      const k = findField(source.children, field.name);
      return k < 0 ? nullData(field.type, data.length) : conformData(data.children[k]!, field.type, () => `${where()}.${field.name}`);
    });
    return data.clone(target, data.offset, data.length, data.nullCount, data.buffers, children);
  }
  // Types Sluice does not reshape (decimal, intervals, …) pass through when the schema says the same.
  if (source.typeId === target.typeId && !isNested(source) && util.compareTypes(source, target)) return data.clone(target);
  throw new SluiceError('SCHEMA_MISMATCH', `Column ${where()} is ${sparkTypeName(source)} in the file but the schema says ${sparkTypeName(target)}; change the schema to match the file.`, { details: { column: where() } });
}

function isNested(type: DataType): boolean {
  return DataType.isList(type) || DataType.isMap(type) || DataType.isStruct(type) || DataType.isUnion(type) || DataType.isFixedSizeList(type);
}

/** The type Sluice uses for a type read from Parquet: timestamps in ms without zone, dictionaries decoded, nested recursed. */
export function sluiceType(type: DataType): DataType {
  if (type.typeId === Type.Dictionary) return sluiceType((type as Dictionary).dictionary);
  if (DataType.isTimestamp(type)) return new TimestampMillisecond();
  if (type.typeId === Type.LargeUtf8) return new Utf8();
  if (type.typeId === Type.LargeBinary) return new Binary();
  if (DataType.isList(type)) return new List(retype(type.children[0]!));
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as Struct;
    return new Map_(new Field(type.children[0]!.name, new Struct(entry.children.map(retype)), false) as never, type.keysSorted);
  }
  if (DataType.isStruct(type)) return new Struct(type.children.map(retype));
  return type;
}

function retype(field: Field): Field {
  return new Field(field.name, sluiceType(field.type), field.nullable, field.metadata);
}

/** A table whose columns are conformed to `schema` (matched by name, then case-insensitively; absent → nulls). */
export function conformTable(table: Table, schema: Schema, describe: (column: string) => string): Table {
  const batches = table.batches.map((batch) => {
    const children = schema.fields.map((field) => {
      const k = findField(table.schema.fields, field.name);
      return k < 0 ? nullData(field.type, batch.numRows) : conformData(batch.data.children[k]!, field.type, () => describe(field.name));
    });
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }));
  });
  return batches.length === 0 ? new Table(schema) : new Table(schema, batches);
}

function findField(fields: readonly Field[], name: string): number {
  const exact = fields.findIndex((f) => f.name === name);
  if (exact >= 0) return exact;
  // Spark resolves Parquet columns case-insensitively by default (spark.sql.caseSensitive=false).
  const lower = name.toLowerCase();
  return fields.findIndex((f) => f.name.toLowerCase() === lower);
}

function nullData(type: DataType, length: number): Data {
  return vectorFromValues(type, new Array(length).fill(null)).data[0]!;
}

function bitmapOf(data: Data): Uint8Array | null {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return null;
  if (data.offset % 8 === 0) return data.nullBitmap.subarray(data.offset >> 3, (data.offset + data.length + 7) >> 3);
  const out = new Uint8Array((data.length + 7) >> 3);
  for (let i = 0; i < data.length; i++) {
    const k = data.offset + i;
    if ((data.nullBitmap[k >> 3]! >> (k & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

const UNIT_PER_SECOND = [1, 1_000, 1_000_000, 1_000_000_000];

/** Timestamp values rescaled between units (exactly, any year: see timestampRescale.js). */
function convertTimestamp(data: Data, target: Timestamp): Data {
  const from = UNIT_PER_SECOND[(data.type as Timestamp).unit]!;
  const to = UNIT_PER_SECOND[target.unit]!;
  if (from === to) return data.clone(target);
  const values = data.values as BigInt64Array;
  const inWords = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
  const out = rescaleInt64(inWords, data.length, to > from ? to / from : 1, from > to ? from / to : 1);
  return makeData({ type: target, length: data.length, nullCount: data.nullCount, nullBitmap: bitmapOf(data), data: out } as never);
}

function widenInt(data: Data, target: DataType, where: () => string): Data {
  const source = data.type as unknown as { bitWidth: number; isSigned: boolean };
  const t = target as unknown as { bitWidth: number; isSigned: boolean };
  if (source.bitWidth === t.bitWidth && source.isSigned === t.isSigned) return data.clone(target);
  const widening = t.bitWidth > source.bitWidth && (t.isSigned || !source.isSigned) && (source.isSigned === t.isSigned || t.bitWidth > source.bitWidth);
  if (!widening) {
    throw new SluiceError('SCHEMA_MISMATCH', `Column ${where()} is ${sparkTypeName(data.type)} in the file but the schema says ${sparkTypeName(target)}, which would lose values; widen the schema's type.`, { details: { column: where() } });
  }
  const values = data.values as ArrayLike<number | bigint>;
  const ArrayType = (target as unknown as { ArrayType: new (n: number) => ArrayLike<number | bigint> & { [i: number]: number | bigint } }).ArrayType;
  const out = new ArrayType(data.length);
  if (t.bitWidth === 64) for (let i = 0; i < data.length; i++) out[i] = BigInt(values[i]!);
  else for (let i = 0; i < data.length; i++) out[i] = Number(values[i]!);
  return makeData({ type: target, length: data.length, nullCount: data.nullCount, nullBitmap: bitmapOf(data), data: out } as never);
}

/**
 * A decimal column read into a wider DECIMAL, as Spark 4's Parquet reader widens (more integer
 * digits and more scale, never fewer): values are rescaled exactly. Narrowing would lose digits.
 */
function widenDecimal(data: Data, target: DataType, where: () => string): Data {
  const from = data.type as unknown as { precision: number; scale: number };
  const to = target as unknown as { precision: number; scale: number };
  if (to.scale < from.scale || to.precision - to.scale < from.precision - from.scale) {
    throw new SluiceError('SCHEMA_MISMATCH', `Column ${where()} is ${sparkTypeName(data.type)} in the file but the schema says ${sparkTypeName(target)}, which would lose digits; widen the schema's precision and scale.`, { details: { column: where() } });
  }
  const { values, valid } = unscaledValues(makeVector(data) as never);
  const up = 10n ** BigInt(to.scale - from.scale);
  return decimalVector(to, values.map((v) => v * up), valid).data[0]!;
}

function decodeDictionary(data: Data<Dictionary>): Data {
  const dictionary = data.dictionary!;
  const indexes = data.values as ArrayLike<number | bigint>;
  const valid = (i: number) => data.nullCount === 0 || !data.nullBitmap || ((data.nullBitmap[(data.offset + i) >> 3]! >> ((data.offset + i) & 7)) & 1) === 1;
  const values = new Array<unknown>(data.length);
  for (let i = 0; i < data.length; i++) values[i] = valid(i) ? dictionary.get(Number(indexes[i]!)) : null;
  return vectorFromValues(dictionary.type, values).data[0]!;
}

