import { Bool, DataType, RecordBatch, Schema, Struct, makeData, makeVector, Type, type Vector } from 'apache-arrow';
import type { OperatorContext } from '../builders/plan.ts';
import { allSet, finishValidity, type Bitmap } from './kernels/bits.ts';
import { numericVector, storageFor } from './kernels/numbers.ts';
import { fromRowValues, rowValues } from './kernels/rows.ts';
import { repeatedUtf8 } from './kernels/utf8.ts';

/** An expression checked against a schema: its output name and type are known, evaluation is per batch. */
export interface BoundExpression {
  readonly name: string;
  readonly type: DataType;
  evaluate(batch: RecordBatch, context: OperatorContext): Vector;
  /**
   * Set when every row has the same value (a literal, or a deterministic function of literals,
   * folded when bound). The value is in the row convention of `kernels/rows.ts`; kernels use it
   * as a scalar instead of reading a column.
   */
  readonly constant?: { readonly value: unknown };
  /** False for `rand()`, `uuid()` and the like (default true): they are never folded. */
  readonly deterministic?: boolean;
  /** False when the value depends on the batch context (`current_timestamp()`): not folded at bind time. */
  readonly foldable?: boolean;
}

/** A constant expression of `type`. */
export function constantExpression(name: string, type: DataType, value: unknown): BoundExpression {
  return { name, type, constant: { value }, evaluate: (batch) => materialize(type, value, batch.numRows) };
}

/** `value` repeated `n` times as a vector of `type` (null: a column of nulls). */
export function materialize(type: DataType, value: unknown, n: number): Vector {
  if (value === null || value === undefined) return nullVector(type, n);
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp: {
      const storage = storageFor(type, n);
      if (storage instanceof BigInt64Array) storage.fill(typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))));
      else storage.fill(Number(value));
      return numericVector(type, storage, null);
    }
    case Type.Utf8:
      return repeatedUtf8(value as string, n, null);
    case Type.Binary: {
      return fromRowValues(type, new Array(n).fill(value));
    }
    case Type.Bool: {
      const bits = value ? allSet(n) : new Uint8Array((n + 7) >> 3);
      return boolVector(bits, null, n);
    }
  }
  return fromRowValues(type, new Array(n).fill(value));
}

/** A column of `n` nulls of `type`. */
export function nullVector(type: DataType, n: number): Vector {
  if (type.typeId === Type.Null) return fromRowValues(type, new Array(n).fill(null));
  return fromRowValues(type, new Array(n).fill(null));
}

/** A boolean vector from a value bitmap and a validity bitmap. */
export function boolVector(values: Uint8Array, validity: Bitmap, n: number): Vector {
  return makeVector(makeData({ type: new Bool(), length: n, data: values, ...finishValidity(validity, n) }));
}

/** The one row value of a constant vector (for folding). */
export function firstValue(vector: Vector): unknown {
  return rowValues(vector)[0] ?? null;
}

const EMPTY = new Schema([]);

/** A batch of one row and no columns: what constant expressions are folded over. */
export function oneRowBatch(): RecordBatch {
  return new RecordBatch(EMPTY, makeData({ type: new Struct([]), length: 1, nullCount: 0, children: [] }));
}
