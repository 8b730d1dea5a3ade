import type { DataType } from 'apache-arrow';
import { toDataType } from '../arrow/schema.ts';

/** The expression tree behind a Column; evaluated column-at-a-time by `bindExpression`. */
export type ExprNode =
  | { readonly op: 'col'; readonly name: string }
  | { readonly op: 'lit'; readonly value: unknown }
  | { readonly op: 'arith'; readonly fn: '+' | '-' | '*' | '/' | '%'; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'cmp'; readonly fn: '=' | '!=' | '<' | '<=' | '>' | '>='; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'and' | 'or'; readonly left: ExprNode; readonly right: ExprNode }
  | { readonly op: 'not'; readonly expr: ExprNode }
  | { readonly op: 'isNull'; readonly expr: ExprNode; readonly negate: boolean }
  | { readonly op: 'in'; readonly expr: ExprNode; readonly values: readonly unknown[] }
  | { readonly op: 'cast'; readonly expr: ExprNode; readonly type: DataType; readonly typeName: string }
  | { readonly op: 'alias'; readonly expr: ExprNode; readonly name: string }
  | { readonly op: 'fn'; readonly name: 'current_timestamp' | 'lower' | 'upper' | 'length' | 'concat' | 'coalesce'; readonly args: readonly ExprNode[] }
  | { readonly op: 'udf'; readonly name: string; readonly fn: (row: Record<string, unknown>) => unknown; readonly type: DataType }
  | { readonly op: 'toJson'; readonly columns: readonly string[] };

/** A column expression, or a column name. */
export type ColumnLike = Column | string;

/**
 * A column expression, built like PySpark's: `col('value').mod(2).eq(0)`,
 * `col('price').multiply(col('qty')).alias('total')`. Evaluated on whole Arrow columns.
 *
 * @example
 * const big = col('amount').gt(100).and(col('currency').eq('EUR')); // a Column: filter(big), withColumn('big', big)
 */
export class Column {
  constructor(readonly node: ExprNode) {}

  plus(other: unknown): Column { return this.arith('+', other); }
  minus(other: unknown): Column { return this.arith('-', other); }
  multiply(other: unknown): Column { return this.arith('*', other); }
  /** Spark's `/`: always a double; division by zero gives null. */
  divide(other: unknown): Column { return this.arith('/', other); }
  mod(other: unknown): Column { return this.arith('%', other); }

  eq(other: unknown): Column { return this.cmp('=', other); }
  notEqual(other: unknown): Column { return this.cmp('!=', other); }
  neq(other: unknown): Column { return this.cmp('!=', other); }
  gt(other: unknown): Column { return this.cmp('>', other); }
  gte(other: unknown): Column { return this.cmp('>=', other); }
  lt(other: unknown): Column { return this.cmp('<', other); }
  lte(other: unknown): Column { return this.cmp('<=', other); }

  /** SQL AND with three-valued logic (null and false is false). */
  and(other: ColumnLike | boolean): Column { return new Column({ op: 'and', left: this.node, right: toNode(other) }); }
  or(other: ColumnLike | boolean): Column { return new Column({ op: 'or', left: this.node, right: toNode(other) }); }
  not(): Column { return new Column({ op: 'not', expr: this.node }); }

  isNull(): Column { return new Column({ op: 'isNull', expr: this.node, negate: false }); }
  isNotNull(): Column { return new Column({ op: 'isNull', expr: this.node, negate: true }); }
  isin(...values: readonly unknown[]): Column { return new Column({ op: 'in', expr: this.node, values }); }

  /** Spark's cast: `col('value').cast('string')` (binary → string is zero-copy). */
  cast(typeName: string): Column {
    return new Column({ op: 'cast', expr: this.node, type: toDataType(typeName), typeName: typeName.toLowerCase() });
  }

  alias(name: string): Column { return new Column({ op: 'alias', expr: this.node, name }); }
  as(name: string): Column { return this.alias(name); }

  toString(): string {
    return describeExpression(this.node);
  }

  private arith(fn: '+' | '-' | '*' | '/' | '%', other: unknown): Column {
    return new Column({ op: 'arith', fn, left: this.node, right: toNode(other, true) });
  }

  private cmp(fn: '=' | '!=' | '<' | '<=' | '>' | '>=', other: unknown): Column {
    return new Column({ op: 'cmp', fn, left: this.node, right: toNode(other, true) });
  }
}

/**
 * A column of the input by name (`'data.user_id'` reaches into a struct).
 *
 * @example
 * frame.pipe(filter(col('amount').gt(0)), withColumn('net', col('amount').minus(col('fee'))))
 */
export function col(name: string): Column {
  return new Column({ op: 'col', name });
}

/**
 * A constant: numbers are int (or double when fractional), bigints long, Dates timestamps.
 *
 * @example
 * withColumn('source', lit('web'))
 */
export function lit(value: unknown): Column {
  return new Column({ op: 'lit', value });
}

/**
 * The batch's timestamp, frozen in the offset log: a replayed batch gets the same value (Spark's current_timestamp()).
 *
 * @example
 * withColumn('ingestion_time', currentTimestamp())
 */
export function currentTimestamp(): Column {
  return new Column({ op: 'fn', name: 'current_timestamp', args: [] });
}

/**
 * Spark's `lower(col)`: the string in lower case.
 *
 * @example
 * withColumn('email', lower(col('email')))
 */
export function lower(column: ColumnLike): Column {
  return new Column({ op: 'fn', name: 'lower', args: [toNode(column)] });
}

/**
 * Spark's `upper(col)`: the string in upper case.
 *
 * @example
 * withColumn('country', upper(col('country')))
 */
export function upper(column: ColumnLike): Column {
  return new Column({ op: 'fn', name: 'upper', args: [toNode(column)] });
}

/**
 * Characters in a string, bytes in a binary value.
 *
 * @example
 * filter(length(col('comment')).gt(0))
 */
export function length(column: ColumnLike): Column {
  return new Column({ op: 'fn', name: 'length', args: [toNode(column)] });
}

/**
 * Strings joined; null if any is null (Spark's concat).
 *
 * @example
 * withColumn('full_name', concat(col('first'), lit(' '), col('last')))
 */
export function concat(...columns: readonly ColumnLike[]): Column {
  return new Column({ op: 'fn', name: 'concat', args: columns.map((c) => toNode(c)) });
}

/**
 * The first non-null value.
 *
 * @example
 * withColumn('name', coalesce(col('nickname'), col('name'), lit('anonymous')))
 */
export function coalesce(...columns: readonly (ColumnLike | Column)[]): Column {
  return new Column({ op: 'fn', name: 'coalesce', args: columns.map((c) => toNode(c)) });
}

/**
 * A row function as a column (the slow path, ~1 µs a row): `udf((row) => row.a + row.b, 'double')`.
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
  if (typeof value === 'string' && !stringIsLiteral) return { op: 'col', name: value };
  return { op: 'lit', value };
}

export function describeExpression(node: ExprNode): string {
  switch (node.op) {
    case 'col':
      return node.name;
    case 'lit':
      return typeof node.value === 'string' ? `'${node.value}'` : node.value instanceof Date ? `TIMESTAMP '${node.value.toISOString()}'` : String(node.value);
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
      return `(${describeExpression(node.expr)} IN (${node.values.map((v) => describeExpression({ op: 'lit', value: v })).join(', ')}))`;
    case 'cast':
      return `CAST(${describeExpression(node.expr)} AS ${node.typeName.toUpperCase()})`;
    case 'alias':
      return `${describeExpression(node.expr)} AS ${node.name}`;
    case 'fn':
      return `${node.name}(${node.args.map(describeExpression).join(', ')})`;
    case 'udf':
      return `${node.name}(row)`;
    case 'toJson':
      return `to_json(struct(${node.columns.join(', ')}))`;
  }
}
