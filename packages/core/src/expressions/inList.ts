import { Bool } from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import { boolVector, constantExpression, type BoundExpression } from './bound.ts';
import { describeExpression } from './describe.ts';
import { expressionError } from './errors.ts';
import { validityOf } from './kernels/bits.ts';
import { is64Bit, numbersOf } from './kernels/numbers.ts';
import { rowValues } from './kernels/rows.ts';
import { bindLogical } from './logical.ts';
import type { ExprNode } from './node.ts';
import { bindComparison } from './comparison.ts';
import { coerce } from './operators.ts';
import type { BindScope } from './scope.ts';
import { commonTypeOf, isNumericType, isDatetimeType } from './types.ts';
import { valuesEqual } from './ordering.ts';

/**
 * `x IN (v1, v2, …)`: null when x is null; true when some value equals x; otherwise null if some
 * value is null, else false (SQL's three-valued IN, which is the OR of equalities). A list of
 * constants is a set lookup; a list with columns is the OR of `=`.
 */
export function bindIn(node: Extract<ExprNode, { op: 'in' }>, expr: BoundExpression, list: readonly BoundExpression[], scope: BindScope): BoundExpression {
  const name = describeExpression(node);
  if (list.length === 0) return constantExpression(name, new Bool(), false);
  const type = commonTypeOf([expr.type, ...list.map((v) => v.type)]);
  if (!type) {
    throw expressionError('TYPE_MISMATCH', `${name}: the list values (${list.map((v) => sparkTypeName(v.type)).join(', ')}) do not match ${expr.name} (${sparkTypeName(expr.type)}).`, node.span);
  }
  const x = coerce(expr, type, scope, node.expr.span);
  const values = list.map((v, k) => coerce(v, type, scope, node.values[k]?.span));
  if (!values.every((v) => v.constant)) {
    return values
      .map((v) => bindComparison('=', x, v, name))
      .reduce((a, b) => bindLogical('or', a, b, name));
  }
  const constants = values.map((v) => v.constant!.value);
  const hasNull = constants.some((v) => v === null);
  const wanted = constants.filter((v) => v !== null);
  if (x.constant) {
    const v = x.constant.value;
    return constantExpression(name, new Bool(), v === null ? null : wanted.some((w) => valuesEqual(v, w)) ? true : hasNull ? null : false);
  }
  const numeric = (isNumericType(type) || isDatetimeType(type)) && !is64Bit(type);
  const keys = new Set<unknown>(numeric ? wanted.map(Number) : wanted.map(setKey));
  const nanWanted = wanted.some((w) => typeof w === 'number' && Number.isNaN(w));
  return {
    name,
    type: new Bool(),
    evaluate: (batch, context) => {
      const vector = x.evaluate(batch, context);
      const data = vector.data[0]!;
      const n = data.length;
      const bits = new Uint8Array((n + 7) >> 3);
      const validity = validityOf(data);
      const valid = new Uint8Array((n + 7) >> 3);
      const values = numeric ? numbersOf(data).values : rowValues(vector);
      for (let i = 0; i < n; i++) {
        if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) continue;
        const v = values[i];
        const found = numeric ? keys.has(v) || (nanWanted && Number.isNaN(v)) : keys.has(setKey(v));
        if (found) {
          bits[i >> 3]! |= 1 << (i & 7);
          valid[i >> 3]! |= 1 << (i & 7);
        } else if (!hasNull) valid[i >> 3]! |= 1 << (i & 7);
      }
      return boolVector(bits, valid, n);
    },
  };
}

/** A Set key with Spark's equality: bytes and nested values by content, bigints exact. */
function setKey(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v;
  return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Array.from(x) : x instanceof Map ? [...x] : x));
}
