import { defineOptions, opt, type ParsedOptions } from '@sluice/core/connector';

/** Parquet files carry their own schema and encodings: nothing to configure when reading. */
export const parquetReadOptionSpec = {};

/**
 * Parquet write options, named as Spark and parquet-mr name them.
 * @example parquetWriteOptions.parse({ compression: 'zstd', 'parquet.block.size': '64m' })
 */
export const parquetWriteOptionSpec = {
  compression: opt.oneOf(['none', 'uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli']).default('snappy')
    .describe('page compression codec (Spark: compression)'),
  rowGroupSize: opt.positiveInt().default(1_048_576).describe('maximum rows per row group'),
  'parquet.block.size': opt.bytes().default(128 * 1024 * 1024).describe('maximum bytes per row group (parquet-mr: parquet.block.size)'),
  'parquet.page.size': opt.bytes().default(1024 * 1024).describe('target data page size in bytes'),
  'parquet.enable.dictionary': opt.boolean().default(true).describe('dictionary-encode columns; columns whose sampled values are mostly distinct are written plain'),
  'parquet.writer.version': opt.oneOf(['v1', 'v2']).default('v1').describe('data page format; v1 is what every reader reads'),
  outputTimestampType: opt.oneOf(['TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS']).default('TIMESTAMP_MILLIS')
    .describe("physical unit of timestamp columns (Spark: spark.sql.parquet.outputTimestampType); Delta's protocol expects TIMESTAMP_MICROS"),
};

/** The parquet read options, parsed once at the edge (case-insensitive keys, defaults, unknown key → UNKNOWN_OPTION). */
export const parquetReadOptions = defineOptions('parquet', parquetReadOptionSpec);
/** The parquet write options, parsed the same way. */
export const parquetWriteOptions = defineOptions('parquet', parquetWriteOptionSpec);
/** Parquet read options, parsed (none yet: the schema comes from the file or the reader). */
export type ParquetReadOptions = ParsedOptions<typeof parquetReadOptionSpec>;
/** Parquet write options (`compression`, `rowGroupSize`, `parquet.block.size` …), parsed. */
export type ParquetWriteOptions = ParsedOptions<typeof parquetWriteOptionSpec>;
