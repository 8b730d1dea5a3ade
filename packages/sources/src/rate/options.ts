import { defineOptions, opt, type ParsedOptions } from '@sluice/core/connector';

export const rateOptions = defineOptions('rate', {
  rowsPerSecond: opt.positiveInt().default(1).describe('rows generated per second'),
  rampUpTime: opt.duration('s').default(0).describe('time to reach rowsPerSecond, e.g. "5s" (bare numbers are seconds)'),
  numPartitions: opt.positiveInt().describe('partitions (record batches) per batch; default 1'),
});

export type RateOptions = ParsedOptions<typeof rateOptions.spec>;

/** Options of `rateSource({...})` (Spark's `rate` source options, with typed values). */
export interface RateSourceConfig {
  /** Rows generated per second (default 1). */
  readonly rowsPerSecond?: number;
  /** Time to reach `rowsPerSecond`: seconds, or a duration such as "5 seconds" or "500ms" (as Spark's). Default 0. */
  readonly rampUpTime?: number | string;
  /** Partitions (record batches) per batch; default 1. */
  readonly numPartitions?: number;
}
