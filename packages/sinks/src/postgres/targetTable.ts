import type { Schema } from 'apache-arrow';
import type { ClientBase } from 'pg';
import { SluiceError } from '@sluice/core';
import { arrowTypeName, createColumnType, type PgType } from './pgTypes.ts';
import { displayName, qualifiedSql, quoteIdent, type TableName } from './tableName.ts';

export interface PgColumn {
  readonly name: string;
  readonly type: PgType;
  readonly notNull: boolean;
  /** Has a default, is an identity or generated: may be left out of an insert. */
  readonly mayOmit: boolean;
  /** A generated column, which no insert may name. */
  readonly generated: boolean;
}

/** An existing table as the sink writes it: resolved name, columns in order, unique keys. */
export interface TargetTable {
  readonly name: Required<TableName>;
  readonly columns: readonly PgColumn[];
  /** Column sets of the primary key and every plain unique index (what ON CONFLICT can infer). */
  readonly uniqueKeys: readonly (readonly string[])[];
}

const TABLE_SQL = `
SELECT c.oid, n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = to_regclass($1)`;

// Domains are resolved to their base type, whose binary format they share; enums are sent as text.
const COLUMNS_SQL = `
SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS display,
       CASE WHEN t.typtype = 'e' THEN 'enum' ELSE b.typname END AS typname, b.oid AS oid,
       CASE WHEN et.typtype = 'e' THEN 'enum' ELSE et.typname END AS elem_typname, et.oid AS elem_oid,
       format_type(et.oid, NULL) AS elem_display,
       a.attnotnull AS not_null, (a.atthasdef OR a.attidentity <> '') AS has_default, a.attgenerated <> '' AS generated
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_type et ON et.oid = b.typelem AND b.typcategory = 'A'
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

const UNIQUE_SQL = `
SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns
FROM pg_index i
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = $1 AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
GROUP BY i.indexrelid`;

interface ColumnRow {
  name: string;
  display: string;
  typname: string;
  oid: number;
  elem_typname: string | null;
  elem_oid: number | null;
  elem_display: string | null;
  not_null: boolean;
  has_default: boolean;
  generated: boolean;
}

/** The table as it is now, or `null` when it does not exist. */
export async function describeTable(client: ClientBase, table: TableName): Promise<TargetTable | null> {
  const found = await client.query<{ oid: number; nspname: string; relname: string; relkind: string }>(TABLE_SQL, [qualifiedSql(table)]);
  const row = found.rows[0];
  if (!row) return null;
  if (row.relkind !== 'r' && row.relkind !== 'p') {
    throw new SluiceError('INVALID_OPTION', `Option 'dbtable' of format 'postgres' names ${displayName(table)}, which is not a table (relkind '${row.relkind}'); COPY needs a plain or partitioned table.`, {
      details: { format: 'postgres', option: 'dbtable' },
    });
  }
  const columns = await client.query<ColumnRow>(COLUMNS_SQL, [row.oid]);
  const unique = await client.query<{ columns: string[] }>(UNIQUE_SQL, [row.oid]);
  return {
    name: { schema: row.nspname, name: row.relname },
    columns: columns.rows.map((c) => ({
      name: c.name,
      type: {
        typname: c.typname,
        oid: Number(c.oid),
        display: c.display,
        ...(c.elem_typname === null ? {} : { element: { typname: c.elem_typname, oid: Number(c.elem_oid), display: c.elem_display ?? c.elem_typname } }),
      },
      notNull: c.not_null,
      mayOmit: c.has_default || c.generated,
      generated: c.generated,
    })),
    uniqueKeys: unique.rows.map((u) => u.columns),
  };
}

/**
 * `CREATE TABLE IF NOT EXISTS` from a batch schema (types per `createColumnType`). Non-nullable
 * Arrow fields become NOT NULL; `keyColumns` become the primary key, which upserts need.
 */
export function createTableSql(table: TableName, schema: Schema, keyColumns: readonly string[]): string {
  const columns = schema.fields.map((field) => {
    const type = createColumnType(field.type);
    if (type === undefined) {
      throw new SluiceError('TYPE_MISMATCH', `Column '${field.name}' has type ${arrowTypeName(field.type)}, which the postgres sink cannot create a column for; cast it (to double, string or timestamp) first.`, {
        details: { column: field.name, arrowType: String(field.type) },
      });
    }
    return `${quoteIdent(field.name)} ${type}${field.nullable ? '' : ' NOT NULL'}`;
  });
  const key = keyColumns.length > 0 ? `, PRIMARY KEY (${keyColumns.map(quoteIdent).join(', ')})` : '';
  return `CREATE TABLE IF NOT EXISTS ${qualifiedSql(table)} (${columns.join(', ')}${key})`;
}

/** Create the table; a concurrent creator winning the race is not an error. */
export async function createTable(client: ClientBase, table: TableName, schema: Schema, keyColumns: readonly string[]): Promise<void> {
  try {
    await client.query(createTableSql(table, schema, keyColumns));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P07') throw error;
  }
}
