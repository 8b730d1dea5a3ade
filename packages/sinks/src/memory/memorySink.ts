import type { Table } from 'apache-arrow';
import { defineOptions, opt, type Sink, type SinkContext } from '@sluice/core/connector';
import { SluiceError, type BatchContext, type OutputMode, type SinkProvider } from '@sluice/core';
import { memoryTableFor, registerMemoryTableView } from './memoryTables.ts';

const MODES: ReadonlySet<OutputMode> = new Set(['append', 'update', 'complete']);

const memoryOptions = defineOptions('memory', {
  /** The table name; defaults to the query name, as in Spark. */
  tableName: opt.nonEmptyString(),
});

/**
 * Spark's memory sink: each batch lands in an in-process table named after the query
 * (`memoryTable(queryName)`), which is also a temp view: `sql('SELECT * FROM queryName')`. Exactly-once within the process: a replayed batch (same query id
 * and batch id, as after a crash and restart) is skipped.
 *
 * @example
 * await stream.writeTo(memorySink(), { queryName: 'events' });
 * memoryTableRows('events');
 */
export function memorySink(options: { tableName?: string } = {}): SinkProvider {
  return memoryProvider(options);
}

export function memoryProvider(raw: Readonly<Record<string, unknown>>): SinkProvider {
  const { options } = memoryOptions.parse(raw);
  return {
    format: 'memory',
    guarantee: 'exactly-once',
    outputModes: MODES,
    options: raw,
    allowsTemporaryCheckpoint: true,
    open: async (context: SinkContext) => {
      const name = options.tableName ?? context.queryName;
      if (!name) throw new SluiceError('MISSING_OPTION', "queryName must be specified for the memory sink, which names its table after the query: set .queryName('name') (or the sink option tableName).");
      // Spark registers the sink's table as a temp view named after the query when it starts.
      if (context.schema) registerMemoryTableView(name, context.schema);
      return new MemorySink(name);
    },
  };
}

class MemorySink implements Sink {
  readonly description: string;
  readonly guarantee = 'exactly-once' as const;
  readonly outputModes = MODES;
  private rows = 0;

  constructor(private readonly name: string) {
    this.description = `MemorySink[${name}]`;
  }

  async addBatch(batchId: number, table: Table, context: BatchContext): Promise<void> {
    const target = memoryTableFor(this.name);
    registerMemoryTableView(this.name, table.schema);
    const written = context.outputMode === 'complete' ? target.replace(context.queryId, batchId, table) : target.append(context.queryId, batchId, table);
    this.rows = written ? table.numRows : 0;
  }

  lastBatchOutputRows(): number {
    return this.rows;
  }

  async close(): Promise<void> {}
}
