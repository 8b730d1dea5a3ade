import { Binary, Bool, DataType, Field, Float64, Int32, Int64, Schema, Table, TimestampMillisecond, Type, Utf8, type RecordBatch, type Vector } from 'apache-arrow';
import { tableToJsonLines } from '../arrow/json/tableToJsonLines.ts';
import { utf8Vector } from '../arrow/vectors.ts';
import { tableToRows } from '../arrow/tables.ts';
import { recordBatchOf } from './batches.ts';
import { castFunction } from './cast.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { vectorFromValues } from '../arrow/vectors.ts';
import { SluiceError } from '../errors.ts';
import { closestName } from '../options/closestName.ts';
import type { OperatorContext } from '../builders/plan.ts';
import { binaryAsUtf8, buildVector, cellsOf, isNullAt, valueAt, type Cells, type Operand } from './cells.ts';
import { describeExpression, type ExprNode } from './column.ts';
import { isInt64, isNumeric } from './typeChecks.ts';
import { DecimalLiteral, planDecimalArithmetic, planDecimalComparison, type OperandInfo } from '../decimal/decimalExpressions.ts';
import { decimalArrowType } from '../decimal/decimalType.ts';
import { decimalVector } from '../decimal/decimalVectors.ts';

/** An expression checked against a schema: its output name and type are known, evaluation is per batch. */
export interface BoundExpression {
  readonly name: string;
  readonly type: DataType;
  evaluate(batch: RecordBatch, context: OperatorContext): Vector;
}

/** Check `node` against `schema` (unknown columns and impossible types fail here, at definition time). */
export function bindExpression(node: ExprNode, schema: Schema): BoundExpression {
  switch (node.op) {
    case 'col': {
      const path = resolveColumn(node.name, schema);
      const field = path.at(-1)!.field;
      return {
        name: field.name,
        type: field.type,
        evaluate: (batch) => {
          let vector: Vector = batch.getChildAt(path[0]!.index)!;
          for (const step of path.slice(1)) vector = vector.getChildAt(step.index)!;
          return vector;
        },
      };
    }
    case 'lit': {
      const type = literalType(node.value);
      const value = normalizeLiteral(node.value);
      return { name: describeExpression(node), type, evaluate: (batch) => vectorFromValues(type, new Array(batch.numRows).fill(value)) };
    }
    case 'alias': {
      const inner = bindExpression(node.expr, schema);
      return { ...inner, name: node.name, evaluate: inner.evaluate };
    }
    case 'arith':
      return bindArithmetic(node, schema);
    case 'cmp':
      return bindComparison(node, schema);
    case 'and':
    case 'or':
      return bindLogical(node, schema);
    case 'not': {
      const inner = bindExpression(node.expr, schema);
      requireType(inner, node, 'boolean', (t) => t.typeId === Type.Bool);
      return mapUnary(describeExpression(node), new Bool(), inner, (v) => !v);
    }
    case 'isNull': {
      const inner = bindExpression(node.expr, schema);
      return {
        name: describeExpression(node),
        type: new Bool(),
        evaluate: (batch, context) => {
          const vector = inner.evaluate(batch, context);
          const out = new Array<boolean>(vector.length);
          for (let i = 0; i < vector.length; i++) out[i] = vector.isValid(i) === node.negate;
          return vectorFromValues(new Bool(), out);
        },
      };
    }
    case 'in': {
      const inner = bindExpression(node.expr, schema);
      const wanted = node.values.map(normalizeLiteral);
      // A decimal compares with each value by Spark's rules (exact with integers, as doubles otherwise).
      const decimalCompares = node.values.map((v) => planDecimalComparison({ type: inner.type }, { type: literalType(v), literal: v }));
      if (decimalCompares.some((c) => c !== null)) {
        return mapUnary(describeExpression(node), new Bool(), inner, (v) => wanted.some((w, k) => w !== null && decimalCompares[k]?.(v, w) === 0));
      }
      return mapUnary(describeExpression(node), new Bool(), inner, (v) => wanted.some((w) => looseEquals(v, w)));
    }
    case 'cast':
      return bindCast(node, schema);
    case 'fn':
      return bindFunction(node, schema);
    case 'toJson': {
      const names = node.columns.flatMap((c) => (c === '*' ? schema.fields.map((f) => f.name) : [c]));
      const paths = names.map((n) => resolveColumn(n, schema));
      const fields = paths.map((p) => p.at(-1)!.field);
      const subset = new Schema(fields.map((f) => new Field(f.name, f.type, true)));
      return {
        name: describeExpression(node),
        type: new Utf8(),
        evaluate: (batch) => {
          const columns = paths.map((path) => {
            let vector: Vector = batch.getChildAt(path[0]!.index)!;
            for (const step of path.slice(1)) vector = vector.getChildAt(step.index)!;
            return vector;
          });
          return utf8Vector(tableToJsonLines(new Table([recordBatchOf(subset, columns, batch.numRows)])));
        },
      };
    }
    case 'udf': {
      return {
        name: node.name,
        type: node.type,
        evaluate: (batch) => {
          // Plain rows, as `map` gets them (decimals as exact text, not Arrow's words).
          const rows = tableToRows(new Table([batch]));
          const out = new Array<unknown>(batch.numRows);
          for (let i = 0; i < batch.numRows; i++) out[i] = node.fn(rows[i]!);
          return vectorFromValues(node.type, out);
        },
      };
    }
  }
}

interface PathStep {
  readonly index: number;
  readonly field: Field;
}

/** `a`, or `a.b.c` into structs; exact name first, then case-insensitively (Spark's default). */
export function resolveColumn(name: string, schema: Schema): PathStep[] {
  const parts = name.split('.');
  let fields: readonly Field[] = schema.fields;
  const path: PathStep[] = [];
  for (const part of parts) {
    let index = fields.findIndex((f) => f.name === part);
    if (index < 0) index = fields.findIndex((f) => f.name.toLowerCase() === part.toLowerCase());
    if (index < 0) {
      const available = fields.map((f) => f.name);
      const suggestion = closestName(part, available);
      throw new SluiceError(
        'UNKNOWN_COLUMN',
        `Column '${name}' does not exist.${suggestion ? ` Did you mean '${suggestion}'?` : ''} Available columns: ${available.join(', ')}.`,
        { details: { column: name, available } },
      );
    }
    path.push({ index, field: fields[index]! });
    fields = DataType.isStruct(fields[index]!.type) ? fields[index]!.type.children : [];
  }
  return path;
}

function literalType(value: unknown): DataType {
  if (value instanceof DecimalLiteral) return decimalArrowType(value.spec);
  if (typeof value === 'bigint') return new Int64();
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1 ? new Int32() : new Float64();
  if (typeof value === 'boolean') return new Bool();
  if (value instanceof Date) return new TimestampMillisecond();
  if (value instanceof Uint8Array) return new Binary();
  return new Utf8();
}

function normalizeLiteral(value: unknown): unknown {
  if (value instanceof DecimalLiteral) return value.unscaled;
  return value instanceof Date ? value.getTime() : value;
}

/** The operand as decimal planning sees it: its type, and its value if it is a literal. */
function operandInfo(bound: BoundExpression, node: ExprNode): OperandInfo {
  return node.op === 'lit' ? { type: bound.type, literal: node.value } : { type: bound.type };
}


function operand(bound: BoundExpression, node: ExprNode, batch: RecordBatch, context: OperatorContext): Operand {
  if (node.op === 'lit') return { scalar: true, value: normalizeLiteral(node.value) };
  return { scalar: false, cells: cellsOf(bound.evaluate(batch, context)) };
}

function bindArithmetic(node: Extract<ExprNode, { op: 'arith' }>, schema: Schema): BoundExpression {
  const left = bindExpression(node.left, schema);
  const right = bindExpression(node.right, schema);
  const decimal = planDecimalArithmetic(node.fn, operandInfo(left, node.left), operandInfo(right, node.right));
  if (decimal) return bindDecimalArithmetic(node, left, right, decimal);
  requireType(left, node, 'numeric', isNumeric);
  requireType(right, node, 'numeric', isNumeric);
  const type: DataType = node.fn === '/' || left.type.typeId === Type.Float || right.type.typeId === Type.Float ? new Float64() : isInt64(left.type) || isInt64(right.type) ? new Int64() : new Int32();
  const asBigInt = type instanceof Int64;
  const apply = arithmetic(node.fn, asBigInt);
  return {
    name: describeExpression(node),
    type,
    evaluate: (batch, context) => {
      const a = operand(left, node.left, batch, context);
      const b = operand(right, node.right, batch, context);
      const n = batch.numRows;
      const out = asBigInt ? new BigInt64Array(n) : type instanceof Float64 ? new Float64Array(n) : new Int32Array(n);
      let valid: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        if (isNullAt(a, i) || isNullAt(b, i)) {
          (valid ??= new Uint8Array(n).fill(1))[i] = 0;
          continue;
        }
        const x = valueAt(a, i);
        const y = valueAt(b, i);
        const result = asBigInt ? apply(BigInt(x as number), BigInt(y as number)) : apply(Number(x), Number(y));
        if (result === null) (valid ??= new Uint8Array(n).fill(1))[i] = 0;
        else (out as unknown as { [i: number]: unknown })[i] = result;
      }
      return buildVector(type, out, valid);
    },
  };
}

/** Decimal arithmetic (or double arithmetic over a decimal and a double), per the plan from core/src/decimal. */
function bindDecimalArithmetic(node: Extract<ExprNode, { op: 'arith' }>, left: BoundExpression, right: BoundExpression, plan: NonNullable<ReturnType<typeof planDecimalArithmetic>>): BoundExpression {
  const type: DataType = plan.kind === 'decimal' ? plan.type : new Float64();
  const double = plan.kind === 'double' ? arithmetic(node.fn, false) : null;
  return {
    name: describeExpression(node),
    type,
    evaluate: (batch, context) => {
      const a = operand(left, node.left, batch, context);
      const b = operand(right, node.right, batch, context);
      const n = batch.numRows;
      const out = plan.kind === 'decimal' ? new Array<bigint | null>(n) : new Float64Array(n);
      let valid: Uint8Array | null = null;
      for (let i = 0; i < n; i++) {
        const result = isNullAt(a, i) || isNullAt(b, i) ? null
          : plan.kind === 'decimal' ? plan.apply(plan.left(valueAt(a, i)), plan.right(valueAt(b, i)))
          : double!(plan.left(valueAt(a, i)), plan.right(valueAt(b, i)));
        if (result === null) (valid ??= new Uint8Array(n).fill(1))[i] = 0;
        else (out as unknown as { [i: number]: unknown })[i] = result;
      }
      return plan.kind === 'decimal' ? decimalVector(plan.type, out as (bigint | null)[], valid) : buildVector(type, out, valid);
    },
  };
}

function arithmetic(fn: '+' | '-' | '*' | '/' | '%', bigint: boolean): (x: number | bigint, y: number | bigint) => number | bigint | null {
  if (bigint) {
    const ops: Record<string, (x: bigint, y: bigint) => bigint | null> = {
      '+': (x, y) => BigInt.asIntN(64, x + y),
      '-': (x, y) => BigInt.asIntN(64, x - y),
      '*': (x, y) => BigInt.asIntN(64, x * y),
      '%': (x, y) => (y === 0n ? null : x % y),
    };
    return ops[fn] as never;
  }
  const ops: Record<string, (x: number, y: number) => number | null> = {
    '+': (x, y) => x + y,
    '-': (x, y) => x - y,
    '*': (x, y) => x * y,
    '/': (x, y) => (y === 0 ? null : x / y),
    '%': (x, y) => (y === 0 ? null : x % y),
  };
  return ops[fn] as never;
}

function bindComparison(node: Extract<ExprNode, { op: 'cmp' }>, schema: Schema): BoundExpression {
  const left = bindExpression(node.left, schema);
  const right = bindExpression(node.right, schema);
  const decimal = planDecimalComparison(operandInfo(left, node.left), operandInfo(right, node.right));
  if (decimal) {
    const holds = ordering(node.fn);
    return booleanPair(node, left, right, (a, b, i) => {
      if (isNullAt(a, i) || isNullAt(b, i)) return null;
      const order = decimal(valueAt(a, i), valueAt(b, i));
      return order === null ? null : holds(order);
    });
  }
  const compare = comparator(node.fn);
  const timestampSide = DataType.isTimestamp(left.type) || DataType.isTimestamp(right.type);
  return booleanPair(node, left, right, (a, b, i) =>
    isNullAt(a, i) || isNullAt(b, i) ? null : compare(comparable(valueAt(a, i), timestampSide), comparable(valueAt(b, i), timestampSide)),
  );
}

/** A boolean column computed from two operands, row by row. */
function booleanPair(
  node: Extract<ExprNode, { left: ExprNode; right: ExprNode }>,
  left: BoundExpression,
  right: BoundExpression,
  cell: (a: Operand, b: Operand, i: number) => boolean | null,
): BoundExpression {
  return {
    name: describeExpression(node),
    type: new Bool(),
    evaluate: (batch, context) => {
      const a = operand(left, node.left, batch, context);
      const b = operand(right, node.right, batch, context);
      const out = new Array<boolean | null>(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) out[i] = cell(a, b, i);
      return vectorFromValues(new Bool(), out);
    },
  };
}

/** Whether an ordering (-1, 0, 1) satisfies the comparison. */
function ordering(fn: '=' | '!=' | '<' | '<=' | '>' | '>='): (order: number) => boolean {
  const table = { '=': (o: number) => o === 0, '!=': (o: number) => o !== 0, '<': (o: number) => o < 0, '<=': (o: number) => o <= 0, '>': (o: number) => o > 0, '>=': (o: number) => o >= 0 };
  return table[fn];
}

/** Timestamps compare as epoch ms, so a column can be compared with an ISO string or a Date. */
function comparable(value: unknown, timestamp: boolean): unknown {
  if (timestamp && typeof value === 'string') return Date.parse(value);
  return value;
}

function comparator(fn: '=' | '!=' | '<' | '<=' | '>' | '>='): (x: unknown, y: unknown) => boolean {
  switch (fn) {
    case '=':
      return looseEquals;
    case '!=':
      return (x, y) => !looseEquals(x, y);
    case '<':
      return (x, y) => (x as number) < (y as number);
    case '<=':
      return (x, y) => (x as number) <= (y as number);
    case '>':
      return (x, y) => (x as number) > (y as number);
    case '>=':
      return (x, y) => (x as number) >= (y as number);
  }
}

/** Equality across number/bigint (1n equals 1), byte-wise for binary. */
function looseEquals(x: unknown, y: unknown): boolean {
  if (typeof x === 'bigint' || typeof y === 'bigint') return typeof x !== 'string' && typeof y !== 'string' && x == y; // eslint-disable-line eqeqeq
  if (x instanceof Uint8Array && y instanceof Uint8Array) return x.length === y.length && x.every((b, i) => b === y[i]);
  return x === y;
}

function bindLogical(node: Extract<ExprNode, { op: 'and' | 'or' }>, schema: Schema): BoundExpression {
  const left = bindExpression(node.left, schema);
  const right = bindExpression(node.right, schema);
  requireType(left, node, 'boolean', (t) => t.typeId === Type.Bool);
  requireType(right, node, 'boolean', (t) => t.typeId === Type.Bool);
  const isAnd = node.op === 'and';
  return booleanPair(node, left, right, (a, b, i) => {
    const x = isNullAt(a, i) ? null : Boolean(valueAt(a, i));
    const y = isNullAt(b, i) ? null : Boolean(valueAt(b, i));
    // SQL three-valued logic: a decisive value wins over null.
    if (isAnd) return x === false || y === false ? false : x === null || y === null ? null : true;
    return x === true || y === true ? true : x === null || y === null ? null : false;
  });
}

function bindCast(node: Extract<ExprNode, { op: 'cast' }>, schema: Schema): BoundExpression {
  const inner = bindExpression(node.expr, schema);
  const from = inner.type;
  const to = node.type;
  const name = describeExpression(node);
  if (from.typeId === Type.Binary && to.typeId === Type.Utf8) return { name, type: to, evaluate: (b, c) => binaryAsUtf8(inner.evaluate(b, c)) };
  const convert = castFunction(from, to);
  if (!convert) {
    throw new SluiceError('TYPE_MISMATCH', `Cannot cast ${describeExpression(node.expr)} from ${sparkTypeName(from)} to ${sparkTypeName(to)}.`);
  }
  return mapUnary(name, to, inner, convert);
}

function bindFunction(node: Extract<ExprNode, { op: 'fn' }>, schema: Schema): BoundExpression {
  const name = describeExpression(node);
  const args = node.args.map((a) => bindExpression(a, schema));
  switch (node.name) {
    case 'current_timestamp':
      return { name: 'current_timestamp()', type: new TimestampMillisecond(), evaluate: (batch, context) => vectorFromValues(new TimestampMillisecond(), new Array(batch.numRows).fill(context.batchTimestampMs)) };
    case 'lower':
    case 'upper': {
      requireType(args[0]!, node, 'string', (t) => t.typeId === Type.Utf8);
      const up = node.name === 'upper';
      return mapUnary(name, new Utf8(), args[0]!, (v) => (up ? String(v).toUpperCase() : String(v).toLowerCase()));
    }
    case 'length':
      return mapUnary(name, new Int32(), args[0]!, (v) => (v instanceof Uint8Array ? v.length : [...String(v)].length));
    case 'concat':
      return combine(name, new Utf8(), node.args, args, (values) => (values.some((v) => v === null) ? null : values.map((v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v))).join('')));
    case 'coalesce': {
      const type = args[0]!.type;
      return combine(name, type, node.args, args, (values) => values.find((v) => v !== null) ?? null);
    }
  }
}

function combine(name: string, type: DataType, nodes: readonly ExprNode[], args: readonly BoundExpression[], fn: (values: unknown[]) => unknown): BoundExpression {
  return {
    name,
    type,
    evaluate: (batch, context) => {
      const operands = args.map((a, k) => operand(a, nodes[k]!, batch, context));
      const out = new Array<unknown>(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) out[i] = fn(operands.map((o) => (isNullAt(o, i) ? null : valueAt(o, i))));
      return vectorFromValues(type, out);
    },
  };
}

function mapUnary(name: string, type: DataType, inner: BoundExpression, fn: (value: unknown) => unknown): BoundExpression {
  return {
    name,
    type,
    evaluate: (batch, context) => {
      const cells: Cells = cellsOf(inner.evaluate(batch, context));
      const out = new Array<unknown>(cells.length);
      for (let i = 0; i < cells.length; i++) out[i] = cells.valid && !cells.valid[i] ? null : fn(cells.values[i]);
      return vectorFromValues(type, out);
    },
  };
}

function requireType(bound: BoundExpression, node: ExprNode, expected: string, check: (type: DataType) => boolean): void {
  if (!check(bound.type)) {
    throw new SluiceError('TYPE_MISMATCH', `${describeExpression(node)} needs ${expected} input, but ${bound.name} is ${sparkTypeName(bound.type)}.`);
  }
}
