import { DataType, RecordBatch, Schema, Struct, Table, makeData, type Field, type Vector } from 'apache-arrow';
import { formatDecimal } from '../decimal/format.ts';
import { wordsToBigInt } from '../decimal/decimalValues.ts';
import { vectorFromValues } from './vectors.ts';

/** A table of `schema` from named column vectors (all the same length). */
export function tableFromVectors(schema: Schema, columns: readonly Vector[]): Table {
  const length = columns[0]?.length ?? 0;
  const children = columns.flatMap((c) => c.data.length === 1 ? c.data : [concatData(c)]);
  const struct = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new Table([new RecordBatch(schema, struct)]);
}

function concatData(vector: Vector) {
  // A multi-chunk column is rare here (only from user vectors); rebuild it as one chunk.
  return vectorFromValues(vector.type, vector.toArray() as ArrayLike<unknown>).data[0]!;
}

/**
 * A table from row objects, built column by column on the fast paths of `vectorFromValues`.
 * Missing keys are nulls; extra keys are ignored.
 *
 * @example
 * const table = tableFromRows(toSchema('id LONG, name STRING'), [{ id: 1n, name: 'ada' }, { id: 2n, name: null }]);
 */
export function tableFromRows(schema: Schema, rows: readonly Readonly<Record<string, unknown>>[]): Table {
  const columns = schema.fields.map((field) => {
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = rows[i]![field.name];
    return vectorFromValues(field.type, values);
  });
  return tableFromVectors(schema, columns);
}

/**
 * A table from rows given as arrays of values in the schema's field order (`rows[i][j]` is field
 * j of row i): `tableFromRows` without an object per row or a lookup by name per cell.
 */
export function tableFromValueRows(schema: Schema, rows: readonly (readonly unknown[])[]): Table {
  const columns = schema.fields.map((field, j) => {
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = rows[i]![j];
    return vectorFromValues(field.type, values);
  });
  return tableFromVectors(schema, columns);
}

/** A table from `{ column: values[] }` with the column types of `schema`. */
export function tableFromColumns(schema: Schema, columns: Readonly<Record<string, ArrayLike<unknown>>>): Table {
  return tableFromVectors(schema, schema.fields.map((f) => vectorFromValues(f.type, columns[f.name] ?? [])));
}

/** A zero-row table of `schema`. */
export function emptyTable(schema: Schema): Table {
  return tableFromRows(schema, []);
}

/**
 * The rows of a table as plain objects (the slow path: ~1 µs per row). Nested values become
 * plain objects and arrays too, not Arrow's row and vector proxies; decimals become exact
 * strings with their scale (`'12.30'`), since a JS number would lose digits.
 *
 * @example
 * tableToRows(memoryTable('events')) // [{ id: 1n, name: 'ada' }, …]: one plain object per row
 */
export function tableToRows(table: Table): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = new Array(table.numRows);
  const decimalFields = table.schema.fields.filter((f) => hasDecimal(f.type));
  let i = 0;
  for (const row of table) {
    const json = row!.toJSON() as Record<string, unknown>;
    const plain = plainObject(json);
    for (const field of decimalFields) plain[field.name] = typedValue(field.type, json[field.name]);
    rows[i++] = plain;
  }
  return rows;
}

/** One cell of `type` as a plain value, decimals as text; for rows handed to user code. */
export function typedValue(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (DataType.isDecimal(type)) return formatDecimal(wordsToBigInt(value as Uint32Array), type.scale);
  if (!hasDecimal(type)) return plainValue(value);
  if (DataType.isStruct(type)) {
    const record = (value as { toJSON(): Record<string, unknown> }).toJSON();
    const out: Record<string, unknown> = {};
    for (const child of type.children as Field[]) out[child.name] = typedValue(child.type, record[child.name]);
    return out;
  }
  if (DataType.isList(type)) return Array.from(value as Iterable<unknown>, (v) => typedValue(type.children[0]!.type, v));
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as Struct;
    const out: Record<string, unknown> = {};
    for (const [k, v] of value as Iterable<[unknown, unknown]>) out[String(typedValue(entry.children[0]!.type, k))] = typedValue(entry.children[1]!.type, v);
    return out;
  }
  return plainValue(value);
}

function hasDecimal(type: DataType): boolean {
  return DataType.isDecimal(type) || (type.children ?? []).some((c: Field) => hasDecimal(c.type));
}

function plainObject(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = plainValue(record[key]);
  return out;
}

function plainValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof (value as { toArray?: unknown }).toArray === 'function' && typeof (value as { get?: unknown }).get === 'function') {
    return Array.from(value as Iterable<unknown>, plainValue);
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return plainObject((value as { toJSON(): Record<string, unknown> }).toJSON());
  return value;
}

/** Concatenate tables of one schema without copying their batches. */
export function concatTables(schema: Schema, tables: readonly Table[]): Table {
  const batches = tables.flatMap((t) => t.batches);
  return batches.length === 0 ? emptyTable(schema) : new Table(schema, batches);
}

