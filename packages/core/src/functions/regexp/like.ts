import { Bool } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { boolVector } from '../../expressions/bound.ts';
import { validityOf } from '../../expressions/kernels/bits.ts';
import { Utf8Column } from '../../expressions/kernels/utf8.ts';
import { STRING } from '../../expressions/types.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs, constantArg } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';

/**
 * A LIKE pattern as a test: `_` one character, `%` any run, `escape` (default `\`) before `_`,
 * `%` or itself makes it literal; before anything else it is an error, as in Spark. Plain
 * prefix/suffix/infix patterns skip the regex.
 */
export function likeMatcher(pattern: string, escape = '\\', ignoreCase = false): (text: string) => boolean {
  let regex = '';
  let literal = '';
  const tokens: ('%' | '_' | string)[] = [];
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === escape) {
      const next = pattern[k + 1];
      if (next === undefined) throw new SluiceError('INVALID_QUERY', `The LIKE pattern '${pattern}' ends with the escape character '${escape}'.`);
      if (next !== '_' && next !== '%' && next !== escape) throw new SluiceError('INVALID_QUERY', `In the LIKE pattern '${pattern}' the escape character '${escape}' precedes '${next}'; it may only precede '_', '%' or itself.`);
      literal += next;
      regex += escapeRegex(next);
      k++;
    } else if (c === '%' || c === '_') {
      if (literal) tokens.push(literal);
      literal = '';
      tokens.push(c === '%' ? '\u0000%' : '\u0000_');
      regex += c === '%' ? '[\\s\\S]*' : '[\\s\\S]';
    } else {
      literal += c;
      regex += escapeRegex(c);
    }
  }
  if (literal) tokens.push(literal);
  const fold = ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const lit = (t: string) => fold(t);
  const isAny = (t: string | undefined) => t === '\u0000%';
  const isText = (t: string | undefined) => t !== undefined && !t.startsWith('\u0000');
  if (tokens.length === 0) return (s) => s === '';
  if (tokens.length === 1 && isText(tokens[0])) return (s) => fold(s) === lit(tokens[0]!);
  if (tokens.length === 2 && isText(tokens[0]) && isAny(tokens[1])) return (s) => fold(s).startsWith(lit(tokens[0]!));
  if (tokens.length === 2 && isAny(tokens[0]) && isText(tokens[1])) return (s) => fold(s).endsWith(lit(tokens[1]!));
  if (tokens.length === 3 && isAny(tokens[0]) && isText(tokens[1]) && isAny(tokens[2])) return (s) => fold(s).includes(lit(tokens[1]!));
  const compiled = new RegExp(`^${regex}$`, ignoreCase ? 'i' : '');
  return (s) => compiled.test(s);
}

/**
 * LIKE over UTF-8 bytes, for a pattern of literal bytes, `%` (any run) and `_` (one character:
 * one to four bytes): the classic wildcard match with one backtrack point, no text decoded.
 * Returns undefined when the pattern needs case folding (ILIKE uses the string path).
 */
export function likeBytesMatcher(pattern: string, escape = '\\'): (bytes: Uint8Array, start: number, end: number) => boolean {
  // Tokens: -1 = %, -2 = _, else a literal byte.
  const tokens: number[] = [];
  const encoder = new TextEncoder();
  for (let k = 0; k < pattern.length; k++) {
    const c = pattern[k]!;
    if (c === escape) {
      const next = pattern[++k]!;
      for (const b of encoder.encode(next)) tokens.push(b);
    } else if (c === '%') tokens.push(-1);
    else if (c === '_') tokens.push(-2);
    else for (const b of encoder.encode(c)) tokens.push(b);
  }
  const p = Int16Array.from(tokens);
  const charLength = (b: number) => (b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4);
  return (bytes, start, end) => {
    let s = start;
    let t = 0;
    let starT = -1;
    let starS = 0;
    while (s < end) {
      const token = t < p.length ? p[t]! : -3;
      if (token === -2) {
        s += charLength(bytes[s]!);
        t++;
      } else if (token >= 0 && token === bytes[s]) {
        s++;
        t++;
      } else if (token === -1) {
        starT = t++;
        starS = s;
      } else if (starT >= 0) {
        // Let the last % take one more character and retry.
        starS += charLength(bytes[starS]!);
        s = starS;
        t = starT + 1;
      } else return false;
    }
    while (t < p.length && p[t] === -1) t++;
    return t === p.length && s === end;
  };
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function likeFunction(name: string, ignoreCase: boolean): ScalarFunctionDefinition {
  return {
    name,
    family: 'regexp',
    arity: [2, 3],
    doc: {
      usage: `${name}(str, pattern[, escape]) | str ${name.toUpperCase()} pattern [ESCAPE 'c']`,
      description: `True when \`str\` matches the SQL pattern${ignoreCase ? ', ignoring case' : ''}: \`_\` is one character, \`%\` any run.`,
      examples: ignoreCase ? [{ sql: "ilike('Spark', '_PARK')", result: true }] : [{ sql: "'Spark' LIKE 'Sp%'", result: true }, { sql: "like('a_c', 'a\\\\_c')", result: true }],
    },
    bind: (call) => {
      const escape = call.args[2] ? String(constantArg(call, 2, 'the escape character')) : '\\';
      if (escape.length !== 1) call.fail(`the escape character must be one character, not '${escape}'`, 2, 'INVALID_QUERY');
      const str = argAs(call, 0, STRING());
      const pattern = argAs(call, 1, STRING());
      if (pattern.constant && pattern.constant.value !== null) {
        const text = pattern.constant.value as string;
        const test = likeMatcher(text, escape, ignoreCase);
        if (ignoreCase) return rowFunction(call.outputName, new Bool(), [str], (s) => test(s as string));
        // Case-sensitive LIKE runs on the UTF-8 bytes (the pattern was checked by likeMatcher).
        const bytesTest = likeBytesMatcher(text, escape);
        return {
          name: call.outputName,
          type: new Bool(),
          evaluate: (batch, context) => {
            const data = str.evaluate(batch, context).data[0]!;
            const column = new Utf8Column(data);
            const n = data.length;
            const bits = new Uint8Array((n + 7) >> 3);
            for (let i = 0; i < n; i++) if (bytesTest(column.bytes, column.offsets[i]!, column.offsets[i + 1]!)) bits[i >> 3]! |= 1 << (i & 7);
            return boolVector(bits, validityOf(data), n);
          },
        };
      }
      return rowFunction(call.outputName, new Bool(), [str, pattern], (s, p) => likeMatcher(p as string, escape, ignoreCase)(s as string));
    },
  };
}

export const likeFunctionDefinition = likeFunction('like', false);
export const ilikeFunction = likeFunction('ilike', true);

/**
 * Spark's `like(str, pattern[, escape]) | str LIKE pattern [ESCAPE 'c']`: True when `str` matches the SQL pattern: `_` is one character, `%` any run.
 *
 * @example
 * withColumn('isSpark', like(col('text'), 'Sp%'))
 * // in SQL: 'Spark' LIKE 'Sp%' → true
 */
export function like(column: ColumnLike, pattern: string): Column {
  return callColumn('like', colArg(column), litArg(pattern));
}
