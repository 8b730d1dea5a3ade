import { Field, Schema, Utf8, makeVector, type Table, type Vector } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { columnBuilder, type ColumnBuilder } from '@sluice/core/internal';
import { sparkTypeName, tableFromVectors, utf8Vector } from '@sluice/core/connector';
import { columnReader } from '../columnReader.ts';
import { describeFile, withDefaults, type FileFormat, type ReadRequest } from '../fileFormat.ts';
import { requireSchema } from '../json/json.ts';
import { decodeText, encodeText } from '../lines.ts';
import { tokenizeCsv, type CsvRecord } from './csvTokenizer.ts';
import { INVALID, csvValueFormatter, csvValueParser } from './csvValues.ts';
import {
  csvReadOptionSpec, csvReadOptions, csvWriteOptionSpec, csvWriteOptions, type CsvReadOptions, type CsvWriteOptions,
} from './options.ts';

const EXCERPT_LENGTH = 80;

/**
 * A table of `schema` from CSV text, columns by position (Spark's enforceSchema). A record whose
 * field count differs from the schema, whose quoting is broken, or whose value does not parse as
 * its column's type is malformed and follows `mode`: PERMISSIVE keeps what fits (missing values
 * null, extra ones dropped, a value that does not convert null, as Spark's partial results; a
 * record with broken quoting all null) with its text in the corrupt-record column when the schema
 * has one (`_corrupt_record STRING`, or `columnNameOfCorruptRecord`), DROPMALFORMED skips
 * it, FAILFAST throws `MALFORMED_RECORD` naming file and line. A null `mode` is PERMISSIVE.
 * An unquoted `nullValue` is null; a quoted value never is, and `""` is the empty string.
 *
 * @example readCsv(bytes, { schema: toSchema('id INT, name STRING'), options: { header: true } })
 */
export function readCsv(bytes: Uint8Array, request: ReadRequest<CsvReadOptions> = {}): Table {
  const schema = requireSchema(request.schema, 'csv');
  const o = withDefaults<typeof csvReadOptionSpec, CsvReadOptions>(csvReadOptions, request.options);
  const where = describeFile(request.file);
  const corruptName = o.columnNameOfCorruptRecord;
  const corruptIndex = schema.fields.findIndex((f) => f.name === corruptName);
  if (corruptIndex >= 0 && !(schema.fields[corruptIndex]!.type instanceof Utf8)) {
    throw new SluiceError('INVALID_SCHEMA', `The corrupt-record column '${corruptName}' must be a string column; change its type or name another column with columnNameOfCorruptRecord.`);
  }
  const fields = schema.fields.filter((_, i) => i !== corruptIndex);
  const parsers = fields.map((f) => csvValueParser(f.type, o, f.name));
  const builders: ColumnBuilder[] = fields.map((f) => columnBuilder(f.type, undefined, 1024));
  // As Spark's CSV reader: the text is kept only where the user's schema names the column.
  const addCorrupt = corruptIndex >= 0;
  const corrupt: (string | null)[] = [];
  let rows = 0;
  let headerSkipped = !o.header;

  tokenizeCsv(decodeText(bytes), { sep: o.delimiter ?? o.sep, quote: o.quote, escape: o.escape, comment: o.comment, multiLine: o.multiLine, lineSep: o.lineSep }, (record) => {
    if (!headerSkipped) {
      headerSkipped = true;
      return;
    }
    // A record that does not fit is malformed; its values that do fit are kept (Spark's partial
    // results: missing values are null, extra ones dropped, a value that does not convert is null).
    const problem = record.error ?? append(record);
    if (problem === undefined) {
      if (addCorrupt) corrupt.push(null);
      rows++;
      return;
    }
    if (o.mode === 'PERMISSIVE' && record.error === undefined) {
      corrupt.push(record.raw);
      rows++;
      return;
    }
    for (const b of builders) b.truncate(rows);
    if (o.mode === 'DROPMALFORMED') return;
    if (o.mode === 'FAILFAST') throw malformed(record, `${where} line ${record.line}`, problem);
    for (const b of builders) b.appendNull();
    corrupt.push(record.raw);
    rows++;
  });

  /** Appends the record's values to the builders (null where one is missing or does not convert); says what was wrong, if anything. */
  function append(record: CsvRecord): string | undefined {
    let problem: string | undefined;
    if (record.fields.length !== fields.length) problem = `it has ${record.fields.length} values but the schema has ${fields.length} columns`;
    for (let j = 0; j < fields.length; j++) {
      if (j >= record.fields.length) {
        builders[j]!.appendNull();
        continue;
      }
      let text = record.fields[j]!;
      if (!record.quoted[j]) {
        if (o.ignoreLeadingWhiteSpace) text = text.trimStart();
        if (o.ignoreTrailingWhiteSpace) text = text.trimEnd();
        if (text === o.nullValue || (text === '' && !(fields[j]!.type instanceof Utf8))) {
          builders[j]!.appendNull();
          continue;
        }
        if (o.emptyValue !== undefined && o.emptyValue !== '' && text === o.emptyValue) text = '';
      }
      const value = parsers[j]!(text);
      if (value === INVALID || !builders[j]!.append(value)) {
        builders[j]!.appendNull();
        problem ??= `value ${j + 1} (${JSON.stringify(short(text))}) is not a valid ${sparkTypeName(fields[j]!.type)} for column '${fields[j]!.name}'`;
      }
    }
    return problem;
  }

  const outFields = fields.map((f) => f.clone({ nullable: true }));
  const vectors: Vector[] = builders.map((b) => makeVector(b.finish()));
  if (addCorrupt) {
    const position = corruptIndex >= 0 ? corruptIndex : outFields.length;
    outFields.splice(position, 0, new Field(corruptName, new Utf8(), true));
    vectors.splice(position, 0, utf8Vector(corrupt));
  }
  return tableFromVectors(new Schema(outFields, schema.metadata), vectors);
}

function short(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

function malformed(record: CsvRecord, where: string, problem: string): SluiceError {
  return new SluiceError(
    'MALFORMED_RECORD',
    `Malformed CSV record at ${where}: ${problem}: ${JSON.stringify(short(record.raw))}. Fix the input, or read with mode PERMISSIVE (a row of nulls; add a '_corrupt_record STRING' column to the schema to keep its text) or DROPMALFORMED (skips it).`,
    { details: { where, line: record.line } },
  );
}

/**
 * CSV text of `table`. Values are quoted only when needed (a separator, quote, line break,
 * leading or trailing space, or text that would read back as null); null is `nullValue`
 * (default empty) and the empty string is `emptyValue` (default `""`), so both survive a round trip.
 *
 * @example writeCsv(table, { header: true, sep: ';' })
 */
export function writeCsv(table: Table, options?: Partial<CsvWriteOptions>): Uint8Array {
  const o = withDefaults<typeof csvWriteOptionSpec, CsvWriteOptions>(csvWriteOptions, options);
  const sep = o.delimiter ?? o.sep;
  const lineSep = o.lineSep ?? '\n';
  const quoteText = makeQuoter(sep, o.quote, o.escape, o.nullValue, o.quoteAll);
  const emptyText = o.emptyValue ?? (o.quote === '' ? '' : o.quote + o.quote);
  const fields = table.schema.fields;
  const formatters = fields.map((f) => csvValueFormatter(f.type, o, f.name));
  const lines: string[] = [];
  if (o.header) lines.push(fields.map((f) => quoteText(f.name)).join(sep));
  for (const batch of table.batches) {
    const readers = batch.data.children.map((data) => columnReader(data)!);
    for (let r = 0; r < batch.numRows; r++) {
      let line = '';
      for (let j = 0; j < readers.length; j++) {
        const value = readers[j]!(r);
        const text = value == null ? o.nullValue : formatters[j]!(value);
        line += (j === 0 ? '' : sep) + (value == null ? text : text === '' ? emptyText : quoteText(text));
      }
      // Flatten the concatenated pieces while young (see tableToJsonLines).
      line.charCodeAt(0);
      lines.push(line);
    }
  }
  return encodeText(lines.length === 0 ? '' : lines.join(lineSep) + lineSep);
}

function makeQuoter(sep: string, quote: string, escape: string, nullValue: string, quoteAll: boolean): (text: string) => string {
  if (quote === '') return (text) => text;
  return (text) => {
    const needs = quoteAll || text.includes(sep) || text.includes(quote) || text.includes('\n') || text.includes('\r') || text.includes(escape)
      || text !== text.trim() || (nullValue !== '' && text === nullValue);
    if (!needs) return text;
    let out = '';
    for (let k = 0; k < text.length; k++) {
      const c = text[k]!;
      if (c === quote) out += (escape === '' ? quote : escape) + c;
      // An escape before a quote, another escape or the closing quote would be read as escaping; double it there.
      else if (c === escape && escape !== quote && (k + 1 === text.length || text[k + 1] === quote || text[k + 1] === escape)) out += escape + c;
      else out += c;
    }
    return quote + out + quote;
  };
}

/** The CSV codec, for the file source and sink. */
export const csvFormat: FileFormat<typeof csvReadOptionSpec, typeof csvWriteOptionSpec, CsvReadOptions, CsvWriteOptions> = {
  name: 'csv',
  extension: '.csv',
  readOptionSpec: csvReadOptionSpec,
  writeOptionSpec: csvWriteOptionSpec,
  readOptions: csvReadOptions,
  writeOptions: csvWriteOptions,
  read: readCsv,
  write: writeCsv,
};
