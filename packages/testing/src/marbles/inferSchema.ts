import { Schema, type Table } from 'apache-arrow';
import { toSchema } from '@sluice/core';

/**
 * A schema for marble values given as rows: bigint → long, integer numbers → int, other numbers
 * → double, strings, booleans, Dates → timestamp. Pass a schema when that guess is not what you want.
 */
export function inferSchema(values: Readonly<Record<string, readonly Record<string, unknown>[] | Table>>): Schema {
  const tables = Object.values(values).filter((v): v is Table => !Array.isArray(v));
  if (tables.length > 0) return tables[0]!.schema;
  const types = new Map<string, string>();
  for (const rows of Object.values(values) as Record<string, unknown>[][]) {
    for (const row of rows) {
      for (const [name, value] of Object.entries(row)) {
        const type = typeOf(value);
        const seen = types.get(name);
        if (type === undefined) {
          if (!seen) types.set(name, 'unknown');
        } else if (!seen || seen === 'unknown' || (seen === 'int' && type === 'double')) types.set(name, type);
      }
    }
  }
  return toSchema(Object.fromEntries([...types].map(([name, type]) => [name, type === 'unknown' ? 'string' : type])));
}

function typeOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return 'long';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? 'int' : 'double';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'timestamp';
  return 'string';
}
