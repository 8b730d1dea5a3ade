import { Bool, Int32, Int64, Utf8, type DataType } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { SluiceError } from '../../errors.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import { toText } from '../../expressions/cast/castValue.ts';
import { compareValues, valuesEqual } from '../../expressions/ordering.ts';
import { commonType, elementType, isArrayType, isIntegralType, isNullType, STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { requireZone } from '../../time/timeZone.ts';
import { argAs, constantArg } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { arrayOf } from './constructors.ts';

/** Argument `index` must be an array; it and its element type. */
export function arrayArg(call: CallContext, index: number): { arg: BoundExpression; element: DataType } {
  const arg = call.args[index]!;
  if (isNullType(arg.type)) return { arg: argAs(call, index, arrayOf(arg.type)), element: arg.type };
  if (!isArrayType(arg.type)) call.fail(`argument ${index + 1} must be an array, but ${arg.name} is ${sparkTypeName(arg.type)}`, index);
  return { arg, element: elementType(arg.type) };
}

/** An element argument cast to the array's element type (or both to their common type). */
function elementArg(call: CallContext, index: number, element: DataType): BoundExpression {
  const arg = call.args[index]!;
  const type = commonType(element, arg.type);
  if (!type) call.fail(`${arg.name} (${sparkTypeName(arg.type)}) does not match the array's elements (${sparkTypeName(element)})`, index);
  return argAs(call, index, element);
}

const has = (values: readonly unknown[], v: unknown) => values.some((x) => valuesEqual(x, v));

function distinct(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!has(out, v)) out.push(v);
  return out;
}

export const arrayContainsFunction: ScalarFunctionDefinition = {
  name: 'array_contains',
  family: 'collection',
  arity: [2, 2],
  doc: {
    usage: 'array_contains(array, value)',
    description: 'True when the array holds the value; null when it does not but holds a null, or when either argument is null.',
    examples: [{ sql: 'array_contains(array(1, 2, 3), 2)', result: true }, { sql: 'array_contains(array(1, NULL), 2)', result: null }],
  },
  bind: (call) => {
    const { arg, element } = arrayArg(call, 0);
    const value = elementArg(call, 1, element);
    return rowFunction(call.outputName, new Bool(), [arg, value], (a, v) => {
      const arr = a as unknown[];
      if (has(arr, v)) return true;
      return arr.includes(null) ? null : false;
    });
  },
};

function arrayMap(name: string, usage: string, description: string, examples: { sql: string; result: unknown }[], fn: (values: unknown[], call: CallContext) => unknown, resultType?: (element: DataType) => DataType): ScalarFunctionDefinition {
  return {
    name,
    family: 'collection',
    arity: [1, 1],
    doc: { usage, description, examples },
    bind: (call) => {
      const { arg, element } = arrayArg(call, 0);
      return rowFunction(call.outputName, resultType ? resultType(element) : arg.type, [arg], (a) => fn(a as unknown[], call));
    },
  };
}

export const arrayDistinctFunction = arrayMap('array_distinct', 'array_distinct(array)', 'The array without repeated values (first occurrences kept).', [{ sql: 'array_distinct(array(1, 2, 3, NULL, 3))', result: [1, 2, 3, null] }], distinct);
export const arrayMaxFunction = arrayMap('array_max', 'array_max(array)', 'The largest non-null element (NaN is greatest).', [{ sql: 'array_max(array(1, 20, NULL, 3))', result: 20 }], (a) => a.filter((v) => v !== null).reduce<unknown>((m, v) => (m === null || compareValues(v, m) > 0 ? v : m), null), (e) => e);
export const arrayMinFunction = arrayMap('array_min', 'array_min(array)', 'The smallest non-null element.', [{ sql: 'array_min(array(1, 20, NULL, 3))', result: 1 }], (a) => a.filter((v) => v !== null).reduce<unknown>((m, v) => (m === null || compareValues(v, m) < 0 ? v : m), null), (e) => e);

export const sortArrayFunction: ScalarFunctionDefinition = {
  name: 'sort_array',
  family: 'collection',
  arity: [1, 2],
  doc: {
    usage: 'sort_array(array[, ascending])',
    description: 'The array sorted ascending (nulls first) or descending (nulls last).',
    examples: [{ sql: "sort_array(array('b', 'd', NULL, 'c', 'a'), true)", result: [null, 'a', 'b', 'c', 'd'] }, { sql: 'sort_array(array(2, NULL, 1), false)', result: [2, 1, null] }],
  },
  bind: (call) => {
    const { arg } = arrayArg(call, 0);
    const ascending = call.args[1] ? constantArg(call, 1, 'the sort direction') : true;
    if (typeof ascending !== 'boolean') call.fail('the sort direction must be true or false', 1);
    return rowFunction(call.outputName, arg.type, [arg], (a) => [...(a as unknown[])].sort((x, y) => (ascending ? compareValues(x, y) : compareValues(y, x))));
  },
};

export const flattenFunction: ScalarFunctionDefinition = {
  name: 'flatten',
  family: 'collection',
  arity: [1, 1],
  doc: { usage: 'flatten(arrayOfArrays)', description: 'The inner arrays joined into one; null if any inner array is null.', examples: [{ sql: 'flatten(array(array(1, 2), array(3, 4)))', result: [1, 2, 3, 4] }] },
  bind: (call) => {
    const { arg, element } = arrayArg(call, 0);
    if (!isArrayType(element)) call.fail(`needs an array of arrays, but ${arg.name} is ${sparkTypeName(arg.type)}`, 0);
    return rowFunction(call.outputName, element, [arg], (a) => ((a as (unknown[] | null)[]).some((x) => x === null) ? null : (a as unknown[][]).flat()));
  },
};

export const arrayJoinFunction: ScalarFunctionDefinition = {
  name: 'array_join',
  family: 'collection',
  arity: [2, 3],
  doc: {
    usage: 'array_join(array, delimiter[, nullReplacement])',
    description: 'The elements as text joined by `delimiter`; nulls are skipped, or written as `nullReplacement`.',
    examples: [{ sql: "array_join(array('hello', NULL, 'world'), ' ')", result: 'hello world' }, { sql: "array_join(array('hello', NULL, 'world'), ' ', ',')", result: 'hello , world' }],
  },
  bind: (call) => {
    const { arg, element } = arrayArg(call, 0);
    const text = toText(element, requireZone(call.scope.timeZone));
    const args = [arg, argAs(call, 1, STRING()), ...(call.args[2] ? [argAs(call, 2, STRING())] : [])];
    return rowFunction(call.outputName, new Utf8(), args, (a, d, r) =>
      (a as unknown[]).flatMap((v) => (v === null ? (args.length === 3 ? [r as string] : []) : [text(v)])).join(d as string),
    );
  },
};

export const arrayPositionFunction: ScalarFunctionDefinition = {
  name: 'array_position',
  family: 'collection',
  arity: [2, 2],
  doc: { usage: 'array_position(array, value)', description: '1-based position of the first element equal to `value`, 0 when none.', examples: [{ sql: 'array_position(array(3, 2, 1), 1)', result: 3n }] },
  bind: (call) => {
    const { arg, element } = arrayArg(call, 0);
    return rowFunction(call.outputName, new Int64(), [arg, elementArg(call, 1, element)], (a, v) => BigInt((a as unknown[]).findIndex((x) => valuesEqual(x, v)) + 1));
  },
};

export const arrayRemoveFunction: ScalarFunctionDefinition = {
  name: 'array_remove',
  family: 'collection',
  arity: [2, 2],
  doc: { usage: 'array_remove(array, value)', description: 'The array without the elements equal to `value`.', examples: [{ sql: 'array_remove(array(1, 2, 3, NULL, 3), 3)', result: [1, 2, null] }] },
  bind: (call) => {
    const { arg, element } = arrayArg(call, 0);
    return rowFunction(call.outputName, arg.type, [arg, elementArg(call, 1, element)], (a, v) => (a as unknown[]).filter((x) => !valuesEqual(x, v)));
  },
};

export const sliceFunction: ScalarFunctionDefinition = {
  name: 'slice',
  family: 'collection',
  arity: [3, 3],
  doc: { usage: 'slice(array, start, length)', description: '`length` elements from the 1-based `start` (negative counts from the end).', examples: [{ sql: 'slice(array(1, 2, 3, 4), 2, 2)', result: [2, 3] }, { sql: 'slice(array(1, 2, 3, 4), -2, 2)', result: [3, 4] }] },
  bind: (call) => {
    const { arg } = arrayArg(call, 0);
    return rowFunction(call.outputName, arg.type, [arg, argAs(call, 1, new Int32()), argAs(call, 2, new Int32())], (a, s, l) => {
      const arr = a as unknown[];
      const start = s as number;
      const length = l as number;
      if (start === 0) throw new SluiceError('TRANSFORM_FAILED', 'slice: SQL array indices start at 1 (start must not be 0).');
      if (length < 0) throw new SluiceError('TRANSFORM_FAILED', `slice: the length must be at least 0 (got ${length}).`);
      const from = start > 0 ? start - 1 : arr.length + start;
      return from < 0 || from >= arr.length ? [] : arr.slice(from, from + length);
    });
  },
};

function setOperation(name: string, description: string, example: { sql: string; result: unknown }, fn: (a: unknown[], b: unknown[]) => unknown[]): ScalarFunctionDefinition {
  return {
    name,
    family: 'collection',
    arity: [2, 2],
    doc: { usage: `${name}(array1, array2)`, description, examples: [example] },
    bind: (call) => {
      arrayArg(call, 0);
      arrayArg(call, 1);
      const type = commonType(call.args[0]!.type, call.args[1]!.type) ?? call.fail('the arrays have different element types');
      return rowFunction(call.outputName, type, [argAs(call, 0, type), argAs(call, 1, type)], (a, b) => fn(a as unknown[], b as unknown[]));
    },
  };
}

export const arrayUnionFunction = setOperation('array_union', 'The distinct elements of both arrays.', { sql: 'array_union(array(1, 2, 3), array(1, 3, 5))', result: [1, 2, 3, 5] }, (a, b) => distinct([...a, ...b]));
export const arrayIntersectFunction = setOperation('array_intersect', 'The distinct elements in both arrays.', { sql: 'array_intersect(array(1, 2, 3), array(1, 3, 5))', result: [1, 3] }, (a, b) => distinct(a.filter((v) => has(b, v))));
export const arrayExceptFunction = setOperation('array_except', 'The distinct elements of the first array not in the second.', { sql: 'array_except(array(1, 2, 3), array(1, 3, 5))', result: [2] }, (a, b) => distinct(a.filter((v) => !has(b, v))));

export const arraysOverlapFunction: ScalarFunctionDefinition = {
  name: 'arrays_overlap',
  family: 'collection',
  arity: [2, 2],
  doc: { usage: 'arrays_overlap(a1, a2)', description: 'True when the arrays share a non-null element; null when they do not but one holds a null.', examples: [{ sql: 'arrays_overlap(array(1, 2, 3), array(3, 4, 5))', result: true }] },
  bind: (call) => {
    arrayArg(call, 0);
    arrayArg(call, 1);
    const type = commonType(call.args[0]!.type, call.args[1]!.type) ?? call.fail('the arrays have different element types');
    return rowFunction(call.outputName, new Bool(), [argAs(call, 0, type), argAs(call, 1, type)], (a, b) => {
      const x = a as unknown[];
      const y = b as unknown[];
      if (x.some((v) => v !== null && has(y, v))) return true;
      return (x.length > 0 && y.includes(null)) || (y.length > 0 && x.includes(null)) ? null : false;
    });
  },
};

export const arrayRepeatFunction: ScalarFunctionDefinition = {
  name: 'array_repeat',
  family: 'collection',
  arity: [2, 2],
  doc: { usage: 'array_repeat(element, count)', description: 'An array of `element` repeated `count` times.', examples: [{ sql: "array_repeat('123', 2)", result: ['123', '123'] }] },
  bind: (call) => rowFunction(call.outputName, arrayOf(call.args[0]!.type), [call.args[0]!, argAs(call, 1, new Int32())], (e, n) => (n === null ? null : new Array(Math.max(0, n as number)).fill(e)), { nullSafe: true }),
};

export const sequenceFunction: ScalarFunctionDefinition = {
  name: 'sequence',
  family: 'collection',
  arity: [2, 3],
  doc: { usage: 'sequence(start, stop[, step])', description: 'Integers from `start` to `stop` inclusive by `step` (default 1 or −1).', examples: [{ sql: 'sequence(1, 5)', result: [1, 2, 3, 4, 5] }, { sql: 'sequence(5, 1)', result: [5, 4, 3, 2, 1] }] },
  bind: (call) => {
    if (!call.args.every((a) => isIntegralType(a.type))) call.fail('supports integer arguments (datetime sequences are not supported yet)');
    const type = call.args.map((a) => a.type).reduce((a, b) => commonType(a, b) ?? a);
    const args = call.args.map((_, i) => argAs(call, i, type));
    return rowFunction(call.outputName, arrayOf(type), args, (s, e, st) => {
      const start = BigInt(s as number | bigint);
      const stop = BigInt(e as number | bigint);
      const step = st === undefined || args.length === 2 ? (start <= stop ? 1n : -1n) : BigInt(st as number | bigint);
      if (step === 0n || (step > 0n && start > stop) || (step < 0n && start < stop)) {
        if (start === stop) return [typeof s === 'bigint' ? start : Number(start)];
        throw new SluiceError('TRANSFORM_FAILED', `sequence: illegal sequence boundaries ${start} to ${stop} by ${step}.`);
      }
      const out: unknown[] = [];
      for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) {
        out.push(typeof s === 'bigint' ? v : Number(v));
        if (out.length > 1_000_000) throw new SluiceError('TRANSFORM_FAILED', 'sequence: more than 1,000,000 elements.');
      }
      return out;
    });
  },
};

/**
 * Spark's `array_contains(array, value)`: True when the array holds the value; null when it does not but holds a null, or when either argument is null.
 *
 * @example
 * withColumn('arrayContains', arrayContains(col('values'), 2))
 * // in SQL: array_contains(array(1, 2, 3), 2) → true
 */
export function arrayContains(column: ColumnLike, value: unknown): Column {
  return callColumn('array_contains', colArg(column), litArg(value));
}
/**
 * Spark's `array_distinct(array)`: The array without repeated values (first occurrences kept).
 *
 * @example
 * withColumn('arrayDistinct', arrayDistinct(col('values')))
 * // in SQL: array_distinct(array(1, 2, 3, NULL, 3)) → [1, 2, 3, NULL]
 */
export function arrayDistinct(column: ColumnLike): Column {
  return callColumn('array_distinct', colArg(column));
}
/**
 * Spark's `sort_array(array[, ascending])`: The array sorted ascending (nulls first) or descending (nulls last).
 *
 * @example
 * withColumn('sortArray', sortArray(col('values')))
 * // in SQL: sort_array(array('b', 'd', NULL, 'c', 'a'), true) → [NULL, 'a', 'b', 'c', 'd']
 */
export function sortArray(column: ColumnLike, ascending = true): Column {
  return callColumn('sort_array', colArg(column), litArg(ascending));
}
/**
 * Spark's `flatten(arrayOfArrays)`: The inner arrays joined into one; null if any inner array is null.
 *
 * @example
 * withColumn('flatten', flatten(col('values')))
 * // in SQL: flatten(array(array(1, 2), array(3, 4))) → [1, 2, 3, 4]
 */
export function flatten(column: ColumnLike): Column {
  return callColumn('flatten', colArg(column));
}
/**
 * Spark's `array_join(array, delimiter[, nullReplacement])`: The elements as text joined by `delimiter`; nulls are skipped, or written as `nullReplacement`.
 *
 * @example
 * withColumn('arrayJoin', arrayJoin(col('values'), ' '))
 * // in SQL: array_join(array('hello', NULL, 'world'), ' ') → 'hello world'
 */
export function arrayJoin(column: ColumnLike, delimiter: string, nullReplacement?: string): Column {
  return callColumn('array_join', colArg(column), litArg(delimiter), ...(nullReplacement === undefined ? [] : [litArg(nullReplacement)]));
}
/**
 * Spark's `array_position(array, value)`: 1-based position of the first element equal to `value`, 0 when none.
 *
 * @example
 * withColumn('arrayPosition', arrayPosition(col('values'), 1))
 * // in SQL: array_position(array(3, 2, 1), 1) → 3
 */
export function arrayPosition(column: ColumnLike, value: unknown): Column {
  return callColumn('array_position', colArg(column), litArg(value));
}
/**
 * Spark's `array_remove(array, value)`: The array without the elements equal to `value`.
 *
 * @example
 * withColumn('arrayRemove', arrayRemove(col('values'), 3))
 * // in SQL: array_remove(array(1, 2, 3, NULL, 3), 3) → [1, 2, NULL]
 */
export function arrayRemove(column: ColumnLike, value: unknown): Column {
  return callColumn('array_remove', colArg(column), litArg(value));
}
/**
 * Spark's `slice(array, start, length)`: `length` elements from the 1-based `start` (negative counts from the end).
 *
 * @example
 * withColumn('slice', slice(col('values'), 2, 2))
 * // in SQL: slice(array(1, 2, 3, 4), 2, 2) → [2, 3]
 */
export function slice(column: ColumnLike, start: number, length: number): Column {
  return callColumn('slice', colArg(column), litArg(start), litArg(length));
}
