import { RecordBatch, Schema, Table, Type, type Vector } from 'apache-arrow';
import type { OperatorContext } from '../../builders/plan.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import { fromRowValues, rowValues } from '../../expressions/kernels/rows.ts';
import { recordBatchOf } from '../batches.ts';
import type { OutputColumn } from './joinSpec.ts';

/** A row as the values of its columns, in the row convention of `rowValues`. */
export type Row = unknown[];

/** A joined row: the left and the right input row (null: the side without a match). */
export type JoinedRow = readonly [Row | null, Row | null];

/** One batch's rows, row-major. */
export function batchRows(batch: RecordBatch): Row[] {
  const columns = batch.schema.fields.map((_, i) => rowValues(batch.getChildAt(i)!));
  const rows: Row[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    const row = new Array<unknown>(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = columns[c]![r];
    rows[r] = row;
  }
  return rows;
}

/** A record batch of `schema` from rows. */
export function rowsBatch(schema: Schema, rows: readonly Row[]): RecordBatch {
  const columns = schema.fields.map((f, c) => {
    const values = new Array<unknown>(rows.length);
    for (let r = 0; r < rows.length; r++) values[r] = rows[r]![c];
    return fromRowValues(f.type, values);
  });
  return recordBatchOf(schema, columns, rows.length);
}

/** Where a boolean expression is true (null counts as false), row by row. */
export function truthMask(expression: BoundExpression, batch: RecordBatch, context: OperatorContext): Uint8Array {
  const n = batch.numRows;
  const out = new Uint8Array(n);
  if (n === 0) return out;
  const vector: Vector = expression.evaluate(batch, context);
  if (vector.type.typeId === Type.Null) return out;
  const values = rowValues(vector);
  for (let i = 0; i < n; i++) out[i] = values[i] === true ? 1 : 0;
  return out;
}

/** The join's output table from joined rows. */
export function outputTable(schema: Schema, output: readonly OutputColumn[], rows: readonly JoinedRow[]): Table {
  const columns = output.map((o, c) => {
    const values = new Array<unknown>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const [l, rr] = rows[r]!;
      if ('coalesce' in o) values[r] = l?.[o.coalesce[0]] ?? rr?.[o.coalesce[1]] ?? null;
      else values[r] = (o.side === 'left' ? l : rr)?.[o.index] ?? null;
    }
    return fromRowValues(schema.fields[c]!.type, values);
  });
  return new Table([recordBatchOf(schema, columns, rows.length)]);
}
