/**
 * Schema enforcement on write (Delta's "schema validation"): a batch must fit the table. Columns
 * match by name, case-insensitively; narrower numbers widen into the table's type; columns the
 * batch lacks are written as nulls. New columns need `mergeSchema` (they are added, nullable);
 * anything else — a different type, a missing NOT NULL column — is a `SCHEMA_MISMATCH` listing
 * every difference at once. `overwriteSchema` (overwrite/complete writes only) replaces the schema.
 */
import type { Field, Schema } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import {
  arrowToDeltaSchema, deltaToArrowSchema, deltaTypeName, toDeltaType,
  type DeltaStructField, type DeltaStructType, type DeltaType,
} from './deltaSchema.ts';
import { checkPartitionType } from '../files/partitionPath.ts';

export interface SchemaPlanRequest {
  /** The table's schema and partitioning, or undefined for a new table. */
  readonly table: { readonly schema: DeltaStructType; readonly partitionColumns: readonly string[] } | undefined;
  readonly batch: Schema;
  /** Partition columns asked for by the writer, if any. */
  readonly partitionBy: readonly string[] | undefined;
  readonly mergeSchema: boolean;
  readonly overwriteSchema: boolean;
  /** The write replaces the table's rows (overwrite / complete). */
  readonly overwrite: boolean;
  /** Names the table in messages. */
  readonly where: string;
}

export interface SchemaPlan {
  /** The table schema after the write. */
  readonly schema: DeltaStructType;
  /** The same in Sluice's Arrow types: the batch is conformed to it before writing. */
  readonly arrowSchema: Schema;
  readonly partitionColumns: readonly string[];
  /** The write must commit a new metaData action. */
  readonly metadataChanged: boolean;
}

const WIDENINGS: Readonly<Record<string, readonly string[]>> = {
  byte: ['short', 'integer', 'long'],
  short: ['integer', 'long'],
  integer: ['long'],
  float: ['double'],
};

/** Decide the schema a write uses, or throw `SCHEMA_MISMATCH` with a readable diff. */
export function planSchema(request: SchemaPlanRequest): SchemaPlan {
  const { table, batch } = request;
  checkDuplicateNames(batch, request.where);
  const batchSchema = arrowToDeltaSchema(batch, true);
  if (table === undefined || (request.overwrite && request.overwriteSchema)) {
    const partitionColumns = resolvePartitionColumns(request.partitionBy ?? (table?.partitionColumns ?? []), batch, request.where);
    const changed = table === undefined || JSON.stringify(batchSchema) !== JSON.stringify(table.schema) || partitionColumns.join('\0') !== table.partitionColumns.join('\0');
    return { schema: batchSchema, arrowSchema: deltaToArrowSchema(batchSchema), partitionColumns, metadataChanged: changed };
  }
  if (request.overwriteSchema && !request.overwrite) {
    throw new SluiceError('INVALID_OPTION', "Option 'overwriteSchema' replaces a Delta table's schema and only applies to writes that replace its rows: use outputMode('complete') (or mode 'overwrite'), or drop overwriteSchema and use mergeSchema to add columns.", {
      details: { option: 'overwriteSchema' },
    });
  }
  const partitionColumns = table.partitionColumns;
  if (request.partitionBy !== undefined && request.partitionBy.length > 0 && !sameNames(request.partitionBy, partitionColumns)) {
    throw new SluiceError('INVALID_OPTION', `The Delta table at ${request.where} is partitioned by [${partitionColumns.join(', ')}], but the write asks for partitionBy [${request.partitionBy.join(', ')}]. Drop partitionBy (the table's partitioning is used), or replace the table with outputMode('complete') and overwriteSchema.`, {
      details: { option: 'partitionBy', table: partitionColumns, requested: request.partitionBy },
    });
  }
  const differences: string[] = [];
  const merged = mergeStruct(table.schema, batchSchema, '', request.mergeSchema, differences);
  if (differences.length > 0) throw mismatch(request.where, differences, table.schema, batchSchema, request.mergeSchema);
  const changed = JSON.stringify(merged) !== JSON.stringify(table.schema);
  return { schema: merged, arrowSchema: deltaToArrowSchema(merged), partitionColumns, metadataChanged: changed };
}

function mergeStruct(table: DeltaStructType, batch: DeltaStructType, prefix: string, merge: boolean, differences: string[]): DeltaStructType {
  const fields: DeltaStructField[] = table.fields.map((tableField) => {
    const batchField = batch.fields.find((f) => f.name.toLowerCase() === tableField.name.toLowerCase());
    const path = `${prefix}${tableField.name}`;
    if (batchField === undefined) {
      if (!tableField.nullable) differences.push(`column '${path}' (${deltaTypeName(tableField.type)} NOT NULL) is missing from the batch, and the table does not allow nulls in it`);
      return tableField;
    }
    return { ...tableField, type: mergeType(tableField.type, batchField.type, path, merge, differences) };
  });
  for (const batchField of batch.fields) {
    if (table.fields.some((f) => f.name.toLowerCase() === batchField.name.toLowerCase())) continue;
    const path = `${prefix}${batchField.name}`;
    if (merge) fields.push({ ...batchField, nullable: true });
    else differences.push(`column '${path}' (${deltaTypeName(batchField.type)}) is not in the table`);
  }
  return { type: 'struct', fields };
}

function mergeType(table: DeltaType, batch: DeltaType, path: string, merge: boolean, differences: string[]): DeltaType {
  if (typeof table !== 'string' && typeof batch !== 'string') {
    if (table.type === 'struct' && batch.type === 'struct') return mergeStruct(table, batch, `${path}.`, merge, differences);
    if (table.type === 'array' && batch.type === 'array') return { ...table, elementType: mergeType(table.elementType, batch.elementType, `${path}[]`, merge, differences) };
    if (table.type === 'map' && batch.type === 'map') {
      return { ...table, keyType: mergeType(table.keyType, batch.keyType, `${path}.key`, merge, differences), valueType: mergeType(table.valueType, batch.valueType, `${path}.value`, merge, differences) };
    }
  }
  const t = deltaTypeName(table);
  const b = deltaTypeName(batch);
  if (t === b || (t === 'timestamp_ntz' && b === 'timestamp') || WIDENINGS[b]?.includes(t)) return table;
  differences.push(`column '${path}' is ${t} in the table but ${b} in the batch`);
  return table;
}

/** The columns of a new table's partitioning, checked against the batch (names as the batch spells them). */
function resolvePartitionColumns(columns: readonly string[], batch: Schema, where: string): string[] {
  if (new Set(columns.map((c) => c.toLowerCase())).size !== columns.length) {
    throw new SluiceError('INVALID_OPTION', `partitionBy names a column twice: [${columns.join(', ')}].`, { details: { option: 'partitionBy' } });
  }
  const resolved = columns.map((column) => {
    const field = batch.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    if (field === undefined) {
      throw new SluiceError('UNKNOWN_COLUMN', `Cannot partition the Delta table at ${where} by '${column}': the batch has no such column (it has ${batch.fields.map((f) => f.name).join(', ')}).`, {
        details: { option: 'partitionBy', column },
      });
    }
    checkPartitionType(field);
    return field.name;
  });
  if (resolved.length > 0 && resolved.length === batch.fields.length) {
    throw new SluiceError('INVALID_OPTION', `Cannot partition the Delta table at ${where} by every column (${resolved.join(', ')}): a data file needs at least one column that is not a partition column.`, {
      details: { option: 'partitionBy' },
    });
  }
  return resolved;
}

function checkDuplicateNames(schema: Schema, where: string): void {
  const seen = new Map<string, string>();
  for (const field of schema.fields) {
    const key = field.name.toLowerCase();
    if (seen.has(key)) {
      throw new SluiceError('INVALID_SCHEMA', `Cannot write to the Delta table at ${where}: columns '${seen.get(key)}' and '${field.name}' differ only in case, and Delta column names are case-insensitive. Rename one of them.`, {
        details: { columns: [seen.get(key), field.name] },
      });
    }
    seen.set(key, field.name);
    toDeltaType(field.type, field.name);
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());
}

function mismatch(where: string, differences: readonly string[], table: DeltaStructType, batch: DeltaStructType, merge: boolean): SluiceError {
  const show = (s: DeltaStructType) => s.fields.map((f) => `${f.name} ${deltaTypeName(f.type)}${f.nullable ? '' : ' NOT NULL'}`).join(', ');
  const hint = merge
    ? 'Types cannot change on write: cast the batch columns to the table types, or replace the table with outputMode(\'complete\') and overwriteSchema.'
    : 'To add the new columns to the table, set option mergeSchema to true; to replace the table\'s schema, write with outputMode(\'complete\') and overwriteSchema; otherwise select and cast the batch columns to match.';
  return new SluiceError(
    'SCHEMA_MISMATCH',
    `The batch does not match the schema of the Delta table at ${where}:\n${differences.map((d) => `  - ${d}`).join('\n')}\nTable schema: ${show(table)}\nBatch schema: ${show(batch)}\n${hint}`,
    { details: { table: where, differences } },
  );
}

/** Rows with nulls in a column the table declares NOT NULL are refused (Delta's NOT NULL constraint). */
export function checkNotNull(schema: DeltaStructType, batch: { readonly schema: Schema; getChild(name: string): { nullCount: number } | null }, where: string): void {
  for (const field of schema.fields) {
    if (field.nullable) continue;
    const column = batch.schema.fields.find((f: Field) => f.name.toLowerCase() === field.name.toLowerCase());
    if (column === undefined) continue;
    if ((batch.getChild(column.name)?.nullCount ?? 0) > 0) {
      throw new SluiceError('SCHEMA_MISMATCH', `Column '${field.name}' of the Delta table at ${where} is NOT NULL, but the batch has nulls in it. Filter or fill them (coalesce) before writing.`, {
        details: { table: where, column: field.name },
      });
    }
  }
}
