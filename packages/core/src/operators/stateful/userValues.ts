import { Field, Utf8, type Schema } from 'apache-arrow';
import { toSchema, type SchemaLike } from '../../arrow/schema.ts';

/**
 * How a user's state value is kept in a state row: with a declared schema, the value is a row
 * object of its columns (compact, typed, checked at restart); without one, any JSON value in a
 * `json` string column (64-bit integers become numbers, or strings beyond 2^53).
 */
export interface UserValueCodec {
  readonly fields: readonly Field[];
  /** Append the value's cells to `out`. */
  write(value: unknown, out: unknown[]): void;
  /** The value from the row's cells starting at `at`. */
  read(row: readonly unknown[], at: number): unknown;
}

export function userValueCodec(schema: SchemaLike | undefined, prefix: string): UserValueCodec {
  if (schema === undefined) {
    return {
      fields: [new Field(`${prefix}json`, new Utf8(), true)],
      write: (value, out) => void out.push(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v))),
      read: (row, at) => (row[at] === null || row[at] === undefined ? null : JSON.parse(row[at] as string)),
    };
  }
  const fields = (toSchema(schema) as Schema).fields;
  return {
    fields: fields.map((f) => new Field(`${prefix}${f.name}`, f.type, true)),
    write: (value, out) => {
      const row = (value ?? {}) as Record<string, unknown>;
      for (const f of fields) out.push(row[f.name] ?? null);
    },
    read: (row, at) => Object.fromEntries(fields.map((f, i) => [f.name, row[at + i] ?? null])),
  };
}
