import { DateDay, IntervalMonthDayNano, Null, TimestampMillisecond, Int8, Int16, Int32, Int64, Float32, Float64, type DataType } from 'apache-arrow';
import { toDataType } from '../arrow/schema.ts';
import { decimalLiteral } from '../decimal/decimalExpressions.ts';
import { SluiceError } from '../errors.ts';
import { expressionError } from '../expressions/errors.ts';
import { quoteParts, type ExprNode, type Span } from '../expressions/node.ts';
import { sessionTimeZone } from '../session/conf.ts';
import { parseDateString, parseTimestampString } from '../time/datetimeStrings.ts';
import { addIntervals, IntervalError, intervalOf, intervalUnit, parseDayTime, parseInterval, parseYearMonth, type Interval, type IntervalUnit } from '../time/interval.ts';
import { requireZone } from '../time/timeZone.ts';
import { tokenize, type Token } from './lexer.ts';

/** Words that end a select item or clause, so they are never taken as an alias without AS. */
const CLAUSE_WORDS = new Set([
  'from', 'where', 'group', 'having', 'order', 'limit', 'union', 'except', 'intersect', 'minus', 'join', 'inner', 'left', 'right', 'full',
  'cross', 'on', 'as', 'and', 'or', 'not', 'is', 'in', 'between', 'like', 'ilike', 'rlike', 'regexp', 'window', 'sort', 'cluster', 'distribute',
  'lateral', 'offset', 'qualify', 'using', 'natural', 'semi', 'anti', 'outer', 'then', 'else', 'end', 'when', 'escape', 'div',
]);

const COMPARISONS: Readonly<Record<string, '=' | '!=' | '<' | '<=' | '>' | '>=' | '<=>'>> = {
  '=': '=', '==': '=', '<>': '!=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', '<=>': '<=>', '!<': '>=', '!>': '<=',
};

/** Binary operators of value expressions, loosest first (Spark's grammar: comparison < | < ^ < & < shifts < + - || < * / % DIV). */
const LEVELS: readonly (readonly string[])[] = [
  Object.keys(COMPARISONS),
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>', '>>>'],
  ['+', '-', '||'],
  ['*', '/', '%', 'div'],
];

/**
 * A recursive-descent parser for Spark SQL's expression grammar (and, in `queryParser.ts`, its
 * SELECT statements). It produces the same `ExprNode` tree the Column API builds, every node
 * carrying its span so later errors can point at it.
 */
export class SqlParser {
  protected readonly tokens: Token[];
  protected position = 0;

  constructor(readonly source: string) {
    this.tokens = tokenize(source);
  }

  /** The whole input as one expression. */
  parseStandaloneExpression(): ExprNode {
    const node = this.expression();
    this.expectEnd();
    return node;
  }

  /** The whole input as one select item: `expr [AS] alias`, `*`, `t.*`. */
  parseStandaloneNamedExpression(): ExprNode {
    const node = this.namedExpression();
    this.expectEnd();
    return node;
  }

  // ---- tokens -------------------------------------------------------------------------------

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.position++;
    return token;
  }

  /** The current token is the keyword `word` (case-insensitive, unquoted). */
  protected isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.value.toLowerCase() === word;
  }

  protected acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.position++;
    return true;
  }

  protected expectWord(word: string, context: string): Token {
    if (!this.isWord(word)) this.fail(`expected ${word.toUpperCase()} ${context}`);
    return this.next();
  }

  protected isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.value === op;
  }

  protected acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.position++;
    return true;
  }

  protected expectOp(op: string, context: string): Token {
    if (!this.isOp(op)) this.fail(`expected '${op}' ${context}`);
    return this.next();
  }

  protected expectEnd(): void {
    this.acceptOp(';');
    if (this.peek().kind !== 'eof') this.fail('expected the end of the input');
  }

  /** A SQL_PARSE_ERROR at the current token (or `token`), with a caret under it. */
  protected fail(expected: string, token: Token = this.peek()): never {
    const near = token.kind === 'eof' ? 'end of input' : `'${this.source.slice(token.start, token.end)}'`;
    throw expressionError('SQL_PARSE_ERROR', `Syntax error at or near ${near}: ${expected}.`, { source: this.source, start: token.start, end: Math.max(token.end, token.start + 1) });
  }

  protected span(start: number, end = this.tokens[this.position - 1]?.end ?? start): Span {
    return { source: this.source, start, end: Math.max(end, start) };
  }

  /** Attach a span from `start` to the last consumed token. */
  protected at<T extends ExprNode>(node: T, start: number): T {
    return { ...node, span: this.span(start) };
  }

  // ---- named expressions ----------------------------------------------------------------------

  /** `expr [AS] alias`, `expr AS (a, b)` (for generators), `*`, `t.*`. */
  namedExpression(): ExprNode {
    const start = this.peek().start;
    const expr = this.expression();
    if (this.acceptWord('as')) {
      if (this.acceptOp('(')) {
        const names = [this.identifier('a column name')];
        while (this.acceptOp(',')) names.push(this.identifier('a column name'));
        this.expectOp(')', 'after the column names');
        return this.at({ op: 'call', name: '__multi_alias', args: [expr, ...names.map((n): ExprNode => ({ op: 'lit', value: n }))] }, start);
      }
      return this.at({ op: 'alias', expr, name: this.identifier('an alias after AS') }, start);
    }
    const t = this.peek();
    if ((t.kind === 'ident' && !CLAUSE_WORDS.has(t.value.toLowerCase())) || t.kind === 'quoted') {
      return this.at({ op: 'alias', expr, name: this.identifier('an alias') }, start);
    }
    return expr;
  }

  /** An identifier (plain or backquoted). */
  protected identifier(what: string): string {
    const t = this.peek();
    if (t.kind !== 'ident' && t.kind !== 'quoted') this.fail(`expected ${what}`);
    this.position++;
    return t.value;
  }

  // ---- boolean expressions ------------------------------------------------------------------

  expression(): ExprNode {
    return this.orExpression();
  }

  private orExpression(): ExprNode {
    const start = this.peek().start;
    let left = this.andExpression();
    while (this.acceptWord('or')) left = this.at({ op: 'or', left, right: this.andExpression() }, start);
    return left;
  }

  private andExpression(): ExprNode {
    const start = this.peek().start;
    let left = this.notExpression();
    while (this.acceptWord('and')) left = this.at({ op: 'and', left, right: this.notExpression() }, start);
    return left;
  }

  private notExpression(): ExprNode {
    const start = this.peek().start;
    if (this.acceptWord('not') || this.acceptOp('!')) return this.at({ op: 'not', expr: this.notExpression() }, start);
    if (this.isWord('exists') && this.isOp('(', 1) && this.isWord('select', 2)) this.fail('subqueries (EXISTS) are not supported');
    return this.predicated();
  }

  /** A value expression and at most one predicate: BETWEEN, IN, LIKE, RLIKE, IS … */
  private predicated(): ExprNode {
    const start = this.peek().start;
    const value = this.valueExpression(0);
    const negated = this.isWord('not') && (this.isWord('between', 1) || this.isWord('in', 1) || this.isWord('like', 1) || this.isWord('ilike', 1) || this.isWord('rlike', 1) || this.isWord('regexp', 1));
    if (negated) this.position++;
    const wrap = (node: ExprNode): ExprNode => (negated ? this.at({ op: 'not', expr: this.at(node, start) }, start) : this.at(node, start));
    if (this.acceptWord('between')) {
      const lower = this.valueExpression(0);
      this.expectWord('and', 'in BETWEEN … AND …');
      const upper = this.valueExpression(0);
      return wrap({ op: 'and', left: this.at({ op: 'cmp', fn: '>=', left: value, right: lower }, start), right: this.at({ op: 'cmp', fn: '<=', left: value, right: upper }, start) });
    }
    if (this.acceptWord('in')) {
      this.expectOp('(', 'after IN');
      if (this.isWord('select')) this.fail('subqueries (IN (SELECT …)) are not supported');
      const values = [this.expression()];
      while (this.acceptOp(',')) values.push(this.expression());
      this.expectOp(')', 'to close the IN list');
      return wrap({ op: 'in', expr: value, values });
    }
    for (const word of ['like', 'ilike'] as const) {
      if (this.acceptWord(word)) {
        if (this.isWord('any') || this.isWord('all') || this.isWord('some')) {
          // x [NOT] LIKE ANY|ALL (p1, p2 …): the OR (ANY) or AND (ALL) of the single comparisons.
          const all = this.next().value.toLowerCase() === 'all';
          this.expectOp('(', `after ${word.toUpperCase()} ${all ? 'ALL' : 'ANY'}`);
          const patterns = [this.expression()];
          while (this.acceptOp(',')) patterns.push(this.expression());
          this.expectOp(')', 'to close the pattern list');
          const each = patterns.map((p): ExprNode => {
            const like: ExprNode = this.at({ op: 'call', name: word, args: [value, p], operator: word.toUpperCase() }, start);
            return negated ? this.at({ op: 'not', expr: like }, start) : like;
          });
          return each.reduce((a, b) => this.at({ op: all ? 'and' : 'or', left: a, right: b }, start));
        }
        const pattern = this.valueExpression(0);
        const args: ExprNode[] = [value, pattern];
        if (this.acceptWord('escape')) {
          const t = this.next();
          if (t.kind !== 'string') this.fail('expected a one-character string after ESCAPE', t);
          args.push({ op: 'lit', value: t.value });
        }
        return wrap({ op: 'call', name: word, args, operator: word.toUpperCase() });
      }
    }
    if (this.acceptWord('rlike') || this.acceptWord('regexp')) return wrap({ op: 'call', name: 'rlike', args: [value, this.valueExpression(0)] });
    if (this.acceptWord('is')) {
      const not = this.acceptWord('not');
      if (this.acceptWord('null')) return this.at({ op: 'isNull', expr: value, negate: not }, start);
      if (this.isWord('true') || this.isWord('false')) {
        const truth = this.next().value.toLowerCase() === 'true';
        const node: ExprNode = this.at({ op: 'cmp', fn: '<=>', left: value, right: { op: 'lit', value: truth } }, start);
        return not ? this.at({ op: 'not', expr: node }, start) : node;
      }
      if (this.acceptWord('unknown')) return this.at({ op: 'isNull', expr: value, negate: not }, start);
      if (this.acceptWord('distinct')) {
        this.expectWord('from', 'in IS DISTINCT FROM');
        const other = this.valueExpression(0);
        const same: ExprNode = this.at({ op: 'cmp', fn: '<=>', left: value, right: other }, start);
        return not ? same : this.at({ op: 'not', expr: same }, start);
      }
      this.fail('expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS');
    }
    return value;
  }

  // ---- value expressions --------------------------------------------------------------------

  /** Binary operators by precedence climbing; `level` is the loosest level allowed. */
  private valueExpression(level: number): ExprNode {
    if (level >= LEVELS.length) return this.unary();
    const start = this.peek().start;
    let left = this.valueExpression(level + 1);
    for (;;) {
      const t = this.peek();
      const op = t.kind === 'op' ? t.value : t.kind === 'ident' && t.value.toLowerCase() === 'div' ? 'div' : undefined;
      if (op === undefined || !LEVELS[level]!.includes(op)) return left;
      this.position++;
      const right = this.valueExpression(level + 1);
      left = this.at(binary(op, left, right), start);
    }
  }

  private unary(): ExprNode {
    const start = this.peek().start;
    if (this.acceptOp('-')) {
      const t = this.peek();
      // A negative number literal stays a literal (its type may depend on the sign: -2147483648 is an int).
      if (t.kind === 'number' && !this.isOp('::', 1) && !this.isOp('[', 1) && !this.isOp('.', 1)) {
        this.position++;
        return this.at(this.numberLiteral(t, true), start);
      }
      return this.at({ op: 'call', name: 'negative', args: [this.unary()], operator: '-' }, start);
    }
    if (this.acceptOp('+')) return this.at({ op: 'call', name: 'positive', args: [this.unary()], operator: '+' }, start);
    if (this.acceptOp('~')) return this.at({ op: 'call', name: 'bitwise_not', args: [this.unary()], operator: '~' }, start);
    return this.postfix();
  }

  /** `[index]`, `.field`, `::type` after a primary expression. */
  private postfix(): ExprNode {
    const start = this.peek().start;
    let node = this.primary();
    for (;;) {
      if (this.acceptOp('[')) {
        const key = this.expression();
        this.expectOp(']', 'to close the subscript');
        node = this.at({ op: 'item', expr: node, key }, start);
      } else if (this.isOp('.') && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'quoted')) {
        this.position++;
        const name = this.identifier('a field name');
        node = node.op === 'col' ? this.at({ op: 'col', name: `${node.name}.${quoteParts([name])}` }, start) : this.at({ op: 'field', expr: node, name }, start);
      } else if (this.isOp('.') && this.isOp('*', 1) && node.op === 'col') {
        this.position += 2;
        node = this.at({ op: 'star', qualifier: node.name }, start);
      } else if (this.acceptOp('::')) {
        const { type, text } = this.dataType();
        node = this.at({ op: 'cast', expr: node, type, typeName: text }, start);
      } else return node;
    }
  }

  // ---- primary expressions ------------------------------------------------------------------

  private primary(): ExprNode {
    const t = this.peek();
    const start = t.start;
    if (t.kind === 'number') {
      this.position++;
      return this.at(this.numberLiteral(t, false), start);
    }
    if (t.kind === 'string') {
      this.position++;
      return this.at({ op: 'lit', value: t.value }, start);
    }
    if (t.kind === 'op') {
      if (t.value === '*') {
        // `*` stands alone: a select item, or a whole argument (`count(*)`).
        const before = this.tokens[this.position - 1];
        const alone = before === undefined || (before.kind === 'op' && (before.value === '(' || before.value === ',')) || (before.kind === 'ident' && ['select', 'distinct', 'all'].includes(before.value.toLowerCase()));
        if (!alone) this.fail('expected an expression');
        this.position++;
        return this.at({ op: 'star' }, start);
      }
      if (t.value === '(') return this.parenthesized();
      this.fail('expected an expression');
    }
    if (t.kind === 'eof') this.fail('expected an expression');
    if (t.kind === 'quoted') {
      if (this.isOp('->', 1)) return this.lambda();
      this.position++;
      return this.callOrColumn(t, start);
    }
    const word = t.value.toLowerCase();
    if (this.isOp('->', 1)) return this.lambda();
    switch (word) {
      case 'null':
        this.position++;
        return this.at({ op: 'lit', value: null, type: new Null() }, start);
      case 'true':
      case 'false':
        this.position++;
        return this.at({ op: 'lit', value: word === 'true' }, start);
      case 'case':
        return this.caseExpression();
      case 'cast':
      case 'try_cast':
        if (this.isOp('(', 1)) return this.cast(word === 'try_cast');
        break;
      case 'date':
      case 'timestamp':
      case 'timestamp_ltz':
      case 'timestamp_ntz':
        if (this.peek(1).kind === 'string') return this.typedLiteral(word);
        break;
      case 'x':
        if (this.peek(1).kind === 'string' && this.peek(1).start === t.end) return this.binaryLiteral();
        break;
      case 'interval':
        if (this.peek(1).kind === 'string' || this.peek(1).kind === 'number' || this.isOp('-', 1)) return this.intervalLiteral();
        break;
      case 'current_date':
      case 'current_timestamp':
      case 'current_timezone':
        if (!this.isOp('(', 1)) {
          this.position++;
          return this.at({ op: 'call', name: word, args: [] }, start);
        }
        break;
      case 'extract':
        if (this.isOp('(', 1)) return this.extract();
        break;
      case 'substring':
      case 'substr':
        if (this.isOp('(', 1) && this.hasWordBeforeClose(['from'])) return this.sqlSubstring(word);
        break;
      case 'trim':
        if (this.isOp('(', 1) && this.hasWordBeforeClose(['from', 'both', 'leading', 'trailing'])) return this.sqlTrim();
        break;
      case 'position':
        if (this.isOp('(', 1) && this.hasWordBeforeClose(['in'])) return this.sqlPosition();
        break;
    }
    this.position++;
    return this.callOrColumn(t, start);
  }

  /** Whether a top-level keyword in `words` occurs inside the parentheses that open after the current token. */
  private hasWordBeforeClose(words: readonly string[]): boolean {
    let depth = 0;
    for (let k = this.position + 1; k < this.tokens.length; k++) {
      const t = this.tokens[k]!;
      if (t.kind === 'op' && (t.value === '(' || t.value === '[')) depth++;
      else if (t.kind === 'op' && (t.value === ')' || t.value === ']')) {
        depth--;
        if (depth === 0) return false;
      } else if (depth === 1 && t.kind === 'ident' && words.includes(t.value.toLowerCase())) return true;
    }
    return false;
  }

  /** A name: a column (`a`, `a.b`), or a function call when `(` follows. */
  private callOrColumn(t: Token, start: number): ExprNode {
    if (!this.isOp('(')) return this.at({ op: 'col', name: quoteParts([t.value]) }, start);
    this.position++;
    const name = t.value;
    let distinct = false;
    if (this.acceptWord('distinct')) distinct = true;
    else this.acceptWord('all');
    const args: ExprNode[] = [];
    if (!this.isOp(')')) {
      const named = name.toLowerCase() === 'struct';
      args.push(named ? this.namedExpression() : this.expression());
      while (this.acceptOp(',')) args.push(named ? this.namedExpression() : this.expression());
    }
    if ((name.toLowerCase() === 'first' || name.toLowerCase() === 'last') && this.acceptWord('ignore')) {
      this.expectWord('nulls', 'after IGNORE');
      args.push({ op: 'lit', value: true });
    }
    this.expectOp(')', `to close the arguments of ${name}(`);
    if (this.isWord('filter') && this.isOp('(', 1)) this.fail('aggregate FILTER (WHERE …) is not supported');
    if (this.isWord('over')) this.fail('window functions (OVER …) are not supported on streams; use groupBy(window(…))');
    return this.at({ op: 'call', name, args, ...(distinct ? { distinct } : {}) }, start);
  }

  /** `(expr)`, a row constructor `(a, b)` (a struct), or a lambda `(x, y) -> …`. */
  private parenthesized(): ExprNode {
    const start = this.peek().start;
    if (this.isLambdaParams()) return this.lambda();
    this.position++;
    if (this.isWord('select')) this.fail('subqueries are not supported');
    const first = this.namedExpression();
    if (this.acceptOp(',')) {
      const items = [first, this.namedExpression()];
      while (this.acceptOp(',')) items.push(this.namedExpression());
      this.expectOp(')', 'to close the row');
      return this.at({ op: 'call', name: 'struct', args: items }, start);
    }
    this.expectOp(')', 'to close the parenthesis');
    if (first.op === 'alias') this.fail('an alias is only allowed in a row of several values', this.tokens[this.position - 1]);
    return first;
  }

  private isLambdaParams(): boolean {
    let k = 1;
    if (this.peek(k).kind !== 'ident' && this.peek(k).kind !== 'quoted') return false;
    k++;
    while (this.isOp(',', k) && (this.peek(k + 1).kind === 'ident' || this.peek(k + 1).kind === 'quoted')) k += 2;
    return this.isOp(')', k) && this.isOp('->', k + 1);
  }

  private lambda(): ExprNode {
    const start = this.peek().start;
    const params: string[] = [];
    if (this.acceptOp('(')) {
      params.push(this.identifier('a lambda parameter'));
      while (this.acceptOp(',')) params.push(this.identifier('a lambda parameter'));
      this.expectOp(')', 'after the lambda parameters');
    } else params.push(this.identifier('a lambda parameter'));
    this.expectOp('->', 'in a lambda');
    return this.at({ op: 'lambda', params, body: this.expression() }, start);
  }

  private caseExpression(): ExprNode {
    const start = this.peek().start;
    this.position++;
    const operand = this.isWord('when') ? undefined : this.expression();
    const branches: { when: ExprNode; then: ExprNode }[] = [];
    while (this.acceptWord('when')) {
      const when = this.expression();
      this.expectWord('then', 'after the WHEN condition');
      branches.push({ when, then: this.expression() });
    }
    if (branches.length === 0) this.fail('expected WHEN in CASE');
    const otherwise = this.acceptWord('else') ? this.expression() : undefined;
    this.expectWord('end', 'to close CASE');
    return this.at({ op: 'case', ...(operand ? { operand } : {}), branches, ...(otherwise ? { otherwise } : {}) }, start);
  }

  private cast(isTry: boolean): ExprNode {
    const start = this.peek().start;
    this.position += 2;
    const expr = this.expression();
    this.expectWord('as', 'in CAST(expr AS type)');
    const { type, text } = this.dataType();
    this.expectOp(')', 'to close CAST');
    return this.at({ op: 'cast', expr, type, typeName: text, ...(isTry ? { try: true } : {}) }, start);
  }

  /** A type name as Spark's DDL writes it (`int`, `decimal(10, 2)`, `array<struct<a: int>>`). */
  protected dataType(): { type: DataType; text: string } {
    const first = this.peek();
    if (first.kind !== 'ident') this.fail('expected a type name');
    let depth = 0;
    let last = first;
    this.position++;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.value === '<' || t.value === '(')) depth++;
      else if (t.kind === 'op' && (t.value === '>' || t.value === '>>' || t.value === '>>>' || t.value === ')')) {
        if (depth === 0) break;
        depth -= t.value === ')' ? 1 : t.value.length;
        if (depth < 0) this.fail('unbalanced < > in the type');
      } else if (depth === 0) break;
      last = t;
      this.position++;
    }
    const text = this.source.slice(first.start, last.end);
    try {
      return { type: toDataType(text), text };
    } catch (error) {
      const reason = error instanceof SluiceError ? error.message.replace(/^\[[A-Z_]+\] /, '') : String(error);
      throw expressionError('SQL_PARSE_ERROR', `Unknown type '${text}': ${reason}`, { source: this.source, start: first.start, end: last.end });
    }
  }

  private typedLiteral(word: string): ExprNode {
    const start = this.peek().start;
    this.position++;
    const t = this.next();
    if (word === 'date') {
      const days = parseDateString(t.value);
      if (days === null) this.fail(`'${t.value}' is not a valid DATE (use yyyy-MM-dd)`, t);
      return this.at({ op: 'lit', value: days, type: new DateDay() }, start);
    }
    const ms = parseTimestampString(t.value, requireZone(word === 'timestamp_ntz' ? 'UTC' : sessionTimeZone()));
    if (ms === null) this.fail(`'${t.value}' is not a valid TIMESTAMP (use yyyy-MM-dd HH:mm:ss[.SSS])`, t);
    return this.at({ op: 'lit', value: ms, type: new TimestampMillisecond() }, start);
  }

  private binaryLiteral(): ExprNode {
    const start = this.peek().start;
    this.position++;
    const t = this.next();
    const hex = t.value.length % 2 ? `0${t.value}` : t.value;
    if (!/^[0-9a-fA-F]*$/.test(hex)) this.fail(`X'${t.value}' is not hexadecimal`, t);
    const bytes = new Uint8Array(hex.length / 2);
    for (let k = 0; k < bytes.length; k++) bytes[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
    return this.at({ op: 'lit', value: bytes }, start);
  }

  /** INTERVAL '1 day 2 hours', INTERVAL 3 DAYS 2 HOURS, INTERVAL '1' DAY, INTERVAL '1 02:03' DAY TO MINUTE, INTERVAL '1-2' YEAR TO MONTH. */
  private intervalLiteral(): ExprNode {
    const start = this.peek().start;
    this.position++;
    let result: Interval = { months: 0, days: 0, micros: 0 };
    let parts = 0;
    for (;;) {
      const valueStart = this.peek();
      let negative = false;
      if (this.isOp('-') || this.isOp('+')) negative = this.next().value === '-';
      const t = this.peek();
      if (t.kind !== 'string' && t.kind !== 'number') break;
      this.position++;
      const unitToken = this.peek();
      const unit = unitToken.kind === 'ident' ? intervalUnit(unitToken.value) : undefined;
      try {
        if (!unit) {
          if (t.kind !== 'string' || parts > 0) this.fail('expected an interval unit such as DAY or SECONDS', unitToken);
          result = parseInterval(t.value);
          if (negative) result = { months: -result.months, days: -result.days, micros: -result.micros };
          parts++;
          break;
        }
        this.position++;
        let value: Interval;
        if (this.acceptWord('to')) {
          const toToken = this.peek();
          const to = toToken.kind === 'ident' ? intervalUnit(toToken.value) : undefined;
          if (!to) this.fail('expected an interval unit after TO', toToken);
          this.position++;
          value = unit === 'year' && to === 'month' ? parseYearMonth(t.value) : parseDayTime(t.value, unit, to as IntervalUnit);
        } else value = intervalOf(t.value.trim(), unit);
        if (negative) value = { months: -value.months, days: -value.days, micros: -value.micros };
        result = addIntervals(result, value);
        parts++;
      } catch (error) {
        if (error instanceof IntervalError) throw expressionError('SQL_PARSE_ERROR', `Invalid interval: ${error.message}.`, this.span(valueStart.start));
        throw error;
      }
    }
    if (parts === 0) this.fail('at least one time unit should be given for an interval literal');
    return this.at({ op: 'lit', value: result, type: new IntervalMonthDayNano() }, start);
  }

  /** EXTRACT(field FROM source) → date_part('field', source). */
  private extract(): ExprNode {
    const start = this.peek().start;
    this.position += 2;
    const field = this.identifier('a field such as YEAR');
    this.expectWord('from', 'in EXTRACT(field FROM source)');
    const source = this.expression();
    this.expectOp(')', 'to close EXTRACT');
    return this.at({ op: 'call', name: 'date_part', args: [{ op: 'lit', value: field }, source] }, start);
  }

  /** SUBSTRING(str FROM pos [FOR len]). */
  private sqlSubstring(name: string): ExprNode {
    const start = this.peek().start;
    this.position += 2;
    const str = this.expression();
    this.expectWord('from', `in ${name.toUpperCase()}(str FROM pos)`);
    const args = [str, this.expression()];
    if (this.acceptWord('for')) args.push(this.expression());
    this.expectOp(')', `to close ${name.toUpperCase()}`);
    return this.at({ op: 'call', name: 'substring', args }, start);
  }

  /** TRIM([BOTH | LEADING | TRAILING] [chars] FROM str). */
  private sqlTrim(): ExprNode {
    const start = this.peek().start;
    this.position += 2;
    let name = 'trim';
    if (this.acceptWord('leading')) name = 'ltrim';
    else if (this.acceptWord('trailing')) name = 'rtrim';
    else this.acceptWord('both');
    let chars: ExprNode | undefined;
    if (!this.isWord('from')) chars = this.expression();
    this.expectWord('from', 'in TRIM(… FROM str)');
    const str = this.expression();
    this.expectOp(')', 'to close TRIM');
    return this.at({ op: 'call', name, args: chars ? [chars, str] : [str] }, start);
  }

  /** POSITION(substr IN str). */
  private sqlPosition(): ExprNode {
    const start = this.peek().start;
    this.position += 2;
    const sub = this.valueExpression(0);
    this.expectWord('in', 'in POSITION(substr IN str)');
    const str = this.expression();
    this.expectOp(')', 'to close POSITION');
    return this.at({ op: 'call', name: 'locate', args: [sub, str] }, start);
  }

  /** A number token as a typed literal (Spark: the narrowest of int/bigint, else decimal; suffixes L S Y D F BD). */
  private numberLiteral(t: Token, negative: boolean): ExprNode {
    const text = t.value;
    const suffix = /(bd|[lsydf])$/i.exec(text)?.[0].toLowerCase() ?? '';
    const digits = (negative ? '-' : '') + text.slice(0, text.length - suffix.length);
    const integral = /^-?\d+$/.test(digits);
    const range = (min: bigint, max: bigint, type: DataType, name: string): ExprNode => {
      if (!integral) this.fail(`${text} is not an integer`, t);
      const v = BigInt(digits);
      if (v < min || v > max) this.fail(`numeric literal ${digits} does not fit in range [${min}, ${max}] for type ${name}`, t);
      return { op: 'lit', value: type instanceof Int64 ? v : Number(v), type };
    };
    switch (suffix) {
      case 'y':
        return range(-128n, 127n, new Int8(), 'tinyint');
      case 's':
        return range(-32768n, 32767n, new Int16(), 'smallint');
      case 'l':
        return range(-(2n ** 63n), 2n ** 63n - 1n, new Int64(), 'bigint');
      case 'd':
      case 'f': {
        const value = Number(digits);
        if (!Number.isFinite(value)) this.fail(`numeric literal ${digits} does not fit in range for type ${suffix === 'd' ? 'double' : 'float'}`, t);
        return { op: 'lit', value: suffix === 'f' ? Math.fround(value) : value, type: suffix === 'f' ? new Float32() : new Float64() };
      }
      case 'bd':
        return decimalLiteralNode(digits);
    }
    if (integral) {
      const v = BigInt(digits);
      if (v >= -(2n ** 31n) && v < 2n ** 31n) return { op: 'lit', value: Number(v), type: new Int32() };
      if (v >= -(2n ** 63n) && v < 2n ** 63n) return { op: 'lit', value: v, type: new Int64() };
      return decimalLiteralNode(digits);
    }
    // Scientific notation is a double (Spark 3); a plain decimal is DECIMAL in Spark.
    if (/e/i.test(digits)) return { op: 'lit', value: Number(digits), type: new Float64() };
    return decimalLiteralNode(digits);
  }
}

/** A decimal literal (`1.5`, `2BD`, a whole number past bigint): Spark types it DECIMAL(digits, fraction digits). */
function decimalLiteralNode(digits: string): ExprNode {
  return { op: 'lit', value: decimalLiteral(digits) };
}

function binary(op: string, left: ExprNode, right: ExprNode): ExprNode {
  const cmp = COMPARISONS[op];
  if (cmp) return { op: 'cmp', fn: cmp, left, right };
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return { op: 'arith', fn: op, left, right };
    case 'div':
      return { op: 'call', name: 'div', args: [left, right], operator: 'div' };
    case '||':
      return { op: 'call', name: 'concat', args: [left, right] };
    case '&':
      return { op: 'call', name: 'bitwise_and', args: [left, right], operator: '&' };
    case '|':
      return { op: 'call', name: 'bitwise_or', args: [left, right], operator: '|' };
    case '^':
      return { op: 'call', name: 'bitwise_xor', args: [left, right], operator: '^' };
    case '<<':
      return { op: 'call', name: 'shiftleft', args: [left, right], operator: '<<' };
    case '>>':
      return { op: 'call', name: 'shiftright', args: [left, right], operator: '>>' };
    default:
      return { op: 'call', name: 'shiftrightunsigned', args: [left, right], operator: '>>>' };
  }
}

/** Parse one expression (Spark's `expr()`). */
export function parseExpression(text: string): ExprNode {
  return new SqlParser(text).parseStandaloneExpression();
}

/** Parse one select item: an expression with an optional alias (`selectExpr`). */
export function parseNamedExpression(text: string): ExprNode {
  return new SqlParser(text).parseStandaloneNamedExpression();
}

