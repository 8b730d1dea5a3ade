import { SluiceError } from '@sluice/core';
import { csvFormat } from './csv/csv.ts';
import { jsonFormat } from './json/json.ts';
import { parquetFormat } from './parquet/parquet.ts';
import { textFormat } from './text/text.ts';

/** Every file codec by name: what `format('parquet')` on the file source or sink resolves to. */
export const fileFormats = { json: jsonFormat, csv: csvFormat, text: textFormat, parquet: parquetFormat } as const;

/** The file formats Sluice reads and writes: `json`, `csv`, `text`, `parquet`. */
export type FileFormatName = keyof typeof fileFormats;

/**
 * The codec for a format name (case-insensitive), or `UNKNOWN_FORMAT` listing the known ones.
 * @example fileFormat('Parquet').read(bytes, { file })
 */
export function fileFormat(name: string): (typeof fileFormats)[FileFormatName] {
  const format = (fileFormats as Record<string, (typeof fileFormats)[FileFormatName]>)[name.toLowerCase()];
  if (format === undefined) {
    throw new SluiceError('UNKNOWN_FORMAT', `Unknown file format '${name}'; use one of ${Object.keys(fileFormats).join(', ')}.`, { details: { format: name } });
  }
  return format;
}
