import type { Operator, StreamFrame } from '../builders/streamFrame.ts';
import { childrenOf, resolve } from '../expressions/call.ts';
import { describeExpression } from '../expressions/describe.ts';
import { expressionError } from '../expressions/errors.ts';
import { nameParts, quoteParts, type ExprNode } from '../expressions/node.ts';
import { rootScope } from '../expressions/scope.ts';
import type { AggregateFunctionDefinition } from '../functions/registry.ts';
import { Aggregate } from '../operators/aggregates.ts';
import { Column, type ColumnLike } from '../operators/column.ts';
import { filter } from '../operators/filter.ts';
import { groupBy } from '../operators/groupBy.ts';
import { projectNodes } from '../operators/select.ts';
import { window, WindowSpec } from '../operators/window.ts';
import { sessionWindow, SessionWindowSpec } from '../operators/sessionWindow.ts';
import { formatInterval, intervalToMs, type Interval } from '../time/interval.ts';
import { parseNamedExpression } from './parser.ts';

/** A grouping key as `groupBy` takes it. */
export type GroupKey = ColumnLike | WindowSpec | SessionWindowSpec;

/** An item of `agg(...)`: an Aggregate, a Column over aggregates (`sum(a) / count()`), or SQL text. */
export type AggregateItem = Aggregate | Column | string;

/**
 * Aggregation with expressions around the aggregates, as Spark plans it: the aggregate calls
 * inside the items (and HAVING) run in `groupBy(...keys).agg(...)`, then a projection computes
 * each item from the keys and the aggregate results, after an optional HAVING filter.
 * `SELECT k, sum(a) / count(*) AS mean … GROUP BY k HAVING count(*) > 1` comes here.
 */
export function aggregateExpressions(keys: readonly GroupKey[], items: readonly AggregateItem[], options: { readonly having?: ExprNode; readonly keepKeys?: boolean } = {}): Operator {
  const nodes = items.map(itemNode);
  return (frame) => planAggregate(frame, keys, nodes, options.having, options.keepKeys ?? true);
}

function itemNode(item: AggregateItem): ExprNode {
  if (typeof item === 'string') return parseNamedExpression(item);
  if (item instanceof Column) return item.node;
  const call: ExprNode = { op: 'call', name: item.fn, args: item.input ? [item.input.node, ...optionArgs(item)] : [{ op: 'star' }] };
  return item.name !== undefined ? { op: 'alias', expr: call, name: item.name } : call;
}

/** An Aggregate's constant arguments as SQL arguments (`first(x, true)`, `percentile_approx(x, array(0.5), 100)`). */
function optionArgs(item: Aggregate): ExprNode[] {
  const o = item.options;
  const lit = (value: unknown): ExprNode => ({ op: 'lit', value });
  switch (item.fn) {
    case 'first':
    case 'last':
      return o.ignoreNulls ? [lit(true)] : [];
    case 'approx_count_distinct':
      return o.rsd !== undefined ? [lit(o.rsd)] : [];
    case 'percentile_approx': {
      const p = o.percentage;
      const percentage: ExprNode = Array.isArray(p) ? { op: 'call', name: 'array', args: p.map(lit) } : lit(p);
      return [percentage, ...(o.accuracy !== undefined ? [lit(o.accuracy)] : [])];
    }
    default:
      return [];
  }
}

function planAggregate(frame: StreamFrame, keys: readonly GroupKey[], nodes: readonly ExprNode[], having: ExprNode | undefined, keepKeys: boolean): StreamFrame {
  const aggregates: Aggregate[] = [];
  const byText = new Map<string, string>();
  const collect = (node: ExprNode): ExprNode => {
    if (node.op === 'call' && isAggregateCall(node)) {
      const text = describeExpression(node);
      let name = byText.get(text);
      if (name === undefined) {
        name = `__agg${aggregates.length}`;
        byText.set(text, name);
        aggregates.push(toAggregate(node).alias(name));
      }
      return { op: 'col', name, ...(node.span ? { span: node.span } : {}) };
    }
    return mapChildren(node, collect);
  };
  const rewritten = nodes.map((n) => {
    const { inner, alias } = n.op === 'alias' ? { inner: n.expr, alias: n.name } : { inner: n, alias: undefined };
    return { node: collect(inner), name: alias ?? describeExpression(inner), original: inner };
  });
  const rewrittenHaving = having ? collect(having) : undefined;
  const aggregated = frame.pipe(groupBy(...keys).agg(...aggregates));
  const keyFields = aggregated.schema.fields.slice(0, keys.length);
  const keyTexts = keys.map((k, i) => ({ text: k instanceof WindowSpec || k instanceof SessionWindowSpec ? undefined : describeExpression(typeof k === 'string' ? { op: 'col', name: k } : k.node), name: keyFields[i]!.name, window: k instanceof WindowSpec ? k : undefined }));
  const toKeys = (node: ExprNode): ExprNode => {
    const text = describeExpression(node);
    const key = keyTexts.find((k) => k.text === text || (k.window && isWindowCall(node, k.window)));
    if (key) return { op: 'col', name: quoteParts([key.name]), ...(node.span ? { span: node.span } : {}) };
    if (node.op === 'col') {
      const first = nameParts(node.name)[0]!.toLowerCase();
      const known = first.startsWith('__agg') || keyFields.some((f) => f.name.toLowerCase() === first);
      if (!known) {
        throw expressionError('INVALID_QUERY', `Column '${node.name}' is neither grouped (GROUP BY / groupBy) nor inside an aggregate function such as sum() or count(); add it to the grouping keys or aggregate it.`, node.span);
      }
      return node;
    }
    return mapChildren(node, toKeys);
  };
  let result = aggregated;
  if (rewrittenHaving) {
    const condition = toKeys(rewrittenHaving);
    result = result.pipe(filter(new Column(condition)));
  }
  // groupBy(...).agg(...) keeps the grouping columns first, as Spark's does; a SELECT lists its own.
  const keyOutputs = keepKeys ? keyFields.map((f): ExprNode => ({ op: 'col', name: quoteParts([f.name]) })) : [];
  const outputs = [...keyOutputs, ...rewritten.map((r): ExprNode => ({ op: 'alias', expr: toKeys(r.node), name: r.name }))];
  return projectNodes(result, outputs, rootScope(result.schema));
}

/** Is `node` a call of a registered aggregate (`count`, `sum` …)? */
export function isAggregateCall(node: Extract<ExprNode, { op: 'call' }>): boolean {
  return node.name !== '__multi_alias' && resolve(node).kind === 'aggregate';
}

/** Does the tree hold an aggregate call anywhere? */
export function containsAggregate(node: ExprNode): boolean {
  if (node.op === 'call' && isAggregateCall(node)) return true;
  return childrenOf(node).some(containsAggregate);
}

function toAggregate(node: Extract<ExprNode, { op: 'call' }>): Aggregate {
  const definition = resolve(node) as AggregateFunctionDefinition;
  const args = node.args.filter((a) => a.op !== 'star');
  const [min, max] = definition.arity;
  if (args.length < min || args.length > max) {
    throw expressionError('INVALID_QUERY', `Aggregate ${node.name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}. Usage: ${definition.doc.usage}.`, node.span);
  }
  for (const a of args) {
    if (containsAggregate(a)) throw expressionError('INVALID_QUERY', `Aggregate functions cannot be nested: ${describeExpression(node)}.`, a.span ?? node.span);
  }
  return definition.aggregate(args.map((a) => new Column(a)), {
    distinct: node.distinct ?? false,
    fail: (message) => {
      throw expressionError('INVALID_QUERY', message, node.span);
    },
  });
}

/** A node with `fn` applied to its direct children. */
export function mapChildren(node: ExprNode, fn: (child: ExprNode) => ExprNode): ExprNode {
  switch (node.op) {
    case 'arith':
    case 'cmp':
    case 'and':
    case 'or':
      return { ...node, left: fn(node.left), right: fn(node.right) } as ExprNode;
    case 'not':
    case 'isNull':
    case 'cast':
    case 'alias':
    case 'field':
      return { ...node, expr: fn(node.expr) } as ExprNode;
    case 'in':
      return { ...node, expr: fn(node.expr), values: node.values.map(fn) };
    case 'call':
      return { ...node, args: node.args.map(fn) };
    case 'case':
      return {
        ...node,
        ...(node.operand ? { operand: fn(node.operand) } : {}),
        branches: node.branches.map((b) => ({ when: fn(b.when), then: fn(b.then) })),
        ...(node.otherwise ? { otherwise: fn(node.otherwise) } : {}),
      };
    case 'item':
      return { ...node, expr: fn(node.expr), key: fn(node.key) };
    case 'lambda':
      return { ...node, body: fn(node.body) };
    default:
      return node;
  }
}

/**
 * `window(ts, '10 seconds'[, slide[, start]])` in a GROUP BY as the WindowSpec `groupBy` takes:
 * the time column must be a column, the durations strings or intervals.
 */
export function windowKeyOf(node: Extract<ExprNode, { op: 'call' }>): WindowSpec {
  const [column, ...durations] = node.args;
  if (!column || column.op !== 'col' || durations.length < 1 || durations.length > 3) {
    throw expressionError('INVALID_QUERY', "window() in GROUP BY takes a timestamp column and durations: window(ts, '10 seconds'[, '5 seconds'[, '0 seconds']]).", node.span);
  }
  const text = durations.map((d) => {
    if (d.op === 'lit' && typeof d.value === 'string') return d.value;
    // An integer duration is microseconds, as in Spark's SQL `window(ts, '10 seconds', 10000000)`.
    if (d.op === 'lit' && (typeof d.value === 'number' || typeof d.value === 'bigint') && Number.isInteger(Number(d.value))) return Number(d.value) / 1000;
    if (d.op === 'lit' && d.value && typeof d.value === 'object' && 'months' in (d.value as object)) {
      const ms = intervalToMs(d.value as Interval);
      if (ms === undefined) throw expressionError('INVALID_QUERY', `A window cannot be measured in months: ${formatInterval(d.value as Interval)}.`, d.span);
      return ms;
    }
    throw expressionError('INVALID_QUERY', "window() durations are constants such as '10 seconds' or INTERVAL 10 SECONDS.", d.span ?? node.span);
  });
  try {
    return window(column.name, text[0]!, text[1], text[2]);
  } catch (error) {
    throw expressionError('INVALID_QUERY', (error as Error).message.replace(/^\[[A-Z_]+\] /, ''), node.span);
  }
}

export function isSessionWindowCall(node: ExprNode): node is Extract<ExprNode, { op: 'call' }> {
  return node.op === 'call' && node.name.toLowerCase() === 'session_window';
}

/** `session_window(ts, '10 minutes')`, or a gap per row (`session_window(ts, CASE … END)`), as the key `groupBy` takes. */
export function sessionKeyOf(node: Extract<ExprNode, { op: 'call' }>): GroupKey {
  const [column, gap] = node.args;
  if (!column || column.op !== 'col' || !gap || node.args.length !== 2) {
    throw expressionError('INVALID_QUERY', "session_window() in GROUP BY takes a timestamp column and a gap: session_window(ts, '10 minutes').", node.span);
  }
  try {
    if (gap.op === 'lit' && typeof gap.value === 'string') return sessionWindow(column.name, gap.value);
    if (gap.op === 'lit' && gap.value && typeof gap.value === 'object' && 'months' in (gap.value as object)) {
      const ms = intervalToMs(gap.value as Interval);
      if (ms === undefined) throw expressionError('INVALID_QUERY', `A session gap cannot be measured in months: ${formatInterval(gap.value as Interval)}.`, gap.span);
      return sessionWindow(column.name, ms);
    }
    return sessionWindow(column.name, new Column(gap));
  } catch (error) {
    if ((error as { span?: unknown }).span !== undefined || /== SQL/.test((error as Error).message)) throw error;
    throw expressionError('INVALID_QUERY', (error as Error).message.replace(/^\[[A-Z_]+\] /, ''), node.span);
  }
}

/**
 * A `groupBy` key given as an expression that calls `window(...)` or `session_window(...)`
 * (`expr("session_window(ts, '10 seconds')")`, as Spark's DataFrame API takes them, aliased or
 * not) as the WindowSpec or SessionWindowSpec it means; any other key as it is.
 */
export function windowCallKey(key: GroupKey): GroupKey {
  if (!(key instanceof Column)) return key;
  const node = key.node;
  const call = node.op === 'alias' ? node.expr : node;
  if (call.op !== 'call') return key;
  const name = call.name.toLowerCase();
  if (name !== 'window' && name !== 'session_window') return key;
  if (name === 'window') {
    if (node.op === 'alias') throw expressionError('INVALID_QUERY', `A window(...) key is the column 'window'; rename it after the aggregation instead of aliasing it as '${node.name}'.`, call.span);
    return windowKeyOf(call);
  }
  const spec = sessionKeyOf(call) as SessionWindowSpec;
  return node.op === 'alias' ? spec.as(node.name) : spec;
}

function isWindowCall(node: ExprNode, spec: WindowSpec): boolean {
  if (node.op !== 'call' || node.name.toLowerCase() !== 'window') return false;
  try {
    const other = windowKeyOf(node);
    return other.column === spec.column && other.sizeMs === spec.sizeMs && other.slideMs === spec.slideMs && other.startMs === spec.startMs;
  } catch {
    return false;
  }
}

