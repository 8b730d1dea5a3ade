import { defineOptions, opt, type ParsedOptions } from '@sluice/core/connector';

export const rateOptions = defineOptions('rate', {
  rowsPerSecond: opt.positiveInt().default(1).describe('rows generated per second'),
  rampUpTime: opt.duration('s').default(0).describe('time to reach rowsPerSecond, e.g. "5s" (bare numbers are seconds)'),
  numPartitions: opt.positiveInt().describe('partitions (record batches) per batch; default 1'),
});

export type RateOptions = ParsedOptions<typeof rateOptions.spec>;
