import { Column } from '../operators/column.ts';
import { parseNamedExpression } from './parser.ts';

/**
 * A Column from a Spark SQL expression string (Spark's `expr`): the same tree the Column API
 * builds, so it mixes freely with it. Syntax errors fail here, with the position and a caret;
 * unknown columns and functions fail when the column meets a schema (when the query is defined).
 *
 * @example
 * frame.pipe(select(expr("upper(name) AS who"), expr('amount * 1.2'), col('ts')))
 */
export function expr(text: string): Column {
  return new Column(parseNamedExpression(text));
}
