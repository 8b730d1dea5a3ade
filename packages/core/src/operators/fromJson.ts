import { DataType, Field, Schema, Struct, Table, Utf8, makeData, makeVector, type RecordBatch, type Vector } from 'apache-arrow';
import { DEFAULT_CORRUPT_RECORD_COLUMN, parseJsonRecords, type ParseMode } from '../arrow/json/parseJsonRecords.ts';
import { toSchema, sparkTypeName, type SchemaLike } from '../arrow/schema.ts';
import { takeRows } from '../arrow/take.ts';
import type { Operator } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';
import { binaryAsUtf8 } from './cells.ts';
import { recordBatchOf } from './batches.ts';
import { resolveColumn } from './expression.ts';

/** Options of `fromJson`: Spark's JSON options (`mode`, `columnNameOfCorruptRecord` …). */
export interface FromJsonOptions {
  /** PERMISSIVE (default) keeps a bad record as nulls plus its text in `_corrupt_record`; DROPMALFORMED drops it; FAILFAST fails the batch. */
  readonly mode?: ParseMode;
  readonly columnNameOfCorruptRecord?: string;
  /** Keep the parsed record as one struct column of this name instead of spreading its fields. */
  readonly as?: string;
}

/**
 * Parse a JSON string (or binary, e.g. a Kafka value) column with `schema` (Spark's
 * `from_json`). The column is replaced by the parsed fields — the usual
 * `select(from_json(...).alias("data")).select("data.*")` in one step — and the other columns
 * stay. A malformed record never fails the query in PERMISSIVE mode: its text lands in
 * `_corrupt_record`.
 *
 * @example
 * kafka.pipe(fromJson('value', 'user_id LONG, event_type STRING'))
 */
export function fromJson(column: string, schema: SchemaLike, options: FromJsonOptions = {}): Operator {
  const parsedSchema = toSchema(schema);
  const mode = options.mode ?? 'PERMISSIVE';
  const corruptName = options.columnNameOfCorruptRecord ?? DEFAULT_CORRUPT_RECORD_COLUMN;
  return (frame) => {
    const [step] = resolveColumn(column, frame.schema);
    if (!step || resolveColumn(column, frame.schema).length > 1) throw new SluiceError('UNKNOWN_COLUMN', `fromJson reads a top-level column; '${column}' is nested.`);
    const type = step.field.type;
    if (!DataType.isUtf8(type) && !DataType.isBinary(type)) {
      throw new SluiceError('TYPE_MISMATCH', `fromJson needs a string or binary column, but '${step.field.name}' is ${sparkTypeName(type)}.`);
    }
    const keepCorrupt = mode === 'PERMISSIVE';
    const parsedFields = parsedSchema.fields.filter((f) => f.name !== corruptName).map((f) => f.clone({ nullable: true }));
    const inserted = options.as !== undefined ? [new Field(options.as, new Struct(parsedFields), true)] : parsedFields;
    const corruptField = new Field(corruptName, new Utf8(), true);
    const fields = frame.schema.fields.flatMap((f, i) => (i === step.index ? [...inserted, ...(keepCorrupt ? [corruptField] : [])] : [f]));
    const outSchema = new Schema(fields);
    const clash = duplicate(fields.map((f) => f.name));
    if (clash) throw new SluiceError('INVALID_SCHEMA', `fromJson('${column}') would create a second column '${clash}'; rename one side first (withColumnRenamed).`);
    const jsonSchema = new Schema(parsedFields);
    return frame.withStep({
      name: `FromJson ${column} [${parsedFields.map((f) => f.name).join(', ')}] ${mode}`,
      schema: outSchema,
      apply: (table) =>
        new Table(
          outSchema,
          table.batches.map((batch, b) => {
            const texts = textsOf(batch.getChildAt(step.index)!);
            const parsed = parseJsonRecords(texts, jsonSchema, {
              mode: mode === 'FAILFAST' ? 'FAILFAST' : 'PERMISSIVE',
              columnNameOfCorruptRecord: corruptName,
              locate: (i) => `row ${i} of batch partition ${b} in column '${column}'`,
            }).batches[0]!;
            const parsedColumns = parsedFields.map((_, i) => parsed.getChildAt(i)!);
            const corrupt = mode === 'FAILFAST' ? undefined : parsed.getChildAt(parsedFields.length)!;
            const insertedColumns = options.as !== undefined ? [structVector(parsedFields, parsedColumns, batch.numRows)] : parsedColumns;
            const columns = frame.schema.fields.flatMap((_, i) => (i === step.index ? [...insertedColumns, ...(keepCorrupt ? [corrupt!] : [])] : [batch.getChildAt(i)!]));
            const out = recordBatchOf(outSchema, columns, batch.numRows);
            return mode === 'DROPMALFORMED' ? dropCorrupt(out, corrupt!) : out;
          }),
        ),
    });
  };
}

/** The column's values as strings (binary is read as UTF-8 without a copy), nulls kept. */
function textsOf(vector: Vector): (string | null)[] {
  const strings = DataType.isBinary(vector.type) ? binaryAsUtf8(vector) : vector;
  const out = new Array<string | null>(strings.length);
  for (let i = 0; i < strings.length; i++) out[i] = (strings.get(i) as string | null) ?? null;
  return out;
}

function structVector(fields: readonly Field[], columns: readonly Vector[], length: number): Vector {
  return makeVector(makeData({ type: new Struct(fields as Field[]), length, nullCount: 0, children: columns.map((c) => c.data[0]!) }));
}

function dropCorrupt(batch: RecordBatch, corrupt: Vector): RecordBatch {
  if (corrupt.nullCount === corrupt.length) return batch;
  const keep: number[] = [];
  for (let i = 0; i < corrupt.length; i++) if (!corrupt.isValid(i)) keep.push(i);
  return takeRows(batch, Int32Array.from(keep));
}

function duplicate(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
