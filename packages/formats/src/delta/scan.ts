/**
 * Reading a table's data files as Arrow: each file's columns conformed to the table schema
 * (columns a file lacks are nulls: the schema evolved after it was written), partition columns
 * restored from the log's partition values, column-mapped names turned back into the schema's,
 * and rows a deletion vector invalidated dropped.
 */
import { readFile } from 'node:fs/promises';
import { Field, RecordBatch, Schema, Struct, Table, makeData, type Data, type DataType } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { takeRows, vectorFromValues } from '@sluice/core/connector';
import { conformTable } from '../parquet/conform.ts';
import { readParquetAsync } from '../parquet/parquet.ts';
import type { AddFile } from './actions.ts';
import { readDeletionVector } from './deletionVectors.ts';
import { deltaToArrowSchema, physicalName, type DeltaStructType } from './deltaSchema.ts';
import { parsePartitionValue, resolveDataPath } from './partitionValues.ts';
import type { DeltaSnapshot } from './snapshot.ts';
import { checkDeltaReadable, columnMappingMode, type ColumnMappingMode } from './tableFeatures.ts';

/** How to read the files of one table version: computed once, used for every file. */
export interface DeltaScanPlan {
  readonly tablePath: string;
  /** The rows' schema: every column of the table, in schema order. */
  readonly schema: Schema;
  readonly mode: ColumnMappingMode;
  /** Data columns as the files name them (physical names under column mapping). */
  readonly fileSchema: Schema;
  /** For each output column: a data column (index into fileSchema) or a partition column (its key in partitionValues). */
  readonly columns: readonly ({ readonly kind: 'data'; readonly index: number } | { readonly kind: 'partition'; readonly key: string })[];
}

/** The scan plan of a snapshot; refuses tables with reader features Sluice lacks. */
export function deltaScanPlan(snapshot: DeltaSnapshot, tablePath: string, schema?: DeltaStructType): DeltaScanPlan {
  checkDeltaReadable(snapshot.protocol, snapshot.metadata, `The Delta table at ${tablePath}`);
  const mode = columnMappingMode(snapshot.protocol, snapshot.metadata);
  const struct = schema ?? snapshot.deltaSchema;
  const partition = new Set(snapshot.partitionColumns.map((c) => c.toLowerCase()));
  const fields = struct.fields.filter((f) => f.type !== 'void');
  const dataFields = fields.filter((f) => !partition.has(f.name.toLowerCase()));
  const fileSchema = deltaToArrowSchema({ type: 'struct', fields: dataFields }, mode === 'none' ? 'logical' : 'physical');
  const columns = fields.map((f) => {
    if (partition.has(f.name.toLowerCase())) return { kind: 'partition' as const, key: mode === 'none' ? f.name : physicalName(f) };
    return { kind: 'data' as const, index: dataFields.indexOf(f) };
  });
  return { tablePath, schema: deltaToArrowSchema({ type: 'struct', fields }), mode, fileSchema, columns };
}

/** The rows of one live file, in the plan's schema. */
export async function readDeltaFile(plan: DeltaScanPlan, add: AddFile): Promise<Table> {
  const file = resolveDataPath(plan.tablePath, add.path);
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new SluiceError('FILE_NOT_FOUND', `The Delta table at ${plan.tablePath} lists data file ${add.path}, but ${file} cannot be read (${(e as Error).message}). It was deleted outside Delta (or vacuumed while still needed); restore it, or read an older version.`, {
      cause: e, details: { table: plan.tablePath, file },
    });
  });
  let raw = await readParquetAsync(bytes, { file });
  if (plan.mode === 'id') raw = renameByFieldId(raw, plan.fileSchema);
  const data = conformTable(raw, plan.fileSchema, (column) => `'${column}' of ${file}`);
  let table = assemble(plan, data, add);
  if (add.deletionVector) {
    const deleted = await readDeletionVector(plan.tablePath, add.deletionVector);
    table = dropRows(table, deleted);
  }
  return table;
}

/** Output columns from the file's data columns and the file's partition values. */
function assemble(plan: DeltaScanPlan, data: Table, add: AddFile): Table {
  const partitionValue = (key: string, type: DataType, name: string): unknown => {
    const values = add.partitionValues;
    const text = key in values ? values[key] : Object.entries(values).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
    return parsePartitionValue(text, type, name);
  };
  const batches = data.batches.map((batch) => {
    const children: Data[] = plan.columns.map((column, j) => {
      const field = plan.schema.fields[j]!;
      if (column.kind === 'data') return relabel(batch.data.children[column.index]!, field.type);
      const value = partitionValue(column.key, field.type, field.name);
      return vectorFromValues(field.type, new Array(batch.numRows).fill(value)).data[0]!;
    });
    return new RecordBatch(plan.schema, makeData({ type: new Struct(plan.schema.fields), length: batch.numRows, nullCount: 0, children }));
  });
  return batches.length === 0 ? new Table(plan.schema) : new Table(plan.schema, batches);
}

/** The same buffers under the logical type (column mapping renames nested fields too). */
function relabel(data: Data, type: DataType): Data {
  if (data.type === type || data.children.length === 0) return data.type === type ? data : data.clone(type);
  const children = data.children.map((child, k) => relabel(child, (type.children[k] as Field | undefined)?.type ?? child.type));
  return data.clone(type, data.offset, data.length, data.nullCount, data.buffers, children);
}

/** Column mapping in id mode: a file's columns matched by Parquet field id, not by name. */
function renameByFieldId(table: Table, fileSchema: Schema): Table {
  const byId = new Map(fileSchema.fields.map((f) => [f.metadata.get('PARQUET:field_id'), f.name]));
  const fields = table.schema.fields.map((f) => {
    const name = byId.get(f.metadata.get('PARQUET:field_id'));
    return name === undefined ? new Field(`__unmapped_${f.name}`, f.type, f.nullable, f.metadata) : new Field(name, f.type, f.nullable, f.metadata);
  });
  const schema = new Schema(fields, table.schema.metadata);
  return new Table(schema, table.batches.map((b) => new RecordBatch(schema, makeData({ type: new Struct(fields), length: b.numRows, nullCount: 0, children: b.data.children }))));
}

/** The table without the rows at `deleted` (ascending row indexes of the whole file). */
function dropRows(table: Table, deleted: readonly number[]): Table {
  if (deleted.length === 0) return table;
  let offset = 0;
  let d = 0;
  const batches = table.batches.map((batch) => {
    const keep: number[] = [];
    for (let i = 0; i < batch.numRows; i++) {
      while (d < deleted.length && deleted[d]! < offset + i) d++;
      if (d < deleted.length && deleted[d] === offset + i) continue;
      keep.push(i);
    }
    offset += batch.numRows;
    return keep.length === batch.numRows ? batch : takeRows(batch, Int32Array.from(keep));
  });
  return new Table(table.schema, batches);
}
