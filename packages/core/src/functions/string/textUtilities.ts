import { Float64, Int32, Utf8 } from 'apache-arrow';
import { isDecimalType, isFloatingType, isIntegralType, isStringType, STRING } from '../../expressions/types.ts';
import { formatDecimal } from '../../decimal/format.ts';
import { decimalSpecOf } from '../../decimal/decimalType.ts';
import type { Column, ColumnLike } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { roundDecimalString } from '../math/math.ts';

/** Spark's substring_index: the text before the count-th delimiter (from the end when negative). */
export function textBeforeDelimiter(text: string, delimiter: string, count: number): string {
  if (count === 0 || delimiter === '' || text === '') return '';
  const parts = text.split(delimiter);
  if (Math.abs(count) >= parts.length) return text;
  return count > 0 ? parts.slice(0, count).join(delimiter) : parts.slice(parts.length + count).join(delimiter);
}

export const substringIndexFunction: ScalarFunctionDefinition = {
  name: 'substring_index',
  family: 'string',
  arity: [3, 3],
  doc: {
    usage: 'substring_index(str, delim, count)',
    description: '`str` before the `count`-th `delim` (counting from the right, and keeping what follows, when `count` is negative).',
    examples: [{ sql: "substring_index('www.apache.org', '.', 2)", result: 'www.apache' }, { sql: "substring_index('www.apache.org', '.', -2)", result: 'apache.org' }],
  },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [argAs(call, 0, STRING()), argAs(call, 1, STRING()), argAs(call, 2, new Int32())], (s, d, c) => textBeforeDelimiter(s as string, d as string, c as number)),
};

export const spaceFunction: ScalarFunctionDefinition = {
  name: 'space',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'space(n)', description: '`n` spaces (none when `n` < 1).', examples: [{ sql: "concat(space(2), '1')", result: '  1' }] },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [argAs(call, 0, new Int32())], (n) => ' '.repeat(Math.max(0, n as number))),
};

export const eltFunction: ScalarFunctionDefinition = {
  name: 'elt',
  family: 'string',
  arity: [2, Infinity],
  doc: { usage: 'elt(n, input1, input2, ...)', description: 'The `n`-th input (1-based); null when out of range.', examples: [{ sql: "elt(1, 'scala', 'java')", result: 'scala' }, { sql: "elt(3, 'scala', 'java')", result: null }] },
  bind: (call) => {
    const args = [argAs(call, 0, new Int32()), ...call.args.slice(1).map((_, i) => argAs(call, i + 1, STRING()))];
    return rowFunction(call.outputName, new Utf8(), args, (n, ...rest) => (n === null || (n as number) < 1 || (n as number) >= args.length ? null : rest[(n as number) - 1] ?? null), { nullSafe: true });
  },
};

/** Edit distance in characters (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[y.length]!;
}

export const levenshteinFunction: ScalarFunctionDefinition = {
  name: 'levenshtein',
  family: 'string',
  arity: [2, 2],
  doc: { usage: 'levenshtein(str1, str2)', description: 'The Levenshtein distance between two strings.', examples: [{ sql: "levenshtein('kitten', 'sitting')", result: 3 }] },
  bind: (call) => rowFunction(call.outputName, new Int32(), [argAs(call, 0, STRING()), argAs(call, 1, STRING())], (a, b) => levenshtein(a as string, b as string)),
};

const SOUNDEX_CODES: Readonly<Record<string, string>> = {
  B: '1', F: '1', P: '1', V: '1', C: '2', G: '2', J: '2', K: '2', Q: '2', S: '2', X: '2', Z: '2', D: '3', T: '3', L: '4', M: '5', N: '5', R: '6',
};

/** Spark's soundex: a letter and three digits; text not starting with a letter is returned as is. */
export function soundex(text: string): string {
  if (text === '' || !/^[A-Za-z]/.test(text)) return text;
  const upper = text.toUpperCase();
  let out = upper[0]!;
  let last = SOUNDEX_CODES[out] ?? '0';
  for (let k = 1; k < upper.length && out.length < 4; k++) {
    const c = upper[k]!;
    const code = SOUNDEX_CODES[c];
    if (code === undefined) {
      // H and W do not separate equal codes; vowels (and others) do.
      if (c !== 'H' && c !== 'W') last = '0';
      continue;
    }
    if (code !== last) out += code;
    last = code;
  }
  return out.padEnd(4, '0');
}

export const soundexFunction: ScalarFunctionDefinition = {
  name: 'soundex',
  family: 'string',
  arity: [1, 1],
  doc: { usage: 'soundex(str)', description: 'The Soundex code of a string.', examples: [{ sql: "soundex('Miller')", result: 'M460' }] },
  bind: (call) => rowFunction(call.outputName, new Utf8(), [argAs(call, 0, STRING())], (s) => soundex(s as string)),
};

export const findInSetFunction: ScalarFunctionDefinition = {
  name: 'find_in_set',
  family: 'string',
  arity: [2, 2],
  doc: { usage: 'find_in_set(str, strList)', description: '1-based position of `str` in the comma-separated `strList`; 0 when absent or when `str` holds a comma.', examples: [{ sql: "find_in_set('ab', 'abc,b,ab,c,def')", result: 3 }] },
  bind: (call) => rowFunction(call.outputName, new Int32(), [argAs(call, 0, STRING()), argAs(call, 1, STRING())], (s, list) => ((s as string).includes(',') ? 0 : (list as string).split(',').indexOf(s as string) + 1)),
};

/** Spark's format_number: grouped thousands and `d` decimals (HALF_EVEN, as Java's DecimalFormat), or a DecimalFormat-like pattern. */
export function formatNumberText(value: number | bigint | string, decimals: number): string | null {
  if (decimals < 0) return null;
  const rounded = typeof value === 'string' ? value : typeof value === 'bigint' ? value.toString() : roundDecimalString(value, decimals, true).toFixed(decimals);
  const [whole, fraction = ''] = rounded.replace('-', '').split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const digits = decimals === 0 ? '' : `.${fraction.padEnd(decimals, '0').slice(0, decimals)}`;
  return `${rounded.startsWith('-') ? '-' : ''}${grouped}${digits}`;
}

export const formatNumberFunction: ScalarFunctionDefinition = {
  name: 'format_number',
  family: 'string',
  arity: [2, 2],
  doc: {
    usage: 'format_number(expr, d)',
    description: 'The number with thousands separators and `d` decimal places (HALF_EVEN); null for a negative `d`.',
    examples: [{ sql: 'format_number(12831273.23481D, 3)', result: '12,831,273.235' }, { sql: 'format_number(123123324123L, 3)', result: '123,123,324,123.000' }],
  },
  bind: (call) => {
    const raw = call.args[0]!;
    const value = isIntegralType(raw.type) || isFloatingType(raw.type) || isDecimalType(raw.type) ? raw : argAs(call, 0, new Float64());
    const spec = decimalSpecOf(value.type);
    if (isStringType(call.args[1]!.type)) {
      return rowFunction(call.outputName, new Utf8(), [value, call.args[1]!], (v, pattern) => {
        const p = pattern as string;
        const places = p.includes('.') ? p.split('.')[1]!.length : 0;
        const text = formatNumberText(spec ? formatDecimal(v as bigint, spec.scale) : (v as number), places)!;
        const trimmed = places > 0 ? text.replace(/\.?0+$/, '') : text;
        return p.includes(',') || p === '' ? trimmed : trimmed.replace(/,/g, '');
      });
    }
    return rowFunction(call.outputName, new Utf8(), [value, argAs(call, 1, new Int32())], (v, d) => {
      if (spec) return formatNumberText(roundDecimalText(formatDecimal(v as bigint, spec.scale), d as number), d as number);
      return formatNumberText(typeof v === 'bigint' ? v : (v as number), d as number);
    });
  },
};

/** A decimal's text rounded HALF_EVEN to `places` fraction digits. */
function roundDecimalText(text: string, places: number): string {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  if (fraction.length <= places) return text;
  const digits = BigInt(whole! + fraction.slice(0, places));
  const next = Number(fraction[places]);
  const rest = fraction.slice(places + 1);
  const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || digits % 2n === 1n));
  const value = (digits + (up ? 1n : 0n)).toString().padStart(places + 1, '0');
  const out = places === 0 ? value : `${value.slice(0, -places)}.${value.slice(-places)}`;
  return negative ? `-${out}` : out;
}

/**
 * Spark's `substring_index(str, delim, count)`: `str` before the `count`-th `delim` (counting from the right, and keeping what follows, when `count` is negative).
 *
 * @example
 * withColumn('substringIndex', substringIndex(col('text'), '.', 2))
 * // in SQL: substring_index('www.apache.org', '.', 2) → 'www.apache'
 */
export function substringIndex(column: ColumnLike, delimiter: string, count: number): Column {
  return callColumn('substring_index', colArg(column), litArg(delimiter), litArg(count));
}
/**
 * Spark's `format_number(expr, d)`: The number with thousands separators and `d` decimal places (HALF_EVEN); null for a negative `d`.
 *
 * @example
 * withColumn('amount', formatNumber(col('amount'), 2))
 * // in SQL: format_number(12831273.23481D, 3) → '12,831,273.235'
 */
export function formatNumber(column: ColumnLike, decimals: number): Column {
  return callColumn('format_number', colArg(column), litArg(decimals));
}
