import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { describeExpression } from '../expressions/describe.ts';
import type { ExprNode } from '../expressions/node.ts';
import { sparkTypeName } from '../arrow/schema.ts';
import { parseExpression, parseNamedExpression } from './parser.ts';

/** The parsed tree as Spark prints it: parentheses show how the grammar grouped it. */
const shape = (text: string): string => describeExpression(parseExpression(text));
const literal = (text: string): { value: unknown; type: string } => {
  const node = parseExpression(text) as Extract<ExprNode, { op: 'lit' }>;
  expect(node.op).toBe('lit');
  return { value: node.value, type: node.type ? sparkTypeName(node.type) : 'untyped' };
};

function parseError(text: string): Error & { code: string; details: Record<string, unknown> } {
  try {
    parseNamedExpression(text);
  } catch (error) {
    expect(isSluiceError(error, 'SQL_PARSE_ERROR')).toBe(true);
    return error as never;
  }
  throw new Error(`'${text}' parsed`);
}

describe('expression grammar (restated from Spark ExpressionParserSuite)', () => {
  it('logical operators: AND binds tighter than OR, NOT looser than comparison', () => {
    expect(shape('a and b or c and d')).toBe('((a AND b) OR (c AND d))');
    expect(shape('a or b or c and d')).toBe('((a OR b) OR (c AND d))');
    expect(shape('not a')).toBe('(NOT a)');
    expect(shape('!a')).toBe('(NOT a)');
    expect(shape('not true > true')).toBe('(NOT (true > true))');
  });

  it('comparison operators and their spellings', () => {
    expect(shape('a = b')).toBe('(a = b)');
    expect(shape('a == b')).toBe('(a = b)');
    expect(shape('a <=> b')).toBe('(a <=> b)');
    expect(shape('a <> b')).toBe('(a != b)');
    expect(shape('a != b')).toBe('(a != b)');
    expect(shape('a !> b')).toBe('(a <= b)');
    expect(shape('a !< b')).toBe('(a >= b)');
    expect(shape('a >= b')).toBe('(a >= b)');
  });

  it('BETWEEN, IN, LIKE, RLIKE with NOT', () => {
    expect(shape('a between b and c')).toBe('((a >= b) AND (a <= c))');
    expect(shape('a not between b and c')).toBe('(NOT ((a >= b) AND (a <= c)))');
    expect(shape('a in (b, c, d)')).toBe('(a IN (b, c, d))');
    expect(shape('a not in (b, c, d)')).toBe('(NOT (a IN (b, c, d)))');
    expect(shape("a like 'pattern%'")).toBe('a LIKE pattern%');
    expect(shape("a not like 'pattern%'")).toBe('(NOT a LIKE pattern%)');
    expect(shape("a ilike 'p%' escape '!'")).toBe("a ILIKE p% ESCAPE '!'");
    expect(shape("a rlike 'p+'")).toBe('rlike(a, p+)');
    expect(shape("a regexp 'p+'")).toBe('rlike(a, p+)');
    expect(shape("a not rlike 'p+'")).toBe('(NOT rlike(a, p+))');
  });

  it('IS [NOT] NULL, IS [NOT] DISTINCT FROM, IS TRUE', () => {
    expect(shape('a is null')).toBe('(a IS NULL)');
    expect(shape('a is not null')).toBe('(a IS NOT NULL)');
    expect(shape('a = b is null')).toBe('((a = b) IS NULL)');
    expect(shape('a is distinct from b')).toBe('(NOT (a <=> b))');
    expect(shape('a is not distinct from b')).toBe('(a <=> b)');
    expect(shape('a is true')).toBe('(a <=> true)');
    expect(shape('a is not false')).toBe('(NOT (a <=> false))');
  });

  it('arithmetic precedence: * / % DIV, then + - ||, then shifts, &, ^, |', () => {
    expect(shape('a * t | b ^ c & d - e + f % g DIV h / i * k')).toBe('((a * t) | (b ^ (c & ((d - e) + ((((f % g) div h) / i) * k)))))');
    expect(shape('a || b + c')).toBe('(concat(a, b) + c)');
    expect(shape('a + b << 2')).toBe('((a + b) << 2)');
    expect(shape('r * (a + b)')).toBe('(r * (a + b))');
  });

  it('unary operators', () => {
    expect(shape('+a')).toBe('(+ a)');
    expect(shape('-a')).toBe('(- a)');
    expect(shape('~a')).toBe('~a');
    expect(shape('-+~~a')).toBe('(- (+ ~~a))');
    expect(literal('-5')).toEqual({ value: -5, type: 'int' });
  });

  it('CAST, TRY_CAST and ::', () => {
    expect(shape('cast(a as int)')).toBe('CAST(a AS INT)');
    expect(shape('cast(a as timestamp)')).toBe('CAST(a AS TIMESTAMP)');
    expect(shape('cast(a as array<int>)')).toBe('CAST(a AS ARRAY<INT>)');
    expect(shape('cast(cast(a as int) as long)')).toBe('CAST(CAST(a AS INT) AS BIGINT)');
    expect(shape('cast(a as map<string, array<int>>)')).toBe('CAST(a AS MAP<STRING,ARRAY<INT>>)');
    expect(shape('try_cast(a as int)')).toBe('TRY_CAST(a AS INT)');
    expect(shape('a::bigint + 1')).toBe('(CAST(a AS BIGINT) + 1)');
  });

  it('function calls: no arguments, *, DISTINCT, qualified arguments', () => {
    expect(shape('foo()')).toBe('foo()');
    expect(shape('count(*)')).toBe('count(1)');
    expect(shape('foo(a, b)')).toBe('foo(a, b)');
    expect(shape('foo(all a, b)')).toBe('foo(a, b)');
    expect(shape('foo(distinct a, b)')).toBe('foo(DISTINCT a, b)');
    expect(shape('`select`(a)')).toBe('select(a)');
    expect(shape("1 - f('o', o(bar))")).toBe('(1 - f(o, o(bar)))');
    expect(parseError('foo(a x)').message).toMatch(/Syntax error at or near 'x'/);
  });

  it('lambdas', () => {
    const node = parseExpression('transform(a, x -> x + 1)') as Extract<ExprNode, { op: 'call' }>;
    expect(node.args[1]).toMatchObject({ op: 'lambda', params: ['x'] });
    const two = parseExpression('aggregate(a, 0, (acc, x) -> acc + x)') as Extract<ExprNode, { op: 'call' }>;
    expect(two.args[2]).toMatchObject({ op: 'lambda', params: ['acc', 'x'] });
  });

  it('row constructor is a struct; parentheses group', () => {
    expect(shape('(a, b)')).toBe('struct(a, b)');
    expect(shape('(a as b, b as c)')).toBe('struct(a AS b, b AS c)');
    expect(shape('(a)')).toBe('a');
  });

  it('CASE in both forms', () => {
    expect(shape('case a when 1 then b when 2 then c else d end')).toBe('CASE a WHEN 1 THEN b WHEN 2 THEN c ELSE d END');
    expect(shape('case when a = 1 then b when a = 2 then c else d end')).toBe('CASE WHEN (a = 1) THEN b WHEN (a = 2) THEN c ELSE d END');
    expect(shape('case when (1) + case when a > b then c else d end then f else g end')).toBe('CASE WHEN (1 + CASE WHEN (a > b) THEN c ELSE d END) THEN f ELSE g END');
  });

  it('dereference, backticks and subscripts', () => {
    expect(parseExpression('a.b')).toMatchObject({ op: 'col', name: 'a.b' });
    expect(parseExpression('`select`.b')).toMatchObject({ op: 'col', name: 'select.b' });
    expect(parseExpression('`a.b`.c')).toMatchObject({ op: 'col', name: '`a.b`.c' });
    expect(shape('(a + b).b')).toBe('(a + b).b');
    expect(shape('a[b]')).toBe('a[b]');
    expect(shape('a[1 + 1]')).toBe('a[(1 + 1)]');
    expect(shape("m['k']")).toBe('m[k]');
    expect(parseExpression('`c`.a[b]')).toMatchObject({ op: 'item', expr: { op: 'col', name: 'c.a' } });
    expect(parseExpression('1a')).toMatchObject({ op: 'col', name: '`1a`' });
    expect(parseExpression('a.123A')).toMatchObject({ op: 'col', name: 'a.`123A`' });
    expect(parseExpression('a.123E3_column')).toMatchObject({ op: 'col', name: 'a.`123E3_column`' });
    expect(parseExpression('1SL')).toMatchObject({ op: 'col', name: '`1SL`' });
  });

  it('stars: * and t.*, alone only', () => {
    expect(parseNamedExpression('*')).toMatchObject({ op: 'star' });
    expect(parseNamedExpression('a.b.*')).toMatchObject({ op: 'star', qualifier: 'a.b' });
    expect(parseNamedExpression('a.* b')).toMatchObject({ op: 'alias', name: 'b', expr: { op: 'star', qualifier: 'a' } });
    expect(parseError('a +* b').message).toMatch(/Syntax error at or near '\*'/);
  });

  it('aliases with and without AS, and AS (a, b)', () => {
    expect(parseNamedExpression('a as b')).toMatchObject({ op: 'alias', name: 'b' });
    expect(parseNamedExpression('a b')).toMatchObject({ op: 'alias', name: 'b' });
    expect(parseNamedExpression('a AS `x y`')).toMatchObject({ op: 'alias', name: 'x y' });
    expect(parseNamedExpression('1 + r.r As q')).toMatchObject({ op: 'alias', name: 'q', expr: { op: 'arith' } });
    expect(parseNamedExpression('posexplode(a) AS (p, v)')).toMatchObject({ op: 'call', name: '__multi_alias' });
  });

  it('literals take the narrowest Spark type', () => {
    expect(literal('null')).toEqual({ value: null, type: 'null' });
    expect(literal('trUe')).toEqual({ value: true, type: 'untyped' });
    expect(literal('787324')).toEqual({ value: 787324, type: 'int' });
    expect(literal('7873247234798249234')).toEqual({ value: 7873247234798249234n, type: 'bigint' });
    expect(literal('10Y')).toEqual({ value: 10, type: 'tinyint' });
    expect(literal('10S')).toEqual({ value: 10, type: 'smallint' });
    expect(literal('10L')).toEqual({ value: 10n, type: 'bigint' });
    expect(literal('10.0D')).toEqual({ value: 10, type: 'double' });
    expect(literal('1.5F')).toEqual({ value: 1.5, type: 'float' });
    expect(literal('9.0e1')).toEqual({ value: 90, type: 'double' });
    expect(literal('.9e+2')).toEqual({ value: 90, type: 'double' });
    expect(parseError('-1000Y').message).toMatch(/does not fit in range \[-128, 127\]/);
    expect(parseError('40000S').message).toMatch(/does not fit in range \[-32768, 32767\]/);
    expect(parseError('78732472347982492793712334L').message).toMatch(/does not fit in range/);
    expect(parseError('1.8E308D').message).toMatch(/does not fit in range/);
  });

  it('strings: both quotes, adjacent strings join, backslash escapes', () => {
    expect(literal('"hello"').value).toBe('hello');
    expect(literal("'hello'").value).toBe('hello');
    expect(literal("\"hello\" 'world'").value).toBe('helloworld');
    expect(literal("'hello' \" \" 'world'").value).toBe('hello world');
    expect(literal("'pattern%'").value).toBe('pattern%');
    expect(literal("'no-pattern\\%'").value).toBe('no-pattern\\%');
    expect(literal("'pattern\\\\%'").value).toBe('pattern\\%');
    expect(literal("'\\0'").value).toBe('\u0000');
    expect(literal("'\\''").value).toBe("'");
    expect(literal("'\\\"'").value).toBe('"');
    expect(literal("'\\n\\t\\r\\b'").value).toBe('\n\t\r\b');
    expect(literal("'\\Z'").value).toBe('\u001A');
    expect(literal("'\\110\\145\\154\\154\\157\\041'").value).toBe('Hello!');
    expect(literal("'\\u0057\\u006F\\u0072\\u006C\\u0064\\u0020\\u003A\\u0029'").value).toBe('World :)');
    expect(literal("r'\\d+'").value).toBe('\\d+');
  });

  it('typed literals: DATE, TIMESTAMP, X binary', () => {
    expect(literal("dAte '2016-03-11'")).toEqual({ value: 16871, type: 'date' });
    expect(literal("DATE '2019-01'")).toEqual({ value: 17897, type: 'date' });
    expect(literal("DATE '2019'")).toEqual({ value: 17897, type: 'date' });
    expect(parseError("DAtE 'mar 11 2016'").message).toMatch(/not a valid DATE/);
    expect(literal("tImEstAmp '2016-03-11 20:54:00.000'")).toEqual({ value: Date.UTC(2016, 2, 11, 20, 54), type: 'timestamp' });
    expect(literal("TIMESTAMP '2019-01-16 20:50:00.567000+01:00'").value).toBe(1547668200567);
    expect(parseError("timestamP '2016-33-11 20:54:00.000'").message).toMatch(/not a valid TIMESTAMP/);
    expect(literal("X'A'").value).toEqual(new Uint8Array([0x0a]));
    expect(literal("x'A10C'").value).toEqual(new Uint8Array([0xa1, 0x0c]));
    expect(parseError("x'A1OC'").message).toMatch(/not hexadecimal/);
  });

  it('intervals in every form Spark reads', () => {
    const interval = (text: string) => literal(text).value;
    expect(interval("interval '10 seconds'")).toEqual({ months: 0, days: 0, micros: 10_000_000 });
    expect(interval('interval 10 seconds')).toEqual({ months: 0, days: 0, micros: 10_000_000 });
    expect(interval("interval '-7' day")).toEqual({ months: 0, days: -7, micros: 0 });
    expect(interval('INTERVAL 3 months 22 seconds 1 millisecond')).toEqual({ months: 3, days: 0, micros: 22_001_000 });
    expect(interval("interval 13.123456789 seconds")).toEqual({ months: 0, days: 0, micros: 13_123_457 });
    expect(interval("interval '123-10' year to month")).toEqual({ months: 123 * 12 + 10, days: 0, micros: 0 });
    expect(interval("interval '-2-3' year to month")).toEqual({ months: -27, days: 0, micros: 0 });
    expect(interval("interval '99 11:22:33.123456' day to second")).toEqual({ months: 0, days: 99, micros: ((11 * 60 + 22) * 60 + 33) * 1e6 + 123456 });
    expect(interval("interval '1 0:0:1' day to second")).toEqual({ months: 0, days: 1, micros: 1e6 });
    expect(interval("interval '3 years' ")).toEqual({ months: 36, days: 0, micros: 0 });
    expect(interval("INTERVAL 3 years '-1-10' year to month 3 weeks '1 0:0:2' day to second")).toEqual({ months: 14, days: 22, micros: 2e6 });
    expect(parseError('interval 10 nanoseconds').message).toMatch(/interval unit/);
    expect(parseError("interval '10' month to second").message).toMatch(/Invalid interval/);
  });

  it('SQL-standard forms: EXTRACT, SUBSTRING FROM FOR, TRIM, POSITION IN, braceless CURRENT_DATE', () => {
    expect(shape('extract(year from ts)')).toBe('date_part(year, ts)');
    expect(shape('substring(s from 2 for 3)')).toBe('substring(s, 2, 3)');
    expect(shape('substring(s, 2)')).toBe('substring(s, 2)');
    expect(shape("trim(both 'x' from s)")).toBe('trim(x, s)');
    expect(shape('trim(leading from s)')).toBe('ltrim(s)');
    expect(shape("trim(trailing 'x' from s)")).toBe('rtrim(x, s)');
    expect(shape("position('a' in s)")).toBe('locate(a, s)');
    expect(shape('current_date')).toBe('current_date()');
    expect(shape('current_timestamp')).toBe('current_timestamp()');
  });

  it('long chains of AND parse without blowing the stack', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `${i} == ${i}`).join(' AND ');
    expect(() => parseExpression(text)).not.toThrow();
  });

  it('comments are ignored', () => {
    expect(shape('a + /* two */ 2 -- trailing\n')).toBe('(a + 2)');
  });
});

describe('parse errors are coded, positioned and show a caret', () => {
  it('points at the offending token', () => {
    const error = parseError('1 - f(o) hello * world');
    expect(error.message).toContain("Syntax error at or near '*'");
    expect(error.message).toContain('== SQL (line 1, position 16) ==\n1 - f(o) hello * world\n---------------^');
    expect(error.details).toMatchObject({ line: 1, position: 16 });
  });

  it('says what was expected at the end of the input', () => {
    const error = parseError('amount > ');
    expect(error.message).toContain('Syntax error at or near end of input: expected an expression');
    expect(error.message).toContain('---------^');
  });

  it('reports unclosed strings, backquotes and parentheses', () => {
    expect(parseError("'abc").message).toMatch(/Unclosed string/);
    expect(parseError('`abc').message).toMatch(/Unclosed backquoted name/);
    expect(parseError('f(a, b').message).toMatch(/expected '\)' to close the arguments of f\(/);
    expect(parseError('case when a then b').message).toMatch(/expected END to close CASE/);
  });

  it('positions lines in multi-line text', () => {
    const error = parseError('a +\n  b +\n  )');
    expect(error.message).toContain('== SQL (line 3, position 3) ==\n  )\n--^');
  });

  it('names unknown types', () => {
    expect(parseError('cast(a as foo)').message).toMatch(/Unknown type 'foo'/);
  });

  it('refuses what streams cannot run', () => {
    expect(parseError('a in (select b from c)').message).toMatch(/subqueries/);
    expect(parseError('sum(a) over (partition by b)').message).toMatch(/window functions/);
  });
});
