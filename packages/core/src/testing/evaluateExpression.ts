import type { RecordBatch } from 'apache-arrow';
import { toSchema, type SchemaLike } from '../arrow/schema.ts';
import { tableFromRows } from '../arrow/tables.ts';
import { standaloneOperatorContext } from '../builders/plan.ts';
import { bindExpression } from '../expressions/bind.ts';
import { oneRowBatch } from '../expressions/bound.ts';
import { rowValues } from '../expressions/kernels/rows.ts';
import type { Column } from '../operators/column.ts';
import { parseNamedExpression } from '../sql/parser.ts';

/** The batch timestamp the expression tests run at: 2024-01-02 03:04:05.678 UTC. */
export const TEST_BATCH_TIMESTAMP = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

/**
 * Evaluate an expression (SQL text or a Column) over rows of `schema`, as a query would: bound
 * to the schema, evaluated column at a time. Returns one value per row, in the row convention of
 * `kernels/rows.ts`. With no rows, it runs on one row of no columns (for constant expressions).
 */
export function evaluateRows(expression: string | Column, rows?: readonly Record<string, unknown>[], schema: SchemaLike = ''): unknown[] {
  const node = typeof expression === 'string' ? parseNamedExpression(expression) : expression.node;
  const arrowSchema = toSchema(schema);
  const bound = bindExpression(node, arrowSchema);
  const batch: RecordBatch = rows === undefined ? oneRowBatch() : tableFromRows(arrowSchema, rows).batches[0]!;
  const context = standaloneOperatorContext({ batchTimestampMs: TEST_BATCH_TIMESTAMP });
  const vector = bound.evaluate(batch, context);
  if (vector.length !== batch.numRows) throw new Error(`expression gave ${vector.length} values for ${batch.numRows} rows`);
  return rowValues(vector);
}

/** The value of a constant expression (or of the expression on the single row given). */
export function evaluateValue(expression: string | Column, row?: Record<string, unknown>, schema: SchemaLike = ''): unknown {
  return evaluateRows(expression, row === undefined ? undefined : [row], schema)[0];
}

/** The result type of an expression against `schema`, in Spark's names. */
export { sparkTypeName } from '../arrow/schema.ts';
