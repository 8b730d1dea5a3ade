import { Bool, DataType, Type, type RecordBatch, type Vector } from 'apache-arrow';
import type { OperatorContext } from '../builders/plan.ts';
import { boolVector, constantExpression, type BoundExpression } from './bound.ts';
import { allSet, andBitmaps, validityOf, type Bitmap } from './kernels/bits.ts';
import { compileKernel, operandRead, type Shape } from './kernels/generated.ts';
import { bigintsOf, is64Bit, numbersOf, type NumberArray } from './kernels/numbers.ts';
import { rowValues } from './kernels/rows.ts';
import { compareBytes, encodeUtf8, Utf8Column } from './kernels/utf8.ts';
import { compareValues } from './ordering.ts';
import { isFloatingType } from './types.ts';

export type ComparisonFn = '=' | '!=' | '<' | '<=' | '>' | '>=' | '<=>';

/**
 * `left fn right` for operands of one type (callers coerce first), column at a time: numbers and
 * datetimes in generated loops, strings and binary on their bytes, booleans as 0/1, nested values
 * by Spark's ordering. NaN equals NaN and sorts above every number, as in Spark; `<=>` is
 * null-safe equality (never null).
 */
export function bindComparison(fn: ComparisonFn, left: BoundExpression, right: BoundExpression, name: string): BoundExpression {
  const nullSafe = fn === '<=>';
  if (!nullSafe && (left.constant?.value === null || right.constant?.value === null)) return constantExpression(name, new Bool(), null);
  const type = left.type;
  return {
    name,
    type: new Bool(),
    evaluate: (batch, context) => {
      const n = batch.numRows;
      const { bits, validity } = compare(fn === '<=>' ? '=' : fn, type, left, right, batch, context);
      if (!nullSafe) return boolVector(bits, validity, n);
      // Null-safe: both null is true, one null is false.
      const a = left.constant ? (left.constant.value === null ? new Uint8Array((n + 7) >> 3) : null) : validityOf(left.evaluate(batch, context).data[0]!);
      const b = right.constant ? (right.constant.value === null ? new Uint8Array((n + 7) >> 3) : null) : validityOf(right.evaluate(batch, context).data[0]!);
      const out = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const va = a === null || (a[i >> 3]! & (1 << (i & 7))) !== 0;
        const vb = b === null || (b[i >> 3]! & (1 << (i & 7))) !== 0;
        const equal = va && vb ? (bits[i >> 3]! & (1 << (i & 7))) !== 0 : !va && !vb;
        if (equal) out[i >> 3]! |= 1 << (i & 7);
      }
      return boolVector(out, null, n);
    },
  };
}

interface Compared {
  readonly bits: Uint8Array;
  readonly validity: Bitmap;
}

function compare(fn: Exclude<ComparisonFn, '<=>'>, type: DataType, left: BoundExpression, right: BoundExpression, batch: RecordBatch, context: OperatorContext): Compared {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Bool:
      return compareNumbers(fn, type, left, right, batch, context);
    case Type.Utf8:
    case Type.Binary:
      return compareStrings(fn, left, right, batch, context);
    default:
      return compareRows(fn, left, right, batch, context);
  }
}

function compareNumbers(fn: Exclude<ComparisonFn, '<=>'>, type: DataType, left: BoundExpression, right: BoundExpression, batch: RecordBatch, context: OperatorContext): Compared {
  const n = batch.numRows;
  const a = numericOperand(left, batch, context);
  const b = numericOperand(right, batch, context);
  const validity = andBitmaps(a.validity, b.validity, n);
  const bits = new Uint8Array((n + 7) >> 3);
  if (!a.exact || !b.exact) {
    const x = bigintOperand(left, batch, context);
    const y = bigintOperand(right, batch, context);
    for (let i = 0; i < n; i++) {
      const c = x(i) < y(i) ? -1 : x(i) > y(i) ? 1 : 0;
      if (holds(fn, c)) bits[i >> 3]! |= 1 << (i & 7);
    }
    return { bits, validity };
  }
  const loop = comparisonKernel(fn, isFloatingType(type), a.shape, b.shape);
  loop(a.values, b.values, bits, n);
  return { bits, validity };
}

const holds = (fn: Exclude<ComparisonFn, '<=>'>, c: number): boolean =>
  fn === '=' ? c === 0 : fn === '!=' ? c !== 0 : fn === '<' ? c < 0 : fn === '<=' ? c <= 0 : fn === '>' ? c > 0 : c >= 0;

interface NumericOperand {
  readonly shape: Shape;
  readonly values: NumberArray | number;
  readonly validity: Bitmap;
  readonly exact: boolean;
}

function numericOperand(bound: BoundExpression, batch: RecordBatch, context: OperatorContext): NumericOperand {
  if (bound.constant) {
    const v = bound.constant.value;
    const value = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
    return { shape: 'scalar', values: value, validity: null, exact: typeof v !== 'bigint' || (v <= 9007199254740991n && v >= -9007199254740991n) };
  }
  const data = bound.evaluate(batch, context).data[0]!;
  if (data.type.typeId === Type.Bool) {
    const out = new Uint8Array(data.length);
    const bits = data.values as Uint8Array;
    for (let i = 0; i < data.length; i++) {
      const j = data.offset + i;
      out[i] = (bits[j >> 3]! >> (j & 7)) & 1;
    }
    return { shape: 'column', values: out, validity: validityOf(data), exact: true };
  }
  const { values, exact } = numbersOf(data);
  return { shape: 'column', values, validity: validityOf(data), exact };
}

function bigintOperand(bound: BoundExpression, batch: RecordBatch, context: OperatorContext): (i: number) => bigint {
  if (bound.constant) {
    const v = bound.constant.value;
    const big = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    return () => big;
  }
  const data = bound.evaluate(batch, context).data[0]!;
  if (is64Bit(data.type)) {
    const values = bigintsOf(data);
    return (i) => values[i]!;
  }
  const { values } = numbersOf(data);
  return (i) => BigInt(Math.trunc(values[i]!));
}

type CompareLoop = (a: NumberArray | number, b: NumberArray | number, bits: Uint8Array, n: number) => void;

function comparisonKernel(fn: Exclude<ComparisonFn, '<=>'>, floating: boolean, sa: Shape, sb: Shape): CompareLoop {
  // Spark's float semantics: NaN = NaN, and NaN is greater than any other value.
  const plain: Record<string, string> = { '=': 'x === y', '!=': 'x !== y', '<': 'x < y', '<=': 'x <= y', '>': 'x > y', '>=': 'x >= y' };
  const nan: Record<string, string> = {
    '=': '(x === y || (x !== x && y !== y))',
    '!=': '!(x === y || (x !== x && y !== y))',
    '<': '(x < y || (x === x && y !== y))',
    '<=': '!(x > y || (x !== x && y === y))',
    '>': '(x > y || (x !== x && y === y))',
    '>=': '!(x < y || (x === x && y !== y))',
  };
  const condition = (floating ? nan : plain)[fn]!;
  const body = `for (let i = 0; i < n; i++) {
  const x = ${operandRead('a', sa)}; const y = ${operandRead('b', sb)};
  if (${condition}) bits[i >> 3] |= 1 << (i & 7);
}`;
  return compileKernel<CompareLoop>(`cmp:${fn}:${floating}:${sa}:${sb}`, ['a', 'b', 'bits', 'n'], body);
}

function compareStrings(fn: Exclude<ComparisonFn, '<=>'>, left: BoundExpression, right: BoundExpression, batch: RecordBatch, context: OperatorContext): Compared {
  const n = batch.numRows;
  const bits = new Uint8Array((n + 7) >> 3);
  const side = (bound: BoundExpression) => {
    if (bound.constant) {
      const v = bound.constant.value;
      const bytes = v instanceof Uint8Array ? v : encodeUtf8(v as string);
      return { bytes, offsets: null as Int32Array | null, validity: null as Bitmap };
    }
    const data = bound.evaluate(batch, context).data[0]!;
    const column = new Utf8Column(data);
    return { bytes: column.bytes, offsets: column.offsets as Int32Array | null, validity: validityOf(data) };
  };
  const a = side(left);
  const b = side(right);
  const validity = andBitmaps(a.validity, b.validity, n);
  const equality = fn === '=' || fn === '!=';
  for (let i = 0; i < n; i++) {
    const as = a.offsets ? a.offsets[i]! : 0;
    const ae = a.offsets ? a.offsets[i + 1]! : a.bytes.length;
    const bs = b.offsets ? b.offsets[i]! : 0;
    const be = b.offsets ? b.offsets[i + 1]! : b.bytes.length;
    let c: number;
    if (equality && ae - as !== be - bs) c = 1;
    else c = compareBytes(a.bytes, as, ae, b.bytes, bs, be);
    if (holds(fn, c)) bits[i >> 3]! |= 1 << (i & 7);
  }
  return { bits, validity };
}

function compareRows(fn: Exclude<ComparisonFn, '<=>'>, left: BoundExpression, right: BoundExpression, batch: RecordBatch, context: OperatorContext): Compared {
  const n = batch.numRows;
  const values = (bound: BoundExpression): unknown[] => (bound.constant ? new Array(n).fill(bound.constant.value) : rowValues(bound.evaluate(batch, context)));
  const a = values(left);
  const b = values(right);
  const bits = new Uint8Array((n + 7) >> 3);
  const valid = allSet(n);
  for (let i = 0; i < n; i++) {
    if (a[i] === null || b[i] === null) {
      valid[i >> 3]! &= ~(1 << (i & 7));
      continue;
    }
    if (holds(fn, compareValues(a[i], b[i]))) bits[i >> 3]! |= 1 << (i & 7);
  }
  return { bits, validity: valid };
}

export type { Vector };
