import { SluiceError } from '@sluice/core';
import { defineOptions, opt, type Option } from '@sluice/core/connector';
import { fileFormat } from '@sluice/formats/internal';
import { type FileFormatName } from '@sluice/formats';

/** The formats the file sink writes. */
export const FILE_SINK_FORMATS = ['parquet', 'json', 'csv', 'text'] as const;
export type FileSinkFormat = (typeof FILE_SINK_FORMATS)[number];

const sinkOptionSpec = {
  path: opt.nonEmptyString().required().describe('output directory (a local path or file: URI)'),
  partitionBy: opt.stringList().describe('columns whose values name Hive-style col=value/ directories'),
  retention: opt.duration('ms').describe('drop manifest entries of files older than this at compaction, e.g. "7d" (Spark: retention); default keeps all'),
  compactInterval: opt.positiveInt().default(10).describe('every Nth manifest batch file is a compaction of all before it'),
  maxRecordsPerFile: opt.nonNegativeInt().default(0).describe('rows per data file at most; 0 = one file per partition per batch'),
};

/** The file sink's options after parsing. */
export interface FileSinkOptions {
  readonly format: FileSinkFormat;
  readonly path: string;
  readonly partitionBy: readonly string[];
  readonly retentionMs: number | undefined;
  readonly compactInterval: number;
  readonly maxRecordsPerFile: number;
  /** The codec's write options (compression, header, sep …), parsed. */
  readonly writeOptions: Readonly<Record<string, unknown>>;
}

/**
 * Parse the sink's options once, at the edge: its own keys plus the format's write options
 * (`compression`, `header` …), unknown keys rejected with the valid list.
 */
export function parseFileSinkOptions(format: string, raw: Readonly<Record<string, unknown>>, partitionBy?: readonly string[]): FileSinkOptions {
  const name = format.toLowerCase() as FileFormatName;
  if (!(FILE_SINK_FORMATS as readonly string[]).includes(name)) {
    throw new SluiceError('UNKNOWN_FORMAT', `The file sink writes ${FILE_SINK_FORMATS.join(', ')}; got '${format}'.`, { details: { format } });
  }
  const codec = fileFormat(name);
  const schema = defineOptions(name, { ...codec.writeOptionSpec, ...sinkOptionSpec } as unknown as Record<string, Option<unknown, unknown>>);
  const { format: _ignored, ...rest } = raw as Record<string, unknown>;
  const parsed = schema.parse(rest).options as Record<string, unknown>;
  const { path, partitionBy: optionColumns, retention, compactInterval, maxRecordsPerFile, ...writeOptions } = parsed;
  const columns = [...(partitionBy ?? []), ...((optionColumns as readonly string[] | undefined) ?? [])];
  if (new Set(columns).size !== columns.length) {
    throw new SluiceError('INVALID_OPTION', `partitionBy names a column twice: ${columns.join(', ')}.`, { details: { option: 'partitionBy' } });
  }
  return {
    format: name as FileSinkFormat,
    path: path as string,
    partitionBy: columns,
    retentionMs: retention as number | undefined,
    compactInterval: compactInterval as number,
    maxRecordsPerFile: maxRecordsPerFile as number,
    writeOptions,
  };
}
