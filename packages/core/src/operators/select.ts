import { DataType, Schema } from 'apache-arrow';
import type { Operator } from '../builders/streamFrame.ts';
import { col, Column, type ColumnLike } from './column.ts';
import { bindExpression, resolveColumn, type BoundExpression } from './expression.ts';
import { fieldOf, mapRecordBatches, recordBatchOf } from './batches.ts';

/**
 * Keep, compute and rename columns (Spark's `select`). `'*'` is every column, `'data.*'` every
 * field of the struct `data` (the step after `fromJson(..., { as: 'data' })`).
 *
 * @example
 * frame.pipe(select('user_id', col('amount').multiply(100).alias('cents')))
 */
export function select(...columns: readonly ColumnLike[]): Operator {
  return (frame) => {
    const bound = expandStars(columns, frame.schema).map((c) => bindExpression(c.node, frame.schema));
    return frame.withStep(projection(`Project [${bound.map((b) => b.name).join(', ')}]`, bound));
  };
}

/** A step computing `bound` expressions per batch. */
export function projection(name: string, bound: readonly BoundExpression[]) {
  const schema = new Schema(bound.map((b) => fieldOf(b.name, b.type)));
  return {
    name,
    schema,
    apply: (table: import('apache-arrow').Table, context: import('../builders/plan.ts').OperatorContext) =>
      mapRecordBatches(table, schema, (batch) => recordBatchOf(schema, bound.map((b) => b.evaluate(batch, context)), batch.numRows)),
  };
}

function expandStars(columns: readonly ColumnLike[], schema: Schema): Column[] {
  return columns.flatMap((c) => {
    if (c instanceof Column) return [c];
    if (c === '*') return schema.fields.map((f) => col(f.name));
    if (c.endsWith('.*')) {
      const prefix = c.slice(0, -2);
      const struct = resolveColumn(prefix, schema).at(-1)!.field.type;
      return DataType.isStruct(struct) ? struct.children.map((f) => col(`${prefix}.${f.name}`)) : [col(prefix)];
    }
    return [col(c)];
  });
}
