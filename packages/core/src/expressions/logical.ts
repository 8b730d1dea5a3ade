import { Bool, type Data, type RecordBatch } from 'apache-arrow';
import type { OperatorContext } from '../builders/plan.ts';
import { boolVector, constantExpression, type BoundExpression } from './bound.ts';
import { allSet, clearTail, validityOf } from './kernels/bits.ts';

/** A boolean operand as whole-byte masks: rows known true, rows known false (null is neither). */
interface Truth {
  readonly isTrue: Uint8Array;
  readonly isFalse: Uint8Array;
}

function truthOf(bound: BoundExpression, batch: RecordBatch, context: OperatorContext): Truth {
  const n = batch.numRows;
  const bytes = (n + 7) >> 3;
  if (bound.constant) {
    const v = bound.constant.value;
    return { isTrue: v === true ? allSet(n) : new Uint8Array(bytes), isFalse: v === false ? allSet(n) : new Uint8Array(bytes) };
  }
  const data: Data = bound.evaluate(batch, context).data[0]!;
  const values = alignedBits(data);
  const validity = validityOf(data);
  const isTrue = new Uint8Array(bytes);
  const isFalse = new Uint8Array(bytes);
  for (let k = 0; k < bytes; k++) {
    const valid = validity === null ? 0xff : validity[k]!;
    isTrue[k] = values[k]! & valid;
    isFalse[k] = ~values[k]! & valid;
  }
  clearTail(isTrue, n);
  clearTail(isFalse, n);
  return { isTrue, isFalse };
}

/** The value bits of a boolean column starting at row 0. */
function alignedBits(data: Data): Uint8Array {
  const bits = data.values as Uint8Array;
  const n = data.length;
  if ((data.offset & 7) === 0) return bits.subarray(data.offset >> 3, (data.offset >> 3) + ((n + 7) >> 3));
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    const j = data.offset + i;
    if (bits[j >> 3]! & (1 << (j & 7))) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/**
 * SQL AND / OR with three-valued logic, a byte of rows at a time: a decisive operand (false for
 * AND, true for OR) wins over null.
 */
export function bindLogical(op: 'and' | 'or', left: BoundExpression, right: BoundExpression, name: string): BoundExpression {
  const decisive = op === 'and' ? false : true;
  if (left.constant?.value === decisive || right.constant?.value === decisive) return constantExpression(name, new Bool(), decisive);
  return {
    name,
    type: new Bool(),
    evaluate: (batch, context) => {
      const n = batch.numRows;
      const a = truthOf(left, batch, context);
      const b = truthOf(right, batch, context);
      const bytes = (n + 7) >> 3;
      const value = new Uint8Array(bytes);
      const valid = new Uint8Array(bytes);
      for (let k = 0; k < bytes; k++) {
        const t = op === 'and' ? a.isTrue[k]! & b.isTrue[k]! : a.isTrue[k]! | b.isTrue[k]!;
        const f = op === 'and' ? a.isFalse[k]! | b.isFalse[k]! : a.isFalse[k]! & b.isFalse[k]!;
        value[k] = t;
        valid[k] = t | f;
      }
      return boolVector(value, valid, n);
    },
  };
}

/** SQL NOT: null stays null. */
export function bindNot(inner: BoundExpression, name: string): BoundExpression {
  if (inner.constant) return constantExpression(name, new Bool(), inner.constant.value === null ? null : !inner.constant.value);
  return {
    name,
    type: new Bool(),
    evaluate: (batch, context) => {
      const n = batch.numRows;
      const t = truthOf(inner, batch, context);
      const valid = new Uint8Array(t.isTrue.length);
      for (let k = 0; k < valid.length; k++) valid[k] = t.isTrue[k]! | t.isFalse[k]!;
      return boolVector(t.isFalse, valid, n);
    },
  };
}
