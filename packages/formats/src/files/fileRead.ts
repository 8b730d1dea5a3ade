import { Field, Schema, type Table } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { checkJsonMapKeys } from '@sluice/core/internal';
import { fileFormat, type FileFormatName } from '../fileFormats.ts';
import { TEXT_SCHEMA, textSchemaOf } from '../text/text.ts';
import { inferCsvSchema } from '../schema/inferCsvSchema.ts';
import { inferJsonSchema } from '../schema/inferJsonSchema.ts';
import { readParquet } from '../parquet/parquet.ts';
import { inferPartitionType, withPartitionColumns, type PartitionValues } from './partitionPath.ts';

type Codec = ReturnType<typeof fileFormat>;

/**
 * How the files of one input are read: the codec, its parsed options, the schema of the file
 * contents, and the output schema (the contents as the codec returns them — with the corrupt-record
 * column in PERMISSIVE mode — followed by the partition columns).
 */
export interface FileReadPlan {
  readonly format: FileFormatName;
  readonly codec: Codec;
  readonly options: Readonly<Record<string, unknown>>;
  /** What the files hold (no partition columns). */
  readonly dataSchema: Schema;
  readonly partitionColumns: readonly string[];
  /** What a read returns. */
  readonly schema: Schema;
}

/**
 * Plan reading files of `format`. With `schema`, its partition columns take their types from it
 * and the rest is the data schema; partition columns it lacks are appended with inferred types
 * (Spark's rule). `partitions` are the partition values seen, to infer those types.
 */
export function planFileRead(
  format: string,
  options: Readonly<Record<string, unknown>>,
  dataOrFullSchema: Schema,
  partitions: readonly PartitionValues[],
): FileReadPlan {
  const codec = fileFormat(format);
  // Spark's checkSchemaColumnNameDuplication (spark.sql.caseSensitive is false: names differing only in case clash).
  const seen = new Set<string>();
  for (const f of dataOrFullSchema.fields) {
    const lower = f.name.toLowerCase();
    if (seen.has(lower)) throw new SluiceError('INVALID_SCHEMA', `The column \`${lower}\` already exists in the schema of the ${codec.name} files (Spark: COLUMN_ALREADY_EXISTS); give each column one name.`, { details: { column: lower } });
    seen.add(lower);
  }
  // Spark refuses a JSON schema with a non-string map key when the stream is defined.
  if (codec.name === 'json') for (const f of dataOrFullSchema.fields) checkJsonMapKeys(f.type, `${codec.name} files`);
  const partitionColumns: string[] = [];
  for (const values of partitions) for (const column of Object.keys(values)) if (!partitionColumns.includes(column)) partitionColumns.push(column);
  const given = new Map(dataOrFullSchema.fields.map((f) => [f.name, f]));
  const dataSchema = new Schema(dataOrFullSchema.fields.filter((f) => !partitionColumns.includes(f.name)));
  const partitionFields = partitionColumns.map((column) =>
    given.get(column)?.clone({ nullable: true }) ?? new Field(column, inferPartitionType(partitions.map((p) => (column in p ? p[column]! : null))), true),
  );
  const contents = contentSchema(codec, dataSchema, options);
  return { format: codec.name, codec, options, dataSchema, partitionColumns, schema: new Schema([...contents.fields, ...partitionFields]) };
}

/** What the codec returns for files of `dataSchema` (json and csv: its columns, the corrupt-record one where the schema names it). */
function contentSchema(codec: Codec, dataSchema: Schema, options: Readonly<Record<string, unknown>>): Schema {
  if (codec.name === 'text') return textSchemaOf(dataSchema);
  if (codec.name === 'parquet') return dataSchema;
  return codec.read(new Uint8Array(0), { schema: dataSchema, options: options as never }).schema;
}

/**
 * The table of one file in the plan's output schema; errors name the file (FAILFAST line, corrupt
 * Parquet row group). With `pathColumns`, a column of the schema that the file's directories name
 * (`col=value`) takes its value from the path even when no such directory existed when the plan
 * was made: Spark discovers partitions at every batch, and a user schema's column that matches one
 * is a partition column.
 */
export function readDataFile(plan: FileReadPlan, bytes: Uint8Array, file: string, partition: PartitionValues, pathColumns = false): Table {
  return inOutputSchema(plan, plan.codec.read(bytes, { schema: plan.dataSchema, file, options: plan.options as never }), file, partition, pathColumns);
}

/** As readDataFile, with a codec that can use several cores (Parquet) doing so for a large file. */
export async function readDataFileAsync(plan: FileReadPlan, bytes: Uint8Array, file: string, partition: PartitionValues, pathColumns = false): Promise<Table> {
  if (plan.codec.readAsync === undefined) return readDataFile(plan, bytes, file, partition, pathColumns);
  return inOutputSchema(plan, await plan.codec.readAsync(bytes, { schema: plan.dataSchema, file, options: plan.options as never }), file, partition, pathColumns);
}

/** A file's decoded contents with the plan's partition columns, from its directory's values. */
function inOutputSchema(plan: FileReadPlan, table: Table, file: string, partition: PartitionValues, pathColumns: boolean): Table {
  const values: Record<string, string | null> = {};
  for (const column of plan.partitionColumns) values[column] = partition[column] ?? null;
  if (pathColumns) {
    for (const [column, value] of Object.entries(partition)) if (!(column in values) && plan.schema.fields.some((f) => f.name === column)) values[column] = value;
  }
  return withPartitionColumns(table, plan.schema, values, file);
}

/**
 * A schema inferred from sample files, as Spark's `inferSchema`: JSON and CSV from their
 * values, Parquet from the first file's footer, text is always `value: string`.
 */
export function inferFileSchema(format: string, samples: readonly { readonly bytes: Uint8Array; readonly file: string }[], options: Readonly<Record<string, unknown>>): Schema {
  const codec = fileFormat(format);
  if (codec.name === 'text') return TEXT_SCHEMA;
  if (samples.length === 0) {
    throw new SluiceError('INVALID_SCHEMA', `Unable to infer schema for ${codec.name.toUpperCase()}: there are no files to infer it from. Give a schema (e.g. .schema('id LONG, name STRING')), or add files before starting.`, {
      details: { format: codec.name },
    });
  }
  if (codec.name === 'parquet') return readParquet(samples[0]!.bytes, { file: samples[0]!.file }).schema;
  // JSON inference includes the corrupt-record column when a sample record is malformed
  // (PERMISSIVE), as Spark's does, so the stream keeps those records' text.
  return codec.name === 'json'
    ? inferJsonSchema(samples.map((s) => s.bytes), options as never)
    : inferCsvSchema(samples.map((s) => s.bytes), options as never);
}
