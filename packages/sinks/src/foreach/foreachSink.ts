import { Table } from 'apache-arrow';
import { defineOptions, opt, tableToRows, type ForeachWriter, type OutputMode, type Sink, type SinkProvider } from '@sluice/core';

const MODES: ReadonlySet<OutputMode> = new Set(['append', 'update', 'complete']);

type RowFunction = (row: Record<string, unknown>) => void | Promise<void>;

const foreachOptions = defineOptions('foreach', {
  writer: opt
    .custom<ForeachWriter | RowFunction>('a ForeachWriter { open?, process, close? } or a function (row) => void', (v): v is ForeachWriter | RowFunction =>
      typeof v === 'function' || (typeof v === 'object' && v !== null && typeof (v as ForeachWriter).process === 'function'),
    )
    .required(),
});

/**
 * Spark's foreach sink: for every partition of every batch, `open(partitionId, epochId)`, then
 * `process(row)` for each row if open returned true, then `close(error)`. At-least-once: after a
 * crash a batch is handed over again (with the same epochId), so make `process` idempotent or
 * use `open` to skip what was written.
 *
 * @example
 * frame.writeStream().foreach({ process: (row) => send(row) }).start();
 */
export function foreachSink(writer: ForeachWriter | RowFunction): SinkProvider {
  return foreachProvider({ writer });
}

export function foreachProvider(raw: Readonly<Record<string, unknown>>): SinkProvider {
  const { options } = foreachOptions.parse(raw);
  const writer: ForeachWriter = typeof options.writer === 'function' ? { process: options.writer } : options.writer;
  return {
    format: 'foreach',
    guarantee: 'at-least-once',
    outputModes: MODES,
    options: raw,
    allowsTemporaryCheckpoint: true,
    open: async () => new ForeachSink(writer),
  };
}

class ForeachSink implements Sink {
  readonly description = 'ForeachSink';
  readonly guarantee = 'at-least-once' as const;
  readonly outputModes = MODES;
  private rows = 0;

  constructor(private readonly writer: ForeachWriter) {}

  async addBatch(batchId: number, table: Table): Promise<void> {
    this.rows = 0;
    for (const [partitionId, batch] of table.batches.entries()) {
      const accepted = this.writer.open ? await this.writer.open(partitionId, batchId) : true;
      let failure: Error | null = null;
      try {
        if (accepted) {
          // Plain rows, as `map` sees them (decimals as exact text, nested values as objects and arrays).
          for (const row of tableToRows(new Table(batch))) {
            await this.writer.process(row);
            this.rows++;
          }
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      await this.writer.close?.(failure);
      if (failure) throw failure;
    }
  }

  lastBatchOutputRows(): number {
    return this.rows;
  }

  async close(): Promise<void> {}
}
