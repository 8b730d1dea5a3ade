import type { DataType } from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import type { BoundExpression } from '../expressions/bound.ts';
import { coerce } from '../expressions/operators.ts';
import { isNullType } from '../expressions/types.ts';
import type { CallContext } from './registry.ts';

/**
 * Argument checks shared by the library: each names the function, the argument and what it
 * needed, with a caret under the argument.
 */
export function expectArg(call: CallContext, index: number, accepts: (type: DataType) => boolean, expected: string): BoundExpression {
  const arg = call.args[index]!;
  if (!accepts(arg.type) && !isNullType(arg.type)) call.fail(`argument ${index + 1} must be ${expected}, but ${arg.name} is ${sparkTypeName(arg.type)}`, index);
  return arg;
}

/** Argument `index` cast to `type` (Spark's implicit casts for function inputs). */
export function argAs(call: CallContext, index: number, type: DataType): BoundExpression {
  return coerce(call.args[index]!, type, call.scope, call.node.args[index]?.span ?? call.node.span);
}

/** Argument `index` must be a constant (a pattern, a format …); its value. */
export function constantArg(call: CallContext, index: number, what: string): unknown {
  const arg = call.args[index]!;
  if (!arg.constant) call.fail(`${what} (argument ${index + 1}) must be a constant, not a column`, index);
  return arg.constant!.value;
}
