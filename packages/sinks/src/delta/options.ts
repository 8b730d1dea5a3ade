import { SluiceError } from '@sluice/core';
import { defineOptions, opt } from '@sluice/core/connector';
import type { DeltaFileCompression } from '@sluice/formats';

/** The `delta` sink's options, named as Spark's Delta sink names them. */
export const deltaSinkOptions = defineOptions('delta', {
  path: opt.nonEmptyString().required().describe('the Delta table directory (created by the first batch)'),
  partitionBy: opt.stringList().describe("partition columns of a new table (also writeStream().partitionBy(...))"),
  mergeSchema: opt.boolean().default(false).describe("add a batch's new columns to the table"),
  overwriteSchema: opt.boolean().default(false).describe("complete mode: replace the table's schema and partitioning with the batch's"),
  userMetadata: opt.string().describe('text stored in every commit (commitInfo.userMetadata)'),
  maxRecordsPerFile: opt.nonNegativeInt().default(0).describe('at most this many rows per data file (0 = no limit)'),
  targetFileSize: opt.bytes().describe('aim for data files of about this size, e.g. "128m" (default: one file per partition per batch)'),
  compression: opt.oneOf(['snappy', 'zstd', 'gzip', 'lz4', 'brotli', 'none', 'uncompressed'] as const).default('snappy').describe('Parquet compression of the data files'),
});

/** The options after parsing. */
export interface DeltaSinkOptions {
  readonly path: string;
  readonly partitionBy: readonly string[] | undefined;
  readonly mergeSchema: boolean;
  readonly overwriteSchema: boolean;
  readonly userMetadata: string | undefined;
  readonly maxRecordsPerFile: number;
  readonly targetFileSize: number | undefined;
  readonly compression: DeltaFileCompression;
}

/** Parse once, at the edge; `partitionBy` may come from the writer as well as from the options (not both, differently). */
export function parseDeltaSinkOptions(raw: Readonly<Record<string, unknown>>, writerPartitionBy?: readonly string[]): DeltaSinkOptions {
  const { options } = deltaSinkOptions.parse(raw);
  const fromOptions = options.partitionBy;
  if (fromOptions !== undefined && writerPartitionBy !== undefined && writerPartitionBy.length > 0 && fromOptions.join('\0') !== writerPartitionBy.join('\0')) {
    throw new SluiceError('INVALID_OPTION', `partitionBy is given twice, differently: writeStream().partitionBy(${writerPartitionBy.join(', ')}) and option partitionBy=${fromOptions.join(',')}. Give it once.`, {
      details: { format: 'delta', option: 'partitionBy' },
    });
  }
  const partitionBy = writerPartitionBy !== undefined && writerPartitionBy.length > 0 ? writerPartitionBy : fromOptions;
  return {
    path: options.path,
    partitionBy,
    mergeSchema: options.mergeSchema,
    overwriteSchema: options.overwriteSchema,
    userMetadata: options.userMetadata,
    maxRecordsPerFile: options.maxRecordsPerFile,
    targetFileSize: options.targetFileSize,
    compression: options.compression,
  };
}
