import { type DataType, type RecordBatch, type Vector } from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import type { OperatorContext } from '../builders/plan.ts';
import { bindNode } from './bind.ts';
import { constantExpression, type BoundExpression } from './bound.ts';
import { describeExpression } from './describe.ts';
import { expressionError } from './errors.ts';
import { chooseRows } from './kernels/choose.ts';
import type { ExprNode } from './node.ts';
import { bindComparisonNode, coerce } from './operators.ts';
import type { BindScope } from './scope.ts';
import { commonTypeOf, isBooleanType, isNullType } from './types.ts';

/**
 * CASE WHEN … THEN … [ELSE …] END, and CASE x WHEN v THEN …: the first branch whose condition is
 * true (null counts as not true) gives the row's value; no branch and no ELSE gives null. The
 * values meet in their common type.
 */
export function bindCase(node: Extract<ExprNode, { op: 'case' }>, scope: BindScope): BoundExpression {
  const name = describeExpression(node);
  const conditions = node.branches.map((b) => {
    if (node.operand) {
      const cmp: ExprNode = { op: 'cmp', fn: '=', left: node.operand, right: b.when, ...(b.when.span ? { span: b.when.span } : {}) };
      return bindComparisonNode(cmp as Extract<ExprNode, { op: 'cmp' }>, bindNode(node.operand, scope), bindNode(b.when, scope), scope);
    }
    const bound = bindNode(b.when, scope);
    if (!isBooleanType(bound.type) && !isNullType(bound.type)) {
      throw expressionError('TYPE_MISMATCH', `A WHEN condition must be boolean, but ${bound.name} is ${sparkTypeName(bound.type)}.`, b.when.span ?? node.span);
    }
    return bound;
  });
  const values = [...node.branches.map((b) => bindNode(b.then, scope)), ...(node.otherwise ? [bindNode(node.otherwise, scope)] : [])];
  return caseExpression(name, conditions, values, node.otherwise !== undefined, scope, node);
}

/**
 * The CASE kernel, shared by `if`, `nvl2` and `when().otherwise()`: `values[k]` for the first true
 * `conditions[k]`, else the ELSE value (the last of `values` when `hasElse`), else null.
 */
export function caseExpression(name: string, conditions: readonly BoundExpression[], rawValues: readonly BoundExpression[], hasElse: boolean, scope: BindScope, node?: ExprNode): BoundExpression {
  const type = commonTypeOf(rawValues.map((v) => v.type));
  if (!type) {
    throw expressionError('TYPE_MISMATCH', `The branches of ${name} have no common type: ${rawValues.map((v) => sparkTypeName(v.type)).join(', ')}. Cast them to one type.`, node?.span);
  }
  const values = rawValues.map((v) => coerce(v, type, scope, node?.span));
  // Constant conditions decide at bind time.
  const live: number[] = [];
  for (let k = 0; k < conditions.length; k++) {
    const c = conditions[k]!.constant;
    if (c === undefined) live.push(k);
    else if (c.value === true) {
      if (live.length === 0) return { ...values[k]!, name };
      live.push(k);
      break;
    }
  }
  if (live.length === 0) return hasElse ? { ...values[values.length - 1]!, name } : constantExpression(name, type, null);
  const elseIndex = hasElse ? values.length - 1 : -1;
  return {
    name,
    type,
    evaluate: (batch, context) => evaluateCase(type, conditions, values, live, elseIndex, batch, context),
  };
}

function evaluateCase(type: DataType, conditions: readonly BoundExpression[], values: readonly BoundExpression[], live: readonly number[], elseIndex: number, batch: RecordBatch, context: OperatorContext): Vector {
  const n = batch.numRows;
  const choice = new Int16Array(n).fill(-2);
  let undecided = n;
  for (const k of live) {
    if (undecided === 0) break;
    const condition = conditions[k]!;
    if (condition.constant) {
      for (let i = 0; i < n; i++) if (choice[i] === -2) choice[i] = k;
      undecided = 0;
      break;
    }
    const data = condition.evaluate(batch, context).data[0]!;
    const bits = data.values as Uint8Array;
    const validity = data.nullCount > 0 ? (data.nullBitmap as Uint8Array) : null;
    for (let i = 0; i < n; i++) {
      if (choice[i] !== -2) continue;
      const j = data.offset + i;
      if ((bits[j >> 3]! & (1 << (j & 7))) !== 0 && (validity === null || (validity[j >> 3]! & (1 << (j & 7))) !== 0)) {
        choice[i] = k;
        undecided--;
      }
    }
  }
  const used = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (choice[i] === -2) choice[i] = elseIndex;
    used.add(choice[i]!);
  }
  const sources = values.map((v, k) => (!used.has(k) ? { constant: null } : v.constant ? { constant: v.constant.value } : v.evaluate(batch, context)));
  return chooseRows(type, sources, choice);
}
