import { DataType, makeData, makeVector, Type, Utf8, type Vector } from 'apache-arrow';
import { vectorFromValues } from '../arrow/vectors.ts';
import { unscaledValues } from '../decimal/decimalVectors.ts';

/**
 * A column's values as JS values for expression evaluation: Int64 as bigint, timestamps and
 * dates as epoch-ms numbers, strings as strings, decimals as their unscaled bigint (the scale is
 * on the type); `valid` is null when there are no nulls.
 */
export interface Cells {
  readonly length: number;
  readonly values: ArrayLike<unknown>;
  readonly valid: Uint8Array | null;
}

/** A value per row, or one value for every row (literals). */
export type Operand = { readonly scalar: true; readonly value: unknown } | { readonly scalar: false; readonly cells: Cells };

export function cellsOf(vector: Vector): Cells {
  const length = vector.length;
  const valid = vector.nullCount > 0 ? validityOf(vector) : null;
  const type = vector.type as DataType;
  let values: ArrayLike<unknown>;
  if (type.typeId === Type.Timestamp || type.typeId === Type.Date) {
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = valid && !valid[i] ? 0 : Number(vector.get(i));
    values = out;
  } else if (type.typeId === Type.Decimal) {
    values = unscaledValues(vector as Vector<never>).values;
  } else if (type.typeId === Type.Int || type.typeId === Type.Float) {
    values = vector.toArray() as ArrayLike<unknown>;
  } else {
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) out[i] = vector.get(i);
    values = out;
  }
  return { length, values, valid };
}

function validityOf(vector: Vector): Uint8Array {
  const out = new Uint8Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector.isValid(i) ? 1 : 0;
  return out;
}

export function isNullAt(operand: Operand, i: number): boolean {
  if (operand.scalar) return operand.value === null || operand.value === undefined;
  return operand.cells.valid !== null && operand.cells.valid[i] === 0;
}

export function valueAt(operand: Operand, i: number): unknown {
  return operand.scalar ? operand.value : operand.cells.values[i];
}

/** A vector of `type` from per-row values, nulls where `valid[i] === 0`. */
export function buildVector(type: DataType, values: ArrayLike<unknown>, valid: Uint8Array | null): Vector {
  if (valid === null && ArrayBuffer.isView(values) && (type.typeId === Type.Int || type.typeId === Type.Float)) {
    const data = values as unknown as ArrayLike<number>;
    return makeVector(makeData({ type, length: data.length, data } as never));
  }
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = valid && !valid[i] ? null : values[i];
  return vectorFromValues(type, out);
}

/** Binary → Utf8 without copying: the two layouts are the same offsets and bytes. */
export function binaryAsUtf8(vector: Vector): Vector<Utf8> {
  const data = vector.data[0]!;
  return makeVector(makeData({ type: new Utf8(), length: data.length, offset: data.offset, nullCount: data.nullCount, nullBitmap: data.nullBitmap, valueOffsets: data.valueOffsets, data: data.values } as never)) as unknown as Vector<Utf8>;
}
