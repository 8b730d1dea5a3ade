import { SluiceError } from '@sluice/core';

/**
 * Spark's datetime patterns (`dateFormat`, `timestampFormat`: "yyyy-MM-dd HH:mm:ss.SSS",
 * "dd/MM/yyyy", "yyyy-MM-dd'T'HH:mm:ss[.SSS]XXX") compiled once to a parser and a formatter.
 * Supported letters: y, M, d, H, m, s, S (fraction), X/x/Z (zone offset), quoted literals and
 * `[optional]` sections. Times without a zone are UTC.
 */
export interface DatetimePattern {
  /** Epoch milliseconds, or undefined when the text does not match. */
  parse(text: string): number | undefined;
  /** The text of epoch milliseconds in this pattern (zones written as UTC). */
  format(ms: number): string;
}

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; width: number } | { kind: 'optional'; tokens: Token[] };

const LETTERS = new Set(['y', 'M', 'd', 'H', 'm', 's', 'S', 'X', 'x', 'Z']);

export function compileDatetimePattern(pattern: string, option: string): DatetimePattern {
  const tokens = tokenize(pattern, option);
  const groups: { letter: string; width: number }[] = [];
  const regex = new RegExp(`^${toRegex(tokens, groups)}$`);
  return {
    parse(text) {
      const m = regex.exec(text);
      if (m === null) return undefined;
      let year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, milli = 0, offset = 0;
      for (let g = 0; g < groups.length; g++) {
        const value = m[g + 1];
        if (value === undefined) continue;
        const { letter, width } = groups[g]!;
        if (letter === 'y') year = width === 2 ? 2000 + Number(value) : Number(value);
        else if (letter === 'M') month = Number(value);
        else if (letter === 'd') day = Number(value);
        else if (letter === 'H') hour = Number(value);
        else if (letter === 'm') minute = Number(value);
        else if (letter === 's') second = Number(value);
        else if (letter === 'S') milli = Number((value + '00').slice(0, 3));
        else offset = parseOffset(value);
      }
      if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      if (date.getUTCDate() !== day) return undefined; // 31 April and the like
      return date.getTime() + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli - offset;
    },
    format(ms) {
      const d = new Date(ms);
      return formatTokens(tokens, d);
    },
  };
}

function tokenize(pattern: string, option: string): Token[] {
  const stack: Token[][] = [[]];
  let k = 0;
  while (k < pattern.length) {
    const c = pattern[k]!;
    const top = stack[stack.length - 1]!;
    if (c === "'") {
      const end = pattern.indexOf("'", k + 1);
      if (end < 0) fail(pattern, option, 'an unclosed quote');
      top.push({ kind: 'literal', text: end === k + 1 ? "'" : pattern.slice(k + 1, end) });
      k = end + 1;
    } else if (c === '[') {
      stack.push([]);
      k++;
    } else if (c === ']') {
      if (stack.length === 1) fail(pattern, option, "a ']' without '['");
      const tokens = stack.pop()!;
      stack[stack.length - 1]!.push({ kind: 'optional', tokens });
      k++;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.has(c)) fail(pattern, option, `the letter '${c}' (supported: y M d H m s S X x Z)`);
      let width = 1;
      while (pattern[k + width] === c) width++;
      top.push({ kind: 'field', letter: c, width });
      k += width;
    } else {
      top.push({ kind: 'literal', text: c });
      k++;
    }
  }
  if (stack.length !== 1) fail(pattern, option, "a '[' without ']'");
  return stack[0]!;
}

function toRegex(tokens: Token[], groups: { letter: string; width: number }[]): string {
  return tokens.map((t) => {
    if (t.kind === 'literal') return t.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (t.kind === 'optional') return `(?:${toRegex(t.tokens, groups)})?`;
    groups.push(t);
    switch (t.letter) {
      case 'y':
        return t.width === 2 ? '(\\d{2})' : '(-?\\d{4,6})';
      case 'S':
        return '(\\d{1,9})';
      case 'X':
      case 'x':
      case 'Z':
        return '(Z|[+-]\\d{2}(?::?\\d{2})?)';
      default:
        return t.width === 1 ? '(\\d{1,2})' : `(\\d{${t.width}})`;
    }
  }).join('');
}

function formatTokens(tokens: Token[], d: Date): string {
  return tokens.map((t) => {
    if (t.kind === 'literal') return t.text;
    if (t.kind === 'optional') return formatTokens(t.tokens, d);
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    switch (t.letter) {
      case 'y':
        return t.width === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), Math.max(4, t.width));
      case 'M':
        return pad(d.getUTCMonth() + 1, t.width);
      case 'd':
        return pad(d.getUTCDate(), t.width);
      case 'H':
        return pad(d.getUTCHours(), t.width);
      case 'm':
        return pad(d.getUTCMinutes(), t.width);
      case 's':
        return pad(d.getUTCSeconds(), t.width);
      case 'S':
        return pad(d.getUTCMilliseconds(), 3).padEnd(t.width, '0').slice(0, t.width);
      case 'X':
        return 'Z';
      default:
        return t.width >= 3 ? '+00:00' : '+0000';
    }
  }).join('');
}

function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3_600_000 + (digits.length > 2 ? Number(digits.slice(2, 4)) * 60_000 : 0));
}

function fail(pattern: string, option: string, what: string): never {
  throw new SluiceError('INVALID_OPTION', `Option '${option}' has ${what} in the pattern "${pattern}"; use Spark's datetime pattern letters, e.g. "yyyy-MM-dd HH:mm:ss".`, { details: { option } });
}
