import { DataType, Field, Schema, Struct, Table, Utf8, makeData, makeVector, type RecordBatch, type Vector } from 'apache-arrow';
import { checkJsonMapKeys, jsonSyntaxOf, jsonValueOptionsOf, type JsonParseOptions } from '../arrow/json/jsonOptions.ts';
import { DEFAULT_CORRUPT_RECORD_COLUMN, parseJsonRecords, type ParseMode } from '../arrow/json/parseJsonRecords.ts';
import { toSchema, sparkTypeName, type SchemaLike } from '../arrow/schema.ts';
import { takeRows } from '../arrow/take.ts';
import { utf8Vector } from '../arrow/vectors.ts';
import type { Operator } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';
import { binaryAsUtf8 } from './cells.ts';
import { recordBatchOf } from './batches.ts';
import { resolveColumn } from './expression.ts';

/**
 * Options of `fromJson`: Spark's JSON options (`mode`, `columnNameOfCorruptRecord`, the `allow*`
 * syntax options, `timestampFormat`, `dateFormat`, `locale`, `timeZone` …).
 */
export interface FromJsonOptions extends JsonParseOptions {
  /**
   * PERMISSIVE (default; also when null) keeps a bad record — the fields that fit its schema, the
   * others null — plus its text in `_corrupt_record`; DROPMALFORMED drops it; FAILFAST fails the batch.
   */
  readonly mode?: ParseMode | null;
  readonly columnNameOfCorruptRecord?: string;
  /** Keep the parsed record as one struct column of this name instead of spreading its fields. */
  readonly as?: string;
}

/**
 * Parse a JSON string (or binary, e.g. a Kafka value) column with `schema` (Spark's
 * `from_json`). The column is replaced by the parsed fields — the usual
 * `select(from_json(...).alias("data")).select("data.*")` in one step — and the other columns
 * stay. A malformed record never fails the query in PERMISSIVE mode: its text lands in
 * `_corrupt_record` (where the schema puts that column, or after the parsed fields), and a
 * field that does not fit its type is null while the others keep their values, as in Spark.
 *
 * @example
 * kafka.pipe(fromJson('value', 'user_id LONG, event_type STRING'))
 */
export function fromJson(column: string, schema: SchemaLike, options: FromJsonOptions = {}): Operator {
  const parsedSchema = toSchema(schema);
  const mode = (options.mode ?? 'PERMISSIVE').toUpperCase() as ParseMode;
  if (mode !== 'PERMISSIVE' && mode !== 'DROPMALFORMED' && mode !== 'FAILFAST') {
    throw new SluiceError('INVALID_OPTION', `fromJson mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, not '${String(options.mode)}'.`);
  }
  const corruptName = options.columnNameOfCorruptRecord ?? DEFAULT_CORRUPT_RECORD_COLUMN;
  for (const f of parsedSchema.fields) checkJsonMapKeys(f.type, `fromJson('${column}')`);
  const syntax = jsonSyntaxOf(options);
  const values = jsonValueOptionsOf(options);
  return (frame) => {
    const [step] = resolveColumn(column, frame.schema);
    if (!step || resolveColumn(column, frame.schema).length > 1) throw new SluiceError('UNKNOWN_COLUMN', `fromJson reads a top-level column; '${column}' is nested.`);
    const type = step.field.type;
    if (!DataType.isUtf8(type) && !DataType.isBinary(type)) {
      throw new SluiceError('TYPE_MISMATCH', `fromJson needs a string or binary column, but '${step.field.name}' is ${sparkTypeName(type)}.`);
    }
    // The corrupt-record column stays where the schema puts it (Spark; null unless PERMISSIVE);
    // a schema without it gets it after the parsed fields in PERMISSIVE mode.
    const corruptAt = parsedSchema.fields.findIndex((f) => f.name === corruptName);
    const keepCorrupt = mode === 'PERMISSIVE' || corruptAt >= 0;
    const parsedFields = parsedSchema.fields.filter((f) => f.name !== corruptName).map((f) => f.clone({ nullable: true }));
    const corruptField = new Field(corruptName, new Utf8(), true);
    const place = <T>(parsed: T[], corrupt: T): T[] => {
      if (options.as !== undefined) return [parsed[0]!, ...(keepCorrupt && corruptAt < 0 ? [corrupt] : [])];
      if (!keepCorrupt) return parsed;
      const at = corruptAt >= 0 ? corruptAt : parsed.length;
      return [...parsed.slice(0, at), corrupt, ...parsed.slice(at)];
    };
    const inStruct = <T>(parsed: T[], corrupt: T): T[] => (corruptAt >= 0 ? [...parsed.slice(0, corruptAt), corrupt, ...parsed.slice(corruptAt)] : parsed);
    const structFields = inStruct(parsedFields, corruptField);
    const inserted = place(options.as !== undefined ? [new Field(options.as, new Struct(structFields), true)] : parsedFields, corruptField);
    const fields = frame.schema.fields.flatMap((f, i) => (i === step.index ? inserted : [f]));
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
              syntax,
              ...(values ? { values } : {}),
            }).batches[0]!;
            const parsedColumns = parsedFields.map((_, i) => parsed.getChildAt(i)!);
            const corrupt = mode === 'FAILFAST' ? utf8Vector(new Array<null>(batch.numRows).fill(null)) : parsed.getChildAt(parsedFields.length)!;
            const insertedColumns = place(options.as !== undefined ? [structVector(structFields, inStruct(parsedColumns, corrupt), batch.numRows)] : parsedColumns, corrupt);
            const columns = frame.schema.fields.flatMap((_, i) => (i === step.index ? insertedColumns : [batch.getChildAt(i)!]));
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
