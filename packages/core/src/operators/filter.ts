import { Type, type RecordBatch, type Vector } from 'apache-arrow';
import { takeRows } from '../arrow/take.ts';
import type { OperatorContext } from '../builders/plan.ts';
import type { Operator } from '../builders/streamFrame.ts';
import { expressionError } from '../expressions/errors.ts';
import { expr } from '../sql/expr.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { Column, udf } from './column.ts';
import { bindExpression } from './expression.ts';
import { mapRecordBatches } from './batches.ts';

/**
 * Keep the rows where `condition` is true (null counts as false, as in SQL). A Column or a SQL
 * condition string is evaluated on whole columns; a row predicate is the slow path. A string is
 * parsed now: a syntax error, an unknown column or a non-boolean condition fails when the query
 * is defined, with a caret under the fault.
 *
 * @example
 * frame.pipe(filter(col('event_type').neq('test')), where("amount > 0 AND country IN ('FR', 'DE')"))
 */
export function filter(condition: Column | string | ((row: Record<string, unknown>) => boolean)): Operator {
  const column = typeof condition === 'string' ? expr(condition) : condition instanceof Column ? condition : udf(condition, 'boolean', 'predicate');
  return (frame) => {
    const bound = bindExpression(column.node, frame.schema);
    if (bound.type.typeId !== Type.Bool && bound.type.typeId !== Type.Null) {
      throw expressionError('TYPE_MISMATCH', `filter needs a boolean condition, but ${bound.name} is ${sparkTypeName(bound.type)}.`, column.node.span);
    }
    return frame.withStep({
      name: `Filter ${bound.name}`,
      schema: frame.schema,
      apply: (table, context: OperatorContext) => mapRecordBatches(table, frame.schema, (batch) => keep(batch, bound.evaluate(batch, context))),
    });
  };
}

/** Spark's `where`, an alias of filter. */
export const where = filter;

function keep(batch: RecordBatch, mask: Vector): RecordBatch {
  const n = batch.numRows;
  const indices = new Int32Array(n);
  let count = 0;
  const data = mask.data[0]!;
  const bits = data.values as Uint8Array;
  if (mask.type.typeId === Type.Null) return takeRows(batch, new Int32Array(0));
  const validity = data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null;
  for (let i = 0; i < n; i++) {
    const j = data.offset + i;
    if ((bits[j >> 3]! & (1 << (j & 7))) !== 0 && (validity === null || (validity[j >> 3]! & (1 << (j & 7))) !== 0)) indices[count++] = i;
  }
  return count === n ? batch : takeRows(batch, indices.subarray(0, count));
}
