import { Bool, Float64, type DataType } from 'apache-arrow';
import { planDecimalArithmetic, planDecimalComparison, type OperandInfo } from '../decimal/decimalExpressions.ts';
import { decimalSpecOf, integralDecimalSpec, widerDecimalSpec, decimalArrowType } from '../decimal/decimalType.ts';
import { decimalVector } from '../decimal/decimalVectors.ts';
import type { ArithmeticFn } from './arithmetic.ts';
import { boolVector, constantExpression, type BoundExpression } from './bound.ts';
import { expressionError } from './errors.ts';
import { rowValues, fromRowValues } from './kernels/rows.ts';
import type { ExprNode } from './node.ts';
import type { BindScope } from './scope.ts';
import { isIntegralType } from './types.ts';
import type { ComparisonFn } from './comparison.ts';

/*
 * Where expressions meet DECIMAL: the decimal module (core/src/decimal) plans the result type and
 * converts each value; these adapters evaluate its plans over whole columns (values are unscaled
 * bigints in the row convention).
 */

/** What the decimal planner knows of an operand: its type, and its value when it is constant. */
function info(bound: BoundExpression): OperandInfo {
  return bound.constant ? { type: bound.type, literal: bound.constant.value } : { type: bound.type };
}

function values(bound: BoundExpression, batch: import('apache-arrow').RecordBatch, context: import('../builders/plan.ts').OperatorContext): (i: number) => unknown {
  if (bound.constant) {
    const v = bound.constant.value;
    return () => v;
  }
  const all = rowValues(bound.evaluate(batch, context));
  return (i) => all[i];
}

/** `left fn right` with a decimal side, by Spark's precision and scale rules. */
export function decimalArithmetic(fn: ArithmeticFn, left: BoundExpression, right: BoundExpression, name: string, _scope: BindScope, node: ExprNode): BoundExpression {
  if (fn === 'div' || fn === 'pmod') throw expressionError('TYPE_MISMATCH', `${name}: ${fn} over DECIMAL is not supported yet; cast to BIGINT or DOUBLE first.`, node.span);
  const plan = planDecimalArithmetic(fn, info(left), info(right));
  if (!plan) throw expressionError('TYPE_MISMATCH', `${name}: cannot compute with ${left.name} and ${right.name} as decimals.`, node.span);
  const type: DataType = plan.kind === 'decimal' ? plan.type : new Float64();
  if (left.constant?.value === null || right.constant?.value === null) return constantExpression(name, type, null);
  return {
    name,
    type,
    evaluate: (batch, context) => {
      const n = batch.numRows;
      const a = values(left, batch, context);
      const b = values(right, batch, context);
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) {
        const x = a(i);
        const y = b(i);
        if (x === null || y === null) out[i] = null;
        else if (plan.kind === 'decimal') out[i] = plan.apply(plan.left(x), plan.right(y));
        else {
          const u = plan.left(x);
          const v = plan.right(y);
          out[i] = fn === '+' ? u + v : fn === '-' ? u - v : fn === '*' ? u * v : v === 0 ? null : fn === '/' ? u / v : u % v;
        }
      }
      return plan.kind === 'decimal' ? decimalVector(decimalSpecOf(plan.type)!, out as (bigint | null)[]) : fromRowValues(type, out);
    },
  };
}

/** A comparison with a decimal side: exact across scales and with integers, as doubles otherwise. */
export function decimalComparison(fn: ComparisonFn, left: BoundExpression, right: BoundExpression, name: string, node: ExprNode): BoundExpression {
  const compare = planDecimalComparison(info(left), info(right));
  if (!compare) throw expressionError('TYPE_MISMATCH', `Cannot compare ${left.name} with ${right.name} in ${name}.`, node.span);
  const nullSafe = fn === '<=>';
  return {
    name,
    type: new Bool(),
    evaluate: (batch, context) => {
      const n = batch.numRows;
      const a = values(left, batch, context);
      const b = values(right, batch, context);
      const bits = new Uint8Array((n + 7) >> 3);
      const valid = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const x = a(i);
        const y = b(i);
        let result: boolean | null;
        if (x === null || y === null) result = nullSafe ? x === y : null;
        else {
          const order = compare(x, y);
          result = order === null ? null : fn === '=' || fn === '<=>' ? order === 0 : fn === '!=' ? order !== 0 : fn === '<' ? order < 0 : fn === '<=' ? order <= 0 : fn === '>' ? order > 0 : order >= 0;
        }
        if (result !== null) {
          valid[i >> 3]! |= 1 << (i & 7);
          if (result) bits[i >> 3]! |= 1 << (i & 7);
        }
      }
      return boolVector(bits, valid, n);
    },
  };
}

/** The DECIMAL a decimal and an integer (or two decimals) meet in (Spark's wider decimal type). */
export function widerDecimalType(a: DataType, b: DataType): DataType | undefined {
  const spec = (t: DataType) => decimalSpecOf(t) ?? (isIntegralType(t) ? integralDecimalSpec((t as unknown as { bitWidth: number }).bitWidth) : null);
  const x = spec(a);
  const y = spec(b);
  return x && y ? decimalArrowType(widerDecimalSpec(x, y)) : undefined;
}

