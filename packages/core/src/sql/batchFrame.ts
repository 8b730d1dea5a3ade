import type { Schema, Table } from 'apache-arrow';
import { showString } from '../arrow/showString.ts';
import { emptyTable, tableToRows } from '../arrow/tables.ts';
import { executePlan, planSources, standaloneOperatorContext } from '../builders/plan.ts';
import type { StreamFrame } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';
import type { SourceProvider } from '../types.ts';
import { defineFrameView, type TableView } from './catalog.ts';

const tableViews = new WeakMap<SourceProvider, TableView>();

/** @internal A plan leaf that reads an in-process table when a batch query runs. */
export function tableViewSource(name: string, view: TableView): SourceProvider {
  const provider: SourceProvider = {
    format: 'table',
    schema: view.schema,
    options: { name },
    open: () => Promise.reject(new SluiceError('INVALID_QUERY', `Queries without streaming sources cannot be executed with writeStream.start(): '${name}' is a table (${view.description}), not a stream. Read its rows with sql('SELECT … FROM ${name}').show() or .collect().`)),
  };
  tableViews.set(provider, view);
  return provider;
}

/** @internal Does the plan read a stream (a source that is not an in-process table)? */
export function isStreamingPlan(frame: StreamFrame): boolean {
  return planSources(frame.node).some((p) => !tableViews.has(p));
}

/**
 * The result of `sql()` over tables rather than streams (a memory sink's table, a view of one):
 * Spark's batch DataFrame. It is a plan, run each time it is read (`show`, `collect`,
 * `toArrow`), so it sees the rows the memory sink holds at that moment. `ORDER BY` and `LIMIT`
 * apply to the whole table.
 *
 * @example
 * await query.processAllAvailable();
 * await sql('SELECT * FROM my_result').show();
 */
export class BatchFrame {
  /** Always false: a BatchFrame reads tables, not streams (Spark's `isStreaming`). */
  readonly isStreaming = false as const;

  constructor(readonly frame: StreamFrame) {}

  /** The result's columns. */
  get schema(): Schema {
    return this.frame.schema;
  }

  /** The column names, in order (Spark's `columns`). */
  get columns(): string[] {
    return this.schema.fields.map((f) => f.name);
  }

  /** Run the query over the tables' current rows, as an Arrow table. */
  async toArrow(): Promise<Table> {
    const inputs = new Map<SourceProvider, Table>();
    for (const provider of planSources(this.frame.node)) {
      const view = tableViews.get(provider)!;
      inputs.set(provider, view.read() ?? emptyTable(view.schema));
    }
    // One batch over whole tables: aggregations give every group (complete), nothing is late.
    return executePlan(this.frame.node, inputs, standaloneOperatorContext({ outputMode: 'complete' }));
  }

  /** The rows as plain objects (Spark's `collect`), in the row convention of `tableToRows`. */
  async collect(): Promise<Record<string, unknown>[]> {
    return tableToRows(await this.toArrow());
  }

  /** The number of rows (Spark's `count()`). */
  async count(): Promise<number> {
    return (await this.toArrow()).numRows;
  }

  /**
   * The table as Spark's `show()` prints it (`showString`): `numRows` rows (20), cells cut to 20
   * characters unless `truncate` is false (or a number: that width), one block per row when
   * `vertical`.
   */
  async showString(numRows = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    return showString(await this.toArrow(), numRows, truncate, vertical);
  }

  /**
   * Print the table to stdout as Spark's `show()` does. `show(false)` prints whole cells,
   * `show(5)` five rows, `show(5, 0, true)` vertically.
   *
   * @example
   * await sql('SELECT word, count FROM word_counts ORDER BY count DESC').show(10, false);
   */
  async show(numRows: number | boolean = 20, truncate: boolean | number = true, vertical = false): Promise<void> {
    const text = typeof numRows === 'boolean' ? await this.showString(20, numRows, vertical) : await this.showString(numRows, truncate, vertical);
    process.stdout.write(text);
  }

  /** Register this query as a temp view, for later `sql()` (Spark's `createOrReplaceTempView`). */
  createOrReplaceTempView(name: string): void {
    defineFrameView(name, this.frame);
  }

  /** Spark's error: only a stream can be written with writeStream. */
  writeStream(): never {
    throw new SluiceError('INVALID_QUERY', "'writeStream' can be called only on streaming Dataset/DataFrame: this sql() result reads tables (memory sink tables), not streams. Read it with show() or collect(), or query a stream's temp view.");
  }
}
