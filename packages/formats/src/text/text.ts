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
 * One row per line (or, with `wholetext`, one row per file) in a `value: Utf8` column.
 * @example readText(bytes).getChild('value')
 */
export function readText(bytes: Uint8Array, request: ReadRequest<TextReadOptions> = {}): Table {
  const o = withDefaults<typeof textReadOptionSpec, TextReadOptions>(textReadOptions, request.options);
  const text = decodeText(bytes);
  const values = o.wholetext ? [text] : splitLines(text, o.lineSep);
  return tableFromVectors(TEXT_SCHEMA, [utf8Vector(values)]);
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
