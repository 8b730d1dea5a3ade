import { Field, RecordBatch, Schema, Struct, Table, Utf8, makeData } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { utf8Vector } from '../vectors.ts';
import { appendFields, columnBuilder, isPlainObject, type ColumnBuilder, type JsonValueOptions, type ParseState } from './columnBuilders.ts';
import { hasIntegralFloatToken, isLenient, parseJsonExact, SPARK_JSON_SYNTAX, type JsonSyntax } from './exactJson.ts';

/** How records that do not parse, or do not fit the schema, are handled (Spark's `mode`). */
export type ParseMode = 'PERMISSIVE' | 'DROPMALFORMED' | 'FAILFAST';

export interface ParseJsonOptions {
  /** PERMISSIVE (default): a bad record becomes a row of nulls with its text in the corrupt-record column; DROPMALFORMED: dropped; FAILFAST: `MALFORMED_RECORD` error. */
  readonly mode?: ParseMode;
  /** The Utf8 column that holds a bad record's text in PERMISSIVE mode (default `_corrupt_record`). */
  readonly columnNameOfCorruptRecord?: string;
  /**
   * In PERMISSIVE mode, whether a schema without the corrupt-record column gains it (default
   * true, as `fromJson` flattens it beside the parsed fields). False answers the schema's columns
   * only, as Spark's JSON file reader does: a bad record is a row of nulls unless the user's
   * schema names the column.
   */
  readonly appendCorruptColumn?: boolean;
  /** Where record `index` came from, for FAILFAST messages: "file /in/a.json line 12". */
  readonly locate?: (index: number) => string;
  /** The JSON syntax accepted beyond RFC 8259 (Spark's `allow*` options); Spark's defaults when absent. */
  readonly syntax?: JsonSyntax;
  /** Timestamp and date text formats, NaN strings (Spark's `timestampFormat`, `dateFormat`, `allowNonNumericNumbers`). */
  readonly values?: JsonValueOptions;
}

/** Spark's default name for the column that keeps a malformed record's text. */
export const DEFAULT_CORRUPT_RECORD_COLUMN = '_corrupt_record';

const EXCERPT_LENGTH = 80;

/**
 * Parse JSON texts (one record each) into a table of `schema`, with Spark's `from_json`
 * semantics. A null or blank text gives a row of nulls. A text that is not a JSON object is
 * malformed and handled per `mode`; in PERMISSIVE mode the output gains a Utf8
 * `_corrupt_record` column (unless the schema already has it, where it stays in its place)
 * holding the text of malformed records and null for good ones. A field of the wrong JSON type
 * makes the record malformed too, but in PERMISSIVE mode only that field is null: the other
 * fields keep their values (Spark's partial results, SPARK-36069 / SPARK-40646). Integers beyond 2^53 stay exact in
 * Int64 columns; timestamps read ISO-8601 strings or epoch-millisecond numbers; binary reads base64.
 *
 * @example
 * parseJsonRecords(['{"id":1,"tags":["a"]}', 'oops'], toSchema('id LONG, tags ARRAY<STRING>'))
 * // → 2 rows; row 1 is nulls with _corrupt_record = 'oops'
 */
export function parseJsonRecords(texts: ArrayLike<string | null | undefined>, schema: Schema, options: ParseJsonOptions = {}): Table {
  const mode = options.mode ?? 'PERMISSIVE';
  const corruptName = options.columnNameOfCorruptRecord ?? DEFAULT_CORRUPT_RECORD_COLUMN;
  const corruptIndex = schema.fields.findIndex((f) => f.name === corruptName);
  if (corruptIndex >= 0 && !(schema.fields[corruptIndex]!.type instanceof Utf8)) {
    throw new SluiceError('INVALID_SCHEMA', `The corrupt-record column '${corruptName}' must be a string column; change its type or name another column with columnNameOfCorruptRecord.`);
  }
  // The JSON fields are all but the corrupt-record column, which is filled here, not parsed.
  const dataFields = schema.fields.filter((_, i) => i !== corruptIndex);
  const addCorrupt = corruptIndex >= 0 || (mode === 'PERMISSIVE' && options.appendCorruptColumn !== false);
  const syntax = options.syntax ?? SPARK_JSON_SYNTAX;
  const lenient = isLenient(syntax);
  const state: ParseState = { inexact: false, bad: false, numberTokensMatter: false, integerTimestampsAreSeconds: true, jsonTokens: true, ...(options.values ? { values: options.values } : {}) };
  // The exact parse keeps float tokens as written (JsonNumberText): a DECIMAL needs their digits,
  // an integral column refuses them, a string column writes them as Jackson does.
  const decimalText = true;
  const count = texts.length;
  const builders: ColumnBuilder[] = dataFields.map((f) => columnBuilder(f.type, state, count));
  const names = dataFields.map((f) => f.name);
  const corrupt: (string | null)[] | null = addCorrupt ? [] : null;
  let rows = 0;

  for (let i = 0; i < count; i++) {
    const text = texts[i];
    if (text == null || isBlank(text)) {
      appendNulls(builders);
      corrupt?.push(null);
      rows++;
      continue;
    }
    let ok = false;
    let record: unknown;
    let exact = false;
    try {
      record = JSON.parse(text);
      ok = isPlainObject(record);
    } catch {
      // Jackson with Spark's features (single quotes, NaN …) may still read it.
      if (lenient) {
        try {
          record = parseJsonExact(text, { decimalText, syntax });
          ok = isPlainObject(record);
          exact = true;
        } catch {
          ok = false;
        }
      }
    }
    if (ok) {
      state.inexact = false;
      state.bad = false;
      state.numberTokensMatter = false;
      appendFields(builders, names, record as Record<string, unknown>, state);
      if (!exact && (state.inexact || (state.numberTokensMatter && hasIntegralFloatToken(text)))) {
        // JSON.parse rounded a number that an Int64 or DECIMAL column needs exact, or read a float
        // token such as `1.0` as an integer where the token kind decides: parse this one again.
        for (const b of builders) b.truncate(rows);
        state.bad = false;
        appendFields(builders, names, parseJsonExact(text, { decimalText, syntax }) as Record<string, unknown>, state);
      }
      if (!state.bad) {
        corrupt?.push(null);
        rows++;
        continue;
      }
      // Some field did not fit: the record is malformed, with the other fields kept (PERMISSIVE).
      if (mode === 'PERMISSIVE') {
        corrupt?.push(text);
        rows++;
        continue;
      }
      for (const b of builders) b.truncate(rows);
    }
    if (mode === 'DROPMALFORMED') continue;
    if (mode === 'FAILFAST') throw malformed(text, i, options.locate);
    appendNulls(builders);
    corrupt?.push(text);
    rows++;
  }

  const outFields: Field[] = dataFields.map((f) => f.clone({ nullable: true }));
  const outData = builders.map((b) => b.finish());
  if (corrupt !== null) {
    const position = corruptIndex >= 0 ? corruptIndex : outFields.length;
    outFields.splice(position, 0, new Field(corruptName, new Utf8(), true));
    outData.splice(position, 0, utf8Vector(corrupt).data[0]!);
  }
  const outSchema = new Schema(outFields, schema.metadata);
  const struct = makeData({ type: new Struct(outFields), length: rows, nullCount: 0, children: outData });
  return new Table([new RecordBatch(outSchema, struct)]);
}

function appendNulls(builders: readonly ColumnBuilder[]): void {
  for (const b of builders) b.appendNull();
}

function isBlank(text: string): boolean {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

function malformed(text: string, index: number, locate: ((index: number) => string) | undefined): SluiceError {
  const where = locate ? locate(index) : `record ${index}`;
  const excerpt = text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
  return new SluiceError(
    'MALFORMED_RECORD',
    `Malformed JSON record at ${where}: ${JSON.stringify(excerpt)}. It is not a JSON object of the expected schema; fix the input, or read with mode PERMISSIVE (a row of nulls; add a '_corrupt_record STRING' column to the schema to keep its text) or DROPMALFORMED (skips it).`,
    { details: { where, index } },
  );
}
