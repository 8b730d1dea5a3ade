import { Table } from 'apache-arrow';
import { of, type Observable } from 'rxjs';
import { SluiceError, StreamFrame, type SourceProvider } from '@sluice/core';
import { type Source, type SourceContext } from '@sluice/core/connector';
import { int64Sequence, timestampColumn } from './int64Columns.ts';
import { rateOptions, type RateOptions, type RateSourceConfig } from './options.ts';
import { RATE_SCHEMA, rateBatch } from './rateSchema.ts';

/**
 * Spark's `rate` source: `rowsPerSecond` rows a second of `(timestamp, value)`, value counting
 * from 0. The offset is whole seconds since the query was first created; that creation time is
 * persisted in `sources/<i>/0`, so a replayed range yields identical rows.
 *
 * @example
 * const stream = rateSource({ rowsPerSecond: 100, numPartitions: 4 });
 */
export function rateSource(options: RateSourceConfig = {}): StreamFrame {
  return StreamFrame.fromSource(rateProvider(options as Readonly<Record<string, unknown>>));
}

export function rateProvider(raw: Readonly<Record<string, unknown>>): SourceProvider {
  const { options } = rateOptions.parse(raw);
  return {
    format: 'rate',
    schema: RATE_SCHEMA,
    options: raw,
    open: async (context) => new RateSource(options, context, await context.metadata.getOrCreate('0', () => context.scheduler.now())),
  };
}

class RateSource implements Source<number> {
  readonly schema = RATE_SCHEMA;
  readonly description: string;
  private readonly rampUpSeconds: number;
  private readonly partitions: number;
  private lastTimeMs: number;

  constructor(
    private readonly options: RateOptions,
    private readonly context: SourceContext,
    private readonly creationTimeMs: number,
  ) {
    this.rampUpSeconds = Math.floor(options.rampUpTime / 1000);
    this.partitions = options.numPartitions ?? 1;
    this.lastTimeMs = creationTimeMs;
    this.description = `RateStreamV2[rowsPerSecond=${options.rowsPerSecond}, rampUpTimeSeconds=${this.rampUpSeconds}, numPartitions=${options.numPartitions ?? 'default'}]`;
  }

  async initialOffset(): Promise<number> {
    return 0;
  }

  async latestOffset(): Promise<number> {
    // Time never runs backwards for a source, even if the clock does.
    this.lastTimeMs = Math.max(this.lastTimeMs, this.context.scheduler.now());
    return Math.floor((this.lastTimeMs - this.creationTimeMs) / 1000);
  }

  reportLatestOffset(): number {
    return Math.floor((this.lastTimeMs - this.creationTimeMs) / 1000);
  }

  read(startSeconds: number, endSeconds: number): Observable<Table> {
    if (!Number.isSafeInteger(startSeconds) || !Number.isSafeInteger(endSeconds) || startSeconds > endSeconds) {
      throw new SluiceError('CHECKPOINT_CORRUPT', `Rate source offsets must be whole seconds with start ≤ end, got (${startSeconds}, ${endSeconds}].`);
    }
    const { rowsPerSecond } = this.options;
    const rangeStart = valueAtSecond(startSeconds, rowsPerSecond, this.rampUpSeconds);
    const rangeEnd = valueAtSecond(endSeconds, rowsPerSecond, this.rampUpSeconds);
    if (rangeStart === rangeEnd) return of(new Table(RATE_SCHEMA));
    const localStartMs = this.creationTimeMs + startSeconds * 1000;
    const msPerValue = ((endSeconds - startSeconds) * 1000) / (rangeEnd - rangeStart);
    const batches = [];
    for (let p = 0; p < this.partitions; p++) {
      const first = rangeStart + p;
      const length = first >= rangeEnd ? 0 : Math.ceil((rangeEnd - first) / this.partitions);
      const timestamps = new Float64Array(length);
      for (let k = 0; k < length; k++) timestamps[k] = Math.round(localStartMs + (first + k * this.partitions - rangeStart) * msPerValue);
      batches.push(rateBatch(timestampColumn(timestamps), int64Sequence(first, this.partitions, length)));
    }
    return of(new Table(RATE_SCHEMA, batches));
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {}
}

/**
 * The first value of second `seconds` (Spark's RateStreamProvider.valueAtSecond): speed grows by
 * rowsPerSecond/(rampUp+1) each second during ramp-up, then stays at rowsPerSecond.
 */
export function valueAtSecond(seconds: number, rowsPerSecond: number, rampUpSeconds: number): number {
  const speedDelta = Math.floor(rowsPerSecond / (rampUpSeconds + 1));
  if (seconds <= rampUpSeconds) {
    return seconds % 2 === 1 ? ((seconds + 1) / 2) * speedDelta * seconds : (seconds / 2) * speedDelta * (seconds + 1);
  }
  return valueAtSecond(rampUpSeconds, rowsPerSecond, rampUpSeconds) + (seconds - rampUpSeconds) * rowsPerSecond;
}
