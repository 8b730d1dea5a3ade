import { Bool, Int32 } from 'apache-arrow';
import { isBinaryType, STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';

/** Code points before UTF-16 index `at` (positions are in characters, as Spark counts them). */
function charIndex(text: string, at: number): number {
  let count = 0;
  for (let k = 0; k < at; k++) {
    const c = text.charCodeAt(k);
    if (c < 0xdc00 || c > 0xdfff) count++;
  }
  return count;
}

/** UTF-16 index of code point `chars` (or the length if past the end). */
function utf16Index(text: string, chars: number): number {
  let k = 0;
  for (let seen = 0; seen < chars && k < text.length; seen++) {
    const c = text.charCodeAt(k);
    k += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return k;
}

/** 1-based position of `sub` in `text` at or after character `from` (1-based); 0 when absent. */
export function locateIn(text: string, sub: string, from = 1): number {
  if (from < 1) return 0;
  const at = text.indexOf(sub, utf16Index(text, from - 1));
  return at < 0 ? 0 : charIndex(text, at) + 1;
}

export const instrFunction: ScalarFunctionDefinition = {
  name: 'instr',
  family: 'string',
  arity: [2, 2],
  doc: { usage: 'instr(str, substr)', description: '1-based position of the first `substr` in `str`, 0 when absent.', examples: [{ sql: "instr('SparkSQL', 'SQL')", result: 6 }] },
  bind: (call) => rowFunction(call.outputName, new Int32(), [argAs(call, 0, STRING()), argAs(call, 1, STRING())], (s, sub) => locateIn(s as string, sub as string)),
};

export const locateFunction: ScalarFunctionDefinition = {
  name: 'locate',
  family: 'string',
  arity: [2, 3],
  doc: {
    usage: 'locate(substr, str[, pos])',
    description: '1-based position of the first `substr` in `str` at or after `pos`; 0 when absent or when `pos` is below 1 or null.',
    examples: [{ sql: "locate('bar', 'foobarbar')", result: 4 }, { sql: "locate('bar', 'foobarbar', 5)", result: 7 }],
  },
  bind: (call) => {
    const args = [argAs(call, 0, STRING()), argAs(call, 1, STRING()), ...(call.args[2] ? [argAs(call, 2, new Int32())] : [])];
    return rowFunction(
      call.outputName,
      new Int32(),
      args,
      (sub, s, pos) => {
        // Hive's rule, kept by Spark: a null start position gives 0, not null.
        if (args.length === 3 && pos === null) return 0;
        if (sub === null || s === null) return null;
        return locateIn(s as string, sub as string, args.length === 3 ? (pos as number) : 1);
      },
      { nullSafe: true },
    );
  },
};

export const positionFunction: ScalarFunctionDefinition = { ...locateFunction, name: 'position', doc: { ...locateFunction.doc, usage: 'position(substr, str[, pos]) | position(substr IN str)', examples: [{ sql: "position('bar' IN 'foobarbar')", result: 4 }] } };

function bytesPredicate(name: string, test: (s: Uint8Array | string, p: Uint8Array | string) => boolean, description: string, example: { sql: string; result: unknown }): ScalarFunctionDefinition {
  return {
    name,
    family: 'string',
    arity: [2, 2],
    doc: { usage: `${name}(left, right)`, description, examples: [example] },
    bind: (call) => {
      const binary = isBinaryType(call.args[0]!.type) && isBinaryType(call.args[1]!.type);
      const args = binary ? [call.args[0]!, call.args[1]!] : [argAs(call, 0, STRING()), argAs(call, 1, STRING())];
      return rowFunction(call.outputName, new Bool(), args, (a, b) => test(a as string, b as string));
    },
  };
}

const bytesIndexOf = (a: Uint8Array, b: Uint8Array, from: number): number => {
  outer: for (let k = from; k + b.length <= a.length; k++) {
    for (let j = 0; j < b.length; j++) if (a[k + j] !== b[j]) continue outer;
    return k;
  }
  return -1;
};

export const containsFunction = bytesPredicate(
  'contains',
  (s, p) => (typeof s === 'string' ? s.includes(p as string) : bytesIndexOf(s, p as Uint8Array, 0) >= 0),
  'True when `right` occurs in `left` (an empty `right` always does).',
  { sql: "contains('Spark SQL', 'Spark')", result: true },
);
export const startswithFunction = bytesPredicate(
  'startswith',
  (s, p) => (typeof s === 'string' ? s.startsWith(p as string) : bytesIndexOf(s.subarray(0, (p as Uint8Array).length), p as Uint8Array, 0) === 0),
  'True when `left` starts with `right`.',
  { sql: "startswith('Spark SQL', 'Spark')", result: true },
);
export const endswithFunction = bytesPredicate(
  'endswith',
  (s, p) => (typeof s === 'string' ? s.endsWith(p as string) : s.length >= (p as Uint8Array).length && bytesIndexOf(s, p as Uint8Array, s.length - (p as Uint8Array).length) === s.length - (p as Uint8Array).length),
  'True when `left` ends with `right`.',
  { sql: "endswith('Spark SQL', 'SQL')", result: true },
);

/**
 * Spark's `instr(str, substr)`: 1-based position of the first `substr` in `str`, 0 when absent.
 *
 * @example
 * withColumn('instr', instr(col('text'), 'SQL'))
 * // in SQL: instr('SparkSQL', 'SQL') → 6
 */
export function instr(column: ColumnLike, substr: string): Column {
  return callColumn('instr', colArg(column), litArg(substr));
}
/**
 * Spark's `locate(substr, str[, pos])`: 1-based position of the first `substr` in `str` at or after `pos`; 0 when absent or when `pos` is below 1 or null.
 *
 * @example
 * withColumn('locate', locate('bar', col('text')))
 * // in SQL: locate('bar', 'foobarbar') → 4
 */
export function locate(substr: string, column: ColumnLike, pos = 1): Column {
  return callColumn('locate', litArg(substr), colArg(column), litArg(pos));
}
