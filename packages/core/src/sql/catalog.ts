import type { Schema, Table } from 'apache-arrow';
import type { StreamFrame } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';
import { closestName } from '../options/closestName.ts';

/**
 * A table whose rows live in this process and are read when a query over it runs (a memory
 * sink's table): `sql()` over it gives a batch result, not a stream.
 */
export interface TableView {
  /** The columns, known before any row arrives (so a query over the view binds at once). */
  readonly schema: Schema;
  /** The rows now; read each time a query over the view runs. */
  read(): Table;
  /** How `explain`-style descriptions name it, e.g. `MemorySink[events]`. */
  readonly description: string;
}

/** What a temp view name stands for: a frame's plan (over streams, or over tables for a `sql()` result), or an in-process table. */
export type ViewDefinition = { readonly kind: 'frame'; readonly frame: StreamFrame } | { readonly kind: 'table'; readonly table: TableView };

// Spark's temp views are per session; Sluice has one session per process. Names are
// case-insensitive (spark.sql.caseSensitive=false).
const views = new Map<string, { readonly name: string; readonly definition: ViewDefinition }>();

/** @internal `frame.createOrReplaceTempView(name)`. */
export function defineFrameView(name: string, frame: StreamFrame): void {
  views.set(checkName(name).toLowerCase(), { name, definition: { kind: 'frame', frame } });
}

/**
 * Register (or replace) an in-process table under a view name, so `sql()` can read it: what the
 * memory sink does with its query name, as Spark's memory sink registers its table.
 *
 * @example
 * registerTableView('lookup', { schema, read: () => table, description: 'lookup table' });
 * sql('SELECT * FROM lookup').show();
 */
export function registerTableView(name: string, table: TableView): void {
  views.set(checkName(name).toLowerCase(), { name, definition: { kind: 'table', table } });
}

/**
 * Drop a temp view (Spark's `spark.catalog.dropTempView`); true when it existed.
 *
 * @example
 * frame.createOrReplaceTempView('events');
 * dropTempView('events'); // true
 */
export function dropTempView(name: string): boolean {
  return views.delete(name.toLowerCase());
}

/**
 * The names of the temp views, as registered (Spark's `spark.catalog.listTables()` of temp views).
 *
 * @example
 * tempViewNames(); // ['events', 'my_result']
 */
export function tempViewNames(): string[] {
  return [...views.values()].map((v) => v.name).sort();
}

/** @internal The view `name` stands for, or a coded error with a did-you-mean. */
export function lookupView(name: string): ViewDefinition {
  const found = views.get(name.toLowerCase());
  if (found) return found.definition;
  const known = tempViewNames();
  const suggestion = closestName(name, known);
  throw new SluiceError(
    'UNKNOWN_TABLE',
    `The table or view \`${name}\` cannot be found.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} ` +
      `Register a stream with frame.createOrReplaceTempView('${name}'), or start a memory-sink query with queryName '${name}'.${known.length ? ` Views: ${known.join(', ')}.` : ''}`,
  );
}

function checkName(name: string): string {
  // Any non-empty name: one that is not a plain identifier is read with backticks (FROM `my-query`).
  if (name.length === 0) throw new SluiceError('INVALID_QUERY', 'A view needs a name: createOrReplaceTempView(\'events\').');
  return name;
}
