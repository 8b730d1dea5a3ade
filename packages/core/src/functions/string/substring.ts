import { Binary, Int32, Utf8, type RecordBatch } from 'apache-arrow';
import type { OperatorContext } from '../../builders/plan.ts';
import { constantExpression, type BoundExpression } from '../../expressions/bound.ts';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { numbersOf } from '../../expressions/kernels/numbers.ts';
import { Utf8Builder, Utf8Column } from '../../expressions/kernels/utf8.ts';
import { isBinaryType, isStringType, STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';

const MAX_INT = 2147483647;

/**
 * Spark's `substringSQL`: `pos` is 1-based, 0 counts as 1, negative counts from the end; `len`
 * characters (bytes for binary) from there, none when `len` < 1. Returns [start, end) in
 * characters, clamped to `[0, count]`.
 */
export function substringRange(count: number, pos: number, len: number): [number, number] {
  let start = pos > 0 ? pos - 1 : pos < 0 ? count + pos : 0;
  const end = len === MAX_INT ? MAX_INT : start + len;
  start = Math.max(start, 0);
  if (start >= end) return [0, 0];
  return [Math.min(start, count), Math.min(end, count)];
}

/**
 * substring over a column: byte slicing when the column is ASCII or binary (characters are
 * bytes), code point slicing otherwise. `pos`/`len` may be constants or columns.
 */
export function bindSubstring(call: CallContext, source: BoundExpression, pos: BoundExpression, len: BoundExpression | null, mapPos: (pos: number) => number = (p) => p): BoundExpression {
  const binary = isBinaryType(source.type);
  return {
    name: call.outputName,
    type: binary ? new Binary() : new Utf8(),
    evaluate: (batch: RecordBatch, context: OperatorContext) => {
      const data = source.evaluate(batch, context).data[0]!;
      const n = data.length;
      const column = new Utf8Column(data);
      const validity = validityOf(data);
      const posAt = intsOf(pos, batch, context);
      const lenAt = len ? intsOf(len, batch, context) : () => MAX_INT;
      const builder = new Utf8Builder(n, column.bytes.length + 16);
      const bytewise = binary || column.ascii;
      for (let i = 0; i < n; i++) {
        const rawPos = posAt(i);
        const p = rawPos === null ? null : mapPos(rawPos);
        const l = lenAt(i);
        if ((validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) || p === null || l === null) {
          builder.appendNull();
          continue;
        }
        const s = column.offsets[i]!;
        const e = column.offsets[i + 1]!;
        if (bytewise) {
          const [from, to] = substringRange(e - s, p, l);
          builder.appendBytes(column.bytes, s + from, s + to);
        } else {
          const chars = Array.from(column.get(i));
          const [from, to] = substringRange(chars.length, p, l);
          builder.append(chars.slice(from, to).join(''));
        }
      }
      return builder.finish(binary);
    },
  };
}

/** An int argument per row: a constant, or a column read in place (null where null). */
function intsOf(arg: BoundExpression, batch: RecordBatch, context: OperatorContext): (i: number) => number | null {
  if (arg.constant) {
    const v = arg.constant.value as number | null;
    return () => v;
  }
  const data = arg.evaluate(batch, context).data[0]!;
  const values = numbersOf(data).values;
  const validity = validityOf(data);
  return (i) => (validity !== null && !(validity[i >> 3]! & (1 << (i & 7))) ? null : values[i]!);
}

function sourceArg(call: CallContext): BoundExpression {
  const arg = call.args[0]!;
  return isStringType(arg.type) || isBinaryType(arg.type) ? arg : argAs(call, 0, STRING());
}

export const substringFunction: ScalarFunctionDefinition = {
  name: 'substring',
  aliases: ['substr'],
  family: 'string',
  arity: [2, 3],
  doc: {
    usage: 'substring(str, pos[, len])',
    description: '`len` characters (bytes for binary) of `str` from `pos` (1-based; negative counts from the end); to the end without `len`.',
    examples: [
      { sql: "substring('Spark SQL', 5)", result: 'k SQL' },
      { sql: "substring('Spark SQL', -3)", result: 'SQL' },
      { sql: "substring('Spark SQL', 5, 1)", result: 'k' },
    ],
  },
  bind: (call) => bindSubstring(call, sourceArg(call), argAs(call, 1, new Int32()), call.args[2] ? argAs(call, 2, new Int32()) : null),
};

export const leftFunction: ScalarFunctionDefinition = {
  name: 'left',
  family: 'string',
  arity: [2, 2],
  doc: { usage: 'left(str, len)', description: 'The leftmost `len` characters; empty when `len` < 1.', examples: [{ sql: "left('Spark SQL', 3)", result: 'Spa' }] },
  bind: (call) => {
    const len = argAs(call, 1, new Int32());
    return bindSubstring(call, sourceArg(call), constantExpression('1', new Int32(), 1), len);
  },
};

export const rightFunction: ScalarFunctionDefinition = {
  name: 'right',
  family: 'string',
  arity: [2, 2],
  doc: { usage: 'right(str, len)', description: 'The rightmost `len` characters; empty when `len` < 1.', examples: [{ sql: "right('Spark SQL', 3)", result: 'SQL' }, { sql: "right('Spark', 0)", result: '' }] },
  bind: (call) => {
    // right(str, len) = substring(str, -len) for len > 0, '' otherwise.
    return bindSubstring(call, sourceArg(call), argAs(call, 1, new Int32()), null, (len) => (len > 0 ? -len : MAX_INT));
  },
};

/**
 * `substring(col, pos, len)` (1-based).
 *
 * @example
 * withColumn('substring', substring(col('text'), 5))
 * // in SQL: substring('Spark SQL', 5) → 'k SQL'
 */
export function substring(column: ColumnLike, pos: number | Column, len?: number | Column): Column {
  return callColumn('substring', colArg(column), litArg(pos), ...(len === undefined ? [] : [litArg(len)]));
}
/**
 * Spark's `left(str, len)`: The leftmost `len` characters; empty when `len` < 1.
 *
 * @example
 * withColumn('left', left(col('text'), 3))
 * // in SQL: left('Spark SQL', 3) → 'Spa'
 */
export function left(column: ColumnLike, len: number | Column): Column {
  return callColumn('left', colArg(column), litArg(len));
}
/**
 * Spark's `right(str, len)`: The rightmost `len` characters; empty when `len` < 1.
 *
 * @example
 * withColumn('right', right(col('text'), 3))
 * // in SQL: right('Spark SQL', 3) → 'SQL'
 */
export function right(column: ColumnLike, len: number | Column): Column {
  return callColumn('right', colArg(column), litArg(len));
}
