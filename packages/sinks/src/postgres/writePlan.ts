import type { Field, Schema } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { encoderFor, type EncoderFactory } from './fieldEncoders.ts';
import { arrowTypeName } from './pgTypes.ts';
import { displayName, qualifiedSql, quoteIdent } from './tableName.ts';
import type { PgColumn, TargetTable } from './targetTable.ts';

/** One batch column and where it goes. */
export interface PlannedColumn {
  /** Index of the column in the batch schema. */
  readonly index: number;
  readonly field: Field;
  readonly target: PgColumn;
  readonly encoder: EncoderFactory;
}

/** How batches of one schema are written into one table: checked once, reused per batch. */
export interface WritePlan {
  readonly columns: readonly PlannedColumn[];
  /** `COPY target (…) FROM STDIN (FORMAT binary)`. */
  readonly copySql: string;
  /** For upserts: the staging table, its COPY, and the merge into the target. */
  readonly upsert?: { readonly stageSql: string; readonly copySql: string; readonly mergeSql: string };
}

/** The staging table of an upsert; it lives for one transaction. */
const STAGE = 'sluice_stage';
/** The batch's row order, written by the encoder, so the last row of a key wins. */
const SEQ = '__sluice_seq';

/**
 * Match a batch schema to the table: every batch column must exist in the table (exact name,
 * else a unique case-insensitive match) with a type that can take it; every NOT NULL column
 * without a default must be in the batch; an upsert key must be a unique key of the table.
 */
export function planWrite(schema: Schema, table: TargetTable, keyColumns: readonly string[]): WritePlan {
  const where = displayName(table.name);
  const columns = schema.fields.map((field, index): PlannedColumn => {
    const target = matchColumn(field.name, table, where);
    if (target.generated) {
      throw mismatch('SCHEMA_MISMATCH', `Column '${field.name}' of the batch maps to the generated column '${target.name}' of ${where}, which cannot be written; drop it from the batch.`, field.name);
    }
    const encoder = encoderFor(field.type, target.type, field.name);
    if (!encoder) {
      throw mismatch(
        'TYPE_MISMATCH',
        `Column '${field.name}' of the batch has type ${arrowTypeName(field.type)}, but column '${target.name}' of ${where} has type ${target.type.display}, which cannot take it. Cast the column in the query, or alter the table's column type.`,
        field.name,
        { arrowType: String(field.type), postgresType: target.type.display },
      );
    }
    return { index, field, target, encoder };
  });
  const written = new Set(columns.map((c) => c.target.name));
  if (written.size !== columns.length) {
    throw mismatch('SCHEMA_MISMATCH', `Two columns of the batch (${schema.fields.map((f) => f.name).join(', ')}) map to the same column of ${where} (names are matched case-insensitively when no exact match exists); rename one.`, '');
  }
  for (const column of table.columns) {
    if (column.notNull && !column.mayOmit && !written.has(column.name)) {
      throw mismatch('SCHEMA_MISMATCH', `Column '${column.name}' of ${where} is NOT NULL without a default, but the batch has no such column (batch columns: ${schema.fields.map((f) => f.name).join(', ')}).`, column.name);
    }
  }
  const names = columns.map((c) => quoteIdent(c.target.name)).join(', ');
  const copySql = `COPY ${qualifiedSql(table.name)} (${names}) FROM STDIN (FORMAT binary)`;
  if (keyColumns.length === 0) return { columns, copySql };
  return { columns, copySql, upsert: upsertSql(columns, table, keyColumns, where) };
}

function upsertSql(columns: readonly PlannedColumn[], table: TargetTable, keyColumns: readonly string[], where: string): NonNullable<WritePlan['upsert']> {
  const keys = keyColumns.map((key) => {
    const column = columns.find((c) => c.field.name === key || c.target.name === key);
    if (!column) {
      throw mismatch('SCHEMA_MISMATCH', `Key column '${key}' (option keyColumns) is not a column of the batch (${columns.map((c) => c.field.name).join(', ')}).`, key);
    }
    return column.target.name;
  });
  const keySet = new Set(keys);
  const unique = table.uniqueKeys.some((k) => k.length === keySet.size && k.every((c) => keySet.has(c)));
  if (!unique) {
    const list = keys.map(quoteIdent).join(', ');
    throw mismatch(
      'SCHEMA_MISMATCH',
      `Upsert needs a primary key or unique index on (${keys.join(', ')}) of ${where}, and there is none${table.uniqueKeys.length ? ` (unique keys: ${table.uniqueKeys.map((k) => `(${k.join(', ')})`).join(', ')})` : ''}. Create one: CREATE UNIQUE INDEX ON ${qualifiedSql(table.name)} (${list}).`,
      keys.join(', '),
    );
  }
  const names = columns.map((c) => quoteIdent(c.target.name));
  const keyList = keys.map(quoteIdent).join(', ');
  const stageColumns = columns.map((c) => `${quoteIdent(c.target.name)} ${c.target.type.display}`).join(', ');
  const updates = columns.filter((c) => !keySet.has(c.target.name)).map((c) => `${quoteIdent(c.target.name)} = EXCLUDED.${quoteIdent(c.target.name)}`);
  const action = updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(', ')}`;
  return {
    stageSql: `CREATE TEMP TABLE ${STAGE} (${stageColumns}, ${SEQ} bigint) ON COMMIT DROP`,
    copySql: `COPY ${STAGE} (${names.join(', ')}, ${SEQ}) FROM STDIN (FORMAT binary)`,
    // DISTINCT ON keeps the batch's last row per key: ON CONFLICT may touch a row only once per statement.
    mergeSql: `INSERT INTO ${qualifiedSql(table.name)} (${names.join(', ')}) SELECT DISTINCT ON (${keyList}) ${names.join(', ')} FROM ${STAGE} ORDER BY ${keyList}, ${SEQ} DESC ON CONFLICT (${keyList}) ${action}`,
  };
}

function matchColumn(name: string, table: TargetTable, where: string): PgColumn {
  const exact = table.columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = table.columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  if (folded.length === 1) return folded[0]!;
  throw mismatch('SCHEMA_MISMATCH', `Column '${name}' of the batch does not exist in ${where} (its columns: ${table.columns.map((c) => c.name).join(', ')}). Add it with ALTER TABLE ${qualifiedSql(table.name)} ADD COLUMN ${quoteIdent(name)} …, or drop it from the query.`, name);
}

function mismatch(code: 'SCHEMA_MISMATCH' | 'TYPE_MISMATCH', message: string, column: string, extra: Record<string, string> = {}): SluiceError {
  return new SluiceError(code, message, { details: { column, ...extra } });
}
