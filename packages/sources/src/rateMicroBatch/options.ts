import { defineOptions, opt, type ParsedOptions } from '@sluice/core/connector';

export const rateMicroBatchOptions = defineOptions('rate-micro-batch', {
  rowsPerBatch: opt.positiveInt().required().describe('rows in every micro-batch'),
  numPartitions: opt.positiveInt().describe('partitions (record batches) per batch; default 1'),
  startTimestamp: opt.nonNegativeInt().default(0).describe('generated time of batch 0, epoch ms'),
  advanceMillisPerBatch: opt.nonNegativeInt().default(1000).describe('generated time added per batch, ms'),
});

export type RateMicroBatchOptions = ParsedOptions<typeof rateMicroBatchOptions.spec>;

/** Options of `rateMicroBatchSource({...})` (Spark's `rate-micro-batch` options, with typed values). */
export interface RateMicroBatchSourceConfig {
  /** Rows in every micro-batch (required). */
  readonly rowsPerBatch: number;
  /** Partitions (record batches) per batch; default 1. */
  readonly numPartitions?: number;
  /** Generated time of batch 0, epoch ms (default 0). */
  readonly startTimestamp?: number;
  /** Generated time added per batch, ms (default 1000). */
  readonly advanceMillisPerBatch?: number;
}
