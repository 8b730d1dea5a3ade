import type { Schema, Table } from 'apache-arrow';
import { toSchema, type SchemaLike } from '../../arrow/schema.ts';
import { tableFromRows } from '../../arrow/tables.ts';

/**
 * The static side of a stream–static join: a table that is not a stream (Spark's batch
 * DataFrame). Its rows are read when the query starts and read again whenever `version()`
 * changes, checked before every micro-batch (as Spark re-plans the batch side per micro-batch, so
 * a Delta dimension table is seen at its latest version). Connectors provide them: `staticTable`
 * here, `staticFiles` / `staticDelta` in `@sluice/formats`, `staticPostgres` in `@sluice/sinks`.
 *
 * @example
 * const countries: StaticSide = staticTable(arrowTable);
 * orders.pipe(join(countries, 'country_code', 'left_outer'))
 */
export interface StaticSide {
  readonly kind: 'static';
  /** Its columns, known when the query is defined. */
  readonly schema: Schema;
  /** How `explain()` names it, e.g. `delta /data/dim_country`. */
  readonly description: string;
  /**
   * A token that changes when the rows change (a Delta version, a file listing's fingerprint);
   * without it the rows are read once per query run.
   */
  version?(): Promise<string | number>;
  /** Read the rows (at the version `version()` returned last). */
  load(): Promise<Table>;
}

/**
 * A fixed Arrow table (or rows and a schema) as the static side of a join.
 *
 * @example
 * const words = staticTable('number INT, word STRING', [{ number: 1, word: 'one' }, { number: 2, word: 'two' }]);
 * numbers.pipe(join(words, col('value').eq(col('number'))))
 */
export function staticTable(table: Table): StaticSide;
export function staticTable(schema: SchemaLike, rows: readonly Readonly<Record<string, unknown>>[]): StaticSide;
export function staticTable(tableOrSchema: Table | SchemaLike, rows?: readonly Readonly<Record<string, unknown>>[]): StaticSide {
  const table = rows === undefined ? (tableOrSchema as Table) : tableFromRows(toSchema(tableOrSchema as SchemaLike), rows);
  return { kind: 'static', schema: table.schema, description: `LocalRelation [${table.schema.fields.map((f) => f.name).join(', ')}], ${table.numRows} rows`, load: async () => table };
}

/** Whether a join's right side is a static side (not a stream). */
export function isStaticSide(value: unknown): value is StaticSide {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'static';
}
