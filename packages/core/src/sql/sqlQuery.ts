import { StreamFrame } from '../builders/streamFrame.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { describeExpression } from '../expressions/describe.ts';
import { expressionError } from '../expressions/errors.ts';
import { isSluiceError } from '../errors.ts';
import { nameParts, quoteParts, type ExprNode, type Span } from '../expressions/node.ts';
import { rootScope } from '../expressions/scope.ts';
import { Column, type SortOrder } from '../operators/column.ts';
import { filter } from '../operators/filter.ts';
import { groupBy } from '../operators/groupBy.ts';
import { projectNodes } from '../operators/select.ts';
import { join } from '../operators/join/join.ts';
import type { StaticSide } from '../operators/join/staticSide.ts';
import { limit, sortFrame } from '../operators/sort.ts';
import { aggregateExpressions, containsAggregate, isSessionWindowCall, mapChildren, sessionKeyOf, windowKeyOf, type GroupKey } from './aggregation.ts';
import { BatchFrame, isStreamingPlan, tableViewSource } from './batchFrame.ts';
import { lookupView } from './catalog.ts';
import { parseQuery, type FromClause, type Query, type QueryBody, type SelectBlock } from './queryParser.ts';

/**
 * Run a Spark SQL query over temp views (Spark's `spark.sql`). Over a stream's view
 * (`frame.createOrReplaceTempView('events')`) it returns a StreamFrame — the same plan the
 * builders make, to write with `writeTo`/`writeStream` — so `WHERE`, `SELECT` expressions,
 * `GROUP BY window(ts, '10 seconds'), k`, `HAVING`, `SELECT DISTINCT` (a streaming aggregation,
 * as in Spark), `UNION ALL`, `GROUP BY session_window(ts, gap)` and `JOIN … ON/USING` (a stream
 * with a stream, or with a table view as the static side) are streaming operators. Over a memory sink's table (named after its
 * query) it returns a BatchFrame, read with `show()` or `collect()`, where `ORDER BY` and `LIMIT`
 * apply too. The query is parsed, resolved and type-checked here: a fault fails now, with the
 * position and a caret.
 *
 * @example
 * events.createOrReplaceTempView('events');
 * const counts = sql("SELECT window(ts, '10 seconds') AS w, user, count(*) AS n FROM events WHERE amount > 0 GROUP BY window(ts, '10 seconds'), user");
 * if (counts.isStreaming) await counts.writeTo(memorySink(), { queryName: 'my_result', outputMode: 'complete' });
 * await sql('SELECT * FROM my_result ORDER BY n DESC LIMIT 10').show();
 */
export function sql(text: string): StreamFrame | BatchFrame {
  const frame = planQuery(parseQuery(text));
  return isStreamingPlan(frame) ? frame : new BatchFrame(frame);
}

function planQuery(query: Query): StreamFrame {
  let frame = planBody(query.body);
  if (query.orderBy.length > 0) {
    const items = query.body.kind === 'select' ? query.body.items : [];
    const orders = query.orderBy.map((o): SortOrder => ({ column: new Column(orderKey(o.expr, items, frame)), descending: o.descending, nullsFirst: o.nullsFirst }));
    try {
      frame = sortFrame(frame, orders);
    } catch (error) {
      const body = query.body;
      // Spark also sorts a plain SELECT by input columns it does not output (`SELECT name … ORDER BY ts`).
      if (!isSluiceError(error, 'UNKNOWN_COLUMN') || body.kind !== 'select' || body.distinct || isAggregating(body)) throw error;
      frame = sortByInputColumns(body, query);
    }
  }
  if (query.limit !== undefined) frame = frame.pipe(limit(query.limit));
  return frame;
}

function planBody(body: QueryBody): StreamFrame {
  switch (body.kind) {
    case 'query':
      return planQuery(body.query);
    case 'select':
      return planSelect(body);
    case 'union': {
      const left = planBody(body.left);
      const right = alignUnion(left, planBody(body.right), body.span);
      const union = left.union(right);
      return body.all ? union : distinct(union);
    }
  }
}

/** Spark's union is by position, named by the left side: the right side's columns are renamed to match. */
function alignUnion(left: StreamFrame, right: StreamFrame, span: Span): StreamFrame {
  if (isStreamingPlan(left) !== isStreamingPlan(right)) {
    throw expressionError('INVALID_QUERY', 'Union between streaming and batch DataFrames/Datasets is not supported: both sides must read streams, or both tables.', span);
  }
  const a = left.schema.fields;
  const b = right.schema.fields;
  if (a.length !== b.length) {
    throw expressionError('INVALID_QUERY', `UNION can only be performed on inputs with the same number of columns, but the first has ${a.length} and the second ${b.length}.`, span);
  }
  a.forEach((f, i) => {
    const g = b[i]!;
    if (String(f.type) !== String(g.type)) {
      throw expressionError('TYPE_MISMATCH', `UNION column ${i + 1} is ${sparkTypeName(f.type)} (${f.name}) on the left and ${sparkTypeName(g.type)} (${g.name}) on the right; CAST one side so the types match.`, span);
    }
  });
  if (a.every((f, i) => f.name === b[i]!.name)) return right;
  return projectNodes(right, b.map((g, i): ExprNode => ({ op: 'alias', expr: { op: 'col', name: quoteParts([g.name]) }, name: a[i]!.name })), rootScope(right.schema));
}

function planFrom(from: FromClause): { frame: StreamFrame; qualifiers: readonly string[] } {
  if (from.kind === 'subquery') {
    // Spark 3 accepts an unaliased subquery in FROM; its columns are referred to by name.
    return { frame: planQuery(from.query), qualifiers: from.alias === undefined ? [] : [from.alias] };
  }
  if (from.kind === 'join') return planJoin(from);
  let view;
  try {
    view = lookupView(from.name);
  } catch (error) {
    throw expressionError('UNKNOWN_TABLE', (error as Error).message.replace(/^\[[A-Z_]+\] /, ''), from.span);
  }
  const frame = view.kind === 'frame' ? view.frame : StreamFrame.fromSource(tableViewSource(from.name, view.table));
  return { frame, qualifiers: [from.alias ?? from.name] };
}

/**
 * `a JOIN b ON …` / `USING (…)`: the join operator over the two sides' plans. A stream on the right
 * makes a stream–stream join; a table (a memory sink's) on the right is the static side of a
 * stream–static join, read again every micro-batch as Spark re-plans its batch side.
 */
function planJoin(from: Extract<FromClause, { kind: 'join' }>): { frame: StreamFrame; qualifiers: readonly string[] } {
  const left = planFrom(from.left);
  const right = planFrom(from.right);
  const qualifiers = [...left.qualifiers, ...right.qualifiers];
  const rightStreaming = isStreamingPlan(right.frame);
  if (rightStreaming && !isStreamingPlan(left.frame)) {
    throw expressionError('INVALID_QUERY', 'A join of a table (left) with a stream (right) is not supported in SQL: put the stream on the left (swap LEFT and RIGHT joins accordingly).', from.span);
  }
  const columns = [...left.frame.schema.fields, ...right.frame.schema.fields].map((f) => f.name.toLowerCase());
  const on = from.using ?? new Column(stripQualifier(from.on!, qualifiers, columns));
  let static_: StaticSide | undefined;
  if (!rightStreaming) {
    const table = new BatchFrame(right.frame);
    let reads = 0;
    static_ = { kind: 'static', schema: table.schema, description: `sql view [${table.columns.join(', ')}]`, version: async () => ++reads, load: () => table.toArrow() };
  }
  try {
    return { frame: left.frame.pipe(join(static_ ?? right.frame, on, from.type)), qualifiers };
  } catch (error) {
    if (/== SQL/.test((error as Error).message)) throw error;
    const code = (error as { code?: string }).code;
    throw expressionError(code === 'UNKNOWN_COLUMN' || code === 'TYPE_MISMATCH' ? code : 'INVALID_QUERY', (error as Error).message.replace(/^\[[A-Z_]+\] /, ''), from.span);
  }
}

function isAggregating(block: SelectBlock): boolean {
  return block.groupBy.length > 0 || block.having !== undefined || block.items.some(containsAggregate);
}

/** A plain SELECT sorted by expressions over its input: they ride along as hidden columns, sorted on, then dropped. */
function sortByInputColumns(block: SelectBlock, query: Query): StreamFrame {
  const hidden = query.orderBy.map((o, i): ExprNode => ({ op: 'alias', expr: o.expr, name: `__order${i}` }));
  const widened = planSelect({ ...block, items: [...block.items, ...hidden] });
  const visible = widened.schema.fields.slice(0, widened.schema.fields.length - hidden.length);
  const sorted = sortFrame(widened, query.orderBy.map((o, i): SortOrder => ({ column: new Column({ op: 'col', name: `__order${i}` }), descending: o.descending, nullsFirst: o.nullsFirst })));
  return projectNodes(sorted, visible.map((f): ExprNode => ({ op: 'col', name: quoteParts([f.name]) })), rootScope(sorted.schema));
}

function planSelect(block: SelectBlock): StreamFrame {
  const { frame: input, qualifiers } = planFrom(block.from);
  const unqualify = (node: ExprNode) => stripQualifier(node, qualifiers, input.schema.fields.map((f) => f.name.toLowerCase()));
  let frame = input;
  if (block.where) {
    const where = unqualify(block.where);
    if (containsAggregate(where)) {
      throw expressionError('INVALID_QUERY', `Aggregate functions are not allowed in WHERE: ${describeExpression(where)}. Filter groups with HAVING instead.`, where.span ?? block.where.span);
    }
    frame = frame.pipe(filter(new Column(where)));
  }
  const items = block.items.map(unqualify);
  const having = block.having ? unqualify(block.having) : undefined;
  const aggregating = isAggregating(block);
  if (aggregating) {
    const keyNodes = block.groupBy.map((g) => selectTarget(unqualify(g), items, frame, 'GROUP BY'));
    const keys = keyNodes.map(groupKey);
    // session_window(...) in the select list or HAVING is the grouped session column, as in Spark.
    const sessions = new Set(keyNodes.filter(isSessionWindowCall).map(describeExpression));
    const toSession = (node: ExprNode): ExprNode =>
      isSessionWindowCall(node) && sessions.has(describeExpression(node)) ? { op: 'col', name: 'session_window', ...(node.span ? { span: node.span } : {}) } : mapChildren(node, toSession);
    const sessionItems = sessions.size > 0 ? items.map(toSession) : items;
    const sessionHaving = having && sessions.size > 0 ? toSession(having) : having;
    frame = frame.pipe(aggregateExpressions(keys, sessionItems.map((n) => new Column(n)), { ...(sessionHaving ? { having: sessionHaving } : {}), keepKeys: false }));
  } else {
    frame = projectNodes(frame, items, rootScope(frame.schema));
  }
  return block.distinct ? distinct(frame) : frame;
}

/** `SELECT DISTINCT`: Spark plans it as an aggregation grouping by every column (a streaming aggregation on a stream). */
function distinct(frame: StreamFrame): StreamFrame {
  return frame.pipe(groupBy(...frame.schema.fields.map((f) => new Column({ op: 'col', name: quoteParts([f.name]) }))).agg());
}

/** A GROUP BY item (ordinals and aliases already resolved): `window(...)`, `session_window(...)`, or an expression. */
function groupKey(target: ExprNode): GroupKey {
  if (target.op === 'call' && target.name.toLowerCase() === 'window') return windowKeyOf(target);
  if (isSessionWindowCall(target)) return sessionKeyOf(target);
  return new Column(target);
}

/** An ORDER BY key over the query's output: an ordinal, an output column, or a select item's expression (`ORDER BY count(*)`). */
function orderKey(node: ExprNode, items: readonly ExprNode[], frame: StreamFrame): ExprNode {
  const ordinal = ordinalOf(node);
  const fields = frame.schema.fields;
  if (ordinal !== undefined) {
    if (ordinal < 1 || ordinal > fields.length) throw expressionError('INVALID_QUERY', `ORDER BY position ${ordinal} is not in the select list (1 to ${fields.length}).`, node.span);
    return { op: 'col', name: quoteParts([fields[ordinal - 1]!.name]) };
  }
  const text = describeExpression(node);
  const index = items.findIndex((item) => describeExpression(item.op === 'alias' ? item.expr : item) === text);
  if (index >= 0 && index < fields.length && node.op !== 'col') return { op: 'col', name: quoteParts([fields[index]!.name]) };
  return node;
}

/** Resolve GROUP BY ordinals and select aliases (Spark's groupByOrdinal and groupByAliases, both on by default). */
function selectTarget(node: ExprNode, items: readonly ExprNode[], frame: StreamFrame, clause: string): ExprNode {
  const ordinal = ordinalOf(node);
  if (ordinal !== undefined) {
    const item = items[ordinal - 1];
    if (!item || item.op === 'star') throw expressionError('INVALID_QUERY', `${clause} position ${ordinal} is not in the select list (1 to ${items.length}).`, node.span);
    if (containsAggregate(item)) throw expressionError('INVALID_QUERY', `${clause} position ${ordinal} refers to an aggregate (${describeExpression(item)}); group by columns or expressions.`, node.span);
    return item.op === 'alias' ? item.expr : item;
  }
  if (node.op === 'col' && !nameParts(node.name).slice(0, 1).some((p) => frame.schema.fields.some((f) => f.name.toLowerCase() === p.toLowerCase()))) {
    const aliased = items.find((i): i is Extract<ExprNode, { op: 'alias' }> => i.op === 'alias' && i.name.toLowerCase() === node.name.toLowerCase());
    if (aliased && !containsAggregate(aliased.expr)) return aliased.expr;
  }
  return node;
}

function ordinalOf(node: ExprNode): number | undefined {
  return node.op === 'lit' && typeof node.value === 'number' && Number.isInteger(node.value) ? node.value : undefined;
}

/** `t.a` → `a` where `t` is a relation's name or alias (and not itself a column). */
function stripQualifier(node: ExprNode, qualifiers: readonly string[], columns: readonly string[]): ExprNode {
  const names = new Set(qualifiers.map((q) => q.toLowerCase()).filter((q) => q !== '' && !columns.includes(q)));
  if (names.size === 0) return node;
  const visit = (n: ExprNode): ExprNode => {
    if (n.op === 'col') {
      const parts = nameParts(n.name);
      return parts.length > 1 && names.has(parts[0]!.toLowerCase()) ? { ...n, name: quoteParts(parts.slice(1)) } : n;
    }
    // `t.*` is every column only over one relation (over a join it would be t's columns alone).
    if (n.op === 'star' && n.qualifier !== undefined && qualifiers.length === 1 && names.has(n.qualifier.toLowerCase())) {
      const { qualifier: _, ...rest } = n;
      return rest;
    }
    return mapChildren(n, visit);
  };
  return visit(node);
}
