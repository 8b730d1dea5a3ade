import type { Table } from 'apache-arrow';
import { tableFromVectors } from '../arrow/tables.ts';
import type { OperatorContext } from '../builders/plan.ts';
import type { Operator, StreamFrame } from '../builders/streamFrame.ts';
import { bindNode } from '../expressions/bind.ts';
import type { BoundExpression } from '../expressions/bound.ts';
import { fromRowValues, rowValues } from '../expressions/kernels/rows.ts';
import { compareValues } from '../expressions/ordering.ts';
import { rootScope } from '../expressions/scope.ts';
import { SluiceError } from '../errors.ts';
import { col, Column, type ColumnLike, type SortOrder } from './column.ts';

const SORT_ON_STREAM =
  'Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode: ' +
  'a stream has no last row to sort by. Aggregate and write in complete mode, or sort the result table (sql() over a memory sink table).';
const LIMIT_ON_STREAM =
  'Limits are supported on streaming DataFrames/Datasets only after an aggregation in complete output mode in Sluice: ' +
  'limit the result table instead (sql() over a memory sink table), or aggregate and write in complete mode.';

/**
 * Sort the rows (Spark's `orderBy`/`sort`): by columns ascending (nulls first) or by `SortOrder`s
 * (`col('n').desc()`: nulls last). On a stream it runs only after an aggregation in complete
 * output mode (each batch is then the whole result), as in Spark; `sql()` over a memory table
 * sorts the table. Ties keep their input order.
 *
 * @example
 * counts.pipe(orderBy(col('count').desc(), 'word')) // complete mode
 */
export function orderBy(...orders: readonly (SortOrder | ColumnLike)[]): Operator {
  const sortOrders = orders.map((o): SortOrder => (typeof o === 'string' ? col(o).asc() : o instanceof Column ? o.asc() : o));
  return (frame) => sortFrame(frame, sortOrders);
}

/** Spark's `sort`, an alias of `orderBy`. */
export const sort = orderBy;

/**
 * Keep the first `n` rows (Spark's `limit`). On a stream it runs only after an aggregation in
 * complete output mode (the first `n` rows of each complete result); on `sql()` results it
 * limits the table.
 *
 * @example
 * counts.pipe(orderBy(col('count').desc()), limit(10)) // the top ten, complete mode
 */
export function limit(n: number): Operator {
  if (!Number.isInteger(n) || n < 0) throw new SluiceError('INVALID_QUERY', `limit needs a whole number of rows, 0 or more; got ${n}.`);
  return (frame) =>
    frame.withStep({
      name: `GlobalLimit ${n}`,
      schema: frame.schema,
      needsCompleteData: LIMIT_ON_STREAM,
      apply: (table) => (table.numRows <= n ? table : table.slice(0, n)),
    });
}

/** @internal The sort step over bound sort keys. */
export function sortFrame(frame: StreamFrame, orders: readonly SortOrder[]): StreamFrame {
  const scope = rootScope(frame.schema);
  const keys = orders.map((o) => ({ bound: bindNode(o.column.node, scope), descending: o.descending, nullsFirst: o.nullsFirst }));
  const label = keys.map((k) => `${k.bound.name} ${k.descending ? 'DESC' : 'ASC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ');
  return frame.withStep({
    name: `Sort [${label}], true`,
    schema: frame.schema,
    needsCompleteData: SORT_ON_STREAM,
    apply: (table, context) => sortTable(table, keys, context),
  });
}

interface SortKey {
  readonly bound: BoundExpression;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

function sortTable(table: Table, keys: readonly SortKey[], context: OperatorContext): Table {
  if (table.numRows <= 1 || keys.length === 0) return table;
  const values = keys.map(() => new Array<unknown>(table.numRows));
  let offset = 0;
  for (const batch of table.batches) {
    keys.forEach((key, k) => {
      const column = rowValues(key.bound.evaluate(batch, context));
      for (let i = 0; i < column.length; i++) values[k]![offset + i] = column[i];
    });
    offset += batch.numRows;
  }
  const order = Array.from({ length: table.numRows }, (_, i) => i);
  order.sort((a, b) => {
    for (let k = 0; k < keys.length; k++) {
      const { descending, nullsFirst } = keys[k]!;
      const x = values[k]![a];
      const y = values[k]![b];
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull || yNull) {
        if (xNull && yNull) continue;
        return xNull === nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return descending ? -c : c;
    }
    return a - b;
  });
  const columns = table.schema.fields.map((field, i) => {
    const all = rowValues(table.getChildAt(i)!);
    return fromRowValues(field.type, order.map((r) => all[r]));
  });
  return tableFromVectors(table.schema, columns);
}
