/**
 * A JSON parser that keeps integers beyond 2^53 exact as `bigint`. `JSON.parse` rounds them,
 * which would corrupt Int64 ids; this slower parser runs only for the records where
 * `JSON.parse` produced an integer outside the safe range.
 */
export function parseJsonExact(text: string, options: { readonly decimalText?: boolean } = {}): unknown {
  const parser = new ExactParser(text, options.decimalText ?? false);
  parser.space();
  const value = parser.value();
  parser.space();
  if (parser.position !== text.length) throw new SyntaxError(`Unexpected data at position ${parser.position}`);
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

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

/** The number inside a value the exact parser may have wrapped. */
export function jsonNumberValue(v: unknown): unknown {
  return v instanceof JsonNumberText ? v.value : v;
}

class ExactParser {
  position = 0;
  constructor(
    private readonly text: string,
    private readonly decimalText: boolean,
  ) {}

  value(): unknown {
    const ch = this.text[this.position];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === 't') return this.literal('true', true);
    if (ch === 'f') return this.literal('false', false);
    if (ch === 'n') return this.literal('null', null);
    return this.number();
  }

  space(): void {
    const t = this.text;
    while (this.position < t.length) {
      const c = t.charCodeAt(this.position);
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
      if (this.text[this.position] !== '"') this.fail('a key');
      const key = this.string();
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
    // Find the closing quote, skipping escapes, and let JSON.parse decode the literal.
    let end = this.position + 1;
    const t = this.text;
    while (end < t.length && t[end] !== '"') end += t[end] === '\\' ? 2 : 1;
    if (end >= t.length) this.fail('a closing quote');
    const literal = t.slice(this.position, end + 1);
    this.position = end + 1;
    return JSON.parse(literal) as string;
  }

  private number(): number | bigint | JsonNumberText {
    NUMBER.lastIndex = this.position;
    const m = NUMBER.exec(this.text);
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
