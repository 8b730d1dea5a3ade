import { expressionError } from '../expressions/errors.ts';

/** A token of Spark's SQL dialect, with where it sits in the source. */
export interface Token {
  readonly kind: 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'eof';
  /** Identifier as written, unescaped string, number text (suffix included), or the operator. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

const OPERATORS = ['<=>', '>>>', '<>', '<=', '>=', '!=', '==', '!<', '!>', '||', '::', '->', '=>', '>>', '<<', '+', '-', '*', '/', '%', '~', '&', '|', '^', '=', '<', '>', '(', ')', '[', ']', ',', '.', '!', ';', ':', '{', '}'];
const NUMBER_SUFFIXES = new Set(['l', 's', 'y', 'd', 'f', 'bd']);

/**
 * Split SQL text into tokens (Spark's lexer rules): backquoted identifiers with `` `` `` for a
 * backtick, strings in single or double quotes with backslash escapes (adjacent strings join),
 * typed numbers (`10L`, `1.5D`, `2BD`), a number glued to letters as an identifier (`1a`),
 * `--` line comments and block comments.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let k = 0;
  const fail = (message: string, start: number, end = start + 1): never => {
    throw expressionError('SQL_PARSE_ERROR', message, { source, start, end });
  };
  while (k < source.length) {
    const c = source[k]!;
    if (/\s/.test(c)) {
      k++;
      continue;
    }
    if (c === '-' && source[k + 1] === '-') {
      while (k < source.length && source[k] !== '\n') k++;
      continue;
    }
    if (c === '/' && source[k + 1] === '*') {
      const end = source.indexOf('*/', k + 2);
      if (end < 0) fail('Unclosed comment: /* needs a matching */.', k, k + 2);
      k = end + 2;
      continue;
    }
    const start = k;
    if (c === '`') {
      let value = '';
      k++;
      for (;;) {
        if (k >= source.length) fail('Unclosed backquoted name: add the closing `.', start);
        if (source[k] === '`') {
          if (source[k + 1] === '`') {
            value += '`';
            k += 2;
            continue;
          }
          k++;
          break;
        }
        value += source[k++];
      }
      tokens.push({ kind: 'quoted', value, start, end: k });
      continue;
    }
    const raw = (c === 'r' || c === 'R') && (source[k + 1] === "'" || source[k + 1] === '"');
    if (c === "'" || c === '"' || raw) {
      if (raw) k++;
      const quote = source[k]!;
      k++;
      let value = '';
      for (;;) {
        if (k >= source.length) fail(`Unclosed string: add the closing ${quote}.`, start);
        const ch = source[k]!;
        if (ch === quote) {
          k++;
          break;
        }
        if (ch === '\\' && !raw && k + 1 < source.length) {
          const escaped = unescape(source, k);
          value += escaped.text;
          k = escaped.next;
          continue;
        }
        value += ch;
        k++;
      }
      const previous = tokens.at(-1);
      // Spark joins adjacent string literals: 'a' 'b' is 'ab'.
      if (previous?.kind === 'string' && !raw) tokens[tokens.length - 1] = { ...previous, value: previous.value + value, end: k };
      else tokens.push({ kind: 'string', value, start, end: k });
      continue;
    }
    const previous = tokens.at(-1);
    const isName = (t: Token | undefined) => t !== undefined && (t.kind === 'ident' || t.kind === 'quoted' || (t.kind === 'op' && (t.value === ')' || t.value === ']')));
    const afterName = isName(previous);
    // After `name.`, digits and letters are a field name (`a.123A`, `a.123E3_column`).
    if (/[0-9]/.test(c) && previous?.value === '.' && previous.kind === 'op' && isName(tokens.at(-2))) {
      const word = /^[A-Za-z0-9_]+/.exec(source.slice(k))![0];
      k += word.length;
      tokens.push({ kind: 'ident', value: word, start, end: k });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[k + 1] ?? '') && !afterName)) {
      const numeric = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(k))![0];
      const rest = /^[A-Za-z0-9_]*/.exec(source.slice(k + numeric.length))![0];
      k += numeric.length + rest.length;
      if (rest === '' || NUMBER_SUFFIXES.has(rest.toLowerCase())) tokens.push({ kind: 'number', value: numeric + rest, start, end: k });
      // Digits glued to letters name a column (`1a`, `123_`; `1SL` is not a typed number).
      else if (/^\d+$/.test(numeric)) tokens.push({ kind: 'ident', value: numeric + rest, start, end: k });
      else fail(`Invalid number '${numeric + rest}'.`, start, k);
      continue;
    }
    if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const word = /^[A-Za-z0-9_\u0080-\uffff]+/.exec(source.slice(k))![0];
      k += word.length;
      tokens.push({ kind: 'ident', value: word, start, end: k });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, k));
    if (!op) fail(`Unexpected character '${c}'.`, k);
    k += op!.length;
    tokens.push({ kind: 'op', value: op!, start, end: k });
  }
  tokens.push({ kind: 'eof', value: '', start: source.length, end: source.length });
  return tokens;
}

/** One backslash escape at `k` (Spark's unescapeSQLString): \n \t \b \r \0 \Z \' \" \\, octal \NNN, \uXXXX; `\%` and `\_` keep the backslash for LIKE. */
function unescape(source: string, k: number): { text: string; next: number } {
  const next = source[k + 1]!;
  const octal = /^[0-3][0-7]{2}/.exec(source.slice(k + 1));
  if (octal) return { text: String.fromCharCode(parseInt(octal[0], 8)), next: k + 4 };
  const unicode = /^u([0-9a-fA-F]{4})/.exec(source.slice(k + 1));
  if (unicode) return { text: String.fromCharCode(parseInt(unicode[1]!, 16)), next: k + 6 };
  const map: Record<string, string> = { '0': '\u0000', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\u001a', '%': '\\%', _: '\\_' };
  return { text: map[next] ?? next, next: k + 2 };
}
