/**
 * The JSON syntax Spark's reader (Jackson) accepts beyond RFC 8259, by Spark's option names.
 * Spark's defaults: single quotes and NaN/Infinity allowed, the rest not.
 */
export interface JsonSyntax {
  /** `/* … *\/` and `// …` comments. */
  readonly allowComments: boolean;
  /** `{a: 1}`: field names without quotes. */
  readonly allowUnquotedFieldNames: boolean;
  /** `{'a': 'b'}`: single-quoted names and strings. */
  readonly allowSingleQuotes: boolean;
  /** `0018` is 18. */
  readonly allowNumericLeadingZeros: boolean;
  /** `NaN`, `Infinity`, `+Infinity`, `-Infinity`, `+INF`, `-INF` as numbers (and such strings for float/double). */
  readonly allowNonNumericNumbers: boolean;
  /** `"\$"` is `$`: a backslash may quote any character. */
  readonly allowBackslashEscapingAnyCharacter: boolean;
  /** Control characters below U+0020 inside strings, unescaped. */
  readonly allowUnquotedControlChars: boolean;
}

/** Spark's defaults for `JsonSyntax`. */
export const SPARK_JSON_SYNTAX: JsonSyntax = {
  allowComments: false,
  allowUnquotedFieldNames: false,
  allowSingleQuotes: true,
  allowNumericLeadingZeros: false,
  allowNonNumericNumbers: true,
  allowBackslashEscapingAnyCharacter: false,
  allowUnquotedControlChars: false,
};

/** RFC 8259 only: what `JSON.parse` accepts. */
const STRICT_SYNTAX: JsonSyntax = {
  allowComments: false,
  allowUnquotedFieldNames: false,
  allowSingleQuotes: false,
  allowNumericLeadingZeros: false,
  allowNonNumericNumbers: false,
  allowBackslashEscapingAnyCharacter: false,
  allowUnquotedControlChars: false,
};

/** True when `syntax` accepts more than `JSON.parse` does, so a record `JSON.parse` refuses deserves a second look. */
export function isLenient(syntax: JsonSyntax): boolean {
  return Object.values(syntax).some(Boolean);
}

/**
 * A JSON parser that keeps integers beyond 2^53 exact as `bigint`. `JSON.parse` rounds them,
 * which would corrupt Int64 ids; this slower parser runs only for the records where
 * `JSON.parse` produced an integer outside the safe range, or refused a record that `syntax`
 * (Spark's Jackson features) accepts. As Jackson, it reads the first value of the text and
 * ignores what follows it when `syntax` is lenient.
 */
export function parseJsonExact(text: string, options: { readonly decimalText?: boolean; readonly syntax?: JsonSyntax } = {}): unknown {
  const syntax = options.syntax ?? STRICT_SYNTAX;
  const parser = new ExactParser(text, options.decimalText ?? false, syntax);
  parser.space();
  const value = parser.value();
  parser.space();
  if (parser.position !== text.length && !isLenient(syntax)) throw new SyntaxError(`Unexpected data at position ${parser.position}`);
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LENIENT_NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const BARE_NAME = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
/** Jackson's non-numeric number tokens (longest first). */
const NON_NUMERIC: readonly (readonly [string, number])[] = [
  ['+Infinity', Infinity], ['-Infinity', -Infinity], ['Infinity', Infinity], ['+INF', Infinity], ['-INF', -Infinity], ['NaN', NaN],
];

/**
 * A JSON number with a fraction or exponent, as written: what a DECIMAL column needs, since a
 * double keeps ~16 digits. Only produced when asked (`decimalText`); `value` is the double.
 */
export class JsonNumberText {
  readonly value: number;
  constructor(readonly text: string) {
    this.value = Number(text);
  }
}

const DIGIT_THEN_FRACTION_OR_EXPONENT = /\d[.eE]/;

/**
 * True when `text` may hold a float token (one with a fraction or exponent) whose value is an
 * integer, such as `1.0` or `1e2`, outside strings: `JSON.parse` reads those as integers, where
 * Jackson's token says float. One pass, no allocation for the usual record; false positives only
 * cost an exact re-parse.
 */
export function hasIntegralFloatToken(text: string): boolean {
  if (!DIGIT_THEN_FRACTION_OR_EXPONENT.test(text)) return false;
  const n = text.length;
  let k = 0;
  while (k < n) {
    const c = text.charCodeAt(k);
    if (c === 34) {
      k = endOfString(text, k);
      continue;
    }
    if (!isDigit(c)) {
      k++;
      continue;
    }
    // An unsigned number token starts here: its digits, then a fraction and an exponent.
    const start = k;
    while (k < n && isDigit(text.charCodeAt(k))) k++;
    let fractionIsZero = true;
    let float = false;
    if (text.charCodeAt(k) === 46) {
      float = true;
      k++;
      while (k < n && isDigit(text.charCodeAt(k))) {
        if (text.charCodeAt(k) !== 48) fractionIsZero = false;
        k++;
      }
    }
    const e = text.charCodeAt(k);
    if (e === 101 || e === 69) {
      k++;
      if (text.charCodeAt(k) === 43 || text.charCodeAt(k) === 45) k++;
      while (k < n && isDigit(text.charCodeAt(k))) k++;
      // An exponent may make a fraction whole (2.5e1): only then is the value worth computing.
      if (Number.isInteger(Number(text.slice(start, k)))) return true;
    } else if (float && fractionIsZero) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The index after the closing quote of the string opening at `quote`. */
function endOfString(text: string, quote: number): number {
  let k = quote + 1;
  for (;;) {
    const next = text.indexOf('"', k);
    if (next < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(next - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    k = next + 1;
  }
}

class ExactParser {
  position = 0;
  constructor(
    private readonly text: string,
    private readonly decimalText: boolean,
    private readonly syntax: JsonSyntax,
  ) {}

  value(): unknown {
    const ch = this.text[this.position];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"' || (ch === "'" && this.syntax.allowSingleQuotes)) return this.string();
    if (ch === 't') return this.literal('true', true);
    if (ch === 'f') return this.literal('false', false);
    if (ch === 'n') return this.literal('null', null);
    if (this.syntax.allowNonNumericNumbers) {
      for (const [word, n] of NON_NUMERIC) if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return n;
      }
    }
    return this.number();
  }

  space(): void {
    const t = this.text;
    while (this.position < t.length) {
      const c = t.charCodeAt(this.position);
      if (c === 47 && this.syntax.allowComments) {
        const next = t[this.position + 1];
        if (next === '*') {
          const end = t.indexOf('*/', this.position + 2);
          if (end < 0) this.fail('the end of a comment');
          this.position = end + 2;
          continue;
        }
        if (next === '/') {
          const end = t.indexOf('\n', this.position + 2);
          this.position = end < 0 ? t.length : end + 1;
          continue;
        }
        break;
      }
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.position++;
    }
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.position++;
    this.space();
    if (this.text[this.position] === '}') {
      this.position++;
      return out;
    }
    for (;;) {
      this.space();
      const q = this.text[this.position];
      let key: string;
      if (q === '"' || (q === "'" && this.syntax.allowSingleQuotes)) key = this.string();
      else if (this.syntax.allowUnquotedFieldNames) key = this.bareName();
      else this.fail('a key');
      this.space();
      this.expect(':');
      this.space();
      out[key] = this.value();
      this.space();
      if (this.text[this.position] === ',') {
        this.position++;
        continue;
      }
      this.expect('}');
      return out;
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.position++;
    this.space();
    if (this.text[this.position] === ']') {
      this.position++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value());
      this.space();
      if (this.text[this.position] === ',') {
        this.position++;
        continue;
      }
      this.expect(']');
      return out;
    }
  }

  private string(): string {
    const t = this.text;
    const quote = t[this.position]!;
    let out = '';
    let k = this.position + 1;
    for (;;) {
      if (k >= t.length) this.fail('a closing quote');
      const c = t.charCodeAt(k);
      if (t[k] === quote) break;
      if (c < 32 && !this.syntax.allowUnquotedControlChars) {
        this.position = k;
        this.fail('an escaped control character');
      }
      if (c !== 92) {
        out += t[k++];
        continue;
      }
      const e = t[k + 1];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        k += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(k + 2, k + 6))) {
        out += String.fromCharCode(parseInt(t.slice(k + 2, k + 6), 16));
        k += 6;
      } else if (e !== undefined && (this.syntax.allowBackslashEscapingAnyCharacter || (e === "'" && this.syntax.allowSingleQuotes))) {
        out += e;
        k += 2;
      } else {
        this.position = k;
        this.fail('a valid escape');
      }
    }
    this.position = k + 1;
    return out;
  }

  private bareName(): string {
    BARE_NAME.lastIndex = this.position;
    const m = BARE_NAME.exec(this.text);
    if (m === null) this.fail('a key');
    this.position += m[0].length;
    return m[0];
  }

  private number(): number | bigint | JsonNumberText {
    const pattern = this.syntax.allowNumericLeadingZeros ? LENIENT_NUMBER : NUMBER;
    pattern.lastIndex = this.position;
    const m = pattern.exec(this.text);
    if (m === null) this.fail('a value');
    this.position += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return this.decimalText ? new JsonNumberText(m[0]) : Number(m[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail('a value');
    this.position += word.length;
    return value;
  }

  private expect(ch: string): void {
    if (this.text[this.position] !== ch) this.fail(`'${ch}'`);
    this.position++;
  }

  private fail(what: string): never {
    throw new SyntaxError(`Expected ${what} at position ${this.position}`);
  }
}
