import { Bool, Field, Int32, List, makeData, makeVector, type Data, type DataType, type RecordBatch, type Vector } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { takeData } from '../../arrow/take.ts';
import type { OperatorContext } from '../../builders/plan.ts';
import { boolVector, materialize, type BoundExpression } from '../../expressions/bound.ts';
import { finishValidity, validityOf } from '../../expressions/kernels/bits.ts';
import { fromRowValues, rowValues } from '../../expressions/kernels/rows.ts';
import { elementType, isArrayType, isBooleanType, isNullType, sameType } from '../../expressions/types.ts';
import { Column as ColumnClass, type Column, type ColumnLike } from '../../operators/column.ts';
import { compareValues as compare } from '../../expressions/ordering.ts';
import type { ExprNode } from '../../expressions/node.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { BoundLambda, CallContext, ScalarFunctionDefinition } from '../registry.ts';

/**
 * Higher-order functions over arrays, column at a time: every element of every row becomes a row
 * of one element batch (the lambda's parameters are its columns, outer columns are gathered per
 * element), the lambda body is evaluated once over that batch, and the results are cut back into
 * arrays by the input's offsets.
 */
interface Elements {
  readonly list: Data;
  /** Offsets of each row's elements in `values`, from 0. */
  readonly offsets: Int32Array;
  /** Every element of the batch, in row order. */
  readonly values: Vector;
  /** The row of each element. */
  readonly rowOf: Int32Array;
  /** Each element's position in its array. */
  readonly positions: Vector;
}

function elementsOf(list: Data): Elements {
  const n = list.length;
  const raw = list.valueOffsets as Int32Array;
  const base = raw[0]!;
  const total = raw[n]! - base;
  const offsets = new Int32Array(n + 1);
  const rowOf = new Int32Array(total);
  const positions = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    offsets[i + 1] = raw[i + 1]! - base;
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
      rowOf[k] = i;
      positions[k] = k - offsets[i]!;
    }
  }
  const values = makeVector(list.children[0]!.slice(base, total));
  return { list, offsets, values, rowOf, positions: makeVector(positions) };
}

function arrayArgument(call: CallContext, index = 0): BoundExpression {
  const arg = call.args[index]!;
  if (!isArrayType(arg.type) && !isNullType(arg.type)) call.fail(`argument ${index + 1} must be an array, but ${arg.name} is ${sparkTypeName(arg.type)}`, index);
  return arg;
}

/** An array column from per-row offsets into `values`, with the validity of `like`. */
function listVector(element: DataType, values: Data, offsets: Int32Array, like: Data): Vector {
  const n = like.length;
  const { nullBitmap, nullCount } = finishValidity(validityOf(like), n);
  return makeVector(makeData({ type: new List(new Field('element', element, true)), length: n, valueOffsets: offsets, child: values, nullBitmap, nullCount } as never));
}

function evaluateList(arg: BoundExpression, batch: RecordBatch, context: OperatorContext): Data {
  return (arg.constant ? materialize(arg.type, arg.constant.value, batch.numRows) : arg.evaluate(batch, context)).data[0]!;
}

export const transformFunction: ScalarFunctionDefinition = {
  name: 'transform',
  family: 'higher-order',
  arity: [2, 2],
  lambdaArgs: [1],
  doc: { usage: 'transform(array, (x[, i]) -> expr)', description: 'Each element mapped by the lambda (`i` is its 0-based position).', examples: [{ sql: 'transform(array(1, 2, 3), x -> x + 1)', result: [2, 3, 4] }, { sql: 'transform(array(1, 2, 3), (x, i) -> x + i)', result: [1, 3, 5] }] },
  bind: (call) => {
    const array = arrayArgument(call);
    const lambda = call.bindLambda(1, [elementType(array.type), new Int32()]);
    return {
      name: call.outputName,
      type: new List(new Field('element', lambda.type, true)),
      evaluate: (batch, context) => {
        const list = evaluateList(array, batch, context);
        const e = elementsOf(list);
        const result = lambda.evaluate(batch, context, [e.values, e.positions], e.rowOf);
        return listVector(lambda.type, result.data[0]!, e.offsets, list);
      },
    };
  },
};

/** The lambda's truth per element: 1 true, 0 false, -1 null. */
function truths(lambda: BoundLambda, batch: RecordBatch, context: OperatorContext, e: Elements): Int8Array {
  const result = lambda.evaluate(batch, context, [e.values, e.positions], e.rowOf).data[0]!;
  const out = new Int8Array(result.length);
  const bits = result.values as Uint8Array;
  const validity = validityOf(result);
  for (let k = 0; k < result.length; k++) {
    if (validity !== null && !(validity[k >> 3]! & (1 << (k & 7)))) out[k] = -1;
    else {
      const j = result.offset + k;
      out[k] = (bits[j >> 3]! >> (j & 7)) & 1;
    }
  }
  return out;
}

function predicate(call: CallContext, array: BoundExpression): BoundLambda {
  const lambda = call.bindLambda(1, [elementType(array.type), new Int32()]);
  if (!isBooleanType(lambda.type) && !isNullType(lambda.type)) call.fail(`the lambda must return a boolean, not ${sparkTypeName(lambda.type)}`, 1);
  return lambda;
}

export const filterFunction: ScalarFunctionDefinition = {
  name: 'filter',
  family: 'higher-order',
  arity: [2, 2],
  lambdaArgs: [1],
  doc: { usage: 'filter(array, (x[, i]) -> condition)', description: 'The elements for which the condition is true.', examples: [{ sql: 'filter(array(1, 2, 3), x -> x % 2 = 1)', result: [1, 3] }, { sql: 'filter(array(0, 2, 3), (x, i) -> x > i)', result: [2, 3] }] },
  bind: (call) => {
    const array = arrayArgument(call);
    const lambda = predicate(call, array);
    return {
      name: call.outputName,
      type: array.type,
      evaluate: (batch, context) => {
        const list = evaluateList(array, batch, context);
        const e = elementsOf(list);
        const keep = truths(lambda, batch, context, e);
        const kept: number[] = [];
        const offsets = new Int32Array(list.length + 1);
        for (let i = 0; i < list.length; i++) {
          for (let k = e.offsets[i]!; k < e.offsets[i + 1]!; k++) if (keep[k] === 1) kept.push(k);
          offsets[i + 1] = kept.length;
        }
        return listVector(elementType(array.type), takeData(e.values.data[0]!, Int32Array.from(kept)), offsets, list);
      },
    };
  },
};

function quantifier(name: 'exists' | 'forall'): ScalarFunctionDefinition {
  const any = name === 'exists';
  return {
    name,
    family: 'higher-order',
    arity: [2, 2],
    lambdaArgs: [1],
    doc: {
      usage: `${name}(array, x -> condition)`,
      description: any
        ? 'True when the condition holds for some element; otherwise null if it was null for some element, else false.'
        : 'True when the condition holds for every element; otherwise false if it was false for some element, else null.',
      examples: any ? [{ sql: 'exists(array(1, 2, 3), x -> x % 2 = 0)', result: true }, { sql: 'exists(array(1, NULL, 3), x -> x % 2 = 0)', result: null }] : [{ sql: 'forall(array(1, 2, 3), x -> x % 2 = 0)', result: false }, { sql: 'forall(array(2, NULL, 8), x -> x % 2 = 0)', result: null }],
    },
    bind: (call) => {
      const array = arrayArgument(call);
      const lambda = predicate(call, array);
      return {
        name: call.outputName,
        type: new Bool(),
        evaluate: (batch, context) => {
          const list = evaluateList(array, batch, context);
          const e = elementsOf(list);
          const truth = truths(lambda, batch, context, e);
          const n = list.length;
          const bits = new Uint8Array((n + 7) >> 3);
          const valid = new Uint8Array((n + 7) >> 3);
          const listValid = validityOf(list);
          for (let i = 0; i < n; i++) {
            if (listValid !== null && !(listValid[i >> 3]! & (1 << (i & 7)))) continue;
            let decided = false;
            let sawNull = false;
            for (let k = e.offsets[i]!; k < e.offsets[i + 1]!; k++) {
              if (truth[k] === -1) sawNull = true;
              else if ((truth[k] === 1) === any) decided = true;
              if (decided) break;
            }
            const result: boolean | null = decided ? any : sawNull ? null : !any;
            if (result !== null) {
              valid[i >> 3]! |= 1 << (i & 7);
              if (result) bits[i >> 3]! |= 1 << (i & 7);
            }
          }
          return boolVector(bits, valid, n);
        },
      };
    },
  };
}

export const existsFunction = quantifier('exists');
export const forallFunction = quantifier('forall');

export const aggregateFunction: ScalarFunctionDefinition = {
  name: 'aggregate',
  aliases: ['reduce'],
  family: 'higher-order',
  arity: [3, 4],
  lambdaArgs: [2, 3],
  doc: {
    usage: 'aggregate(array, zero, (acc, x) -> merge[, acc -> finish])',
    description: 'Folds the elements left to right into `zero` with `merge`, then applies `finish`. `merge` must keep the type of `zero`.',
    examples: [{ sql: 'aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x)', result: 6 }, { sql: 'aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)', result: 60 }],
  },
  bind: (call) => {
    const array = arrayArgument(call);
    const zero = call.args[1]!;
    const merge = call.bindLambda(2, [zero.type, elementType(array.type)]);
    if (!sameType(merge.type, zero.type)) {
      call.fail(`the merge lambda returns ${sparkTypeName(merge.type)}, but the zero value is ${sparkTypeName(zero.type)}; cast the zero (e.g. cast(0 as ${sparkTypeName(merge.type)}))`, 2);
    }
    const finish = call.node.args[3] ? call.bindLambda(3, [zero.type]) : null;
    return {
      name: call.outputName,
      type: finish ? finish.type : zero.type,
      evaluate: (batch, context) => {
        const list = evaluateList(array, batch, context);
        const n = list.length;
        const e = elementsOf(list);
        const acc = rowValues(zero.constant ? materialize(zero.type, zero.constant.value, n) : zero.evaluate(batch, context));
        const elements = rowValues(e.values);
        const longest = Math.max(0, ...Array.from({ length: n }, (_, i) => e.offsets[i + 1]! - e.offsets[i]!));
        // One lambda evaluation per position: every row with a k-th element folds it at once.
        for (let k = 0; k < longest; k++) {
          const rows: number[] = [];
          for (let i = 0; i < n; i++) if (e.offsets[i + 1]! - e.offsets[i]! > k) rows.push(i);
          const rowOf = Int32Array.from(rows);
          const accs = fromRowValues(zero.type, rows.map((i) => acc[i]));
          const xs = fromRowValues(elementType(array.type), rows.map((i) => elements[e.offsets[i]! + k]));
          const merged = rowValues(merge.evaluate(batch, context, [accs, xs], rowOf));
          rows.forEach((i, j) => (acc[i] = merged[j]));
        }
        const listValid = validityOf(list);
        for (let i = 0; i < n; i++) if (listValid !== null && !(listValid[i >> 3]! & (1 << (i & 7)))) acc[i] = null;
        const accumulated = fromRowValues(zero.type, acc);
        if (!finish) return accumulated;
        const all = Int32Array.from({ length: n }, (_, i) => i);
        const finished = rowValues(finish.evaluate(batch, context, [accumulated], all));
        for (let i = 0; i < n; i++) if (acc[i] === null && listValid !== null && !(listValid[i >> 3]! & (1 << (i & 7)))) finished[i] = null;
        return fromRowValues(finish.type, finished);
      },
    };
  },
};

export const zipWithFunction: ScalarFunctionDefinition = {
  name: 'zip_with',
  family: 'higher-order',
  arity: [3, 3],
  lambdaArgs: [2],
  doc: { usage: 'zip_with(left, right, (x, y) -> expr)', description: 'The lambda over elements at the same position; the shorter array is padded with nulls.', examples: [{ sql: 'zip_with(array(1, 2), array(3, 4, 5), (x, y) -> coalesce(x, 0) + y)', result: [4, 6, 5] }] },
  bind: (call) => {
    const left = arrayArgument(call, 0);
    const right = arrayArgument(call, 1);
    const lambda = call.bindLambda(2, [elementType(left.type), elementType(right.type)]);
    return {
      name: call.outputName,
      type: new List(new Field('element', lambda.type, true)),
      evaluate: (batch, context) => {
        const a = rowValues(left.evaluate(batch, context)) as (unknown[] | null)[];
        const b = rowValues(right.evaluate(batch, context)) as (unknown[] | null)[];
        const xs: unknown[] = [];
        const ys: unknown[] = [];
        const rowOf: number[] = [];
        const offsets = new Int32Array(a.length + 1);
        const valid: (unknown[] | null)[] = [];
        for (let i = 0; i < a.length; i++) {
          const x = a[i] ?? null;
          const y = b[i] ?? null;
          if (x === null || y === null) valid.push(null);
          else {
            valid.push([]);
            for (let k = 0; k < Math.max(x.length, y.length); k++) {
              xs.push(x[k] ?? null);
              ys.push(y[k] ?? null);
              rowOf.push(i);
            }
          }
          offsets[i + 1] = xs.length;
        }
        const result = lambda.evaluate(batch, context, [fromRowValues(elementType(left.type), xs), fromRowValues(elementType(right.type), ys)], Int32Array.from(rowOf));
        const like = fromRowValues(new List(new Field('element', new Int32(), true)), valid).data[0]!;
        return listVector(lambda.type, result.data[0]!, offsets, like);
      },
    };
  },
};

export const arraySortFunction: ScalarFunctionDefinition = {
  name: 'array_sort',
  family: 'collection',
  arity: [1, 1],
  doc: { usage: 'array_sort(array)', description: 'The array sorted ascending, nulls last (sort_array puts them first).', examples: [{ sql: "array_sort(array('b', 'd', NULL, 'c', 'a'))", result: ['a', 'b', 'c', 'd', null] }] },
  bind: (call) => {
    const array = arrayArgument(call);
    return {
      name: call.outputName,
      type: array.type,
      evaluate: (batch, context) => {
        const values = rowValues(array.evaluate(batch, context)) as (unknown[] | null)[];
        const sorted = values.map((a) => (a === null ? null : [...a].sort((x, y) => (x === null ? (y === null ? 0 : 1) : y === null ? -1 : compare(x, y)))));
        return fromRowValues(array.type, sorted);
      },
    };
  },
};


let lambdaCounter = 0;

/** A JS function over Columns as a SQL lambda: its parameters become lambda variables (PySpark's `lambda x: …`). */
function lambdaOf(fn: (...params: Column[]) => Column): ExprNode {
  const params = Array.from({ length: Math.max(1, fn.length) }, (_, k) => `__x${lambdaCounter++}_${k}`);
  const body = fn(...params.map((p) => new ColumnClass({ op: 'col', name: p })));
  return { op: 'lambda', params, body: body.node };
}

/**
 * `transform(col, (x, i) => …)`: each element mapped.
 *
 * @example
 * withColumn('doubled', arrayTransform(col('values'), (x) => x.multiply(2)))
 * // in SQL: transform(array(1, 2, 3), x -> x + 1) → [2, 3, 4]
 */
export function arrayTransform(column: ColumnLike, fn: (x: Column, i: Column) => Column): Column {
  return callColumn('transform', colArg(column), lambdaOf(fn as never));
}
/**
 * `filter(col, (x, i) => condition)`: the elements that pass.
 *
 * @example
 * withColumn('positive', arrayFilter(col('values'), (x) => x.gt(0)))
 * // in SQL: filter(array(1, 2, 3), x -> x % 2 = 1) → [1, 3]
 */
export function arrayFilter(column: ColumnLike, fn: (x: Column, i: Column) => Column): Column {
  return callColumn('filter', colArg(column), lambdaOf(fn as never));
}
/**
 * Spark's `exists(array, x -> condition)`: True when the condition holds for some element; otherwise null if it was null for some element, else false.
 *
 * @example
 * withColumn('anyNegative', exists(col('values'), (x) => x.lt(0)))
 * // in SQL: exists(array(1, 2, 3), x -> x % 2 = 0) → true
 */
export function exists(column: ColumnLike, fn: (x: Column) => Column): Column {
  return callColumn('exists', colArg(column), lambdaOf(fn as never));
}
/**
 * Spark's `forall(array, x -> condition)`: True when the condition holds for every element; otherwise false if it was false for some element, else null.
 *
 * @example
 * withColumn('allPositive', forall(col('values'), (x) => x.gt(0)))
 * // in SQL: forall(array(1, 2, 3), x -> x % 2 = 0) → false
 */
export function forall(column: ColumnLike, fn: (x: Column) => Column): Column {
  return callColumn('forall', colArg(column), lambdaOf(fn as never));
}
/**
 * `aggregate(col, zero, (acc, x) => merge, acc => finish)`.
 *
 * @example
 * withColumn('total', arrayAggregate(col('values'), 0, (acc, x) => acc.plus(x)))
 * // in SQL: aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x) → 6
 */
export function arrayAggregate(column: ColumnLike, zero: unknown, merge: (acc: Column, x: Column) => Column, finish?: (acc: Column) => Column): Column {
  return callColumn('aggregate', colArg(column), litArg(zero), lambdaOf(merge as never), ...(finish ? [lambdaOf(finish as never)] : []));
}
/**
 * Spark's `zip_with(left, right, (x, y) -> expr)`: The lambda over elements at the same position; the shorter array is padded with nulls.
 *
 * @example
 * withColumn('sums', zipWith(col('left'), col('right'), (x, y) => x.plus(y)))
 * // in SQL: zip_with(array(1, 2), array(3, 4, 5), (x, y) -> coalesce(x, 0) + y) → [4, 6, 5]
 */
export function zipWith(left: ColumnLike, right: ColumnLike, fn: (x: Column, y: Column) => Column): Column {
  return callColumn('zip_with', colArg(left), colArg(right), lambdaOf(fn as never));
}
/**
 * Spark's `array_sort(array)`: The array sorted ascending, nulls last (sort_array puts them first).
 *
 * @example
 * withColumn('sorted', arraySort(col('values')))
 * // in SQL: array_sort(array('b', 'd', NULL, 'c', 'a')) → ['a', 'b', 'c', 'd', NULL]
 */
export function arraySort(column: ColumnLike): Column {
  return callColumn('array_sort', colArg(column));
}
