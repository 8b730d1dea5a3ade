import { describe, expect, it } from 'vitest';
import { col } from '../../operators/column.ts';
import { evaluateRows, evaluateValue } from '../../testing/evaluateExpression.ts';
import { arrayAggregate, arrayFilter, arrayTransform, exists, zipWith } from './higherOrder.ts';

/** Spark's answers, restated from CollectionExpressionsSuite, HigherOrderFunctionsSuite and the function docs. */
const v = (sql: string) => evaluateValue(sql);
const type = (sql: string) => evaluateValue(`typeof(${sql})`);
const arrays = [{ a: [1, 2, 3] }, { a: [] }, { a: null }, { a: [3, null, 1] }];
const onArrays = (sql: string) => evaluateRows(sql, arrays, 'a ARRAY<INT>');

describe('constructors', () => {
  it('array, struct, named_struct, map and their types', () => {
    expect(v('array(1, 2, 3)')).toEqual([1, 2, 3]);
    expect(type('array(1, 2L)')).toBe('array<bigint>');
    expect(type("array(1, 'a')")).toBe('array<string>');
    expect(v('array()')).toEqual([]);
    expect(v('struct(1 AS a, 2)')).toEqual({ a: 1, col2: 2 });
    expect(evaluateRows('struct(x, y * 2 AS z)', [{ x: 1, y: 2 }], 'x INT, y INT')).toEqual([{ x: 1, z: 4 }]);
    expect(v("named_struct('a', 1, 'b', 'x')")).toEqual({ a: 1, b: 'x' });
    expect(v("map(1, 'a', 2, 'b')")).toEqual(new Map([[1, 'a'], [2, 'b']]));
    expect(type("map(1, 'a')")).toBe('map<int,string>');
    expect(() => v("map(1, 'a', 1, 'b')")).toThrow(/Duplicate map key 1/);
    expect(() => v("map(NULL, 'a')")).toThrow(/null as a map key/);
    expect(v("map_from_arrays(array(1, 2), array('a', 'b'))")).toEqual(new Map([[1, 'a'], [2, 'b']]));
    expect(() => v("map_from_arrays(array(1), array('a', 'b'))")).toThrow(/same length/);
    expect(v("map_keys(map(1, 'a', 2, 'b'))")).toEqual([1, 2]);
    expect(v("map_values(map(1, 'a', 2, 'b'))")).toEqual(['a', 'b']);
    expect(v("map_entries(map(1, 'a'))")).toEqual([{ key: 1, value: 'a' }]);
  });
});

describe('array and map access', () => {
  it('size is -1 for null (legacy sizeOfNull, the non-ANSI default)', () => {
    expect(onArrays('size(a)')).toEqual([3, 0, -1, 3]);
    expect(v("size(map('a', 1, 'b', 2))")).toBe(2);
    expect(v('cardinality(array(1))')).toBe(1);
  });

  it('subscripts are 0-based, element_at 1-based; out of range is null', () => {
    expect(onArrays('a[0]')).toEqual([1, null, null, 3]);
    expect(onArrays('a[2]')).toEqual([3, null, null, 1]);
    expect(onArrays('a[-1]')).toEqual([null, null, null, null]);
    expect(onArrays('element_at(a, 1)')).toEqual([1, null, null, 3]);
    expect(onArrays('element_at(a, -1)')).toEqual([3, null, null, 1]);
    expect(onArrays('element_at(a, 4)')).toEqual([null, null, null, null]);
    expect(() => onArrays('element_at(a, 0)')).toThrow(/indices start at 1/);
    expect(v("map('a', 1, 'b', 2)['b']")).toBe(2);
    expect(v("map('a', 1)['z']")).toBe(null);
    expect(v("element_at(map('a', 1), 'a')")).toBe(1);
    expect(v("named_struct('a', 1, 'b', 2).b")).toBe(2);
    expect(v("named_struct('a', 1, 'b', 2)['a']")).toBe(1);
    expect(evaluateRows('a[i]', [{ a: [10, 20], i: 1 }, { a: [10, 20], i: null }, { a: [10, 20], i: 5 }], 'a ARRAY<INT>, i INT')).toEqual([20, null, null]);
  });

  it('array_contains: null when not found but a null element is there', () => {
    expect(onArrays('array_contains(a, 1)')).toEqual([true, false, null, true]);
    expect(onArrays('array_contains(a, 2)')).toEqual([true, false, null, null]);
    expect(v('array_contains(array(1, 2), NULL)')).toBe(null);
    expect(v("array_contains(array('a', 'b'), 'b')")).toBe(true);
  });

  it('array_position, array_remove, array_distinct, array_join', () => {
    expect(onArrays('array_position(a, 1)')).toEqual([1n, 0n, null, 3n]);
    expect(onArrays('array_remove(a, 1)')).toEqual([[2, 3], [], null, [3, null]]);
    expect(v('array_distinct(array(1, 2, 3, NULL, 3, NULL))')).toEqual([1, 2, 3, null]);
    expect(v("array_join(array('hello', NULL, 'world'), ' ')")).toBe('hello world');
    expect(v("array_join(array('hello', NULL, 'world'), ' ', ',')")).toBe('hello , world');
    expect(v("array_join(array(1, 2), '-')")).toBe('1-2');
  });

  it('sort_array (nulls first ascending, last descending) and array_sort (nulls last)', () => {
    expect(onArrays('sort_array(a)')).toEqual([[1, 2, 3], [], null, [null, 1, 3]]);
    expect(onArrays('sort_array(a, false)')).toEqual([[3, 2, 1], [], null, [3, 1, null]]);
    expect(onArrays('array_sort(a)')).toEqual([[1, 2, 3], [], null, [1, 3, null]]);
    expect(v("sort_array(array('b', 'a', 'c'))")).toEqual(['a', 'b', 'c']);
    expect(v("sort_array(array(cast('NaN' as double), 1.0D, -1.0D))")).toEqual([-1, 1, NaN]);
    expect(() => v('sort_array(array(1), 1)')).toThrow(/true or false/);
  });

  it('flatten, slice, set operations, min/max, repeat, sequence, overlap', () => {
    expect(v('flatten(array(array(1, 2), array(3, 4)))')).toEqual([1, 2, 3, 4]);
    expect(v('flatten(array(array(1, 2), NULL))')).toBe(null);
    expect(v('slice(array(1, 2, 3, 4), 2, 2)')).toEqual([2, 3]);
    expect(v('slice(array(1, 2, 3, 4), -2, 2)')).toEqual([3, 4]);
    expect(v('slice(array(1, 2, 3, 4), 5, 2)')).toEqual([]);
    expect(() => v('slice(array(1, 2), 0, 1)')).toThrow(/start at 1/);
    expect(v('array_union(array(1, 2, 3), array(1, 3, 5))')).toEqual([1, 2, 3, 5]);
    expect(v('array_intersect(array(1, 2, 3), array(1, 3, 5))')).toEqual([1, 3]);
    expect(v('array_except(array(1, 2, 3), array(1, 3, 5))')).toEqual([2]);
    expect(v('arrays_overlap(array(1, 2, 3), array(3, 4, 5))')).toBe(true);
    expect(v('arrays_overlap(array(1, 2), array(3, NULL))')).toBe(null);
    expect(v('arrays_overlap(array(1, 2), array(3))')).toBe(false);
    expect(onArrays('array_max(a)')).toEqual([3, null, null, 3]);
    expect(onArrays('array_min(a)')).toEqual([1, null, null, 1]);
    expect(v("array_repeat('123', 2)")).toEqual(['123', '123']);
    expect(v('sequence(1, 5)')).toEqual([1, 2, 3, 4, 5]);
    expect(v('sequence(5, 1)')).toEqual([5, 4, 3, 2, 1]);
    expect(v('sequence(1, 9, 3)')).toEqual([1, 4, 7]);
    expect(v('concat(array(1, 2), array(3))')).toEqual([1, 2, 3]);
    expect(v('reverse(array(2, 1, 4, 3))')).toEqual([3, 4, 1, 2]);
  });
});

describe('higher-order functions', () => {
  it('transform with element and index', () => {
    expect(onArrays('transform(a, x -> x + 1)')).toEqual([[2, 3, 4], [], null, [4, null, 2]]);
    expect(onArrays('transform(a, (x, i) -> x + i)')).toEqual([[1, 3, 5], [], null, [3, null, 3]]);
    expect(v("transform(array('a', 'b'), x -> upper(x))")).toEqual(['A', 'B']);
    expect(v('transform(array(array(1, 2), array(3)), inner -> transform(inner, y -> y * 10))')).toEqual([[10, 20], [30]]);
  });

  it('lambdas see outer columns and shadow them', () => {
    expect(evaluateRows('transform(a, x -> x + k)', [{ a: [1, 2], k: 10 }, { a: [5], k: 100 }], 'a ARRAY<INT>, k INT')).toEqual([[11, 12], [105]]);
    expect(evaluateRows('transform(a, k -> k * 2)', [{ a: [1, 2], k: 10 }], 'a ARRAY<INT>, k INT')).toEqual([[2, 4]]);
  });

  it('filter, exists and forall with three-valued logic', () => {
    expect(onArrays('filter(a, x -> x > 1)')).toEqual([[2, 3], [], null, [3]]);
    expect(v('filter(array(0, 2, 3), (x, i) -> x > i)')).toEqual([2, 3]);
    expect(onArrays('exists(a, x -> x > 2)')).toEqual([true, false, null, true]);
    expect(v('exists(array(1, NULL, 3), x -> x % 2 = 0)')).toBe(null);
    expect(v('exists(array(1, 3), x -> x % 2 = 0)')).toBe(false);
    expect(onArrays('forall(a, x -> x > 0)')).toEqual([true, true, null, null]);
    expect(v('forall(array(2, NULL, 8), x -> x % 2 = 0)')).toBe(null);
    expect(v('forall(array(2, NULL, 7), x -> x % 2 = 0)')).toBe(false);
    expect(() => v("filter(array(1), x -> 'no')")).toThrow(/must return a boolean/);
  });

  it('aggregate folds left to right, with an optional finish', () => {
    expect(onArrays('aggregate(a, 0, (acc, x) -> acc + x)')).toEqual([6, 0, null, null]);
    expect(v('aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)')).toBe(60);
    expect(v("aggregate(array('a', 'b', 'c'), '', (acc, x) -> concat(acc, x))")).toBe('abc');
    expect(() => v('aggregate(array(1.5D), 0, (acc, x) -> acc + x)')).toThrow(/the zero value is int/);
  });

  it('zip_with pads the shorter array with nulls', () => {
    expect(v('zip_with(array(1, 2), array(3, 4, 5), (x, y) -> coalesce(x, 0) + y)')).toEqual([4, 6, 5]);
    expect(v("zip_with(array('a', 'b'), array('x', 'y'), (x, y) -> concat(x, y))")).toEqual(['ax', 'by']);
  });

  it('the Column API builds the same lambdas from JS functions', () => {
    const rows = [{ a: [1, 2, 3] }];
    expect(evaluateRows(arrayTransform('a', (x) => x.multiply(2)), rows, 'a ARRAY<INT>')).toEqual([[2, 4, 6]]);
    expect(evaluateRows(arrayFilter('a', (x, i) => x.gt(i.plus(1))), [{ a: [1, 5, 2] }], 'a ARRAY<INT>')).toEqual([[5]]);
    expect(evaluateRows(exists('a', (x) => x.eq(2)), rows, 'a ARRAY<INT>')).toEqual([true]);
    expect(evaluateRows(arrayAggregate('a', 0, (acc, x) => acc.plus(x)), rows, 'a ARRAY<INT>')).toEqual([6]);
    expect(evaluateRows(zipWith('a', col('a'), (x, y) => x.multiply(y)), rows, 'a ARRAY<INT>')).toEqual([[1, 4, 9]]);
  });
});
