import type { Table } from 'apache-arrow';
import { defineOptions, opt, type Sink } from '@sluice/core/connector';
import { type BatchContext, type ForeachBatchFunction, type OutputMode, type SinkProvider } from '@sluice/core';

const MODES: ReadonlySet<OutputMode> = new Set(['append', 'update', 'complete']);

const foreachBatchOptions = defineOptions('foreachBatch', {
  function: opt.custom<ForeachBatchFunction>('a function (table, batchId) => void | Promise<void>', (v): v is ForeachBatchFunction => typeof v === 'function').required(),
});

/**
 * Spark's foreachBatch: your function gets each micro-batch's table and id. At-least-once: a
 * batch interrupted by a crash is handed over again with the same id and the same rows, so key
 * your writes on the batch id to make them exactly-once (see `idempotentBatch` for PostgreSQL).
 *
 * @example
 * frame.writeStream().foreachBatch(async (table, batchId) => { await save(table, batchId) }).start();
 */
export function foreachBatchSink(fn: ForeachBatchFunction): SinkProvider {
  return foreachBatchProvider({ function: fn });
}

export function foreachBatchProvider(raw: Readonly<Record<string, unknown>>): SinkProvider {
  const { options } = foreachBatchOptions.parse(raw);
  return {
    format: 'foreachBatch',
    guarantee: 'at-least-once',
    outputModes: MODES,
    options: raw,
    allowsTemporaryCheckpoint: true,
    open: async () => new ForeachBatchSink(options.function),
  };
}

class ForeachBatchSink implements Sink {
  readonly description = 'ForeachBatchSink';
  readonly guarantee = 'at-least-once' as const;
  readonly outputModes = MODES;

  constructor(private readonly fn: ForeachBatchFunction) {}

  async addBatch(batchId: number, table: Table, context: BatchContext): Promise<void> {
    await this.fn(table, batchId, context);
  }

  /** Spark reports -1: what the function wrote is unknown to the engine. */
  lastBatchOutputRows(): number {
    return -1;
  }

  async close(): Promise<void> {}
}
