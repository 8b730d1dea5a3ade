import type { Table } from 'apache-arrow';
import { defineOptions, type Sink } from '@sluice/core/connector';
import { type OutputMode, type SinkProvider } from '@sluice/core';

const ALL_MODES: ReadonlySet<OutputMode> = new Set(['append', 'update', 'complete']);
const noopOptions = defineOptions('noop', {});

/**
 * Spark's `noop` sink: runs the whole query and throws the rows away — for benchmarks and for
 * watching a source's progress (the blog's `source_rate_sink_noop`).
 *
 * @example
 * const query = await rateSource({ rowsPerSecond: 1_000 }).writeTo(noopSink()); // measure the source, discard the rows
 */
export function noopSink(): SinkProvider {
  return noopProvider({});
}

export function noopProvider(raw: Readonly<Record<string, unknown>>): SinkProvider {
  noopOptions.parse(raw);
  return {
    format: 'noop',
    guarantee: 'none',
    outputModes: ALL_MODES,
    options: raw,
    allowsTemporaryCheckpoint: true,
    open: async () => new NoopSink(),
  };
}

class NoopSink implements Sink {
  readonly description = 'NoopSink';
  readonly guarantee = 'none' as const;
  readonly outputModes = ALL_MODES;
  private rows = 0;

  async addBatch(_batchId: number, table: Table): Promise<void> {
    this.rows = table.numRows;
  }

  lastBatchOutputRows(): number {
    return this.rows;
  }

  async close(): Promise<void> {}
}
