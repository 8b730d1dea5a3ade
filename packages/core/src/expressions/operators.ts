import { DataType, Float64 } from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import { datetimeArithmetic } from '../functions/datetime/datetimeArithmetic.ts';
import { numericArithmetic, type ArithmeticFn } from './arithmetic.ts';
import type { BoundExpression } from './bound.ts';
import { castExpression } from './cast/bindCast.ts';
import { bindComparison } from './comparison.ts';
import { describeExpression } from './describe.ts';
import { expressionError } from './errors.ts';
import type { ExprNode, Span } from './node.ts';
import type { BindScope } from './scope.ts';
import { comparisonType, isDatetimeType, isDecimalType, isIntervalType, isNullType, isNumericType, isStringType, sameType } from './types.ts';
import { decimalArithmetic, decimalComparison } from './decimalHooks.ts';

/** Cast `bound` to `type` (keeping its name), or fail with a caret at `span`. */
export function coerce(bound: BoundExpression, type: DataType, scope: BindScope, span: Span | undefined): BoundExpression {
  if (sameType(bound.type, type)) return bound;
  const cast = castExpression(bound, type, scope.timeZone, bound.name);
  if (!cast) throw expressionError('TYPE_MISMATCH', `Cannot use ${bound.name} (${sparkTypeName(bound.type)}) as ${sparkTypeName(type)}.`, span);
  return cast;
}

/**
 * `left op right` for + − × ÷ % (and `div`, `pmod` from the function library): strings are read
 * as doubles (Spark, non-ANSI), datetimes with intervals or day counts go to the datetime
 * kernels, decimals to the decimal kernels, numbers widen.
 */
export function bindArithmetic(fn: ArithmeticFn, left: BoundExpression, right: BoundExpression, name: string, scope: BindScope, node: ExprNode): BoundExpression {
  if (isDatetimeType(left.type) || isDatetimeType(right.type) || isIntervalType(left.type) || isIntervalType(right.type)) {
    const result = datetimeArithmetic(fn, left, right, name, scope);
    if (result) return result;
    throw expressionError('TYPE_MISMATCH', `${name}: cannot apply ${fn} to ${sparkTypeName(left.type)} and ${sparkTypeName(right.type)}. Use date_add, datediff, add_months or an INTERVAL.`, node.span);
  }
  const asNumber = (b: BoundExpression, side: ExprNode | undefined): BoundExpression => {
    if (isStringType(b.type)) return coerce(b, new Float64(), scope, side?.span ?? node.span);
    if (!isNumericType(b.type) && !isNullType(b.type)) {
      throw expressionError('TYPE_MISMATCH', `${name} needs numeric input, but ${b.name} is ${sparkTypeName(b.type)}.`, side?.span ?? node.span);
    }
    return b;
  };
  const sides = node.op === 'arith' ? [node.left, node.right] : node.op === 'call' ? node.args : [];
  const l = asNumber(left, sides[0]);
  const r = asNumber(right, sides[1]);
  if (isDecimalType(l.type) || isDecimalType(r.type)) return decimalArithmetic(fn, l, r, name, scope, node);
  return numericArithmetic(fn, l, r, name);
}

export function bindArithmeticNode(node: Extract<ExprNode, { op: 'arith' }>, left: BoundExpression, right: BoundExpression, scope: BindScope): BoundExpression {
  return bindArithmetic(node.fn, left, right, describeExpression(node), scope, node);
}

/** `left op right` comparisons: both sides cast to Spark's comparison type first. */
export function bindComparisonNode(node: Extract<ExprNode, { op: 'cmp' }>, left: BoundExpression, right: BoundExpression, scope: BindScope): BoundExpression {
  const name = describeExpression(node);
  if ((isDecimalType(left.type) || isDecimalType(right.type)) && !isNullType(left.type) && !isNullType(right.type)) return decimalComparison(node.fn, left, right, name, node);
  const type = comparisonType(left.type, right.type);
  if (!type) {
    throw expressionError('TYPE_MISMATCH', `Cannot compare ${left.name} (${sparkTypeName(left.type)}) with ${right.name} (${sparkTypeName(right.type)}) in ${name}. Cast one side first.`, node.span);
  }
  return bindComparison(node.fn, coerce(left, type, scope, node.left.span), coerce(right, type, scope, node.right.span), name);
}
