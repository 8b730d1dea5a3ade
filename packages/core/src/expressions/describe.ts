import { DataType, Type } from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import { formatInterval, type Interval } from '../time/interval.ts';
import type { ExprNode } from './node.ts';

/**
 * Spark's text for an expression: the name an unaliased result column gets (`(a + 1)`,
 * `upper(name)`, `CAST(id AS STRING)`, `CASE WHEN (x > 1) THEN a ELSE b END`) and what
 * `explain()` shows.
 */
export function describeExpression(node: ExprNode): string {
  switch (node.op) {
    case 'col':
      return node.name;
    case 'lit':
      return describeLiteral(node.value, node.type);
    case 'arith':
    case 'cmp':
      return `(${describeExpression(node.left)} ${node.fn} ${describeExpression(node.right)})`;
    case 'and':
    case 'or':
      return `(${describeExpression(node.left)} ${node.op.toUpperCase()} ${describeExpression(node.right)})`;
    case 'not':
      return `(NOT ${describeExpression(node.expr)})`;
    case 'isNull':
      return `(${describeExpression(node.expr)} IS ${node.negate ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${describeExpression(node.expr)} IN (${node.values.map(describeExpression).join(', ')}))`;
    case 'cast':
      return `${node.try ? 'TRY_CAST' : 'CAST'}(${describeExpression(node.expr)} AS ${sparkTypeName(node.type).toUpperCase()})`;
    case 'alias':
      return `${describeExpression(node.expr)} AS ${node.name}`;
    case 'call':
      return describeCall(node);
    case 'case': {
      const parts = ['CASE'];
      if (node.operand) parts.push(describeExpression(node.operand));
      for (const b of node.branches) parts.push(`WHEN ${describeExpression(b.when)} THEN ${describeExpression(b.then)}`);
      if (node.otherwise) parts.push(`ELSE ${describeExpression(node.otherwise)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'star':
      return node.qualifier ? `${node.qualifier}.*` : '*';
    case 'lambda': {
      // Spark names lambda variables namedlambdavariable() in result names.
      const hide = (n: ExprNode): string => describeExpression(replaceLambdaVariables(n, new Set(node.params.map((p) => p.toLowerCase()))));
      return `lambdafunction(${hide(node.body)}, ${node.params.map(() => 'namedlambdavariable()').join(', ')})`;
    }
    case 'field':
      return `${describeExpression(node.expr)}.${node.name}`;
    case 'item':
      return `${describeExpression(node.expr)}[${describeExpression(node.key)}]`;
    case 'udf':
      return `${node.name}(row)`;
    case 'toJson':
      return `to_json(struct(${node.columns.join(', ')}))`;
  }
}

function describeCall(node: Extract<ExprNode, { op: 'call' }>): string {
  const args = node.args.map(describeExpression);
  const name = node.name.toLowerCase();
  if (node.operator) {
    if (args.length === 1) return node.operator === '~' ? `~${args[0]}` : `(${node.operator} ${args[0]})`;
    if (node.operator === 'LIKE' || node.operator === 'ILIKE') return `${args[0]} ${node.operator} ${args[1]}${args[2] !== undefined ? ` ESCAPE '${args[2]}'` : ''}`;
    return `(${args[0]} ${node.operator} ${args[1]})`;
  }
  if (name === 'count' && node.args.length === 1 && node.args[0]!.op === 'star') return 'count(1)';
  return `${name}(${node.distinct ? 'DISTINCT ' : ''}${args.join(', ')})`;
}

function replaceLambdaVariables(node: ExprNode, params: ReadonlySet<string>): ExprNode {
  if (node.op === 'col' && params.has(node.name.toLowerCase())) return { op: 'col', name: 'namedlambdavariable()' };
  const map = (n: ExprNode) => replaceLambdaVariables(n, params);
  switch (node.op) {
    case 'arith':
    case 'cmp':
      return { ...node, left: map(node.left), right: map(node.right) };
    case 'and':
    case 'or':
      return { ...node, left: map(node.left), right: map(node.right) };
    case 'not':
    case 'isNull':
    case 'cast':
    case 'alias':
    case 'field':
      return { ...node, expr: map(node.expr) } as ExprNode;
    case 'in':
      return { ...node, expr: map(node.expr), values: node.values.map(map) };
    case 'call':
      return { ...node, args: node.args.map(map) };
    case 'item':
      return { ...node, expr: map(node.expr), key: map(node.key) };
    case 'case':
      return {
        ...node,
        ...(node.operand ? { operand: map(node.operand) } : {}),
        branches: node.branches.map((b) => ({ when: map(b.when), then: map(b.then) })),
        ...(node.otherwise ? { otherwise: map(node.otherwise) } : {}),
      };
    default:
      return node;
  }
}

/** Spark's text of a literal value: strings bare, `NULL`, `DATE '…'`, `X'…'`. */
export function describeLiteral(value: unknown, type?: DataType): string {
  if (value === null || value === undefined) return 'NULL';
  if (type && type.typeId === Type.Date) return `DATE '${new Date(Number(value) * 86_400_000).toISOString().slice(0, 10)}'`;
  if (type && type.typeId === Type.Timestamp) return `TIMESTAMP '${new Date(Number(value)).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '')}'`;
  if (value instanceof Date) return `TIMESTAMP '${value.toISOString()}'`;
  if (value instanceof Uint8Array) return `X'${Array.from(value, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('')}'`;
  if (typeof value === 'object' && value !== null && 'months' in value) return `INTERVAL '${formatInterval(value as Interval)}'`;
  if (typeof value === 'number' && type && type.typeId === Type.Float && Number.isInteger(value)) return value.toFixed(1);
  return String(value);
}
