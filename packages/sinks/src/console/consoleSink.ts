import type { Table } from 'apache-arrow';
import { defineOptions, opt, type ParsedOptions, type Sink } from '@sluice/core/connector';
import { type OutputMode, type SinkProvider } from '@sluice/core';
import { showString } from './showString.ts';

export const consoleOptions = defineOptions('console', {
  numRows: opt.positiveInt().default(20).describe('rows shown per batch'),
  truncate: opt.boolean().default(true).describe('cut strings longer than 20 characters'),
  /** Where the text goes (default: stdout); for tests and apps that render batches themselves. */
  write: opt.custom<(text: string) => void>('a function (text) => void', (v): v is (text: string) => void => typeof v === 'function'),
});

/** Options of `consoleSink({...})`: Spark's console sink options (`numRows`, `truncate`). */
export type ConsoleOptions = ParsedOptions<typeof consoleOptions.spec>;

const ALL_MODES: ReadonlySet<OutputMode> = new Set(['append', 'update', 'complete']);
const SEPARATOR = '-'.repeat(43);

/**
 * Spark's console sink: prints each batch as `Batch: N` and a table (debugging aid; no
 * delivery guarantee).
 *
 * @example
 * await stream.writeTo(consoleSink({ numRows: 5, truncate: false }));
 */
export function consoleSink(options: Partial<ConsoleOptions> = {}): SinkProvider {
  return consoleProvider(options);
}

export function consoleProvider(raw: Readonly<Record<string, unknown>>): SinkProvider {
  const { options } = consoleOptions.parse(raw);
  return {
    format: 'console',
    guarantee: 'none',
    outputModes: ALL_MODES,
    options: raw,
    allowsTemporaryCheckpoint: true,
    open: async () => new ConsoleSink(options),
  };
}

class ConsoleSink implements Sink {
  readonly description: string;
  readonly guarantee = 'none' as const;
  readonly outputModes = ALL_MODES;
  private rows = 0;
  private readonly write: (text: string) => void;

  constructor(private readonly options: ConsoleOptions) {
    this.description = `ConsoleSink[numRows=${options.numRows}, truncate=${options.truncate}]`;
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  async addBatch(batchId: number, table: Table): Promise<void> {
    this.rows = table.numRows;
    this.write(`${SEPARATOR}\nBatch: ${batchId}\n${SEPARATOR}\n${showString(table, this.options.numRows, this.options.truncate)}\n`);
  }

  lastBatchOutputRows(): number {
    return this.rows;
  }

  async close(): Promise<void> {}
}
