import { Type, type RecordBatch, type Vector } from 'apache-arrow';
import { takeRows } from '../arrow/take.ts';
import type { OperatorContext } from '../builders/plan.ts';
import type { Operator } from '../builders/streamFrame.ts';
import { SluiceError } from '../errors.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { Column, udf } from './column.ts';
import { bindExpression } from './expression.ts';
import { mapRecordBatches } from './batches.ts';

/**
 * Keep the rows where `condition` is true (null counts as false, as in SQL). A Column is
 * evaluated on whole columns; a row predicate is the slow path.
 *
 * @example
 * frame.pipe(filter(col('event_type').neq('test')))
 */
export function filter(condition: Column | ((row: Record<string, unknown>) => boolean)): Operator {
  return (frame) => {
    const column = condition instanceof Column ? condition : udf(condition, 'boolean', 'predicate');
    const bound = bindExpression(column.node, frame.schema);
    if (bound.type.typeId !== Type.Bool) {
      throw new SluiceError('TYPE_MISMATCH', `filter needs a boolean condition, but ${bound.name} is ${sparkTypeName(bound.type)}.`);
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
  const validity = data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null;
  for (let i = 0; i < n; i++) {
    const j = data.offset + i;
    if ((bits[j >> 3]! & (1 << (j & 7))) !== 0 && (validity === null || (validity[j >> 3]! & (1 << (j & 7))) !== 0)) indices[count++] = i;
  }
  return count === n ? batch : takeRows(batch, indices.subarray(0, count));
}
