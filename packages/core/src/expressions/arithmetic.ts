import { DataType, Float64, Int64, type RecordBatch, type Vector } from 'apache-arrow';
import type { OperatorContext } from '../builders/plan.ts';
import { constantExpression, type BoundExpression } from './bound.ts';
import { andBitmaps, bytesToBitmap, validityOf, type Bitmap } from './kernels/bits.ts';
import { compileKernel, operandRead, type Shape } from './kernels/generated.ts';
import { bigintsOf, is64Bit, numbersOf, numericVector, storageFor, type NumberArray } from './kernels/numbers.ts';
import { isFloatingType, isNullType, widerNumeric } from './types.ts';

export type ArithmeticFn = '+' | '-' | '*' | '/' | '%' | 'div' | 'pmod';

/** The result type of numeric `left fn right` (Spark: `/` is double, `div` bigint, the rest the wider type). */
export function arithmeticResultType(fn: ArithmeticFn, left: DataType, right: DataType): DataType {
  if (fn === '/') return new Float64();
  if (fn === 'div') return new Int64();
  if (isNullType(left)) return right;
  if (isNullType(right)) return left;
  return widerNumeric(left, right);
}

type Kind = 'float' | 'int32' | 'narrow' | 'int64';

/**
 * Numeric arithmetic column at a time (non-ANSI: integers wrap, division and remainder by zero
 * give null). `left` and `right` are already numeric (callers cast strings and decide decimals).
 */
export function numericArithmetic(fn: ArithmeticFn, left: BoundExpression, right: BoundExpression, name: string): BoundExpression {
  const type = arithmeticResultType(fn, left.type, right.type);
  if (left.constant?.value === null || right.constant?.value === null || isNullType(left.type) || isNullType(right.type)) return constantExpression(name, type, null);
  const kind: Kind = isFloatingType(type) ? 'float' : is64Bit(type) ? 'int64' : (type as unknown as { bitWidth: number }).bitWidth === 32 ? 'int32' : 'narrow';
  const floatInputs = isFloatingType(left.type) || isFloatingType(right.type);
  const bound: BoundExpression = {
    name,
    type,
    evaluate: (batch: RecordBatch, context: OperatorContext) => evaluateArithmetic(fn, kind, type, floatInputs, left, right, batch, context),
  };
  return bound;
}

function evaluateArithmetic(fn: ArithmeticFn, kind: Kind, type: DataType, floatInputs: boolean, left: BoundExpression, right: BoundExpression, batch: RecordBatch, context: OperatorContext): Vector {
  const n = batch.numRows;
  const a = operandOf(left, batch, context);
  const b = operandOf(right, batch, context);
  const validity = andBitmaps(a.validity, b.validity, n);
  // Quotients of 64-bit values may round as doubles: `div` on them is always exact.
  if (kind === 'int64' && (!(a.exact && b.exact) || (fn === 'div' && (is64Bit(left.type) || is64Bit(right.type))))) return bigintArithmetic(fn, type, left, right, batch, context, validity);
  const zeroCheck = fn === '/' || fn === '%' || fn === 'div' || fn === 'pmod';
  const nulls = zeroCheck ? new Uint8Array(n) : null;
  const out = kind === 'int64' || kind === 'float' ? new Float64Array(n) : (storageFor(type, n) as NumberArray);
  const integerInputs = !floatInputs;
  const loop = kernelFor(fn, kind === 'int64' ? 'float' : kind, a.shape, b.shape, integerInputs);
  const overflow = loop(a.values, b.values, out, n, nulls) as boolean;
  if (kind === 'int64' && overflow) return bigintArithmetic(fn, type, left, right, batch, context, validity);
  let resultValidity: Bitmap = validity;
  if (nulls && nulls.some((x) => x === 1)) {
    const ok = new Uint8Array(n);
    for (let i = 0; i < n; i++) ok[i] = nulls[i] ? 0 : 1;
    resultValidity = andBitmaps(validity, bytesToBitmap(ok, n), n);
  }
  if (kind === 'float' && (type as unknown as { precision: number }).precision === 1) return numericVector(type, Float32Array.from(out), resultValidity);
  return numericVector(type, out, resultValidity);
}

interface Operand {
  readonly shape: Shape;
  readonly values: NumberArray | number;
  readonly validity: Bitmap;
  readonly exact: boolean;
}

function operandOf(bound: BoundExpression, batch: RecordBatch, context: OperatorContext): Operand {
  if (bound.constant) {
    const v = bound.constant.value;
    const value = typeof v === 'bigint' ? Number(v) : (v as number);
    return { shape: 'scalar', values: value, validity: null, exact: Math.abs(value) <= Number.MAX_SAFE_INTEGER || !Number.isInteger(value) };
  }
  const data = bound.evaluate(batch, context).data[0]!;
  const { values, exact } = numbersOf(data);
  return { shape: 'column', values, validity: validityOf(data), exact };
}

type Loop = (a: NumberArray | number, b: NumberArray | number, out: NumberArray, n: number, nulls: Uint8Array | null) => unknown;

function kernelFor(fn: ArithmeticFn, kind: Exclude<Kind, 'int64'> | 'float', sa: Shape, sb: Shape, integerInputs: boolean): Loop {
  const key = `arith:${fn}:${kind}:${sa}:${sb}:${integerInputs}`;
  const x = operandRead('a', sa);
  const y = operandRead('b', sb);
  let expression: string;
  switch (fn) {
    case '+': expression = 'x + y'; break;
    case '-': expression = 'x - y'; break;
    case '*': expression = kind === 'int32' ? 'Math.imul(x, y)' : 'x * y'; break;
    case '/': expression = 'x / y'; break;
    case '%': expression = 'x % y'; break;
    case 'pmod': expression = '(x % y < 0 ? ((x % y) + y) % y : x % y)'; break;
    case 'div': expression = 'Math.trunc(x / y)'; break;
  }
  const zero = fn === '/' || fn === '%' || fn === 'div' || fn === 'pmod' ? 'if (y === 0) { nulls[i] = 1; continue; }' : '';
  // Integer results of 64-bit inputs are computed as doubles; any result past 2^53 is inexact,
  // and the caller redoes the batch with bigints.
  const track = integerInputs && kind === 'float' ? 'if (r > 9007199254740991 || r < -9007199254740991) overflow = true;' : '';
  const body = `let overflow = false;
for (let i = 0; i < n; i++) {
  const x = ${x}; const y = ${y};
  ${zero}
  const r = ${expression};
  ${track}
  out[i] = r;
}
return overflow;`;
  return compileKernel<Loop>(key, ['a', 'b', 'out', 'n', 'nulls'], body);
}

/** The exact path for bigint results: Java long arithmetic (wrapping) on BigInt64Array. */
function bigintArithmetic(fn: ArithmeticFn, type: DataType, left: BoundExpression, right: BoundExpression, batch: RecordBatch, context: OperatorContext, validity: Bitmap): Vector {
  const n = batch.numRows;
  const read = (bound: BoundExpression): ((i: number) => bigint) => {
    if (bound.constant) {
      const v = bound.constant.value;
      const big = typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number));
      return () => big;
    }
    const data = bound.evaluate(batch, context).data[0]!;
    if (is64Bit(data.type)) {
      const values = bigintsOf(data);
      return (i) => values[i]!;
    }
    const { values } = numbersOf(data);
    return (i) => BigInt(Math.trunc(values[i]!));
  };
  const a = read(left);
  const b = read(right);
  const out = new BigInt64Array(n);
  const ok = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const x = a(i);
    const y = b(i);
    switch (fn) {
      case '+': out[i] = BigInt.asIntN(64, x + y); break;
      case '-': out[i] = BigInt.asIntN(64, x - y); break;
      case '*': out[i] = BigInt.asIntN(64, x * y); break;
      case '%':
      case 'div':
      case 'pmod':
        if (y === 0n) ok[i] = 0;
        else out[i] = BigInt.asIntN(64, fn === '%' ? x % y : fn === 'div' ? x / y : x % y < 0n ? ((x % y) + y) % y : x % y);
        break;
      case '/':
        break;
    }
  }
  return numericVector(type, out, andBitmaps(validity, bytesToBitmap(ok, n), n));
}

