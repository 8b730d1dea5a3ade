import { Int32, Utf8 } from 'apache-arrow';
import { STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { CallContext, ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import type { BoundExpression } from '../../expressions/bound.ts';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { Utf8Builder, Utf8Column } from '../../expressions/kernels/utf8.ts';

type Side = 'both' | 'leading' | 'trailing';

/** `text` without the characters of `chars` at the given side(s) (Spark trims spaces only by default). */
export function trimChars(text: string, chars: string, side: Side): string {
  const set = new Set(Array.from(chars));
  const points = Array.from(text);
  let start = 0;
  let end = points.length;
  if (side !== 'trailing') while (start < end && set.has(points[start]!)) start++;
  if (side !== 'leading') while (end > start && set.has(points[end - 1]!)) end--;
  return start === 0 && end === points.length ? text : points.slice(start, end).join('');
}

/** Spaces trimmed off UTF-8 bytes: the space is one byte, so no text is decoded. */
function trimSpacesColumn(name: string, arg: BoundExpression, side: Side): BoundExpression {
  return {
    name,
    type: new Utf8(),
    evaluate: (batch, context) => {
      const data = arg.evaluate(batch, context).data[0]!;
      const column = new Utf8Column(data);
      const validity = validityOf(data);
      const n = data.length;
      const builder = new Utf8Builder(n, column.bytes.length + 16);
      const { bytes, offsets } = column;
      for (let i = 0; i < n; i++) {
        if (validity !== null && !(validity[i >> 3]! & (1 << (i & 7)))) {
          builder.appendNull();
          continue;
        }
        let start = offsets[i]!;
        let end = offsets[i + 1]!;
        if (side !== 'trailing') while (start < end && bytes[start] === 32) start++;
        if (side !== 'leading') while (end > start && bytes[end - 1] === 32) end--;
        builder.appendBytes(bytes, start, end);
      }
      return builder.finish();
    },
  };
}

/** trim(str) or trim(trimStr, str), Spark's argument order for the two-argument form. */
function trimFunction(name: string, side: Side, description: string, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'string',
    arity: [1, 2],
    doc: { usage: `${name}(str) | ${name}(trimStr, str) | TRIM(${side.toUpperCase()} trimStr FROM str)`, description, examples: [example] },
    bind: (call) => {
      if (call.args.length === 1) return trimSpacesColumn(call.outputName, argAs(call, 0, STRING()), side);
      return rowFunction(call.outputName, new Utf8(), [argAs(call, 1, STRING()), argAs(call, 0, STRING())], (s, chars) => trimChars(s as string, chars as string, side));
    },
  };
}

export const trimFunctionDefinition = trimFunction('trim', 'both', 'Removes leading and trailing spaces (or the characters of `trimStr`).', { sql: "trim('    SparkSQL   ')", result: 'SparkSQL' });
export const ltrimFunction = trimFunction('ltrim', 'leading', 'Removes leading spaces (or the characters of `trimStr`).', { sql: "ltrim('    SparkSQL   ')", result: 'SparkSQL   ' });
export const rtrimFunction = trimFunction('rtrim', 'trailing', 'Removes trailing spaces (or the characters of `trimStr`).', { sql: "rtrim('    SparkSQL   ')", result: '    SparkSQL' });

export const btrimFunction: ScalarFunctionDefinition = {
  name: 'btrim',
  family: 'string',
  arity: [1, 2],
  doc: { usage: 'btrim(str[, trimStr])', description: 'Removes the characters of `trimStr` (default: spaces) from both ends.', examples: [{ sql: "btrim('SSparkSQLS', 'SL')", result: 'parkSQ' }] },
  bind: (call) =>
    call.args.length === 1
      ? trimSpacesColumn(call.outputName, argAs(call, 0, STRING()), 'both')
      : rowFunction(call.outputName, new Utf8(), [argAs(call, 0, STRING()), argAs(call, 1, STRING())], (s, chars) => trimChars(s as string, chars as string, 'both')),
};

/** Spark's lpad/rpad: cut to `len` characters, or pad with repeats of `pad`; an empty pad only cuts. */
export function pad(text: string, len: number, padding: string, leftSide: boolean): string {
  if (len <= 0) return '';
  const chars = Array.from(text);
  if (chars.length >= len || padding === '') return chars.slice(0, len).join('');
  const fill = Array.from(padding);
  const missing = len - chars.length;
  const filler: string[] = [];
  for (let k = 0; k < missing; k++) filler.push(fill[k % fill.length]!);
  return leftSide ? filler.join('') + text : text + filler.join('');
}

function padFunction(name: string, leftSide: boolean, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'string',
    arity: [2, 3],
    doc: {
      usage: `${name}(str, len[, pad])`,
      description: `\`str\` ${leftSide ? 'left' : 'right'}-padded with \`pad\` (default a space) to \`len\` characters, or cut to \`len\` if longer.`,
      examples: [example],
    },
    bind: (call: CallContext) => {
      const args = [argAs(call, 0, STRING()), argAs(call, 1, new Int32()), ...(call.args[2] ? [argAs(call, 2, STRING())] : [])];
      return rowFunction(call.outputName, new Utf8(), args, (s, len, p) => pad(s as string, len as number, args.length === 3 ? (p as string) : ' ', leftSide));
    },
  };
}

export const lpadFunction = padFunction('lpad', true, { sql: "lpad('hi', 5, '??')", result: '???hi' });
export const rpadFunction = padFunction('rpad', false, { sql: "rpad('hi', 5, '??')", result: 'hi???' });

export const repeatFunction: ScalarFunctionDefinition = {
  name: 'repeat',
  family: 'string',
  arity: [2, 2],
  doc: { usage: 'repeat(str, n)', description: '`str` repeated `n` times; empty when `n` < 1.', examples: [{ sql: "repeat('123', 2)", result: '123123' }] },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [argAs(call, 0, STRING()), argAs(call, 1, new Int32())], (s, n) => ((n as number) > 0 ? (s as string).repeat(n as number) : '')),
};

/**
 * Spark's `trim(str) | trim(trimStr, str) | TRIM(BOTH trimStr FROM str)`: Removes leading and trailing spaces (or the characters of `trimStr`).
 *
 * @example
 * withColumn('trim', trim(col('text')))
 * // in SQL: trim('    SparkSQL   ') → 'SparkSQL'
 */
export function trim(column: ColumnLike, chars?: string): Column {
  return chars === undefined ? callColumn('trim', colArg(column)) : callColumn('trim', litArg(chars), colArg(column));
}
/**
 * Spark's `ltrim(str) | ltrim(trimStr, str) | TRIM(LEADING trimStr FROM str)`: Removes leading spaces (or the characters of `trimStr`).
 *
 * @example
 * withColumn('ltrim', ltrim(col('text')))
 * // in SQL: ltrim('    SparkSQL   ') → 'SparkSQL   '
 */
export function ltrim(column: ColumnLike, chars?: string): Column {
  return chars === undefined ? callColumn('ltrim', colArg(column)) : callColumn('ltrim', litArg(chars), colArg(column));
}
/**
 * Spark's `rtrim(str) | rtrim(trimStr, str) | TRIM(TRAILING trimStr FROM str)`: Removes trailing spaces (or the characters of `trimStr`).
 *
 * @example
 * withColumn('rtrim', rtrim(col('text')))
 * // in SQL: rtrim('    SparkSQL   ') → '    SparkSQL'
 */
export function rtrim(column: ColumnLike, chars?: string): Column {
  return chars === undefined ? callColumn('rtrim', colArg(column)) : callColumn('rtrim', litArg(chars), colArg(column));
}
/**
 * Spark's `lpad(str, len[, pad])`: `str` left-padded with `pad` (default a space) to `len` characters, or cut to `len` if longer.
 *
 * @example
 * withColumn('lpad', lpad(col('text'), 5))
 * // in SQL: lpad('hi', 5, '??') → '???hi'
 */
export function lpad(column: ColumnLike, len: number, padding = ' '): Column {
  return callColumn('lpad', colArg(column), litArg(len), litArg(padding));
}
/**
 * Spark's `rpad(str, len[, pad])`: `str` right-padded with `pad` (default a space) to `len` characters, or cut to `len` if longer.
 *
 * @example
 * withColumn('rpad', rpad(col('text'), 5))
 * // in SQL: rpad('hi', 5, '??') → 'hi???'
 */
export function rpad(column: ColumnLike, len: number, padding = ' '): Column {
  return callColumn('rpad', colArg(column), litArg(len), litArg(padding));
}
/**
 * Spark's `repeat(str, n)`: `str` repeated `n` times; empty when `n` < 1.
 *
 * @example
 * withColumn('repeat', repeat(col('text'), 2))
 * // in SQL: repeat('123', 2) → '123123'
 */
export function repeat(column: ColumnLike, n: number | Column): Column {
  return callColumn('repeat', colArg(column), litArg(n));
}
