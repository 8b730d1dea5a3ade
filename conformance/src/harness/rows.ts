import { isDeepStrictEqual } from 'node:util';
import { DataType, type Field, type Struct, type Table } from 'apache-arrow';
import { tableToRows } from '@sluice/core';

/**
 * A row as Spark's tests write answers: positional values, longs as numbers, timestamps as
 * epoch milliseconds, structs as nested arrays (`Row(Row(start, end), count)`), null as null.
 */
export type SparkRow = readonly unknown[];

/** A table's rows, positional and normalised (see `normalise`). */
export function rowsOf(table: Table): SparkRow[] {
  const fields = table.schema.fields;
  return tableToRows(table).map((row) => fields.map((f) => normaliseAs(f.type, row[f.name])));
}

/**
 * `normalise`, knowing the column's type: a map (a plain object in `tableToRows`' rows, like a
 * struct) becomes a `Map` from key text to value, so its keys are compared too.
 */
function normaliseAs(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (DataType.isMap(type)) {
    const valueType = (type.children[0]!.type as Struct).children[1]!.type;
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normaliseAs(valueType, v)]));
  }
  if (DataType.isStruct(type)) {
    const record = value as Record<string, unknown>;
    return (type.children as Field[]).map((f) => normaliseAs(f.type, record[f.name]));
  }
  if (DataType.isList(type)) return (value as unknown[]).map((v) => normaliseAs(type.children[0]!.type, v));
  return normalise(value);
}

/**
 * One value the way Spark's answers spell it: bigints that fit become numbers (Spark's `1L` is
 * written `1` in a restated answer), Dates become epoch ms, plain objects (structs) become arrays
 * in field order, byte arrays become number arrays.
 */
export function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(normalise);
  // Spark's `Map("a" -> 1)`: keys compared as text, as a map read back from a table has them.
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [String(k), normalise(v)]));
  if (value !== null && typeof value === 'object') return Object.values(value).map(normalise);
  return value;
}

/** Answers given as scalars (Spark's `CheckAnswer(1, 2, 3)` on a one-column table) become one-value rows. */
export function toRows(expected: readonly unknown[]): SparkRow[] {
  return expected.map((row) => (Array.isArray(row) ? (row as unknown[]).map(normalise) : [normalise(row)]));
}

/**
 * Compare as Spark's `QueryTest.sameRows` does: as multisets unless `sorted`. Returns a message
 * describing the difference, or undefined when they match.
 */
export function diffRows(actual: readonly SparkRow[], expected: readonly SparkRow[], sorted = false): string | undefined {
  const a = sorted ? [...actual] : sortRows(actual);
  const e = sorted ? [...expected] : sortRows(expected);
  if (a.length === e.length && a.every((row, i) => isDeepStrictEqual(row, e[i]))) return undefined;
  return `expected ${e.length} row(s):\n    ${e.map(show).join('\n    ') || '(none)'}\n  but got ${a.length}:\n    ${a.map(show).join('\n    ') || '(none)'}`;
}

function sortRows(rows: readonly SparkRow[]): SparkRow[] {
  return [...rows].sort((x, y) => (show(x) < show(y) ? -1 : show(x) > show(y) ? 1 : 0));
}

export function show(row: SparkRow): string {
  return JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? `${v}L` : v instanceof Map ? { Map: [...v] } : v));
}
