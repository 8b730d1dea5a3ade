import { isDeepStrictEqual } from 'node:util';
import type { Table } from 'apache-arrow';
import { tableToRows } from '@sluice/core';

/**
 * A row as Spark's tests write answers: positional values, longs as numbers, timestamps as
 * epoch milliseconds, structs as nested arrays (`Row(Row(start, end), count)`), null as null.
 */
export type SparkRow = readonly unknown[];

/** A table's rows, positional and normalised (see `normalise`). */
export function rowsOf(table: Table): SparkRow[] {
  const names = table.schema.fields.map((f) => f.name);
  return tableToRows(table).map((row) => names.map((name) => normalise(row[name])));
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
  return JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? `${v}L` : v));
}
