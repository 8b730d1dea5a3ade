import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../errors.ts';
import { evaluateValue } from '../../testing/evaluateExpression.ts';

/** Spark's answers, restated from RegexpExpressionsSuite: each pattern as a literal and as a column. */
const v = (sql: string) => evaluateValue(sql);
function like(input: string | null, pattern: string | null, escape?: string): unknown {
  const suffix = escape === undefined ? '' : ` ESCAPE '${escape.replace(/'/g, "\\'")}'`;
  const literal = evaluateValue(`s LIKE p${suffix}`, { s: input, p: pattern }, 's STRING, p STRING');
  // The same pattern as a constant (the folded, prefix/suffix fast paths) must agree.
  if (pattern !== null) {
    const quoted = pattern.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    expect(evaluateValue(`s LIKE '${quoted}'${suffix}`, { s: input }, 's STRING'), `${input} LIKE ${pattern}`).toBe(literal);
  }
  return literal;
}
const rlike = (input: string | null, pattern: string | null) => evaluateValue('s RLIKE p', { s: input, p: pattern }, 's STRING, p STRING');

describe('LIKE', () => {
  it('null handling', () => {
    expect(like(null, 'a')).toBe(null);
    expect(like('a', null)).toBe(null);
    expect(like(null, null)).toBe(null);
    expect(like('a', 'a')).toBe(true);
  });

  it('simple patterns, escapes, empty input, case and unicode', () => {
    expect(like('abdef', 'abdef')).toBe(true);
    expect(like('a_%b', 'a\\__b')).toBe(true);
    expect(like('addb', 'a_%b')).toBe(true);
    expect(like('addb', 'a\\__b')).toBe(false);
    expect(like('addb', 'a%\\%b')).toBe(false);
    expect(like('a_%b', 'a%\\%b')).toBe(true);
    expect(like('addb', 'a%')).toBe(true);
    expect(like('addb', '**')).toBe(false);
    expect(like('abc', 'a%')).toBe(true);
    expect(like('abc', 'b%')).toBe(false);
    expect(like('abc', 'bc%')).toBe(false);
    expect(like('a\nb', 'a_b')).toBe(true);
    expect(like('ab', 'a%b')).toBe(true);
    expect(like('a\nb', 'a%b')).toBe(true);
    expect(like('', '')).toBe(true);
    expect(like('a', '')).toBe(false);
    expect(like('', 'a')).toBe(false);
    expect(like('\\\\\\\\', '%\\\\%')).toBe(true);
    expect(like('%%', '%%')).toBe(true);
    expect(like('\\__', '\\\\\\__')).toBe(true);
    expect(like('\\\\\\__', '%\\\\%\\%')).toBe(false);
    expect(like('_\\\\\\%', '%\\\\')).toBe(false);
    expect(like('a\u20ACa', '_€_')).toBe(true);
    expect(like('A', 'a%')).toBe(false);
    expect(like('a', 'A%')).toBe(false);
    expect(like('AaA', '_a_')).toBe(true);
    expect(like('%SystemDrive%\\Users\\John', '\\%SystemDrive\\%\\\\Users%')).toBe(true);
  });

  it('a custom ESCAPE character', () => {
    for (const e of ['/', '#', '"']) {
      expect(like('a_%b', `a${e}__b`, e)).toBe(true);
      expect(like('addb', `a${e}__b`, e)).toBe(false);
      expect(like('a_%b', `a%${e}%b`, e)).toBe(true);
      expect(like(`${e}__`, `${e}${e}${e}__`, e)).toBe(true);
      expect(like(`%SystemDrive%${e}Users${e}John`, `${e}%SystemDrive${e}%${e}${e}Users%`, e)).toBe(true);
    }
  });

  it('an escape before another character, or at the end, is an error', () => {
    const error = (() => {
      try {
        v("'a' LIKE '\\\\a'");
      } catch (e) {
        return e;
      }
    })();
    expect(isSluiceError(error, 'INVALID_QUERY')).toBe(true);
    expect(() => v("'a' LIKE 'a\\\\'")).toThrow(/ends with the escape character/);
  });

  it('ILIKE ignores case; LIKE ANY / ALL combine with three-valued logic', () => {
    expect(v("'Spark' ILIKE '_PARK'")).toBe(true);
    expect(v("NULL LIKE ALL ('%foo%', '%oo')")).toBe(null);
    expect(v("'foo' LIKE ALL ('%foo%', '%oo')")).toBe(true);
    expect(v("'foo' LIKE ALL ('%foo%', '%bar%')")).toBe(false);
    expect(v("'foo' LIKE ALL ('%foo%', NULL)")).toBe(null);
    expect(v("'foo' LIKE ALL ('%feo%', NULL)")).toBe(false);
    expect(v("'foo' NOT LIKE ALL ('tee', '%yoo%')")).toBe(true);
    expect(v("'foo' NOT LIKE ALL ('%oo%', '%yoo%')")).toBe(false);
    expect(v("'foo' NOT LIKE ALL ('%yoo%', NULL)")).toBe(null);
    expect(v("'foo' LIKE ANY ('%foo%', '%bar%')")).toBe(true);
    expect(v("'foo' LIKE ANY ('%fee%', '%bar%')")).toBe(false);
    expect(v("'foo' LIKE ANY ('%foo%', NULL)")).toBe(true);
    expect(v("'foo' LIKE ANY ('%feo%', NULL)")).toBe(null);
    expect(v("'foo' NOT LIKE ANY ('%foo%', '%oo')")).toBe(false);
    expect(v("'foo' NOT LIKE ANY ('%yoo%', NULL)")).toBe(true);
  });
});

describe('RLIKE', () => {
  it('finds the pattern anywhere; nulls give null', () => {
    expect(rlike(null, 'abdef')).toBe(null);
    expect(rlike('abdef', null)).toBe(null);
    expect(rlike('abdef', 'abdef')).toBe(true);
    expect(rlike('abbbbc', 'a.*c')).toBe(true);
    expect(rlike('fofo', '^fo')).toBe(true);
    expect(rlike('fo\no', '^fo\no$')).toBe(true);
    expect(rlike('Bn', '^Ba*n')).toBe(true);
    expect(rlike('afofo', 'fo')).toBe(true);
    expect(rlike('afofo', '^fo')).toBe(false);
    expect(rlike('Baan', '^Ba?n')).toBe(false);
    expect(rlike('axe', 'pi|apa')).toBe(false);
    expect(rlike('pip', '^(pi)*$')).toBe(false);
    expect(rlike('abc', '^ab')).toBe(true);
    expect(rlike('abc', '^bc')).toBe(false);
    expect(v("regexp_like('Spark', '(?i)spark')")).toBe(true);
  });

  it('an invalid pattern is a coded error', () => {
    expect(() => rlike('abbbbc', '**')).toThrow(/Invalid regular expression '\*\*'/);
  });
});

describe('regexp_replace, regexp_extract, regexp_extract_all, regexp_instr', () => {
  const replace = (s: string | null, p: string | null, r: string | null, pos?: number) =>
    evaluateValue(pos === undefined ? 'regexp_replace(s, p, r)' : `regexp_replace(s, p, r, ${pos})`, { s, p, r }, 's STRING, p STRING, r STRING');

  it('replaces every match, from a position', () => {
    expect(replace('100-200', '(\\d+)', 'num')).toBe('num-num');
    expect(replace('100-200', '(\\d+)', '###')).toBe('###-###');
    expect(replace('100-200', '(-)', '###')).toBe('100###200');
    expect(replace(null, '(\\d+)', '###')).toBe(null);
    expect(replace('100-200', null, '###')).toBe(null);
    expect(replace('100-200', '(-)', null)).toBe(null);
    expect(replace('', '^$', '<empty string>')).toBe('<empty string>');
    expect(replace('100-200', '(\\d+)', 'num', 4)).toBe('100-num');
    expect(replace('100-200', '(-)', '###', 4)).toBe('100###200');
    expect(replace('', '^$', '<empty string>', 4)).toBe('');
    expect(replace('100-200', '(\\d+)', 'num', 7)).toBe('100-20num');
    expect(replace('100-200', '(\\d+)', 'num', 8)).toBe('100-200');
    expect(v("regexp_replace('a.b.c', '\\\\.(\\\\w)', '<$1>')")).toBe('a<b><c>');
    expect(v("regexp_replace('2024-01-02', '(?<y>\\\\d+)-(?<m>\\\\d+)', '${m}/${y}')")).toBe('01/2024-02');
  });

  const extract = (s: string | null, p: string | null, i: number | null) => evaluateValue('regexp_extract(s, p, i)', { s, p, i }, 's STRING, p STRING, i INT');
  it('regexp_extract: a group of the first match, empty when none', () => {
    expect(extract('100-200', '(\\d+)-(\\d+)', 1)).toBe('100');
    expect(extract('100-200', '(\\d+)-(\\d+)', 2)).toBe('200');
    expect(extract('100-200', '(\\d+).*', 1)).toBe('100');
    expect(extract('100-200', '([a-z])', 1)).toBe('');
    expect(extract(null, '([a-z])', 1)).toBe(null);
    expect(extract('100-200', null, 1)).toBe(null);
    expect(extract('100-200', '([a-z])', null)).toBe(null);
    expect(v("regexp_extract('100-200', '(\\\\d+)-(\\\\d+)')")).toBe('100');
  });

  it('a group index beyond the pattern, or negative, is an error naming both', () => {
    expect(() => extract('100-200', '(\\d+)-(\\d+)', 3)).toThrow(/group count is 2, but the specified group index is 3/);
    expect(() => extract('100-200', '(\\d+).*', 2)).toThrow(/group count is 1, but the specified group index is 2/);
    expect(() => extract('100-200', '\\d+', 1)).toThrow(/group count is 0, but the specified group index is 1/);
    expect(() => extract('100-200', '(\\d+)-(\\d+)', -1)).toThrow(/must not be negative/);
    expect(() => v("regexp_extract('100-200', '(\\\\d+)', 2)")).toThrow(/group count is 1/);
  });

  const extractAll = (s: string | null, p: string | null, i: number | null) => evaluateValue('regexp_extract_all(s, p, i)', { s, p, i }, 's STRING, p STRING, i INT');
  it('regexp_extract_all', () => {
    const input = '100-200,300-400,500-600';
    expect(extractAll(input, '(\\d+)-(\\d+)', 0)).toEqual(['100-200', '300-400', '500-600']);
    expect(extractAll(input, '(\\d+)-(\\d+)', 1)).toEqual(['100', '300', '500']);
    expect(extractAll(input, '(\\d+)-(\\d+)', 2)).toEqual(['200', '400', '600']);
    expect(extractAll(input, '(\\d+).*', 1)).toEqual(['100']);
    expect(extractAll(input, '([a-z])', 1)).toEqual([]);
    expect(extractAll(null, '([a-z])', 1)).toBe(null);
    expect(extractAll(input, null, 1)).toBe(null);
    expect(extractAll(input, '([a-z])', null)).toBe(null);
    expect(() => extractAll(input, '(\\d+)-(\\d+)', 3)).toThrow(/group count is 2/);
  });

  it('regexp_instr and regexp_count', () => {
    const instr = (s: string | null, p: string | null) => evaluateValue('regexp_instr(s, p)', { s, p }, 's STRING, p STRING');
    expect(instr('100-200', '(\\d+)-(\\d+)')).toBe(1);
    expect(instr('100-200', '([a-z])')).toBe(0);
    expect(instr(null, '([a-z])')).toBe(null);
    expect(instr('100-200', null)).toBe(null);
    expect(v("regexp_count('Steven Jones and Stephen Smith are the best players', 'Ste(v|ph)en')")).toBe(2);
  });
});

describe('Java regex dialect', () => {
  it('reads quoting, inline flags and POSIX classes as Java does', () => {
    expect(v("regexp_replace('a.b*c', '\\\\Q.b*\\\\E', '-')")).toBe('a-c');
    expect(v("regexp_like('ABC', '(?i)^abc$')")).toBe(true);
    expect(v("regexp_extract('x12y', '\\\\p{Digit}+', 0)")).toBe('12');
    expect(v("regexp_extract('x12y', '\\\\p{Alpha}+$', 0)")).toBe('y');
  });

  it('refuses what JavaScript cannot run', () => {
    expect(() => v("regexp_like('aaa', 'a*+')")).toThrow(/possessive quantifiers/);
    expect(() => v("regexp_like('aaa', '(?>a)')")).toThrow(/atomic groups/);
  });
});
