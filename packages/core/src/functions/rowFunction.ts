import type { DataType, RecordBatch } from 'apache-arrow';
import type { OperatorContext } from '../builders/plan.ts';
import { type BoundExpression } from '../expressions/bound.ts';
import { validityOf } from '../expressions/kernels/bits.ts';
import { fromRowValues, rowValues } from '../expressions/kernels/rows.ts';
import { Utf8Builder, Utf8Column } from '../expressions/kernels/utf8.ts';

/** How `rowFunction` treats nulls and whether its result may be folded or reused. */
export interface RowFunctionOptions {
  /** Call `fn` for null arguments too (default: any null argument gives null, Spark's null-intolerant rule). */
  readonly nullSafe?: boolean;
  /** False for functions whose value changes per call (rand, uuid). */
  readonly deterministic?: boolean;
  /** False when the value depends on the batch context, which folding at bind time cannot see. */
  readonly foldable?: boolean;
}

/**
 * The row path: `fn` gets each row's argument values (row convention of `kernels/rows.ts`) and
 * returns the result value. For functions with no columnar kernel; `fn` also receives the row
 * index and the batch context as its last two arguments.
 */
export function rowFunction(name: string, type: DataType, args: readonly BoundExpression[], fn: (...values: unknown[]) => unknown, options: RowFunctionOptions = {}): BoundExpression {
  return {
    name,
    type,
    ...(options.deterministic === false ? { deterministic: false } : {}),
    ...(options.foldable === false ? { foldable: false } : {}),
    evaluate: (batch: RecordBatch, context: OperatorContext) => {
      const n = batch.numRows;
      const columns = args.map((a) => (a.constant ? null : rowValues(a.evaluate(batch, context))));
      const out = new Array<unknown>(n);
      const values = new Array<unknown>(args.length + 2);
      values[args.length + 1] = context;
      for (let i = 0; i < n; i++) {
        let hasNull = false;
        for (let k = 0; k < args.length; k++) {
          const v = columns[k] ? columns[k]![i] : args[k]!.constant!.value;
          if (v === null || v === undefined) hasNull = true;
          values[k] = v ?? null;
        }
        values[args.length] = i;
        out[i] = hasNull && !options.nullSafe ? null : (fn(...values) ?? null);
      }
      return fromRowValues(type, out);
    },
  };
}

/**
 * A string → string function over a UTF-8 column: each value decoded once, the result encoded
 * straight into the output buffer; null in, null out (and `fn` may return null).
 */
export function utf8Map(name: string, type: DataType, arg: BoundExpression, fn: (text: string) => string | null): BoundExpression {
  return {
    name,
    type,
    evaluate: (batch, context) => {
      const data = arg.evaluate(batch, context).data[0]!;
      const n = data.length;
      const column = new Utf8Column(data);
      const validity = validityOf(data);
      const builder = new Utf8Builder(n, column.bytes.length + 16);
      for (let i = 0; i < n; i++) {
        if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) builder.appendNull();
        else builder.appendValue(fn(column.get(i)));
      }
      return builder.finish();
    },
  };
}
