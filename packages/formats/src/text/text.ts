import { Field, Schema, Utf8, type Table } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { sparkTypeName, tableFromVectors, utf8Vector } from '@sluice/core/connector';
import { withDefaults, type FileFormat, type ReadRequest } from '../fileFormat.ts';
import { decodeText, encodeText, splitLines } from '../lines.ts';
import { decodeUtf8Column } from '../utf8Column.ts';
import {
  textReadOptionSpec, textReadOptions, textWriteOptionSpec, textWriteOptions, type TextReadOptions, type TextWriteOptions,
} from './options.ts';

/** The schema of every text table: Spark's single `value: string` column. */
export const TEXT_SCHEMA = new Schema([new Field('value', new Utf8(), true)]);

/**
 * The schema text files are read in: Spark's `value: string`, or the one string column of a
 * user's schema under its own name (`.schema('line STRING')` reads a `line` column). Spark
 * refuses any other schema, and so does Sluice (`INVALID_SCHEMA`).
 *
 * @example textSchemaOf(toSchema('line STRING')).fields[0].name // 'line'
 */
export function textSchemaOf(schema: Schema | undefined): Schema {
  if (schema === undefined || schema.fields.length === 0) return TEXT_SCHEMA;
  if (schema.fields.length !== 1) {
    throw new SluiceError('INVALID_SCHEMA', `Text data source supports only a single column, and you have ${schema.fields.length} columns (${schema.fields.map((f) => f.name).join(', ')}); give one string column, e.g. .schema('line STRING').`);
  }
  const field = schema.fields[0]!;
  if (!(field.type instanceof Utf8)) {
    throw new SluiceError('INVALID_SCHEMA', `Text data source does not support ${sparkTypeName(field.type)} data type (column '${field.name}'); its one column is a string: .schema('${field.name} STRING'), then cast.`);
  }
  return field.name === 'value' && field.nullable ? TEXT_SCHEMA : new Schema([field.clone({ nullable: true })]);
}

/**
 * One row per line (or, with `wholetext`, one row per file) in a `value: Utf8` column, or in the
 * one string column of `request.schema` (Spark takes the user schema's column name).
 * @example readText(bytes).getChild('value')
 */
export function readText(bytes: Uint8Array, request: ReadRequest<TextReadOptions> = {}): Table {
  const o = withDefaults<typeof textReadOptionSpec, TextReadOptions>(textReadOptions, request.options);
  const text = decodeText(bytes);
  const values = o.wholetext ? [text] : splitLines(text, o.lineSep);
  return tableFromVectors(textSchemaOf(request.schema), [utf8Vector(values)]);
}

/**
 * Each row's value followed by `lineSep`. The table must have exactly one string column, as in
 * Spark; a null value is written as an empty line.
 *
 * @example
 * const bytes = writeText(tableFromRows(TEXT_SCHEMA, [{ value: 'line 1' }, { value: 'line 2' }]));
 */
export function writeText(table: Table, options?: Partial<TextWriteOptions>): Uint8Array {
  const o = withDefaults<typeof textWriteOptionSpec, TextWriteOptions>(textWriteOptions, options);
  const fields = table.schema.fields;
  if (fields.length !== 1 || !(fields[0]!.type instanceof Utf8)) {
    throw new SluiceError(
      'INVALID_SCHEMA',
      `The text format writes exactly one string column, but the table has ${fields.map((f) => `${f.name}: ${sparkTypeName(f.type)}`).join(', ') || 'no columns'}; select or concatenate to one string column first.`,
    );
  }
  const values = decodeUtf8Column(table, 0);
  return encodeText(values.length === 0 ? '' : values.map((v) => v ?? '').join(o.lineSep) + o.lineSep);
}

/** The text codec, for the file source and sink. */
export const textFormat: FileFormat<typeof textReadOptionSpec, typeof textWriteOptionSpec, TextReadOptions, TextWriteOptions> = {
  name: 'text',
  extension: '.txt',
  readOptionSpec: textReadOptionSpec,
  writeOptionSpec: textWriteOptionSpec,
  readOptions: textReadOptions,
  writeOptions: textWriteOptions,
  read: readText,
  write: writeText,
};
