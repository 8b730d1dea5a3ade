import { Int32, makeVector, type Data, type DataType, type Struct } from 'apache-arrow';
import { sparkTypeName } from '../../arrow/schema.ts';
import { takeData } from '../../arrow/take.ts';
import { materialize } from '../../expressions/bound.ts';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { numericVector } from '../../expressions/kernels/numbers.ts';
import { takeOrNull } from '../../expressions/kernels/take.ts';
import { elementType, isArrayType, isMapType, isStructType } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { callColumn, colArg } from '../build.ts';
import type { BoundGenerator, CallContext, GeneratorFunctionDefinition } from '../registry.ts';

/**
 * explode / posexplode / inline and their `_outer` forms: each input row becomes one row per
 * element (an empty or null collection makes no row, or one row of nulls with `_outer`).
 */
function explodeDefinition(name: string, withPosition: boolean, outer: boolean, inline: boolean): GeneratorFunctionDefinition {
  const what = inline ? 'array of structs' : 'array or map';
  return {
    kind: 'generator',
    name,
    family: 'generator',
    arity: [1, 1],
    doc: {
      usage: `${name}(${inline ? 'array<struct>' : 'array | map'})`,
      description: `One row per ${inline ? 'struct of the array, its fields as columns' : 'element (`col`), or per map entry (`key`, `value`)'}${withPosition ? ', with its 0-based position (`pos`)' : ''}; ${outer ? 'a null or empty input gives one row of nulls' : 'a null or empty input gives no row'}.`,
      examples: [],
    },
    bind: (call) => bindExplode(call, name, withPosition, outer, inline, what),
  };
}

function bindExplode(call: CallContext, name: string, withPosition: boolean, outer: boolean, inline: boolean, what: string): BoundGenerator {
  const arg = call.args[0]!;
  const map = isMapType(arg.type);
  if (!(isArrayType(arg.type) || map) || (inline && !(isArrayType(arg.type) && isStructType(elementType(arg.type))))) {
    call.fail(`needs an ${what}, but ${arg.name} is ${sparkTypeName(arg.type)}`, 0);
  }
  const entry = map ? (arg.type.children[0]!.type as Struct) : null;
  const valueFields: { name: string; type: DataType }[] = inline
    ? (elementType(arg.type) as Struct).children.map((f) => ({ name: f.name, type: f.type }))
    : map
      ? [{ name: 'key', type: entry!.children[0]!.type }, { name: 'value', type: entry!.children[1]!.type }]
      : [{ name: 'col', type: elementType(arg.type) }];
  const fields = [...(withPosition ? [{ name: 'pos', type: new Int32() as DataType }] : []), ...valueFields];
  void name;
  return {
    fields,
    generate: (batch, context) => {
      const list: Data = (arg.constant ? materialize(arg.type, arg.constant.value, batch.numRows) : arg.evaluate(batch, context)).data[0]!;
      const n = list.length;
      const offsets = list.valueOffsets as Int32Array;
      const validity = validityOf(list);
      const rows: number[] = [];
      const picks: number[] = [];
      const positions: number[] = [];
      const positionValid: number[] = [];
      for (let i = 0; i < n; i++) {
        const isNull = validity !== null && !(validity[i >> 3]! & (1 << (i & 7)));
        const start = offsets[i]!;
        const end = isNull ? start : offsets[i + 1]!;
        if (end === start) {
          if (outer) {
            rows.push(i);
            picks.push(-1);
            positions.push(0);
            positionValid.push(0);
          }
          continue;
        }
        for (let k = start; k < end; k++) {
          rows.push(i);
          picks.push(k);
          positions.push(k - start);
          positionValid.push(1);
        }
      }
      const indices = Int32Array.from(picks);
      const child = list.children[0]!;
      const anyMissing = picks.includes(-1);
      const take = (data: Data) => (anyMissing ? takeOrNull(data, indices) : makeVector(takeData(data, indices)));
      const valueColumns = inline || map ? child.children.map((c) => take(c)) : [take(child)];
      const columns = withPosition ? [numericVector(new Int32(), Int32Array.from(positions), positionValid.includes(0) ? bitmap(positionValid) : null), ...valueColumns] : valueColumns;
      return { rowOf: Int32Array.from(rows), columns };
    },
  };
}

function bitmap(bits: readonly number[]): Uint8Array {
  const out = new Uint8Array((bits.length + 7) >> 3);
  bits.forEach((b, i) => {
    if (b) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}

export const explodeFunction = explodeDefinition('explode', false, false, false);
export const explodeOuterFunction = explodeDefinition('explode_outer', false, true, false);
export const posexplodeFunction = explodeDefinition('posexplode', true, false, false);
export const posexplodeOuterFunction = explodeDefinition('posexplode_outer', true, true, false);
export const inlineFunction = explodeDefinition('inline', false, false, true);
export const inlineOuterFunction = explodeDefinition('inline_outer', false, true, true);

/**
 * `explode(col)`: one row per element (or map entry).
 *
 * @example
 * withColumn('explode', explode(col('values')))
 */
export function explode(column: ColumnLike): Column {
  return callColumn('explode', colArg(column));
}
/**
 * Spark's `explode_outer(array | map)`: One row per element (`col`), or per map entry (`key`, `value`); a null or empty input gives one row of nulls.
 *
 * @example
 * withColumn('explodeOuter', explodeOuter(col('values')))
 */
export function explodeOuter(column: ColumnLike): Column {
  return callColumn('explode_outer', colArg(column));
}
/**
 * Spark's `posexplode(array | map)`: One row per element (`col`), or per map entry (`key`, `value`), with its 0-based position (`pos`); a null or empty input gives no row.
 *
 * @example
 * withColumn('posexplode', posexplode(col('values')))
 */
export function posexplode(column: ColumnLike): Column {
  return callColumn('posexplode', colArg(column));
}
/**
 * Spark's `posexplode_outer(array | map)`: One row per element (`col`), or per map entry (`key`, `value`), with its 0-based position (`pos`); a null or empty input gives one row of nulls.
 *
 * @example
 * withColumn('posexplodeOuter', posexplodeOuter(col('values')))
 */
export function posexplodeOuter(column: ColumnLike): Column {
  return callColumn('posexplode_outer', colArg(column));
}
/**
 * Spark's `inline(array<struct>)`: One row per struct of the array, its fields as columns; a null or empty input gives no row.
 *
 * @example
 * withColumn('inline', inline(col('values')))
 */
export function inline(column: ColumnLike): Column {
  return callColumn('inline', colArg(column));
}
