import type { Schema, Table } from 'apache-arrow';
import { concatTables, emptyTable, registerTableView } from '@sluice/core/connector';
import { dropTempView, SluiceError, tableToRows } from '@sluice/core';

interface Entry {
  readonly queryId: string;
  readonly batchId: number;
  readonly table: Table;
}

/** One named in-memory table: the batches written to it, and the last batch id per query. */
class MemoryTable {
  private entries: Entry[] = [];
  private readonly lastBatch = new Map<string, number>();

  constructor(readonly name: string) {}

  /** Append a batch unless this query already wrote it; returns false for a replay. */
  append(queryId: string, batchId: number, table: Table): boolean {
    if (this.isWritten(queryId, batchId)) return false;
    this.entries.push({ queryId, batchId, table });
    this.lastBatch.set(queryId, batchId);
    return true;
  }

  /** Complete mode: the batch is the whole result table. */
  replace(queryId: string, batchId: number, table: Table): boolean {
    if (this.isWritten(queryId, batchId)) return false;
    this.entries = [{ queryId, batchId, table }];
    this.lastBatch.set(queryId, batchId);
    return true;
  }

  toTable(): Table | undefined {
    const first = this.entries[0];
    return first ? concatTables(first.table.schema, this.entries.map((e) => e.table)) : undefined;
  }

  /** Rows per batch id, for tests that assert what each batch delivered. */
  batches(): { readonly queryId: string; readonly batchId: number; readonly table: Table }[] {
    return [...this.entries];
  }

  private isWritten(queryId: string, batchId: number): boolean {
    return (this.lastBatch.get(queryId) ?? -1) >= batchId;
  }
}

const tables = new Map<string, MemoryTable>();

/** @internal the table a memory sink writes, created on first use. */
export function memoryTableFor(name: string): MemoryTable {
  let table = tables.get(name);
  if (!table) {
    table = new MemoryTable(name);
    tables.set(name, table);
  }
  return table;
}

/**
 * @internal Make the memory table `name` a temp view, as Spark's memory sink does with its query
 * name: `sql('SELECT * FROM name')` reads the rows it holds when the query over it runs.
 */
export function registerMemoryTableView(name: string, schema: Schema): void {
  registerTableView(name, { schema, description: `MemorySink[${name}]`, read: () => tables.get(name)?.toTable() ?? emptyTable(schema) });
}

/**
 * The rows a memory sink wrote under `queryName` (Spark's `spark.sql("select * from name")`),
 * as an Arrow table.
 *
 * @example
 * memoryTable('events').numRows // the Arrow table the memory sink named 'events' holds
 */
export function memoryTable(name: string): Table {
  const table = tables.get(name)?.toTable();
  if (!table) {
    const known = [...tables.keys()];
    throw new SluiceError('UNKNOWN_COLUMN', `No memory table '${name}' has rows yet.${known.length ? ` Memory tables: ${known.join(', ')}.` : ''} A memory sink names its table after the query's queryName.`);
  }
  return table;
}

/**
 * The rows of a memory table as plain objects; [] when nothing was written yet.
 *
 * @example
 * await query.processAllAvailable();
 * console.log(memoryTableRows('events')); // [{ id: 1n, … }, …]
 */
export function memoryTableRows(name: string): Record<string, unknown>[] {
  const table = tables.get(name)?.toTable();
  return table ? tableToRows(table) : [];
}

/**
 * The batches of a memory table in write order.
 *
 * @example
 * memoryTableBatches('events').map((b) => [b.batchId, b.table.numRows]) // what each batch appended
 */
export function memoryTableBatches(name: string): { readonly queryId: string; readonly batchId: number; readonly table: Table }[] {
  return tables.get(name)?.batches() ?? [];
}

/**
 * Forget a memory sink's table (its rows and batches) and its temp view.
 *
 * @example
 * dropMemoryTable('events'); // before a test that reuses the name
 */
export function dropMemoryTable(name: string): void {
  tables.delete(name);
  dropTempView(name);
}
