import { DataType, Schema, Table, type RecordBatch, type Vector } from 'apache-arrow';
import { takeData } from '../arrow/take.ts';
import type { OperatorContext } from '../builders/plan.ts';
import type { Operator, StreamFrame } from '../builders/streamFrame.ts';
import { bindNode } from '../expressions/bind.ts';
import { bindGeneratorCall, resolve } from '../expressions/call.ts';
import { expressionError } from '../expressions/errors.ts';
import { quoteParts, type ExprNode } from '../expressions/node.ts';
import { rootScope, type BindScope } from '../expressions/scope.ts';
import type { BoundGenerator } from '../functions/registry.ts';
import { parseNamedExpression } from '../sql/parser.ts';
import { fieldOf, mapRecordBatches, recordBatchOf } from './batches.ts';
import { col, Column, type ColumnLike } from './column.ts';
import { resolveColumn, type BoundExpression } from './expression.ts';
import { makeVector } from 'apache-arrow';
import { eventTimeColumns } from '../builders/eventTime.ts';
import { beforeWindowProjection, slidingWindowGenerator } from './windowProjection.ts';

/**
 * Keep, compute and rename columns (Spark's `select`). `'*'` is every column, `'data.*'` every
 * field of the struct `data` (the step after `fromJson(..., { as: 'data' })`). One generator
 * (`explode`, `posexplode`, `inline` …) may stand among the columns: each input row then becomes
 * as many output rows as it generates.
 *
 * @example
 * frame.pipe(select('user_id', col('amount').multiply(100).alias('cents')))
 */
export function select(...columns: readonly ColumnLike[]): Operator {
  return (frame) => projectNodes(frame, columns.map((c) => (c instanceof Column ? c.node : col(c).node)), rootScope(frame.schema));
}

/**
 * Spark's `selectExpr`: each string is a SQL expression with an optional alias, parsed now (a
 * syntax error fails here, with a caret) and bound to the frame's schema.
 *
 * @example
 * frame.pipe(selectExpr('user_id', "upper(name) AS name", 'amount * 100 AS cents'))
 */
export function selectExpr(...expressions: readonly string[]): Operator {
  const nodes = expressions.map(parseNamedExpression);
  return (frame) => projectNodes(frame, nodes, rootScope(frame.schema));
}

/** A select item bound: an expression, or the one generator. */
type Item = { readonly kind: 'expression'; readonly bound: BoundExpression } | { readonly kind: 'generator'; readonly generator: BoundGenerator; readonly names: readonly string[] | null; readonly label: string };

/** Bind select items (stars expanded, one generator allowed) and add the projection step. */
export function projectNodes(input: StreamFrame, nodes: readonly ExprNode[], scope: BindScope): StreamFrame {
  const frame = beforeWindowProjection(input, nodes);
  const items = bindItems(nodes, scope);
  const generators = items.filter((i) => i.kind === 'generator');
  if (generators.length === 0) {
    const bound = items.map((i) => (i as { bound: BoundExpression }).bound);
    const step = projection(`Project [${bound.map((b) => b.name).join(', ')}]`, bound);
    const eventTimes = projectedEventTimes(frame, nodes, bound);
    return frame.withStep(eventTimes ? { ...step, eventTimeColumns: eventTimes } : step);
  }
  if (generators.length > 1) {
    throw expressionError('INVALID_QUERY', 'Only one generator (explode, posexplode, inline …) is allowed per select; split the query into two selects.', nodes.find((n) => isGenerator(n))?.span);
  }
  return frame.withStep(generateStep(items));
}

/**
 * Spark keeps a column's watermark through an alias (`col('ts').alias('eventTime')`) and gives
 * `window(ts, …)` the watermark of `ts`: the output columns that carry event time then. Undefined
 * (follow by name) when a star makes items and nodes differ.
 */
function projectedEventTimes(frame: StreamFrame, nodes: readonly ExprNode[], bound: readonly BoundExpression[]): ReadonlyMap<string, number> | undefined {
  if (nodes.length !== bound.length) return undefined;
  const input = eventTimeColumns(frame.node);
  if (input.size === 0) return undefined;
  const out = new Map<string, number>();
  nodes.forEach((node, i) => {
    let n = node;
    while (n.op === 'alias') n = n.expr;
    const source = n.op === 'col' ? n.name : n.op === 'call' && n.name.toLowerCase() === 'window' && n.args[0]?.op === 'col' ? n.args[0].name : null;
    if (source === null) return;
    const delay = input.get(source) ?? [...input].find(([name]) => name.toLowerCase() === source.toLowerCase())?.[1];
    if (delay !== undefined) out.set(bound[i]!.name, delay);
  });
  return out;
}

export function bindItems(nodes: readonly ExprNode[], scope: BindScope): Item[] {
  const items: Item[] = [];
  for (const node of nodes) {
    for (const expanded of expandStar(node, scope)) {
      const { inner, names, alias } = unwrapAliases(expanded);
      const sliding = slidingWindowGenerator(inner, scope);
      if (sliding) {
        items.push({ kind: 'generator', generator: sliding, names: alias !== undefined ? [alias] : null, label: 'window' });
      } else if (isGenerator(inner)) {
        const call = inner as Extract<ExprNode, { op: 'call' }>;
        const generator = bindGeneratorCall(call, scope);
        const outNames = names ?? (alias !== undefined ? [alias] : null);
        if (outNames && outNames.length !== generator.fields.length) {
          throw expressionError('INVALID_QUERY', `${call.name}() makes ${generator.fields.length} column${generator.fields.length === 1 ? '' : 's'} (${generator.fields.map((f) => f.name).join(', ')}), but ${outNames.length} name${outNames.length === 1 ? ' was' : 's were'} given.`, expanded.span);
        }
        items.push({ kind: 'generator', generator, names: outNames, label: call.name });
      } else {
        if (names) throw expressionError('INVALID_QUERY', 'AS (a, b, …) names the columns of a generator such as posexplode; use AS name for one column.', expanded.span);
        items.push({ kind: 'expression', bound: bindNode(expanded, scope) });
      }
    }
  }
  return items;
}

/** `x AS name` and `gen(...) AS (a, b)` around an item. */
function unwrapAliases(node: ExprNode): { inner: ExprNode; names: string[] | null; alias: string | undefined } {
  if (node.op === 'call' && node.name === '__multi_alias') {
    return { inner: node.args[0]!, names: node.args.slice(1).map((a) => String((a as { value: unknown }).value)), alias: undefined };
  }
  if (node.op === 'alias') return { inner: node.expr, names: null, alias: node.name };
  return { inner: node, names: null, alias: undefined };
}

function isGenerator(node: ExprNode): boolean {
  const inner = unwrapAliases(node).inner;
  return inner.op === 'call' && inner.name !== '__multi_alias' && resolve(inner).kind === 'generator';
}

/** `*` → every column; `data.*` → every field of struct `data` (or the columns of table `data`). */
function expandStar(node: ExprNode, scope: BindScope): ExprNode[] {
  if (node.op !== 'star') return [node];
  const visible = scope.schema.fields.filter((f) => !f.name.startsWith('__lambda_'));
  if (!node.qualifier) return visible.map((f) => ({ op: 'col', name: quoteParts([f.name]) }));
  if (scope.qualifiers.some((q) => q.toLowerCase() === node.qualifier!.toLowerCase()) && !visible.some((f) => f.name.toLowerCase() === node.qualifier!.toLowerCase())) {
    return visible.map((f) => ({ op: 'col', name: quoteParts([f.name]) }));
  }
  const struct = resolveColumn(node.qualifier, scope.schema, node.span).at(-1)!.field.type;
  if (!DataType.isStruct(struct)) return [{ op: 'col', name: node.qualifier }];
  return struct.children.map((f) => ({ op: 'col', name: `${node.qualifier}.${quoteParts([f.name])}` }));
}

/** A step computing `bound` expressions per batch. */
export function projection(name: string, bound: readonly BoundExpression[]) {
  const schema = new Schema(bound.map((b) => fieldOf(b.name, b.type)));
  return {
    name,
    schema,
    apply: (table: Table, context: OperatorContext) =>
      mapRecordBatches(table, schema, (batch) => recordBatchOf(schema, bound.map((b) => b.evaluate(batch, context)), batch.numRows)),
  };
}

/** Spark's Generate: each input row repeated once per generated row, the generator's columns in its place. */
function generateStep(items: readonly Item[]) {
  const fields = items.flatMap((item) =>
    item.kind === 'expression' ? [fieldOf(item.bound.name, item.bound.type)] : item.generator.fields.map((f, k) => fieldOf(item.names?.[k] ?? f.name, f.type)),
  );
  const schema = new Schema(fields);
  const generator = items.find((i) => i.kind === 'generator') as Extract<Item, { kind: 'generator' }>;
  return {
    name: `Generate ${generator.label}, [${fields.map((f) => f.name).join(', ')}]`,
    schema,
    apply: (table: Table, context: OperatorContext) =>
      new Table(
        schema,
        table.batches.map((batch: RecordBatch) => {
          const { rowOf, columns } = generator.generator.generate(batch, context);
          const out: Vector[] = [];
          for (const item of items) {
            if (item.kind === 'generator') out.push(...columns);
            else out.push(makeVector(takeData(item.bound.evaluate(batch, context).data[0]!, rowOf)));
          }
          return recordBatchOf(schema, out, rowOf.length);
        }),
      ),
  };
}
