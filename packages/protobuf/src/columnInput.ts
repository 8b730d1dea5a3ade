import { Column, SluiceError, type ColumnLike } from '@sluice/core';

/**
 * Reads the input of a column function from a row: the column functions here are row functions
 * on core's `udf`, which hands over whole rows, so their input must be a column by name (`'value'`,
 * `col('value')`, or `'a.b'` inside a struct).
 */
export function columnReader(column: ColumnLike | Column, fn: string): { readonly name: string; read(row: Record<string, unknown>): unknown } {
  const node = column instanceof Column ? column.node : typeof column === 'string' ? { op: 'col' as const, name: column } : undefined;
  if (!node || node.op !== 'col') {
    throw new SluiceError('INVALID_QUERY', `${fn} takes a column by name ('value' or col('value')); compute other expressions into a column first (withColumn).`, { details: { function: fn } });
  }
  const path = node.name.split('.');
  return {
    name: node.name,
    read: (row) => {
      let value: unknown = row;
      for (const part of path) value = value == null ? undefined : (value as Record<string, unknown>)[part];
      return value;
    },
  };
}
