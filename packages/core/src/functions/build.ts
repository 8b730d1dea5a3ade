import { Column, toNode, type ColumnLike } from '../operators/column.ts';
import type { ExprNode } from '../expressions/node.ts';

/** A column argument: a Column, or a string naming a column (PySpark's convention). */
export const colArg = (value: ColumnLike): ExprNode => toNode(value);
/** A value argument: a Column, or a JS value as a literal (strings are literals here). */
export const litArg = (value: unknown): ExprNode => toNode(value, true);

/** The Column of a call to the registered function `name`. */
export function callColumn(name: string, ...args: readonly ExprNode[]): Column {
  return new Column({ op: 'call', name, args });
}
