import { Table } from 'apache-arrow';
import { of, type Observable } from 'rxjs';
import { SluiceError, StreamFrame, type SourceProvider } from '@sluice/core';
import { type Source } from '@sluice/core/connector';
import { constantTimestampColumn, int64Sequence } from '../rate/int64Columns.ts';
import { RATE_SCHEMA, rateBatch } from '../rate/rateSchema.ts';
import { rateMicroBatchOptions, type RateMicroBatchOptions, type RateMicroBatchSourceConfig } from './options.ts';

/** Spark's `{"offset":<next value>,"timestamp":<generated time of the next batch>}`. */
export type RatePerMicroBatchOffset = {
  readonly offset: number;
  readonly timestamp: number;
};

/**
 * Spark's `rate-micro-batch` source: exactly `rowsPerBatch` rows per batch, whatever the wall
 * clock does; all rows of batch k carry `startTimestamp + k·advanceMillisPerBatch`. Fully
 * deterministic, so it is the source for benchmarks and replay tests.
 *
 * @example
 * const stream = rateMicroBatchSource({ rowsPerBatch: 1_000_000 });
 */
export function rateMicroBatchSource(options: RateMicroBatchSourceConfig): StreamFrame {
  return StreamFrame.fromSource(rateMicroBatchProvider(options as unknown as Readonly<Record<string, unknown>>));
}

export function rateMicroBatchProvider(raw: Readonly<Record<string, unknown>>): SourceProvider {
  const { options } = rateMicroBatchOptions.parse(raw);
  return { format: 'rate-micro-batch', schema: RATE_SCHEMA, options: raw, open: async () => new RateMicroBatchSource(options) };
}

class RateMicroBatchSource implements Source<RatePerMicroBatchOffset> {
  readonly schema = RATE_SCHEMA;
  readonly description: string;
  private readonly partitions: number;
  /** availableNow: the one batch end this run may reach. */
  private target: RatePerMicroBatchOffset | 'unpinned' | null = null;

  constructor(private readonly options: RateMicroBatchOptions) {
    this.partitions = options.numPartitions ?? 1;
    this.description = `RatePerMicroBatchStream[rowsPerBatch=${options.rowsPerBatch}, numPartitions=${options.numPartitions ?? 'default'}, startTimestamp=${options.startTimestamp}, advanceMillisPerBatch=${options.advanceMillisPerBatch}]`;
  }

  async initialOffset(): Promise<RatePerMicroBatchOffset> {
    return { offset: 0, timestamp: this.options.startTimestamp };
  }

  async latestOffset(start: RatePerMicroBatchOffset): Promise<RatePerMicroBatchOffset> {
    const next = { offset: start.offset + this.options.rowsPerBatch, timestamp: start.timestamp + this.options.advanceMillisPerBatch };
    if (this.target === null) return next;
    // availableNow: the first batch planned in this run is the only one (Spark's rule for this source).
    if (this.target === 'unpinned') this.target = next;
    return this.target.offset <= start.offset ? start : this.target;
  }

  async prepareForAvailableNow(): Promise<void> {
    this.target = 'unpinned';
  }

  read(start: RatePerMicroBatchOffset, end: RatePerMicroBatchOffset): Observable<Table> {
    if (!isOffset(start) || !isOffset(end) || end.offset < start.offset) {
      throw new SluiceError('CHECKPOINT_CORRUPT', `rate-micro-batch offsets must look like {"offset":N,"timestamp":T} with start ≤ end, got ${JSON.stringify(start)} → ${JSON.stringify(end)}.`);
    }
    const batches = [];
    for (let p = 0; p < this.partitions; p++) {
      const first = start.offset + p;
      const length = first >= end.offset ? 0 : Math.ceil((end.offset - first) / this.partitions);
      batches.push(rateBatch(constantTimestampColumn(start.timestamp, length), int64Sequence(first, this.partitions, length)));
    }
    return of(new Table(RATE_SCHEMA, batches));
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {}
}

function isOffset(value: unknown): value is RatePerMicroBatchOffset {
  return typeof value === 'object' && value !== null && Number.isSafeInteger((value as RatePerMicroBatchOffset).offset) && Number.isFinite((value as RatePerMicroBatchOffset).timestamp);
}
