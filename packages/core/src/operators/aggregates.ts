import { Bool, DataType, Field, Float64, Int64, Type } from 'apache-arrow';
import { SluiceError } from '../errors.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { col, Column, type ColumnLike } from './column.ts';
import { isIntegral, isNumeric } from './typeChecks.ts';
import { collectingAggregateKind } from './aggregation/collectingAggregates.ts';
import { approxCountDistinctKind, percentileApproxKind } from './aggregation/approxAggregates.ts';
import { decimalAvgResult, decimalSumAdd, decimalSumMerge, decimalSumResult, type DecimalSumState } from '../decimal/decimalAggregates.ts';
import { DECIMAL_EVALUATION } from '../decimal/decimalExpressions.ts';
import { avgResultType, decimalArrowType, decimalSpecOf, sumResultType } from '../decimal/decimalType.ts';

/** The aggregate functions `groupBy().agg()` computes. */
export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'min_by' | 'max_by' | 'first' | 'last' | 'collect_list' | 'collect_set' | 'approx_count_distinct' | 'percentile_approx' | 'count_distinct';

/**
 * An aggregate in `groupBy(...).agg(...)`: `count()`, `sum('amount').alias('total')`.
 *
 * @example
 * groupBy('user').agg(count().alias('clicks'), sum('amount').alias('spent')) // each is an Aggregate
 */
export class Aggregate {
  constructor(
    readonly fn: AggregateFunction,
    /** null for count(*). */
    readonly input: Column | null,
    readonly name: string | undefined = undefined,
    /** The function's constant arguments (`percentile_approx`'s percentages, `first`'s ignoreNulls …). */
    readonly options: AggregateOptions = {},
  ) {}

  alias(name: string): Aggregate {
    return new Aggregate(this.fn, this.input, name, this.options);
  }

  as(name: string): Aggregate {
    return this.alias(name);
  }
}

/** Constant arguments of an aggregate function. */
export interface AggregateOptions {
  /** `first`/`last`: skip nulls (Spark's `ignoreNulls`, default false). */
  readonly ignoreNulls?: boolean;
  /** `approx_count_distinct`: the maximum relative standard deviation (Spark's default 0.05). */
  readonly rsd?: number;
  /** `percentile_approx`: one percentage (a scalar result) or several (an array result), each in [0, 1]. */
  readonly percentage?: number | readonly number[];
  /** `percentile_approx`: the accuracy (Spark's default 10000); relative error 1/accuracy. */
  readonly accuracy?: number;
}

/**
 * Rows in the group (`count()`), or non-null values of a column (`count('x')`).
 *
 * @example
 * groupBy('user').agg(count().alias('events'))
 */
export function count(column?: ColumnLike): Aggregate {
  return new Aggregate('count', column === undefined || column === '*' ? null : toColumn(column));
}
/**
 * Spark's `sum(col)`: the sum of the group's non-null values (null when there are none).
 *
 * @example
 * groupBy('user').agg(sum('amount').alias('spent'))
 */
export function sum(column: ColumnLike): Aggregate {
  return new Aggregate('sum', toColumn(column));
}
/**
 * Spark's `avg(col)`: the mean of the group's non-null values, as a double.
 *
 * @example
 * groupBy(window('ts', '1 minute')).agg(avg('latency').alias('mean_latency'))
 */
export function avg(column: ColumnLike): Aggregate {
  return new Aggregate('avg', toColumn(column));
}
/**
 * Spark's `min(col)`: the smallest non-null value of the group.
 *
 * @example
 * groupBy('sensor').agg(min('reading').alias('lowest'))
 */
export function min(column: ColumnLike): Aggregate {
  return new Aggregate('min', toColumn(column));
}
/**
 * Spark's `max(col)`: the largest non-null value of the group.
 *
 * @example
 * groupBy('sensor').agg(max('reading').alias('highest'))
 */
export function max(column: ColumnLike): Aggregate {
  return new Aggregate('max', toColumn(column));
}

/**
 * Spark's `min_by(col, ord)`: the value of `col` on the group's row with the smallest `ord`
 * (rows whose `ord` is null do not count).
 *
 * @example
 * groupBy('user').agg(minBy('page', 'ts').alias('landing'))
 */
export function minBy(column: ColumnLike, ordering: ColumnLike): Aggregate {
  return new Aggregate('min_by', valueAndOrdering(column, ordering));
}
/**
 * Spark's `max_by(col, ord)`: the value of `col` on the group's row with the largest `ord`.
 *
 * @example
 * groupBy('user').agg(maxBy('page', 'ts').alias('exit'))
 */
export function maxBy(column: ColumnLike, ordering: ColumnLike): Aggregate {
  return new Aggregate('max_by', valueAndOrdering(column, ordering));
}

/** The two inputs of min_by / max_by as one struct column (aggregates read one input). */
function valueAndOrdering(column: ColumnLike, ordering: ColumnLike): Column {
  const node = (c: ColumnLike) => toColumn(c).node;
  return new Column({ op: 'call', name: 'named_struct', args: [{ op: 'lit', value: 'value' }, node(column), { op: 'lit', value: 'ordering' }, node(ordering)] });
}

/**
 * Spark's `first(col, ignoreNulls)`: the group's first value in arrival order (with
 * `ignoreNulls`, its first non-null one).
 *
 * @example
 * groupBy('user').agg(first('page').alias('landing'))
 */
export function first(column: ColumnLike, ignoreNulls = false): Aggregate {
  return new Aggregate('first', toColumn(column), undefined, { ignoreNulls });
}
/**
 * Spark's `last(col, ignoreNulls)`: the group's last value in arrival order.
 *
 * @example
 * groupBy('user').agg(last('page', true).alias('exit'))
 */
export function last(column: ColumnLike, ignoreNulls = false): Aggregate {
  return new Aggregate('last', toColumn(column), undefined, { ignoreNulls });
}
/**
 * Spark's `collect_list(col)`: the group's non-null values as an array, in arrival order.
 *
 * @example
 * groupBy('session').agg(collectList('page').alias('path'))
 */
export function collectList(column: ColumnLike): Aggregate {
  return new Aggregate('collect_list', toColumn(column));
}
/**
 * Spark's `collect_set(col)`: the group's distinct non-null values as an array.
 *
 * @example
 * groupBy('user').agg(collectSet('country').alias('countries'))
 */
export function collectSet(column: ColumnLike): Aggregate {
  return new Aggregate('collect_set', toColumn(column));
}
/**
 * Spark's `approx_count_distinct(col, rsd)`: the distinct count estimated with HyperLogLog++
 * (relative standard deviation `rsd`, default 0.05), in a few hundred bytes of state per group.
 *
 * @example
 * groupBy(window('ts', '1 hour')).agg(approxCountDistinct('user').alias('users'))
 */
export function approxCountDistinct(column: ColumnLike, rsd = 0.05): Aggregate {
  return new Aggregate('approx_count_distinct', toColumn(column), undefined, { rsd });
}
/**
 * Spark's `percentile_approx(col, percentage, accuracy)`: the smallest value such that at least
 * `percentage` of the group's values are at or below it, within 1/accuracy relative rank error
 * (exact while the group holds no more than `accuracy` values). An array of percentages gives an array.
 *
 * @example
 * groupBy('endpoint').agg(percentileApprox('latency', [0.5, 0.99]).alias('p50_p99'))
 */
export function percentileApprox(column: ColumnLike, percentage: number | readonly number[], accuracy = 10000): Aggregate {
  return new Aggregate('percentile_approx', toColumn(column), undefined, { percentage, accuracy });
}
/**
 * Spark's `count_distinct`: refused on streams as Spark refuses distinct aggregations there (use
 * `approxCountDistinct`, or `dropDuplicates` then `count`). Building the query fails with INVALID_QUERY.
 *
 * @example
 * groupBy('page').agg(countDistinct('user')) // throws INVALID_QUERY when the query is defined
 */
export function countDistinct(column: ColumnLike): Aggregate {
  return new Aggregate('count_distinct', toColumn(column));
}

function toColumn(column: ColumnLike): Column {
  return typeof column === 'string' ? col(column) : column;
}

/** An accumulator, merged row by row. */
export type Accumulator = number | bigint | string | boolean | Uint8Array | null | [number, number] | DecimalSumState | object;

/**
 * How an aggregate folds values, and how its accumulator is kept in state: `stateFields` are
 * its columns in the state's value row (their names are the function's, so a changed function
 * is caught at restart as a state schema change), `toState`/`fromState` convert.
 */
export interface AggregateKind {
  readonly resultType: DataType;
  readonly stateFields: readonly Field[];
  init(): Accumulator;
  add(acc: Accumulator, value: unknown): Accumulator;
  /**
   * Two accumulators of the same group as one, `a` holding the earlier rows: what a session
   * window does when a row bridges two sessions (Spark's `merge` of aggregation buffers).
   */
  merge(a: Accumulator, b: Accumulator): Accumulator;
  result(acc: Accumulator): unknown;
  /** The accumulator as values of `stateFields`, appended to `out`. */
  toState(acc: Accumulator, out: unknown[]): void;
  /** The accumulator from the state row, its fields starting at `at`. */
  fromState(row: readonly unknown[], at: number): Accumulator;
}

/** A one-column accumulator kept as is (the codec turns 64-bit integers into bigints). */
const single = (field: Field, decode: (v: unknown) => Accumulator = (v) => v as Accumulator) => ({
  stateFields: [field],
  toState: (acc: Accumulator, out: unknown[]) => void out.push(acc),
  fromState: (row: readonly unknown[], at: number) => decode(row[at] ?? null),
});


/**
 * How an aggregate folds values of `inputType` (Spark's result types: count/sum of ints → long,
 * avg → double; sum of DECIMAL(p,s) → DECIMAL(p+10,s), avg → DECIMAL(p+4,s+4); min/max keep the type).
 */
export function aggregateKind(fn: AggregateFunction, inputType: DataType | null, label: string, options: AggregateOptions = {}): AggregateKind {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw new SluiceError('TYPE_MISMATCH', `${label} needs ${what} input, but it is ${inputType ? sparkTypeName(inputType) : 'missing'}.`);
  };
  const decimal = inputType === null ? null : decimalSpecOf(inputType);
  if (decimal !== null && (fn === 'sum' || fn === 'avg')) {
    // DECIMAL(p+10, s) sums and DECIMAL(p+4, s+4) averages, exact, with Spark's overflow rule.
    const ansi = DECIMAL_EVALUATION.ansi;
    return {
      resultType: decimalArrowType(fn === 'sum' ? sumResultType(decimal) : avgResultType(decimal)),
      init: () => null,
      add: (acc, v) => (v === null ? acc : decimalSumAdd(acc as DecimalSumState | null, v as bigint, decimal)),
      merge: (a, b) => decimalSumMerge(a as DecimalSumState | null, b as DecimalSumState | null, decimal),
      result: (acc) => (fn === 'sum' ? decimalSumResult : decimalAvgResult)(acc as DecimalSumState | null, decimal, ansi),
      // The exact running sum (within its DECIMAL(p+10,s); 0 once it overflowed), the count and the overflow flag.
      stateFields: [new Field(`${fn}.sum`, decimalArrowType(sumResultType(decimal)), true), new Field(`${fn}.count`, new Int64(), false), new Field(`${fn}.overflow`, new Bool(), false)],
      toState: (acc, out) => {
        const state = acc as DecimalSumState | null;
        out.push(state?.sum ?? null, state?.count ?? 0, state?.overflow ?? false);
      },
      fromState: (row, at) => (row[at] === null || row[at] === undefined ? null : { sum: row[at] as bigint, count: Number(row[at + 1]), overflow: row[at + 2] === true }),
    };
  }
  switch (fn) {
    case 'count':
      return { resultType: new Int64(), init: () => 0, add: (acc, v) => (inputType === null || v !== null ? (acc as number) + 1 : acc), merge: (a, b) => (a as number) + (b as number), result: (acc) => BigInt(acc as number), ...single(new Field('count', new Int64(), false), Number) };
    case 'sum': {
      need(inputType !== null && isNumeric(inputType), 'numeric');
      const integral = isIntegral(inputType!);
      return {
        resultType: integral ? new Int64() : new Float64(),
        init: () => null,
        add: (acc, v) => (v === null ? acc : integral ? BigInt.asIntN(64, ((acc as bigint | null) ?? 0n) + BigInt(v as number | bigint)) : ((acc as number | null) ?? 0) + Number(v)),
        merge: (a, b) => (a === null ? b : b === null ? a : integral ? BigInt.asIntN(64, (a as bigint) + (b as bigint)) : (a as number) + (b as number)),
        result: (acc) => acc,
        ...single(new Field('sum', integral ? new Int64() : new Float64(), true)),
      };
    }
    case 'avg':
      need(inputType !== null && isNumeric(inputType), 'numeric');
      return {
        resultType: new Float64(),
        init: () => [0, 0],
        add: (acc, v) => (v === null ? acc : [(acc as [number, number])[0] + Number(v), (acc as [number, number])[1] + 1]),
        merge: (a, b) => [(a as [number, number])[0] + (b as [number, number])[0], (a as [number, number])[1] + (b as [number, number])[1]],
        result: (acc) => ((acc as [number, number])[1] === 0 ? null : (acc as [number, number])[0] / (acc as [number, number])[1]),
        stateFields: [new Field('avg.sum', new Float64(), false), new Field('avg.count', new Int64(), false)],
        toState: (acc, out) => void out.push((acc as [number, number])[0], (acc as [number, number])[1]),
        fromState: (row, at) => [Number(row[at]), Number(row[at + 1])],
      };
    case 'first':
    case 'last':
    case 'collect_list':
    case 'collect_set':
      need(inputType !== null, 'a');
      return collectingAggregateKind(fn, inputType!, options);
    case 'approx_count_distinct':
      need(inputType !== null, 'a');
      return approxCountDistinctKind(inputType!, options.rsd ?? 0.05, label);
    case 'percentile_approx':
      need(inputType !== null && isNumeric(inputType), 'numeric');
      return percentileApproxKind(inputType!, options, label);
    case 'count_distinct':
      throw new SluiceError(
        'INVALID_QUERY',
        `${label}: Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using approx_count_distinct() instead, or dropDuplicates(...) before count().`,
      );
    case 'min_by':
    case 'max_by':
      need(inputType !== null && DataType.isStruct(inputType) && inputType.children.length === 2, 'a (value, ordering)');
      return extremeByKind(fn, inputType!.children[0]!.type, inputType!.children[1]!.type);
    case 'min':
    case 'max': {
      need(inputType !== null, 'a');
      const better = fn === 'min' ? (a: unknown, b: unknown) => (a as number) < (b as number) : (a: unknown, b: unknown) => (a as number) > (b as number);
      return { resultType: inputType!, init: () => null, add: (acc, v) => (v === null ? acc : acc === null || better(v, acc) ? (v as Accumulator) : acc), merge: (a, b) => (b === null ? a : a === null || better(b, a) ? b : a), result: (acc) => acc, ...single(new Field(fn, inputType!, true)) };
    }
  }
}

/** min_by / max_by: the value beside the smallest (largest) non-null ordering, kept with that ordering. */
function extremeByKind(fn: 'min_by' | 'max_by', valueType: DataType, orderingType: DataType): AggregateKind {
  type Best = { readonly value: unknown; readonly ordering: unknown } | null;
  const better = fn === 'min_by' ? (a: unknown, b: unknown) => (a as number) < (b as number) : (a: unknown, b: unknown) => (a as number) > (b as number);
  const pick = (acc: Best, next: Best): Best => (next === null || next.ordering === null ? acc : acc === null || better(next.ordering, acc.ordering) ? next : acc);
  return {
    resultType: valueType,
    init: () => null,
    add: (acc, v) => pick(acc as Best, v === null ? null : { value: (v as { value: unknown }).value ?? null, ordering: (v as { ordering: unknown }).ordering ?? null }),
    merge: (a, b) => pick(a as Best, b as Best),
    result: (acc) => (acc as Best)?.value ?? null,
    stateFields: [new Field(`${fn}.value`, valueType, true), new Field(`${fn}.ordering`, orderingType, true)],
    toState: (acc, out) => void out.push((acc as Best)?.value ?? null, (acc as Best)?.ordering ?? null),
    fromState: (row, at) => (row[at + 1] === null || row[at + 1] === undefined ? null : { value: row[at] ?? null, ordering: row[at + 1] }),
  };
}
