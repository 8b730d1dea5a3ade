import { DataType, Field, Schema } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { SluiceError } from '../../errors.ts';
import { bindExpression } from '../../expressions/bind.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import type { ExprNode } from '../../expressions/node.ts';
import { expressionError } from '../../expressions/errors.ts';
import { splitCondition } from './condition.ts';
import type { JoinType } from './joinType.ts';

/** Where an output column comes from. */
export type OutputColumn = { readonly side: 'left' | 'right'; readonly index: number } | { readonly coalesce: readonly [number, number] };

/** One side of a join, bound to its input schema. */
export interface BoundSide {
  readonly schema: Schema;
  /** Hash key expressions over this side's input. */
  readonly keys: readonly BoundExpression[];
  /** This side's conjuncts of the condition (rows failing them never match). */
  readonly preFilter: BoundExpression | null;
}

/** A join bound at definition time: keys, filters and the output. */
export interface BoundJoin {
  readonly type: JoinType;
  readonly left: BoundSide;
  readonly right: BoundSide;
  /** Key columns (types of the left keys; right keys are cast to them). */
  readonly keyFields: readonly Field[];
  readonly nullSafe: readonly boolean[];
  /** The conjuncts over both sides, on the left columns followed by the right ones. */
  readonly postFilter: BoundExpression | null;
  /** The whole condition as written (for the state watermark). */
  readonly condition: ExprNode | null;
  readonly output: readonly OutputColumn[];
  readonly schema: Schema;
  /** `explain()` text of the condition. */
  readonly describe: string;
}

/** Bind a join: `on` is a list of using-column names or a condition. */
export function bindJoin(left: Schema, right: Schema, on: readonly string[] | ExprNode, type: JoinType): BoundJoin {
  if (Array.isArray(on)) return bindUsing(left, right, on as readonly string[], type);
  return bindCondition(left, right, on as ExprNode, type);
}

function indexOf(schema: Schema, name: string, side: string): number {
  let i = schema.fields.findIndex((f) => f.name === name);
  if (i < 0) i = schema.fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
  if (i < 0) {
    throw new SluiceError('UNKNOWN_COLUMN', `USING column '${name}' cannot be resolved on the ${side} side of the join. The ${side}-side columns: [${schema.fields.map((f) => f.name).join(', ')}].`, { details: { column: name } });
  }
  return i;
}

function castTo(node: ExprNode, from: DataType, to: DataType): ExprNode {
  return String(from) === String(to) ? node : { op: 'cast', expr: node, type: to, typeName: sparkTypeName(to) };
}

function bindUsing(left: Schema, right: Schema, names: readonly string[], type: JoinType): BoundJoin {
  if (names.length === 0) throw new SluiceError('INVALID_QUERY', 'join needs at least one USING column, or a condition (a Column or expr(…)).');
  const li = names.map((n) => indexOf(left, n, 'left'));
  const ri = names.map((n) => indexOf(right, n, 'right'));
  const keyFields = li.map((i) => new Field(left.fields[i]!.name, left.fields[i]!.type, true));
  const leftKeys = li.map((i) => bindExpression({ op: 'col', name: left.fields[i]!.name }, left));
  const rightKeys = ri.map((i, k) => bindExpression(castTo({ op: 'col', name: right.fields[i]!.name }, right.fields[i]!.type, left.fields[li[k]!]!.type), right));
  const output: OutputColumn[] = [];
  const fields: Field[] = [];
  const nullableLeft = type === 'right_outer' || type === 'full_outer';
  const nullableRight = type === 'left_outer' || type === 'full_outer';
  li.forEach((l, k) => {
    const r = ri[k]!;
    if (type === 'right_outer') {
      output.push({ side: 'right', index: r });
      fields.push(right.fields[r]!);
    } else if (type === 'full_outer') {
      output.push({ coalesce: [l, r] });
      fields.push(new Field(left.fields[l]!.name, left.fields[l]!.type, true));
    } else {
      output.push({ side: 'left', index: l });
      fields.push(left.fields[l]!);
    }
  });
  left.fields.forEach((f, i) => {
    if (li.includes(i)) return;
    output.push({ side: 'left', index: i });
    fields.push(nullableLeft ? new Field(f.name, f.type, true, f.metadata) : f);
  });
  if (type !== 'left_semi' && type !== 'left_anti') {
    right.fields.forEach((f, i) => {
      if (ri.includes(i)) return;
      output.push({ side: 'right', index: i });
      fields.push(nullableRight ? new Field(f.name, f.type, true, f.metadata) : f);
    });
  }
  return {
    type,
    left: { schema: left, keys: leftKeys, preFilter: null },
    right: { schema: right, keys: rightKeys, preFilter: null },
    keyFields,
    nullSafe: names.map(() => false),
    postFilter: null,
    condition: names.map((n): ExprNode => ({ op: 'cmp', fn: '=', left: { op: 'col', name: n }, right: { op: 'col', name: n } })).reduce((a, b) => ({ op: 'and', left: a, right: b })),
    // Semi and anti joins keep the left columns, the USING keys first (Spark's order).
    output,
    schema: new Schema(fields),
    describe: `USING [${names.join(', ')}]`,
  };
}

function requireBoolean(bound: BoundExpression, node: ExprNode): BoundExpression {
  if (bound.type.typeId !== 1 && !DataType.isBool(bound.type)) {
    throw expressionError('TYPE_MISMATCH', `A join condition must be boolean, but ${bound.name} is ${sparkTypeName(bound.type)}.`, node.span);
  }
  return bound;
}

function bindCondition(left: Schema, right: Schema, condition: ExprNode, type: JoinType): BoundJoin {
  const leftNames = new Set(left.fields.map((f) => f.name.toLowerCase()));
  const rightNames = new Set(right.fields.map((f) => f.name.toLowerCase()));
  const clash = [...leftNames].filter((n) => rightNames.has(n));
  const combined = new Schema([...left.fields, ...right.fields.filter((f) => !leftNames.has(f.name.toLowerCase()))]);
  // The whole condition must make sense before it is split (unknown columns, types).
  requireBoolean(bindExpression(condition, combined), condition);
  const split = splitCondition(condition, leftNames, rightNames);
  const ambiguous = clash.filter((n) => [split.leftOnly, split.rightOnly, split.both, ...split.leftKeys, ...split.rightKeys].some((e) => e !== null && mentions(e, n)));
  if (ambiguous.length > 0) {
    throw new SluiceError(
      'INVALID_QUERY',
      `The join condition names ${ambiguous.map((n) => `'${n}'`).join(', ')}, a column both sides have, so it is ambiguous. Join with USING columns (join(right, ['${ambiguous[0]}'])) or rename one side's column first (select(col('${ambiguous[0]}').alias('…'))).`,
    );
  }
  if (clash.length > 0 && type !== 'left_semi' && type !== 'left_anti') {
    throw new SluiceError('INVALID_QUERY', `Both sides of the join have the column(s) ${clash.map((n) => `'${n}'`).join(', ')}: the output would hold two columns of one name. Rename one side's columns first, or join with USING columns.`);
  }
  const leftKeys = split.leftKeys.map((k) => bindExpression(k, left));
  const rightKeys = split.rightKeys.map((k, i) => {
    const bound = bindExpression(k, right);
    const target = leftKeys[i]!.type;
    return String(bound.type) === String(target) ? bound : bindExpression(castTo(k, bound.type, target), right);
  });
  const full = new Schema([...left.fields, ...right.fields]);
  const leftPre = split.leftOnly && requireBoolean(bindExpression(split.leftOnly, left), split.leftOnly);
  const rightPre = split.rightOnly && requireBoolean(bindExpression(split.rightOnly, right), split.rightOnly);
  const post = split.both && requireBoolean(bindExpression(split.both, full), split.both);
  const nullableLeft = type === 'right_outer' || type === 'full_outer';
  const nullableRight = type === 'left_outer' || type === 'full_outer';
  const semi = type === 'left_semi' || type === 'left_anti';
  const output: OutputColumn[] = [...left.fields.map((_, index) => ({ side: 'left' as const, index })), ...(semi ? [] : right.fields.map((_, index) => ({ side: 'right' as const, index })))];
  const fields = [
    ...left.fields.map((f) => (nullableLeft ? new Field(f.name, f.type, true, f.metadata) : f)),
    ...(semi ? [] : right.fields.map((f) => (nullableRight ? new Field(f.name, f.type, true, f.metadata) : f))),
  ];
  return {
    type,
    left: { schema: left, keys: leftKeys, preFilter: leftPre },
    right: { schema: right, keys: rightKeys, preFilter: rightPre },
    keyFields: leftKeys.map((k, i) => new Field(`key${i}`, k.type, true)),
    nullSafe: split.nullSafe,
    postFilter: post,
    condition,
    output,
    schema: new Schema(fields),
    describe: bindExpression(condition, combined).name,
  };
}

function mentions(node: ExprNode, lowerName: string): boolean {
  if (node.op === 'col') return node.name.split('.')[0]!.toLowerCase() === lowerName;
  return Object.entries(node).some(([k, v]) => k !== 'span' && v !== null && typeof v === 'object' && (Array.isArray(v) ? v.some((x) => typeof x === 'object' && x !== null && 'op' in x && mentions(x as ExprNode, lowerName)) : 'op' in v && mentions(v as ExprNode, lowerName)));
}
