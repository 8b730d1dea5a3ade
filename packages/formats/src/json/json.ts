import type { Schema, Table } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { jsonSyntaxOf, jsonValueOptionsOf, parseJsonRecords, tableToJsonLines, temporalWriters } from '@sluice/core/internal';
import { describeFile, withDefaults, type FileFormat, type ReadRequest } from '../fileFormat.ts';
import { decodeText, encodeText, splitLines } from '../lines.ts';
import { splitJsonDocument } from './splitJsonDocument.ts';
import {
  jsonReadOptionSpec, jsonReadOptions, jsonWriteOptionSpec, jsonWriteOptions, type JsonReadOptions, type JsonWriteOptions,
} from './options.ts';

/**
 * A table of `schema` from a JSON file: one object per line (JSON lines), or with `multiLine`
 * one document per file (an object, or an array of objects). Blank lines are skipped. Malformed
 * records follow `mode` as Spark's: PERMISSIVE keeps what fits (a row of nulls for a record that
 * is not an object) and puts the record's text in the corrupt-record column when the schema has
 * one (`_corrupt_record STRING`, or the `columnNameOfCorruptRecord` option); FAILFAST errors name
 * the file and line.
 *
 * @example readJson(bytes, { schema: toSchema('id LONG, name STRING'), file: '/in/a.json' })
 */
export function readJson(bytes: Uint8Array, request: ReadRequest<JsonReadOptions> = {}): Table {
  const schema = requireSchema(request.schema, 'json');
  const o = withDefaults<typeof jsonReadOptionSpec, JsonReadOptions>(jsonReadOptions, request.options);
  const where = describeFile(request.file);
  const text = decodeText(bytes);
  let records: string[];
  let lineOf: (i: number) => number;
  if (o.multiLine) {
    const document = splitJsonDocument(text);
    records = document.records;
    lineOf = (i) => document.lines[i]!;
  } else {
    const lines = splitLines(text, o.lineSep);
    records = [];
    const numbers: number[] = [];
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k]!;
      if (line.trim() === '') continue; // Spark skips blank lines
      records.push(line);
      numbers.push(k + 1);
    }
    lineOf = (i) => numbers[i]!;
  }
  const values = jsonValueOptionsOf(o);
  return parseJsonRecords(records, schema, {
    mode: o.mode,
    columnNameOfCorruptRecord: o.columnNameOfCorruptRecord,
    appendCorruptColumn: false,
    locate: (i) => `${where} line ${lineOf(i)}`,
    syntax: jsonSyntaxOf(o),
    ...(values ? { values } : {}),
  });
}

/**
 * JSON lines for `table`, Spark's to_json shape per row (nulls left out, ISO timestamps,
 * base64 binary, exact int64), each record followed by `lineSep`.
 *
 * @example
 * const bytes = writeJson(table); // JSON lines, as Spark writes them
 */
export function writeJson(table: Table, options?: Partial<JsonWriteOptions>): Uint8Array {
  const o = withDefaults<typeof jsonWriteOptionSpec, JsonWriteOptions>(jsonWriteOptions, options);
  const custom = o.timestampFormat !== undefined || o.dateFormat !== undefined || o.timeZone !== undefined || o.locale !== undefined;
  const lines = tableToJsonLines(table, undefined, custom ? temporalWriters(o) : undefined);
  return encodeText(lines.length === 0 ? '' : lines.join(o.lineSep) + o.lineSep);
}

export function requireSchema(schema: Schema | undefined, format: string): Schema {
  if (schema === undefined) {
    throw new SluiceError('MISSING_OPTION', `Reading ${format} needs a schema: give one (e.g. "id LONG, name STRING"), or infer it from sample files with infer${format === 'json' ? 'Json' : 'Csv'}Schema.`);
  }
  return schema;
}

/** The JSON codec, for the file source and sink. */
export const jsonFormat: FileFormat<typeof jsonReadOptionSpec, typeof jsonWriteOptionSpec, JsonReadOptions, JsonWriteOptions> = {
  name: 'json',
  extension: '.json',
  readOptionSpec: jsonReadOptionSpec,
  writeOptionSpec: jsonWriteOptionSpec,
  readOptions: jsonReadOptions,
  writeOptions: jsonWriteOptions,
  read: readJson,
  write: writeJson,
};
