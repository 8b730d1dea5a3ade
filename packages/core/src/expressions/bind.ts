import {
  Binary, Bool, DataType, DateDay, Field, Float64, Int32, Int64, IntervalMonthDayNano, Null, Schema, Table, TimestampMillisecond, Type, Utf8,
  makeData, makeVector, type Struct, type Vector,
} from 'apache-arrow';
import { sparkTypeName } from '../arrow/schema.ts';
import { tableToRows } from '../arrow/tables.ts';
import { DecimalLiteral } from '../decimal/decimalExpressions.ts';
import { decimalArrowType } from '../decimal/decimalType.ts';
import { tableToJsonLines } from '../arrow/json/tableToJsonLines.ts';
import { utf8Vector, vectorFromValues } from '../arrow/vectors.ts';
import { SluiceError } from '../errors.ts';
import { recordBatchOf } from '../operators/batches.ts';
import { closestName } from '../options/closestName.ts';
import { constantExpression, materialize, type BoundExpression } from './bound.ts';
import { bindCall } from './call.ts';
import { bindCase } from './caseWhen.ts';
import { castExpression } from './cast/bindCast.ts';
import { describeExpression } from './describe.ts';
import { expressionError } from './errors.ts';
import { andBitmaps, finishValidity, validityOf, withValidity } from './kernels/bits.ts';
import { fromRowValues } from './kernels/rows.ts';
import { bindIn } from './inList.ts';
import { bindLogical, bindNot } from './logical.ts';
import { nameParts, quoteParts, type ExprNode, type Span } from './node.ts';
import { bindArithmeticNode, bindComparisonNode } from './operators.ts';
import { bindItem } from './access.ts';
import { rootScope, type BindScope } from './scope.ts';
import { isStructType } from './types.ts';

/** Check `node` against `schema` (unknown columns and impossible types fail here, at definition time). */
export function bindExpression(node: ExprNode, schema: Schema): BoundExpression {
  return bindNode(node, rootScope(schema));
}

/** Bind `node` in `scope`: names resolved, types checked and coerced, constants folded. */
export function bindNode(node: ExprNode, scope: BindScope): BoundExpression {
  switch (node.op) {
    case 'col':
      return bindColumn(node, scope);
    case 'lit':
      return bindLiteral(node);
    case 'alias': {
      const inner = bindNode(node.expr, scope);
      return { ...inner, name: node.name };
    }
    case 'arith':
      return bindArithmeticNode(node, bindNode(node.left, scope), bindNode(node.right, scope), scope);
    case 'cmp':
      return bindComparisonNode(node, bindNode(node.left, scope), bindNode(node.right, scope), scope);
    case 'and':
    case 'or':
      return bindLogical(node.op, requireBoolean(node.left, scope, node), requireBoolean(node.right, scope, node), describeExpression(node));
    case 'not':
      return bindNot(requireBoolean(node.expr, scope, node), describeExpression(node));
    case 'isNull':
      return bindIsNull(bindNode(node.expr, scope), node.negate, describeExpression(node));
    case 'in':
      return bindIn(node, bindNode(node.expr, scope), node.values.map((v) => bindNode(v, scope)), scope);
    case 'cast': {
      const inner = bindNode(node.expr, scope);
      const cast = castExpression(inner, node.type, scope.timeZone, describeExpression(node));
      if (!cast) throw expressionError('TYPE_MISMATCH', `Cannot cast ${describeExpression(node.expr)} from ${sparkTypeName(inner.type)} to ${sparkTypeName(node.type)}.`, node.span);
      return cast;
    }
    case 'call':
      return bindCall(node, scope);
    case 'case':
      return bindCase(node, scope);
    case 'star':
      throw expressionError('INVALID_QUERY', `'${describeExpression(node)}' is only allowed in a select list or in count(*), struct(*) and the like.`, node.span);
    case 'lambda':
      throw expressionError('INVALID_QUERY', 'A lambda (x -> …) is only allowed as an argument of a higher-order function such as transform, filter, exists or aggregate.', node.span);
    case 'field':
      return bindField(bindNode(node.expr, scope), node.name, node);
    case 'item':
      return bindItem(node, bindNode(node.expr, scope), bindNode(node.key, scope), scope);
    case 'udf':
      return bindRowUdf(node);
    case 'toJson':
      return bindToJson(node, scope);
  }
}

function requireBoolean(node: ExprNode, scope: BindScope, parent: ExprNode): BoundExpression {
  const bound = bindNode(node, scope);
  if (bound.type.typeId === Type.Bool) return bound;
  if (bound.type.typeId === Type.Null) return { ...bound, type: new Bool() };
  throw expressionError('TYPE_MISMATCH', `${describeExpression(parent)} needs boolean input, but ${bound.name} is ${sparkTypeName(bound.type)}.`, node.span ?? parent.span);
}

interface PathStep {
  readonly index: number;
  readonly field: Field;
}

/**
 * `a`, `a.b.c` into structs, or `` `a.b` `` (a name with a dot); exact name first, then
 * case-insensitively (Spark's default). Throws UNKNOWN_COLUMN with a did-you-mean.
 */
export function resolveColumn(name: string, schema: Schema, span?: Span): PathStep[] {
  return resolveParts(nameParts(name), schema, name, span);
}

function resolveParts(parts: readonly string[], schema: Schema, name: string, span?: Span): PathStep[] {
  let fields: readonly Field[] = schema.fields;
  const path: PathStep[] = [];
  for (const part of parts) {
    let index = fields.findIndex((f) => f.name === part);
    if (index < 0) index = fields.findIndex((f) => f.name.toLowerCase() === part.toLowerCase());
    if (index < 0) {
      const available = fields.map((f) => f.name);
      const suggestion = closestName(part, available);
      const where = path.length === 0 ? '' : ` in struct '${quoteParts(path.map((p) => p.field.name))}'`;
      throw expressionError(
        'UNKNOWN_COLUMN',
        `Column '${name}' does not exist${where}.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Available columns: ${available.join(', ')}.`,
        span,
        { column: name, available },
      );
    }
    path.push({ index, field: fields[index]! });
    fields = DataType.isStruct(fields[index]!.type) ? fields[index]!.type.children : [];
  }
  return path;
}

function bindColumn(node: Extract<ExprNode, { op: 'col' }>, scope: BindScope): BoundExpression {
  let parts = nameParts(node.name);
  const lambda = scope.lambdas.get(parts[0]!.toLowerCase());
  if (!lambda && parts.length > 1) {
    // `t.a` where t is the table: drop the qualifier unless a column is named t.
    const first = parts[0]!.toLowerCase();
    const isColumn = scope.schema.fields.some((f) => f.name.toLowerCase() === first);
    if (!isColumn && scope.qualifiers.some((q) => q.toLowerCase() === first)) parts = parts.slice(1);
  }
  const path = lambda
    ? [{ index: lambda.index, field: scope.schema.fields[lambda.index]! }, ...resolveParts(parts.slice(1), new Schema(structChildren(lambda.type)), node.name, node.span)]
    : resolveParts(parts, scope.schema, node.name, node.span);
  const field = path.at(-1)!.field;
  return {
    name: lambda && parts.length === 1 ? parts[0]! : field.name,
    type: field.type,
    evaluate: (batch) => {
      let vector: Vector = batch.getChildAt(path[0]!.index)!;
      for (const step of path.slice(1)) vector = structField(vector, step.index);
      return vector;
    },
  };
}

function structChildren(type: DataType): Field[] {
  return DataType.isStruct(type) ? (type as Struct).children : [];
}

/** Child `index` of a struct column; a null struct makes its fields null (Spark's GetStructField). */
export function structField(vector: Vector, index: number): Vector {
  const child = vector.getChildAt(index)!;
  const data = vector.data[0]!;
  if (data.nullCount === 0) return child;
  const own = child.data[0]!;
  const combined = andBitmaps(validityOf(data), validityOf(own), data.length)!;
  const { nullCount } = finishValidity(combined, data.length);
  return makeVector(withValidity(own, shiftIntoChild(combined, own.offset), nullCount));
}

/** A bitmap starting at row 0 placed where a data's `offset` expects it. */
function shiftIntoChild(bitmap: Uint8Array, offset: number): Uint8Array {
  if (offset === 0) return bitmap;
  const n = bitmap.length * 8;
  const out = new Uint8Array((offset + n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (bitmap[i >> 3]! & (1 << (i & 7))) {
      const j = offset + i;
      out[j >> 3]! |= 1 << (j & 7);
    }
  }
  return out;
}

function bindField(inner: BoundExpression, name: string, node: ExprNode): BoundExpression {
  if (!isStructType(inner.type)) {
    throw expressionError('TYPE_MISMATCH', `Cannot read field '${name}' of ${inner.name}: it is ${sparkTypeName(inner.type)}, not a struct.`, node.span);
  }
  const children = structChildren(inner.type);
  let index = children.findIndex((f) => f.name === name);
  if (index < 0) index = children.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
  if (index < 0) {
    const suggestion = closestName(name, children.map((f) => f.name));
    throw expressionError('UNKNOWN_COLUMN', `No field '${name}' in ${inner.name} (${sparkTypeName(inner.type)}).${suggestion ? ` Did you mean '${suggestion}'?` : ''}`, node.span);
  }
  return { name: children[index]!.name, type: children[index]!.type, evaluate: (batch, context) => structField(inner.evaluate(batch, context), index) };
}

/** A literal's type: numbers are int (or double when fractional or beyond int), bigints bigint, Dates timestamps. */
export function literalType(value: unknown): DataType {
  if (value === null || value === undefined) return new Null();
  if (value instanceof DecimalLiteral) return decimalArrowType(value.spec);
  if (typeof value === 'bigint') return new Int64();
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1 ? new Int32() : new Float64();
  if (typeof value === 'boolean') return new Bool();
  if (value instanceof Date) return new TimestampMillisecond();
  if (value instanceof Uint8Array) return new Binary();
  if (typeof value === 'object' && 'months' in (value as object) && 'micros' in (value as object)) return new IntervalMonthDayNano();
  return new Utf8();
}

function bindLiteral(node: Extract<ExprNode, { op: 'lit' }>): BoundExpression {
  const type = node.type ?? literalType(node.value);
  let value: unknown = node.value instanceof Date ? node.value.getTime() : node.value instanceof DecimalLiteral ? node.value.unscaled : node.value ?? null;
  if (type.typeId === Type.Int && (type as Int64).bitWidth === 64 && typeof value === 'number') value = BigInt(value);
  if (type.typeId === Type.Interval) {
    return {
      name: describeExpression(node),
      type,
      constant: { value },
      evaluate: () => {
        throw expressionError('TYPE_MISMATCH', `An interval (${describeExpression(node)}) cannot be a column value yet; add it to a timestamp or date instead.`, node.span);
      },
    };
  }
  return constantExpression(describeExpression(node), type, value);
}

function bindIsNull(inner: BoundExpression, negate: boolean, name: string): BoundExpression {
  if (inner.constant) return constantExpression(name, new Bool(), (inner.constant.value === null) !== negate);
  return {
    name,
    type: new Bool(),
    evaluate: (batch, context) => {
      const data = inner.evaluate(batch, context).data[0]!;
      const n = data.length;
      const validity = validityOf(data);
      const bits = new Uint8Array((n + 7) >> 3);
      if (validity === null) {
        if (negate) bits.fill(0xff);
      } else for (let k = 0; k < bits.length; k++) bits[k] = negate ? validity[k]! : ~validity[k]!;
      if (n & 7) bits[n >> 3]! &= (1 << (n & 7)) - 1;
      return makeVector(makeData({ type: new Bool(), length: n, data: bits, nullCount: 0, nullBitmap: null }));
    },
  };
}

function bindRowUdf(node: Extract<ExprNode, { op: 'udf' }>): BoundExpression {
  return {
    name: node.name,
    type: node.type,
    deterministic: false,
    evaluate: (batch) => {
      // Plain rows, as `map` gets them (decimals as exact text, not Arrow's words).
      const rows = tableToRows(new Table([batch]));
      const out = new Array<unknown>(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) out[i] = node.fn(rows[i]!);
      // Row UDF results keep the convention of `vectorFromValues` (Dates, ms, decimal text …).
      return vectorFromValues(node.type, out);
    },
  };
}

function bindToJson(node: Extract<ExprNode, { op: 'toJson' }>, scope: BindScope): BoundExpression {
  const names = node.columns.flatMap((c) => (c === '*' ? scope.schema.fields.map((f) => quoteParts([f.name])) : [c]));
  const bound = names.map((n) => bindColumn({ op: 'col', name: n, ...(node.span ? { span: node.span } : {}) }, scope));
  const subset = new Schema(bound.map((b) => new Field(b.name, b.type, true)));
  return {
    name: describeExpression(node),
    type: new Utf8(),
    evaluate: (batch, context) => utf8Vector(tableToJsonLines(new Table([recordBatchOf(subset, bound.map((b) => b.evaluate(batch, context)), batch.numRows)]))),
  };
}

export { materialize, SluiceError, DateDay };
