import { RecordBatch, Schema, Struct, Table, makeData, type Vector } from 'apache-arrow';
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
 */
export function tableFromRows(schema: Schema, rows: readonly Readonly<Record<string, unknown>>[]): Table {
  const columns = schema.fields.map((field) => {
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = rows[i]![field.name];
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
 * plain objects and arrays too, not Arrow's row and vector proxies.
 */
export function tableToRows(table: Table): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = new Array(table.numRows);
  let i = 0;
  for (const row of table) rows[i++] = plainObject(row!.toJSON() as Record<string, unknown>);
  return rows;
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

