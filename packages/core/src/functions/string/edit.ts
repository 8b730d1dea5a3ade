import { Field, Int32, List, Utf8 } from 'apache-arrow';
import { isArrayType, STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import { javaRegex } from '../regexp/javaRegex.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction, utf8Map } from '../rowFunction.ts';

/**
 * Java's `String.split(regex, limit)` as Spark calls it: limit > 0 caps the number of pieces (the
 * last holds the rest); otherwise every match splits and trailing empty pieces stay. A zero-width
 * match at the start makes no leading empty piece; an empty pattern splits into characters.
 */
export function javaSplit(text: string, pattern: string, limit: number): string[] {
  if (pattern === '') {
    // Spark's own rule for an empty pattern: the first `limit` characters, one per piece.
    const chars = Array.from(text);
    if (text === '') return [''];
    return limit > 0 ? chars.slice(0, limit) : chars;
  }
  const regex = javaRegex(pattern, 'g');
  const out: string[] = [];
  let last = 0;
  for (const match of text.matchAll(regex)) {
    if (limit > 0 && out.length === limit - 1) break;
    const at = match.index;
    if (match[0].length === 0 && (at === 0 || at >= text.length)) continue;
    out.push(text.slice(last, at));
    last = at + match[0].length;
  }
  out.push(text.slice(last));
  return out;
}

const STRING_ARRAY = () => new List(new Field('element', new Utf8(), true));

export const splitFunction: ScalarFunctionDefinition = {
  name: 'split',
  family: 'string',
  arity: [2, 3],
  doc: {
    usage: 'split(str, regex[, limit])',
    description: '`str` split around matches of the Java regular expression; `limit` > 0 caps the pieces, otherwise all (trailing empty pieces kept).',
    examples: [{ sql: "split('oneAtwoBthreeC', '[ABC]')", result: ['one', 'two', 'three', ''] }, { sql: "split('oneAtwoBthreeC', '[ABC]', 2)", result: ['one', 'twoBthreeC'] }],
  },
  bind: (call) => {
    const args = [argAs(call, 0, STRING()), argAs(call, 1, STRING()), ...(call.args[2] ? [argAs(call, 2, new Int32())] : [])];
    return rowFunction(call.outputName, STRING_ARRAY(), args, (s, p, limit) => javaSplit(s as string, p as string, args.length === 3 ? (limit as number) : -1));
  },
};

export const reverseFunction: ScalarFunctionDefinition = {
  name: 'reverse',
  family: 'string',
  arity: [1, 1],
  doc: {
    usage: 'reverse(str | array)',
    description: 'The characters of a string, or the elements of an array, in reverse order.',
    examples: [{ sql: "reverse('Spark SQL')", result: 'LQS krapS' }, { sql: 'reverse(array(2, 1, 4, 3))', result: [3, 4, 1, 2] }],
  },
  bind: (call) => {
    const arg = call.args[0]!;
    if (isArrayType(arg.type)) return rowFunction(call.outputName, arg.type, [arg], (a) => [...(a as unknown[])].reverse());
    return utf8Map(call.outputName, new Utf8(), argAs(call, 0, STRING()), (s) => Array.from(s).reverse().join(''));
  },
};

/** Spark's translate: each character of `from` becomes the one at the same place in `to`, or is removed; the first mapping of a character wins. */
export function translateText(text: string, from: string, to: string): string {
  const targets = Array.from(to);
  const map = new Map<string, string>();
  Array.from(from).forEach((c, i) => {
    if (!map.has(c)) map.set(c, targets[i] ?? '');
  });
  let out = '';
  for (const c of text) out += map.get(c) ?? c;
  return out;
}

export const translateFunction: ScalarFunctionDefinition = {
  name: 'translate',
  family: 'string',
  arity: [3, 3],
  doc: { usage: 'translate(input, from, to)', description: 'Characters of `from` in `input` replaced by those at the same place in `to` (removed when `to` is shorter).', examples: [{ sql: "translate('AaBbCc', 'abc', '123')", result: 'A1B2C3' }] },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [0, 1, 2].map((i) => argAs(call, i, STRING())), (s, from, to) => translateText(s as string, from as string, to as string)),
};

export const replaceFunction: ScalarFunctionDefinition = {
  name: 'replace',
  family: 'string',
  arity: [2, 3],
  doc: { usage: 'replace(str, search[, replace])', description: 'Every `search` in `str` replaced by `replace` (default empty); an empty `search` changes nothing.', examples: [{ sql: "replace('ABCabc', 'abc', 'DEF')", result: 'ABCDEF' }] },
  bind: (call) => {
    const args = call.args.map((_, i) => argAs(call, i, STRING()));
    return rowFunction(call.outputName, new Utf8(), args, (s, search, rep) => ((search as string) === '' ? s : (s as string).split(search as string).join(args.length === 3 ? (rep as string) : '')));
  },
};

/**
 * Spark's `split(str, regex[, limit])`: `str` split around matches of the Java regular expression; `limit` > 0 caps the pieces, otherwise all (trailing empty pieces kept).
 *
 * @example
 * withColumn('split', split(col('text'), '[ABC]'))
 * // in SQL: split('oneAtwoBthreeC', '[ABC]') → ['one', 'two', 'three', '']
 */
export function split(column: ColumnLike, pattern: string, limit = -1): Column {
  return callColumn('split', colArg(column), litArg(pattern), litArg(limit));
}
/**
 * Spark's `reverse(str | array)`: The characters of a string, or the elements of an array, in reverse order.
 *
 * @example
 * withColumn('reverse', reverse(col('text')))
 * // in SQL: reverse('Spark SQL') → 'LQS krapS'
 */
export function reverse(column: ColumnLike): Column {
  return callColumn('reverse', colArg(column));
}
/**
 * Spark's `translate(input, from, to)`: Characters of `from` in `input` replaced by those at the same place in `to` (removed when `to` is shorter).
 *
 * @example
 * withColumn('translate', translate(col('text'), 'abc', '123'))
 * // in SQL: translate('AaBbCc', 'abc', '123') → 'A1B2C3'
 */
export function translate(column: ColumnLike, from: string, to: string): Column {
  return callColumn('translate', colArg(column), litArg(from), litArg(to));
}
/**
 * Spark's `replace(str, search[, replace])`: Every `search` in `str` replaced by `replace` (default empty); an empty `search` changes nothing.
 *
 * @example
 * withColumn('replace', replace(col('text'), 'abc'))
 * // in SQL: replace('ABCabc', 'abc', 'DEF') → 'ABCDEF'
 */
export function replace(column: ColumnLike, search: string, replacement = ''): Column {
  return callColumn('replace', colArg(column), litArg(search), litArg(replacement));
}
