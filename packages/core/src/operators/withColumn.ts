import type { Operator } from '../builders/streamFrame.ts';
import { col, Column, lit } from './column.ts';
import { bindExpression } from './expression.ts';
import { expr } from '../sql/expr.ts';
import { projection } from './select.ts';

/**
 * Add a column, or replace the one of the same name in place (Spark's `withColumn`). The value is
 * a Column, a SQL expression string (parsed now), or a JS constant.
 *
 * @example
 * frame.pipe(withColumn('ingestion_time', currentTimestamp()), withColumn('cents', 'amount * 100'))
 */
export function withColumn(name: string, value: Column | string | number | bigint | boolean): Operator {
  const parsed = typeof value === 'string' ? expr(value) : value;
  return (frame) => {
    const expression = (parsed instanceof Column ? parsed : lit(parsed)).alias(name);
    const exists = frame.schema.fields.some((f) => f.name === name);
    const columns = exists
      ? frame.schema.fields.map((f) => (f.name === name ? expression : col(f.name)))
      : [...frame.schema.fields.map((f) => col(f.name)), expression];
    const bound = columns.map((c) => bindExpression(c.node, frame.schema));
    return frame.withStep(projection(`Project [*, ${expression}]`, bound));
  };
}

/**
 * Rename a column (Spark's `withColumnRenamed`); a missing column is left alone, as in Spark.
 *
 * @example
 * frame.pipe(withColumnRenamed('ts', 'event_time'))
 */
export function withColumnRenamed(existing: string, renamed: string): Operator {
  return (frame) => {
    const bound = frame.schema.fields.map((f) => bindExpression((f.name === existing ? col(f.name).alias(renamed) : col(f.name)).node, frame.schema));
    return frame.withStep(projection(`Project [${existing} AS ${renamed}]`, bound));
  };
}

/**
 * Remove columns (Spark's `drop`); names that do not exist are ignored, as in Spark.
 *
 * @example
 * frame.pipe(drop('debug', 'raw_payload'))
 */
export function drop(...names: readonly string[]): Operator {
  return (frame) => {
    const kept = frame.schema.fields.filter((f) => !names.includes(f.name));
    const bound = kept.map((f) => bindExpression(col(f.name).node, frame.schema));
    return frame.withStep(projection(`Project [${kept.map((f) => f.name).join(', ')}]`, bound));
  };
}
