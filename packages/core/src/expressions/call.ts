import { Field, makeData, Null, RecordBatch, Schema, Struct, type DataType, type Vector } from 'apache-arrow';
import { takeData } from '../arrow/take.ts';
import { standaloneOperatorContext } from '../builders/plan.ts';
import type { ErrorCode } from '../errors.ts';
import { lookupFunction, type BoundGenerator, type BoundLambda, type CallContext, type FunctionDefinition, type GeneratorFunctionDefinition } from '../functions/registry.ts';
import { bindNode } from './bind.ts';
import { constantExpression, firstValue, oneRowBatch, type BoundExpression } from './bound.ts';
import { describeExpression } from './describe.ts';
import { expressionError } from './errors.ts';
import { nameParts, quoteParts, type ExprNode } from './node.ts';
import type { BindScope } from './scope.ts';

type CallNode = Extract<ExprNode, { op: 'call' }>;

/** Bind a function call: look the name up in the registry, check arity, bind arguments, let the function pick types and kernel, fold constants. */
export function bindCall(node: CallNode, scope: BindScope): BoundExpression {
  const definition = resolve(node);
  if (definition.kind === 'aggregate') {
    throw expressionError(
      'INVALID_QUERY',
      `Aggregate function ${node.name}() is not allowed here: use it in groupBy(...).agg(...) or in a SELECT with GROUP BY.`,
      node.span,
    );
  }
  if (definition.kind === 'generator') {
    throw expressionError('INVALID_QUERY', `Generator ${node.name}() is only allowed as a top-level item of a select list, e.g. select(explode(col('tags'))).`, node.span);
  }
  const context = callContext(node, definition, scope);
  const bound = definition.bind(context);
  const foldable = context.args.length > 0 && context.args.every((a) => a !== undefined && a.constant) && !(definition.lambdaArgs?.length);
  if (!bound.constant && foldable && bound.deterministic !== false && bound.foldable !== false) {
    return constantExpression(bound.name, bound.type, firstValue(bound.evaluate(oneRowBatch(), standaloneOperatorContext())));
  }
  return bound;
}

/** Bind a generator call (`explode`, `posexplode` …) for a select list. */
export function bindGeneratorCall(node: CallNode, scope: BindScope): BoundGenerator {
  const definition = resolve(node) as GeneratorFunctionDefinition;
  return definition.bind(callContext(node, definition, scope));
}

/** The registry's definition of the call's function, or UNKNOWN_FUNCTION with a caret and a did-you-mean. */
export function resolve(node: CallNode): FunctionDefinition {
  return lookupFunction(node.name, (code: ErrorCode, message: string) => {
    throw expressionError(code, message, node.span, { function: node.name });
  });
}

function callContext(node: CallNode, definition: FunctionDefinition, scope: BindScope): CallContext {
  const argNodes = expandStars(node.args, scope);
  const [min, max] = definition.arity;
  const name = node.name;
  if (argNodes.length < min || argNodes.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw expressionError(
      'INVALID_QUERY',
      `Function ${name}() takes ${expected} argument${max === 1 && min === 1 ? '' : 's'}, but ${argNodes.length} ${argNodes.length === 1 ? 'was' : 'were'} given. Usage: ${definition.doc.usage}.`,
      node.span,
    );
  }
  const lambdaArgs = new Set(definition.kind === 'aggregate' || definition.kind === 'generator' ? [] : (definition.lambdaArgs ?? []));
  const args = argNodes.map((a, i) => (lambdaArgs.has(i) ? (undefined as unknown as BoundExpression) : bindNode(a, scope)));
  const expanded: CallNode = { ...node, args: argNodes };
  const fail = (message: string, arg?: number, code: ErrorCode = 'TYPE_MISMATCH'): never => {
    throw expressionError(code, `${name}(): ${message}`, (arg !== undefined ? argNodes[arg]?.span : undefined) ?? node.span);
  };
  return {
    name,
    node: expanded,
    args,
    scope,
    outputName: describeExpression(expanded),
    fail,
    bindLambda: (arg, paramTypes) => bindLambda(argNodes[arg]!, paramTypes, scope, (m) => fail(m, arg, 'INVALID_QUERY')),
  };
}

/** `f(*)` and `f(t.*)` pass every column (Spark expands them for struct, hash, concat …). */
function expandStars(args: readonly ExprNode[], scope: BindScope): ExprNode[] {
  return args.flatMap((a) => {
    if (a.op !== 'star') return [a];
    return scope.schema.fields.filter((f) => !f.name.startsWith('__lambda_')).map((f): ExprNode => ({ op: 'col', name: quoteParts([f.name]), ...(a.span ? { span: a.span } : {}) }));
  });
}

/**
 * Bind a lambda for element types: its parameters become extra columns of an element batch (one
 * row per element), outer columns the body uses are gathered per element, and the body is bound
 * like any expression over that schema.
 */
function bindLambda(node: ExprNode, paramTypes: readonly DataType[], scope: BindScope, fail: (message: string) => never): BoundLambda {
  if (node.op !== 'lambda') return fail('expects a lambda function here, such as x -> x + 1');
  if (node.params.length === 0 || node.params.length > paramTypes.length) {
    return fail(`the lambda takes ${node.params.length} parameter${node.params.length === 1 ? '' : 's'}, but this function passes ${paramTypes.length === 1 ? 'one' : `up to ${paramTypes.length}`}`);
  }
  const base = scope.schema.fields.length;
  const fields = [...scope.schema.fields, ...node.params.map((p, k) => new Field(`__lambda_${p}_${base + k}`, paramTypes[k]!, true))];
  const lambdas = new Map(scope.lambdas);
  node.params.forEach((p, k) => lambdas.set(p.toLowerCase(), { index: base + k, type: paramTypes[k]! }));
  const inner: BindScope = { ...scope, schema: new Schema(fields), lambdas };
  const body = bindNode(node.body, inner);
  const used = outerColumns(node.body, scope, new Set(node.params.map((p) => p.toLowerCase())));
  return {
    type: body.type,
    name: describeExpression(node),
    evaluate: (batch, context, params, rowOf) => {
      const m = rowOf.length;
      const children = fields.map((_, c) => {
        if (c >= base) return params[c - base]!.data[0]!;
        if (!used.has(c)) return makeData({ type: new Null(), length: m, nullCount: m });
        return takeData(batch.getChildAt(c)!.data[0]!, rowOf);
      });
      const schema = new Schema(children.map((d, c) => new Field(fields[c]!.name, d.type, true)));
      const elements = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: m, nullCount: 0, children }));
      return body.evaluate(elements, context) as Vector;
    },
  };
}

/** Indices of outer columns a lambda body reads (its own parameters excluded). */
function outerColumns(node: ExprNode, scope: BindScope, params: ReadonlySet<string>): Set<number> {
  const used = new Set<number>();
  const visit = (n: ExprNode, shadowed: ReadonlySet<string>): void => {
    if (n.op === 'col') {
      const parts = nameParts(n.name);
      const first = parts[0]!.toLowerCase();
      if (shadowed.has(first)) return;
      const lambda = scope.lambdas.get(first);
      if (lambda) {
        used.add(lambda.index);
        return;
      }
      let index = scope.schema.fields.findIndex((f) => f.name.toLowerCase() === first);
      if (index < 0 && parts.length > 1) index = scope.schema.fields.findIndex((f) => f.name.toLowerCase() === parts[1]!.toLowerCase());
      if (index >= 0) used.add(index);
      return;
    }
    if (n.op === 'star') {
      scope.schema.fields.forEach((_, i) => used.add(i));
      return;
    }
    if (n.op === 'lambda') {
      const inner = new Set(shadowed);
      n.params.forEach((p) => inner.add(p.toLowerCase()));
      visit(n.body, inner);
      return;
    }
    for (const child of childrenOf(n)) visit(child, shadowed);
  };
  visit(node, params);
  return used;
}

/** The direct sub-expressions of a node. */
export function childrenOf(n: ExprNode): ExprNode[] {
  switch (n.op) {
    case 'arith':
    case 'cmp':
    case 'and':
    case 'or':
      return [n.left, n.right];
    case 'not':
    case 'isNull':
    case 'cast':
    case 'alias':
    case 'field':
      return [n.expr];
    case 'in':
      return [n.expr, ...n.values];
    case 'call':
      return [...n.args];
    case 'case':
      return [...(n.operand ? [n.operand] : []), ...n.branches.flatMap((b) => [b.when, b.then]), ...(n.otherwise ? [n.otherwise] : [])];
    case 'lambda':
      return [n.body];
    case 'item':
      return [n.expr, n.key];
    default:
      return [];
  }
}
