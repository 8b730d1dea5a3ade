import { toDataType } from '../arrow/schema.ts';
import { SluiceError } from '../errors.ts';
import { describeExpression } from '../expressions/describe.ts';
import type { ArithmeticOp, ComparisonOp, ExprNode } from '../expressions/node.ts';

export type { ExprNode } from '../expressions/node.ts';
export { describeExpression } from '../expressions/describe.ts';

/** A column expression, or a column name. */
export type ColumnLike = Column | string;

/** Sort direction of a column in `orderBy` (Spark's `asc`, `desc`, `…_nulls_first/last`). */
export interface SortOrder {
  readonly column: Column;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * A column expression, built like PySpark's: `col('value').mod(2).eq(0)`,
 * `col('price').multiply(col('qty')).alias('total')`, or parsed from SQL with `expr('price * qty')`:
 * both build the same tree, checked against the schema when the query is defined and evaluated on
 * whole Arrow columns.
 *
 * @example
 * select(col('name').substr(1, 3).alias('short'), when(col('n').gt(0), 'pos').otherwise('neg').alias('sign'))
 */
export class Column {
  constructor(readonly node: ExprNode) {}

  plus(other: unknown): Column { return this.arith('+', other); }
  minus(other: unknown): Column { return this.arith('-', other); }
  multiply(other: unknown): Column { return this.arith('*', other); }
  /** Spark's `/`: always a double; division by zero gives null. */
  divide(other: unknown): Column { return this.arith('/', other); }
  mod(other: unknown): Column { return this.arith('%', other); }
  /** Unary minus. */
  negate(): Column { return callOf('negative', [this.node], '-'); }

  eq(other: unknown): Column { return this.cmp('=', other); }
  notEqual(other: unknown): Column { return this.cmp('!=', other); }
  neq(other: unknown): Column { return this.cmp('!=', other); }
  gt(other: unknown): Column { return this.cmp('>', other); }
  gte(other: unknown): Column { return this.cmp('>=', other); }
  lt(other: unknown): Column { return this.cmp('<', other); }
  lte(other: unknown): Column { return this.cmp('<=', other); }
  /** Null-safe equality (`<=>`): two nulls are equal, never null itself. */
  eqNullSafe(other: unknown): Column { return this.cmp('<=>', other); }

  /** SQL AND with three-valued logic (null and false is false). */
  and(other: ColumnLike | boolean): Column { return new Column({ op: 'and', left: this.node, right: toNode(other) }); }
  or(other: ColumnLike | boolean): Column { return new Column({ op: 'or', left: this.node, right: toNode(other) }); }
  not(): Column { return new Column({ op: 'not', expr: this.node }); }

  isNull(): Column { return new Column({ op: 'isNull', expr: this.node, negate: false }); }
  isNotNull(): Column { return new Column({ op: 'isNull', expr: this.node, negate: true }); }
  /** True for NaN doubles (Spark's `isnan`). */
  isNaN(): Column { return callOf('isnan', [this.node]); }
  /** `x IN (…)`: values are literals (or Columns). */
  isin(...values: readonly unknown[]): Column { return new Column({ op: 'in', expr: this.node, values: values.map((v) => toNode(v, true)) }); }
  /** `lower <= x AND x <= upper`. */
  between(lower: unknown, upper: unknown): Column { return this.gte(lower).and(this.lte(upper)); }

  /** SQL LIKE: `_` one character, `%` any run; `\` escapes. */
  like(pattern: string): Column { return callOf('like', [this.node, { op: 'lit', value: pattern }], 'LIKE'); }
  /** Case-insensitive LIKE. */
  ilike(pattern: string): Column { return callOf('ilike', [this.node, { op: 'lit', value: pattern }], 'ILIKE'); }
  /** A Java regular expression found anywhere in the string. */
  rlike(pattern: string): Column { return callOf('rlike', [this.node, { op: 'lit', value: pattern }]); }
  contains(other: unknown): Column { return callOf('contains', [this.node, toNode(other, true)]); }
  startsWith(other: unknown): Column { return callOf('startswith', [this.node, toNode(other, true)]); }
  endsWith(other: unknown): Column { return callOf('endswith', [this.node, toNode(other, true)]); }
  /** Characters from `pos` (1-based), `len` of them (Spark's `substr`). */
  substr(pos: number | Column, len?: number | Column): Column {
    return callOf('substring', [this.node, toNode(pos, true), ...(len === undefined ? [] : [toNode(len, true)])]);
  }

  /** A field of a struct column. */
  getField(name: string): Column { return new Column({ op: 'field', expr: this.node, name }); }
  /** An array element (0-based) or a map value by key. */
  getItem(key: unknown): Column { return new Column({ op: 'item', expr: this.node, key: toNode(key, true) }); }

  bitwiseAND(other: unknown): Column { return callOf('bitwise_and', [this.node, toNode(other, true)], '&'); }
  bitwiseOR(other: unknown): Column { return callOf('bitwise_or', [this.node, toNode(other, true)], '|'); }
  bitwiseXOR(other: unknown): Column { return callOf('bitwise_xor', [this.node, toNode(other, true)], '^'); }

  /** Spark's cast: `col('value').cast('string')` (binary → string is zero-copy). */
  cast(typeName: string): Column {
    return new Column({ op: 'cast', expr: this.node, type: toDataType(typeName), typeName: typeName.toLowerCase() });
  }
  /** Like `cast`; Spark's try_cast (the same as cast outside ANSI mode: failures are null). */
  tryCast(typeName: string): Column {
    return new Column({ op: 'cast', expr: this.node, type: toDataType(typeName), typeName: typeName.toLowerCase(), try: true });
  }

  /** Another branch of a `when(...)` chain. */
  when(condition: Column, value: unknown): Column {
    const node = this.node;
    if (node.op !== 'case' || node.otherwise !== undefined || node.operand !== undefined) {
      throw new SluiceError('INVALID_QUERY', `when() can only follow when(...): start the chain with when(condition, value) from @sluice/core.`);
    }
    return new Column({ ...node, branches: [...node.branches, { when: condition.node, then: toNode(value, true) }] });
  }

  /** The value of a `when(...)` chain when no condition holds. */
  otherwise(value: unknown): Column {
    const node = this.node;
    if (node.op !== 'case' || node.otherwise !== undefined) {
      throw new SluiceError('INVALID_QUERY', `otherwise() can only follow when(...), once.`);
    }
    return new Column({ ...node, otherwise: toNode(value, true) });
  }

  alias(name: string): Column { return new Column({ op: 'alias', expr: this.node, name }); }
  as(name: string): Column { return this.alias(name); }
  /** Alias of `alias` (Spark's `name`). */
  name(name: string): Column { return this.alias(name); }

  asc(): SortOrder { return { column: this, descending: false, nullsFirst: true }; }
  desc(): SortOrder { return { column: this, descending: true, nullsFirst: false }; }
  ascNullsLast(): SortOrder { return { column: this, descending: false, nullsFirst: false }; }
  descNullsFirst(): SortOrder { return { column: this, descending: true, nullsFirst: true }; }

  toString(): string {
    return describeExpression(this.node);
  }

  private arith(fn: ArithmeticOp, other: unknown): Column {
    return new Column({ op: 'arith', fn, left: this.node, right: toNode(other, true) });
  }

  private cmp(fn: ComparisonOp, other: unknown): Column {
    return new Column({ op: 'cmp', fn, left: this.node, right: toNode(other, true) });
  }
}

function callOf(name: string, args: readonly ExprNode[], operator?: string): Column {
  return new Column({ op: 'call', name, args, ...(operator ? { operator } : {}) });
}

/**
 * A column of the input by name (`'data.user_id'` reaches into a struct, `` '`a.b`' `` is a name with a dot).
 *
 * @example
 * frame.pipe(filter(col('amount').gt(0)), withColumn('net', col('amount').minus(col('fee'))))
 */
export function col(name: string): Column {
  if (name === '*') return new Column({ op: 'star' });
  if (name.endsWith('.*')) return new Column({ op: 'star', qualifier: name.slice(0, -2) });
  return new Column({ op: 'col', name });
}

/** Alias of `col`. */
export const column = col;

/**
 * A constant: numbers are int (or double when fractional), bigints long, Dates timestamps.
 *
 * @example
 * withColumn('source', lit('web'))
 */
export function lit(value: unknown): Column {
  if (value instanceof Column) return value;
  return new Column({ op: 'lit', value });
}

/**
 * The batch's timestamp, frozen in the offset log: a replayed batch gets the same value (Spark's current_timestamp()).
 *
 * @example
 * withColumn('ingestion_time', currentTimestamp())
 */
export function currentTimestamp(): Column {
  return callOf('current_timestamp', []);
}

/**
 * Spark's `lower(col)`: the string in lower case.
 *
 * @example
 * withColumn('email', lower(col('email')))
 */
export function lower(column: ColumnLike): Column {
  return callOf('lower', [toNode(column)]);
}

/**
 * Spark's `upper(col)`: the string in upper case.
 *
 * @example
 * withColumn('country', upper(col('country')))
 */
export function upper(column: ColumnLike): Column {
  return callOf('upper', [toNode(column)]);
}

/**
 * Characters in a string, bytes in a binary value.
 *
 * @example
 * filter(length(col('comment')).gt(0))
 */
export function length(column: ColumnLike): Column {
  return callOf('length', [toNode(column)]);
}

/**
 * Strings joined; null if any is null (Spark's concat).
 *
 * @example
 * withColumn('full_name', concat(col('first'), lit(' '), col('last')))
 */
export function concat(...columns: readonly ColumnLike[]): Column {
  return callOf('concat', columns.map((c) => toNode(c)));
}

/**
 * The first non-null value.
 *
 * @example
 * withColumn('name', coalesce(col('nickname'), col('name'), lit('anonymous')))
 */
export function coalesce(...columns: readonly (ColumnLike | Column)[]): Column {
  return callOf('coalesce', columns.map((c) => toNode(c)));
}

/**
 * A row function as a column (the slow path, ~1 µs a row): `udf((row) => row.a + row.b, 'double')`.
 * To call a function by name from SQL, use `registerFunction`.
 *
 * @example
 * const slug = udf((title: unknown) => String(title).toLowerCase().replace(/\W+/g, '-'), 'STRING');
 * withColumn('slug', slug(col('title')))
 */
export function udf(fn: (row: Record<string, unknown>) => unknown, typeName: string, name = 'udf'): Column {
  return new Column({ op: 'udf', name, fn, type: toDataType(typeName) });
}

/**
 * The named columns (default `'*'`: all) as one JSON object per row (Spark's
 * `to_json(struct(...))`), e.g. a Kafka value: `select(col('id').cast('string').alias('key'), toJson().alias('value'))`.
 *
 * @example
 * select(col('key'), toJson(col('payload')).alias('value')) // Spark's to_json(struct(*)) for a Kafka sink
 */
export function toJson(...columns: readonly string[]): Column {
  return new Column({ op: 'toJson', columns: columns.length === 0 ? ['*'] : columns });
}

/** Strings name columns; other values are literals (where a literal is expected, strings are literals too). */
export function toNode(value: unknown, stringIsLiteral = false): ExprNode {
  if (value instanceof Column) return value.node;
  if (typeof value === 'string' && !stringIsLiteral) return col(value).node;
  return { op: 'lit', value };
}

/**
 * A function call by name as a column (Spark's `call_function`): a built-in or a function
 * registered with `registerFunction`; strings name columns, other values are literals.
 *
 * @example
 * withColumn('next', callFunction('plus_one', col('amount')))
 */
export function callFunction(name: string, ...args: readonly unknown[]): Column {
  return callOf(name, args.map((a) => toNode(a)));
}
