import type { ArithmeticFn } from './arithmetic.ts';
import type { BoundExpression } from './bound.ts';
import { expressionError } from './errors.ts';
import type { ExprNode } from './node.ts';
import type { BindScope } from './scope.ts';

/**
 * DECIMAL arithmetic: the decimal module's kernels (Spark's precision and scale rules). Until
 * they are wired in, a decimal operand is refused with a clear error.
 */
export function decimalArithmetic(fn: ArithmeticFn, left: BoundExpression, right: BoundExpression, name: string, _scope: BindScope, node: ExprNode): BoundExpression {
  void fn;
  void left;
  void right;
  throw expressionError('TYPE_MISMATCH', `${name}: DECIMAL arithmetic is not available yet; cast to DOUBLE first.`, node.span);
}
