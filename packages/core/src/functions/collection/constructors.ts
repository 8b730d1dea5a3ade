import { Field, Int32, List, Map_, Null, Struct, type DataType } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { SluiceError } from '../../errors.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import { nameParts, type ExprNode } from '../../expressions/node.ts';
import { coerce } from '../../expressions/operators.ts';
import { valuesEqual } from '../../expressions/ordering.ts';
import { commonTypeOf, elementType, isArrayType, isMapType, isNullType } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs, constantArg } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';

export const arrayOf = (element: DataType): DataType => new List(new Field('element', element, true));
export const mapOf = (key: DataType, value: DataType): DataType =>
  new Map_(new Field('entries', new Struct([new Field('key', key, false), new Field('value', value, true)]), false) as never);

/** Arguments cast to one common type. */
export function unifiedArgs(call: CallContext, args: readonly BoundExpression[], offset = 0, step = 1): { type: DataType; args: BoundExpression[] } {
  const type = commonTypeOf(args.map((a) => a.type)) ?? call.fail(`the values have no common type: ${args.map((a) => sparkTypeName(a.type)).join(', ')}`);
  return { type, args: args.map((a, i) => coerce(a, type, call.scope, call.node.args[offset + i * step]?.span)) };
}

export const arrayFunction: ScalarFunctionDefinition = {
  name: 'array',
  family: 'collection',
  arity: [0, Infinity],
  doc: { usage: 'array(expr, ...)', description: 'An array of the arguments (their common type).', examples: [{ sql: 'array(1, 2, 3)', result: [1, 2, 3] }, { sql: 'array(1, NULL, 2.5D)', result: [1, null, 2.5] }] },
  bind: (call) => {
    if (call.args.length === 0) return rowFunction(call.outputName, arrayOf(new Null()), [], () => []);
    const { type, args } = unifiedArgs(call, call.args);
    return rowFunction(call.outputName, arrayOf(type), args, (...values) => values.slice(0, args.length), { nullSafe: true });
  },
};

/** The field name Spark gives a struct() argument: its alias, its column name, else colN. */
function fieldName(node: ExprNode | undefined, index: number): string {
  if (node?.op === 'alias') return node.name;
  if (node?.op === 'col') return nameParts(node.name).at(-1)!;
  if (node?.op === 'field') return node.name;
  return `col${index + 1}`;
}

export const structFunction: ScalarFunctionDefinition = {
  name: 'struct',
  family: 'collection',
  arity: [0, Infinity],
  doc: { usage: 'struct(expr [AS name], ...)', description: 'A struct of the arguments, fields named after their aliases or columns (else col1, col2 …).', examples: [{ sql: 'struct(1 AS a, 2)', result: { a: 1, col2: 2 } }] },
  bind: (call) => {
    const names = call.node.args.map((n, i) => fieldName(n, i));
    const type = new Struct(call.args.map((a, i) => new Field(names[i]!, a.type, true)));
    return rowFunction(call.outputName, type, call.args, (...values) => Object.fromEntries(names.map((n, i) => [n, values[i] ?? null])), { nullSafe: true });
  },
};

export const namedStructFunction: ScalarFunctionDefinition = {
  name: 'named_struct',
  family: 'collection',
  arity: [0, Infinity],
  doc: { usage: 'named_struct(name1, val1, name2, val2, ...)', description: 'A struct with the given field names and values.', examples: [{ sql: "named_struct('a', 1, 'b', 2)", result: { a: 1, b: 2 } }] },
  bind: (call) => {
    if (call.args.length % 2 !== 0) call.fail('needs name/value pairs: an even number of arguments', undefined, 'INVALID_QUERY');
    const names: string[] = [];
    const values: BoundExpression[] = [];
    for (let i = 0; i < call.args.length; i += 2) {
      const name = constantArg(call, i, 'a field name');
      if (typeof name !== 'string') call.fail(`field names must be strings, not ${String(name)}`, i);
      names.push(name as string);
      values.push(call.args[i + 1]!);
    }
    const type = new Struct(values.map((v, i) => new Field(names[i]!, v.type, true)));
    return rowFunction(call.outputName, type, values, (...vs) => Object.fromEntries(names.map((n, i) => [n, vs[i] ?? null])), { nullSafe: true });
  },
};

/** A JS Map from keys and values, refusing null and duplicate keys (Spark's default mapKeyDedupPolicy EXCEPTION). */
export function buildMap(keys: readonly unknown[], values: readonly unknown[]): Map<unknown, unknown> {
  const map = new Map<unknown, unknown>();
  const seen: unknown[] = [];
  keys.forEach((k, i) => {
    if (k === null || k === undefined) throw new SluiceError('TRANSFORM_FAILED', 'Cannot use null as a map key.');
    if (seen.some((s) => valuesEqual(s, k))) throw new SluiceError('TRANSFORM_FAILED', `Duplicate map key ${String(k)} was found; keys of a map must be unique.`);
    seen.push(k);
    map.set(k, values[i] ?? null);
  });
  return map;
}

export const mapFunction: ScalarFunctionDefinition = {
  name: 'map',
  aliases: ['create_map'],
  family: 'collection',
  arity: [0, Infinity],
  doc: { usage: 'map(key1, value1, key2, value2, ...)', description: 'A map of the key/value pairs; a null or repeated key is an error.', examples: [{ sql: "map(1.0D, '2', 3.0D, '4')", result: new Map([[1, '2'], [3, '4']]) }] },
  bind: (call) => {
    if (call.args.length % 2 !== 0) call.fail('needs key/value pairs: an even number of arguments', undefined, 'INVALID_QUERY');
    const keys = unifiedArgs(call, call.args.filter((_, i) => i % 2 === 0), 0, 2);
    const values = unifiedArgs(call, call.args.filter((_, i) => i % 2 === 1), 1, 2);
    const n = keys.args.length;
    return rowFunction(call.outputName, mapOf(keys.type, values.type), [...keys.args, ...values.args], (...vs) => buildMap(vs.slice(0, n), vs.slice(n, 2 * n)), { nullSafe: true });
  },
};

export const mapFromArraysFunction: ScalarFunctionDefinition = {
  name: 'map_from_arrays',
  family: 'collection',
  arity: [2, 2],
  doc: { usage: 'map_from_arrays(keys, values)', description: 'A map pairing two arrays of the same length.', examples: [{ sql: "map_from_arrays(array(1.0D, 3.0D), array('2', '4'))", result: new Map([[1, '2'], [3, '4']]) }] },
  bind: (call) => {
    const [k, v] = call.args as [BoundExpression, BoundExpression];
    if (!isArrayType(k.type) || !isArrayType(v.type)) call.fail('needs two arrays');
    return rowFunction(call.outputName, mapOf(elementType(k.type), elementType(v.type)), [k, v], (keys, values) => {
      if ((keys as unknown[]).length !== (values as unknown[]).length) throw new SluiceError('TRANSFORM_FAILED', 'map_from_arrays: the key and value arrays must have the same length.');
      return buildMap(keys as unknown[], values as unknown[]);
    });
  },
};

function mapPart(name: string, part: 'key' | 'value' | 'entries', description: string, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'collection',
    arity: [1, 1],
    doc: { usage: `${name}(map)`, description, examples: [example] },
    bind: (call) => {
      const m = call.args[0]!;
      if (!isMapType(m.type)) call.fail(`needs a map, but ${m.name} is ${sparkTypeName(m.type)}`, 0);
      const entry = m.type.children[0]!.type as Struct;
      const [keyField, valueField] = entry.children as [Field, Field];
      const type = part === 'key' ? arrayOf(keyField.type) : part === 'value' ? arrayOf(valueField.type) : arrayOf(new Struct([new Field('key', keyField.type, false), new Field('value', valueField.type, true)]));
      return rowFunction(call.outputName, type, [m], (v) => {
        const map = v as Map<unknown, unknown>;
        return part === 'key' ? [...map.keys()] : part === 'value' ? [...map.values()] : [...map].map(([key, value]) => ({ key, value }));
      });
    },
  };
}

export const mapKeysFunction = mapPart('map_keys', 'key', 'The keys of a map, as an array.', { sql: "map_keys(map(1, 'a', 2, 'b'))", result: [1, 2] });
export const mapValuesFunction = mapPart('map_values', 'value', 'The values of a map, as an array.', { sql: "map_values(map(1, 'a', 2, 'b'))", result: ['a', 'b'] });
export const mapEntriesFunction = mapPart('map_entries', 'entries', 'The entries of a map, as an array of key/value structs.', { sql: "map_entries(map(1, 'a'))", result: [{ key: 1, value: 'a' }] });

export const sizeFunction: ScalarFunctionDefinition = {
  name: 'size',
  aliases: ['cardinality'],
  family: 'collection',
  arity: [1, 1],
  doc: { usage: 'size(array | map)', description: 'Elements of an array or entries of a map; -1 for null (Spark\'s legacy sizeOfNull, its non-ANSI default).', examples: [{ sql: "size(array('b', 'd', 'c', 'a'))", result: 4 }, { sql: 'size(NULL)', result: -1 }] },
  bind: (call) => {
    const a = call.args[0]!;
    if (!isArrayType(a.type) && !isMapType(a.type) && !isNullType(a.type)) call.fail(`needs an array or a map, but ${a.name} is ${sparkTypeName(a.type)}`, 0);
    return rowFunction(call.outputName, new Int32(), [a], (v) => (v === null ? -1 : v instanceof Map ? v.size : (v as unknown[]).length), { nullSafe: true });
  },
};

export const elementAtFunction: ScalarFunctionDefinition = {
  name: 'element_at',
  family: 'collection',
  arity: [2, 2],
  doc: {
    usage: 'element_at(array, index) | element_at(map, key)',
    description: 'The element at a 1-based index (negative counts from the end; out of range is null), or the value of a map key (null when absent).',
    examples: [{ sql: 'element_at(array(1, 2, 3), 2)', result: 2 }, { sql: 'element_at(array(1, 2, 3), -1)', result: 3 }, { sql: 'element_at(array(1, 2, 3), 5)', result: null }, { sql: "element_at(map(1, 'a', 2, 'b'), 2)", result: 'b' }],
  },
  bind: (call) => {
    const c = call.args[0]!;
    if (isMapType(c.type)) {
      const entry = c.type.children[0]!.type as Struct;
      const key = argAs(call, 1, entry.children[0]!.type);
      return rowFunction(call.outputName, entry.children[1]!.type, [c, key], (m, k) => {
        for (const [mk, mv] of m as Map<unknown, unknown>) if (valuesEqual(mk, k)) return mv;
        return null;
      });
    }
    if (!isArrayType(c.type)) call.fail(`needs an array or a map, but ${c.name} is ${sparkTypeName(c.type)}`, 0);
    const index = argAs(call, 1, new Int32());
    if (index.constant?.value === 0) call.fail('SQL array indices start at 1', 1, 'INVALID_QUERY');
    return rowFunction(call.outputName, elementType(c.type), [c, index], (a, i) => {
      const arr = a as unknown[];
      const k = i as number;
      if (k === 0) throw new SluiceError('TRANSFORM_FAILED', 'element_at: SQL array indices start at 1.');
      const at = k > 0 ? k - 1 : arr.length + k;
      return at >= 0 && at < arr.length ? arr[at] : null;
    });
  },
};

/**
 * Spark's `array(expr, ...)`: An array of the arguments (their common type).
 *
 * @example
 * withColumn('values', array(col('a'), col('b'), col('c')))
 * // in SQL: array(1, 2, 3) → [1, 2, 3]
 */
export function array(...columns: readonly ColumnLike[]): Column {
  return callColumn('array', ...columns.map(colArg));
}
/**
 * Spark's `struct(expr [AS name], ...)`: A struct of the arguments, fields named after their aliases or columns (else col1, col2 …).
 *
 * @example
 * withColumn('point', struct(col('x'), col('y')))
 * // in SQL: struct(1 AS a, 2) → {a: 1, col2: 2}
 */
export function struct(...columns: readonly ColumnLike[]): Column {
  return callColumn('struct', ...columns.map(colArg));
}
/**
 * `createMap(k1, v1, k2, v2 …)` (columns).
 *
 * @example
 * withColumn('attributes', createMap(lit('color'), col('color'), lit('size'), col('size')))
 * // in SQL: map(1.0D, '2', 3.0D, '4') → {1 -> '2', 3 -> '4'}
 */
export function createMap(...columns: readonly ColumnLike[]): Column {
  return callColumn('map', ...columns.map(colArg));
}
/**
 * Spark's `named_struct(name1, val1, name2, val2, ...)`: A struct with the given field names and values.
 *
 * @example
 * withColumn('point', namedStruct({ x: col('x'), y: col('y') }))
 * // in SQL: named_struct('a', 1, 'b', 2) → {a: 1, b: 2}
 */
export function namedStruct(fields: Readonly<Record<string, ColumnLike>>): Column {
  return callColumn('named_struct', ...Object.entries(fields).flatMap(([name, value]) => [litArg(name), colArg(value)]));
}
/**
 * Spark's `map_from_arrays(keys, values)`: A map pairing two arrays of the same length.
 *
 * @example
 * withColumn('lookup', mapFromArrays(col('keys'), col('values')))
 * // in SQL: map_from_arrays(array(1.0D, 3.0D), array('2', '4')) → {1 -> '2', 3 -> '4'}
 */
export function mapFromArrays(keys: ColumnLike, values: ColumnLike): Column {
  return callColumn('map_from_arrays', colArg(keys), colArg(values));
}
/**
 * Spark's `map_keys(map)`: The keys of a map, as an array.
 *
 * @example
 * withColumn('mapKeys', mapKeys(col('values')))
 * // in SQL: map_keys(map(1, 'a', 2, 'b')) → [1, 2]
 */
export function mapKeys(column: ColumnLike): Column {
  return callColumn('map_keys', colArg(column));
}
/**
 * Spark's `map_values(map)`: The values of a map, as an array.
 *
 * @example
 * withColumn('mapValues', mapValues(col('values')))
 * // in SQL: map_values(map(1, 'a', 2, 'b')) → ['a', 'b']
 */
export function mapValues(column: ColumnLike): Column {
  return callColumn('map_values', colArg(column));
}
/**
 * Spark's `size(array | map)`: Elements of an array or entries of a map; -1 for null (Spark's legacy sizeOfNull, its non-ANSI default).
 *
 * @example
 * withColumn('size', size(col('values')))
 * // in SQL: size(array('b', 'd', 'c', 'a')) → 4
 */
export function size(column: ColumnLike): Column {
  return callColumn('size', colArg(column));
}
/**
 * Spark's `element_at(array, index) | element_at(map, key)`: The element at a 1-based index (negative counts from the end; out of range is null), or the value of a map key (null when absent).
 *
 * @example
 * withColumn('elementAt', elementAt(col('values'), 2))
 * // in SQL: element_at(array(1, 2, 3), 2) → 2
 */
export function elementAt(column: ColumnLike, indexOrKey: unknown): Column {
  return callColumn('element_at', colArg(column), litArg(indexOrKey));
}
