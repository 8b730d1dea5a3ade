import { Int32 } from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import { type BoundExpression } from './bound.ts';
import { describeExpression } from './describe.ts';
import { expressionError } from './errors.ts';
import { validityOf } from './kernels/bits.ts';
import { numbersOf } from './kernels/numbers.ts';
import { fromRowValues, rowValues } from './kernels/rows.ts';
import { listElementIndices, takeOrNull } from './kernels/take.ts';
import type { ExprNode } from './node.ts';
import { coerce } from './operators.ts';
import type { BindScope } from './scope.ts';
import { structField } from './bind.ts';
import { elementType, isArrayType, isIntegralType, isMapType, isNullType, isStringType, isStructType, mapTypes } from './types.ts';
import { valuesEqual } from './ordering.ts';

/**
 * `arr[i]` (0-based; out of range or a null index is null, non-ANSI), `m[key]` (null when
 * absent), and `s['field']` on a struct.
 */
export function bindItem(node: Extract<ExprNode, { op: 'item' }>, expr: BoundExpression, key: BoundExpression, scope: BindScope): BoundExpression {
  const name = describeExpression(node);
  if (isArrayType(expr.type)) {
    if (!isIntegralType(key.type) && !isNullType(key.type)) {
      throw expressionError('TYPE_MISMATCH', `${name}: an array index must be an integer, but ${key.name} is ${sparkTypeName(key.type)}.`, node.key.span ?? node.span);
    }
    const index = coerce(key, new Int32(), scope, node.key.span);
    return arrayElement(name, expr, index, (k) => k);
  }
  if (isMapType(expr.type)) {
    const { key: keyType, value } = mapTypes(expr.type);
    return mapValue(name, expr, coerce(key, keyType, scope, node.key.span), value);
  }
  if (isStructType(expr.type) && key.constant && isStringType(key.type)) {
    const field = String(key.constant.value);
    const index = expr.type.children.findIndex((f) => f.name.toLowerCase() === field.toLowerCase());
    if (index < 0) throw expressionError('UNKNOWN_COLUMN', `No field '${field}' in ${expr.name} (${sparkTypeName(expr.type)}).`, node.key.span ?? node.span);
    return { name, type: expr.type.children[index]!.type, evaluate: (batch, context) => structField(expr.evaluate(batch, context), index) };
  }
  throw expressionError('TYPE_MISMATCH', `${name}: [ ] reads arrays, maps and structs, but ${expr.name} is ${sparkTypeName(expr.type)}.`, node.span);
}

/**
 * The element of each row's array chosen by `position(index, length)` from an integer index column
 * (-1 or out of range: null). Shared by `arr[i]` and `element_at`.
 */
export function arrayElement(name: string, array: BoundExpression, index: BoundExpression, position: (index: number, length: number) => number): BoundExpression {
  return {
    name,
    type: elementType(array.type),
    evaluate: (batch, context) => {
      const list = array.evaluate(batch, context).data[0]!;
      const constant = index.constant;
      const indexData = constant ? null : index.evaluate(batch, context).data[0]!;
      const values = indexData ? numbersOf(indexData).values : null;
      const valid = indexData ? validityOf(indexData) : null;
      const picks = listElementIndices(list, (row, length) => {
        const k = constant ? (constant.value as number | null) : valid && !(valid[row >> 3]! & (1 << (row & 7))) ? null : values![row]!;
        if (k === null) return -1;
        const p = position(k, length);
        return p >= 0 && p < length ? p : -1;
      });
      return takeOrNull(list.children[0]!, picks);
    },
  };
}

/** `m[key]`: the value for the key in each row's map, or null. */
export function mapValue(name: string, map: BoundExpression, key: BoundExpression, valueType: import('apache-arrow').DataType): BoundExpression {
  return {
    name,
    type: valueType,
    evaluate: (batch, context) => {
      const maps = rowValues(map.evaluate(batch, context)) as (Map<unknown, unknown> | null)[];
      const keys = key.constant ? null : rowValues(key.evaluate(batch, context));
      const out = new Array<unknown>(maps.length);
      for (let i = 0; i < maps.length; i++) {
        const m = maps[i];
        const k = keys ? keys[i] : key.constant!.value;
        out[i] = null;
        if (m === null || m === undefined || k === null) continue;
        for (const [mk, mv] of m) {
          if (valuesEqual(mk, k)) {
            out[i] = mv;
            break;
          }
        }
      }
      return fromRowValues(valueType, out);
    },
  };
}
