import { describe, expect, it } from 'vitest';
import { evaluateRows, evaluateValue } from '../../testing/evaluateExpression.ts';

/** Spark's answers, restated from StringExpressionsSuite (and the function docs); null rows included. */
const v = (sql: string) => evaluateValue(sql);
const onRow = (sql: string, row: Record<string, unknown>, schema: string) => evaluateValue(sql, row, schema);
const bytes = (...b: number[]) => new Uint8Array(b);

describe('concat and concat_ws', () => {
  it('concat: null if any input is null', () => {
    expect(v('concat()')).toBe('');
    expect(v('concat(NULL)')).toBe(null);
    expect(v("concat('')")).toBe('');
    expect(v("concat('a', 'b', 'C')")).toBe('abC');
    expect(v("concat('a', NULL, 'C')")).toBe(null);
    expect(v("concat('数据', NULL, '砖头')")).toBe(null);
    expect(v("concat('数据', '砖头')")).toBe('数据砖头');
    expect(v("'a' || 1 || true")).toBe('a1true');
    expect(v("concat(X'0102', X'03')")).toEqual(bytes(1, 2, 3));
  });

  it('concat over columns, rows with nulls', () => {
    expect(evaluateRows("concat(a, '-', b)", [{ a: 'x', b: 'y' }, { a: null, b: 'y' }, { a: 'é', b: '' }], 'a STRING, b STRING')).toEqual(['x-y', null, 'é-']);
  });

  it('concat_ws: skips nulls, flattens string arrays, null separator gives null', () => {
    expect(v('concat_ws(NULL)')).toBe(null);
    expect(v("concat_ws(NULL, 'a', 'b')")).toBe(null);
    expect(v("concat_ws('')")).toBe('');
    expect(v("concat_ws('哈哈', 'ab')")).toBe('ab');
    expect(v("concat_ws('哈哈', 'a', 'b')")).toBe('a哈哈b');
    expect(v("concat_ws('哈哈', 'a', NULL, 'b')")).toBe('a哈哈b');
    expect(v("concat_ws('哈哈', NULL, 'a', NULL, 'b', 'c')")).toBe('a哈哈b哈哈c');
    expect(v("concat_ws('哈哈', array('ab'))")).toBe('ab');
    expect(v("concat_ws('哈哈', array('a', 'b'))")).toBe('a哈哈b');
    expect(v("concat_ws('哈哈', array('a', NULL, 'b'), NULL, 'c', array(NULL, 'd'))")).toBe('a哈哈b哈哈c哈哈d');
    expect(v("concat_ws('哈哈', array('a', NULL, 'b'), NULL, 'c', array())")).toBe('a哈哈b哈哈c');
    expect(evaluateRows("concat_ws(sep, a, b)", [{ sep: ',', a: '1', b: null }, { sep: null, a: '1', b: '2' }], 'sep STRING, a STRING, b STRING')).toEqual(['1', null]);
  });

  it('elt picks the n-th input', () => {
    expect(v("elt(1, 'hello', 'world')")).toBe('hello');
    expect(v("elt(1, NULL, 'world')")).toBe(null);
    expect(v("elt(NULL, 'hello', 'world')")).toBe(null);
    expect(v("elt(3, 'hello', 'world')")).toBe(null);
    expect(v("elt(0, 'hello', 'world')")).toBe(null);
    expect(v("elt(-1, 'hello', 'world')")).toBe(null);
  });
});

describe('contains, startswith, endswith', () => {
  it('string comparisons with nulls', () => {
    const row = { a: 'abc', b: null };
    const schema = 'a STRING, b STRING';
    expect(onRow("contains(a, 'b')", row, schema)).toBe(true);
    expect(onRow("contains(a, 'x')", row, schema)).toBe(false);
    expect(onRow("contains(b, 'b')", row, schema)).toBe(null);
    expect(onRow('contains(a, NULL)', row, schema)).toBe(null);
    expect(onRow("startswith(a, 'a')", row, schema)).toBe(true);
    expect(onRow("startswith(a, 'b')", row, schema)).toBe(false);
    expect(onRow("startswith(b, 'a')", row, schema)).toBe(null);
    expect(onRow("endswith(a, 'c')", row, schema)).toBe(true);
    expect(onRow("endswith(a, 'b')", row, schema)).toBe(false);
    expect(onRow('endswith(a, NULL)', row, schema)).toBe(null);
  });
});

describe('substring, left, right, substring_index', () => {
  const s = (sql: string, value: unknown = 'example') => onRow(sql, { s: value }, 's STRING');
  it('positions count from 1; 0 is 1; negative from the end; beyond the end is empty', () => {
    expect(s('substring(s, 0, 2)')).toBe('ex');
    expect(s('substring(s, 1, 2)')).toBe('ex');
    expect(s('substring(s, 0, 7)')).toBe('example');
    expect(s('substring(s, 1, 100)')).toBe('example');
    expect(s('substring(s, 2, 2)')).toBe('xa');
    expect(s('substring(s, 2, 6)')).toBe('xample');
    expect(s('substring(s, 2, 100)')).toBe('xample');
    expect(s('substring(s, 0, 0)')).toBe('');
    expect(s('substring(s, 100, 4)')).toBe('');
    expect(s('substring(s, 100, 4)', null)).toBe(null);
    expect(s('substring(s, NULL, 4)')).toBe(null);
    expect(s('substring(s, 100, NULL)')).toBe(null);
    expect(s('substring(s, 0)')).toBe('example');
    expect(s('substring(s, 2)')).toBe('xample');
    expect(s('substring(s, -1207959552, -1207959552)')).toBe('');
    expect(s('substr(s, 0, 2)')).toBe('ex');
    expect(s('substring(s, -3)')).toBe('ple');
  });

  it('counts characters, not bytes, in non-ASCII text', () => {
    expect(s('substring(s, 2, 2)', 'a花花c')).toBe('花花');
    expect(s('substring(s, -2)', 'a花花c')).toBe('花c');
    expect(evaluateRows('substring(s, 2, 3)', [{ s: 'héllo' }, { s: 'hello' }, { s: null }], 's STRING')).toEqual(['éll', 'ell', null]);
  });

  it('binary substrings are bytes', () => {
    const b = (sql: string) => onRow(sql, { b: bytes(1, 2, 3, 4) }, 'b BINARY');
    expect(b('substring(b, 0, 2)')).toEqual(bytes(1, 2));
    expect(b('substring(b, 1, 2)')).toEqual(bytes(1, 2));
    expect(b('substring(b, 2, 2)')).toEqual(bytes(2, 3));
    expect(b('substring(b, 4, 2)')).toEqual(bytes(4));
    expect(b('substring(b, 8, 2)')).toEqual(bytes());
    expect(b('substring(b, -1, 2)')).toEqual(bytes(4));
    expect(b('substring(b, -3, 2)')).toEqual(bytes(2, 3));
    expect(b('substring(b, -5, 2)')).toEqual(bytes(1));
    expect(b('substring(b, -8, 2)')).toEqual(bytes());
  });

  it('SQL-standard SUBSTRING(s FROM p FOR l), left and right', () => {
    expect(v("substring('Spark SQL' FROM 5 FOR 1)")).toBe('k');
    expect(v("left('Spark SQL', 3)")).toBe('Spa');
    expect(v("left('Spark SQL', -1)")).toBe('');
    expect(v("right('Spark SQL', 3)")).toBe('SQL');
    expect(v("right('Spark SQL', 30)")).toBe('Spark SQL');
    expect(v("right(NULL, 3)")).toBe(null);
  });

  it('substring_index', () => {
    expect(v("substring_index('www.apache.org', '.', 3)")).toBe('www.apache.org');
    expect(v("substring_index('www.apache.org', '.', 2)")).toBe('www.apache');
    expect(v("substring_index('www.apache.org', '.', 1)")).toBe('www');
    expect(v("substring_index('www.apache.org', '.', 0)")).toBe('');
    expect(v("substring_index('www.apache.org', '.', -3)")).toBe('www.apache.org');
    expect(v("substring_index('www.apache.org', '.', -2)")).toBe('apache.org');
    expect(v("substring_index('www.apache.org', '.', -1)")).toBe('org');
    expect(v("substring_index('', '.', -2)")).toBe('');
    expect(v("substring_index(NULL, '.', -2)")).toBe(null);
    expect(v("substring_index('www.apache.org', NULL, -2)")).toBe(null);
    expect(v("substring_index('大千世界大千世界', '千', 2)")).toBe('大千世界大');
    expect(v("substring_index('www||apache||org', '||', 2)")).toBe('www||apache');
  });
});

describe('ascii, chr, base64, hex', () => {
  it('ascii and chr', () => {
    expect(v("ascii('efg')")).toBe(101);
    expect(v("ascii('')")).toBe(0);
    expect(v('ascii(NULL)')).toBe(null);
    expect(v('chr(48L)')).toBe('0');
    expect(v('chr(97L + 256L)')).toBe('a');
    expect(v('chr(-9L)')).toBe('');
    expect(v('chr(0L)')).toBe('\u0000');
    expect(v('chr(256L)')).toBe('\u0000');
    expect(v('chr(149L)')).toBe(String.fromCharCode(149));
    expect(v('chr(NULL)')).toBe(null);
  });

  it('base64 and unbase64 round-trip', () => {
    expect(v("base64(X'01020304')")).toBe('AQIDBA==');
    expect(v("base64(unbase64('AQIDBA=='))")).toBe('AQIDBA==');
    expect(v("base64(unbase64(''))")).toBe('');
    expect(v('base64(unbase64(NULL))')).toBe(null);
    expect(v("base64(X'')")).toBe('');
    expect(v("base64('Spark SQL')")).toBe('U3BhcmsgU1FM');
    expect(v('unbase64(NULL)')).toBe(null);
  });

  it('hex and unhex', () => {
    expect(v('hex(17)')).toBe('11');
    expect(v('hex(-1)')).toBe('FFFFFFFFFFFFFFFF');
    expect(v("hex('Spark SQL')")).toBe('537061726B2053514C');
    expect(v("unhex('537061726B2053514C')")).toEqual(new TextEncoder().encode('Spark SQL'));
    expect(v("unhex('GG')")).toBe(null);
    expect(v("unhex('1')")).toEqual(bytes(1));
  });
});

describe('case, length, trimming and padding', () => {
  it('initcap, upper, lower', () => {
    expect(v('initcap(NULL)')).toBe(null);
    expect(v("initcap('a b')")).toBe('A B');
    expect(v("initcap(' a')")).toBe(' A');
    expect(v("initcap('the test')")).toBe('The Test');
    expect(v("initcap('sParK')")).toBe('Spark');
    expect(v("initcap('世界')")).toBe('世界');
    expect(evaluateRows('upper(s)', [{ s: 'abc' }, { s: null }, { s: 'ümlaut' }], 's STRING')).toEqual(['ABC', null, 'ÜMLAUT']);
    expect(evaluateRows('lcase(s)', [{ s: 'ABC' }, { s: 'ÉTÉ' }], 's STRING')).toEqual(['abc', 'été']);
  });

  it('length, octet_length, bit_length of strings and binary', () => {
    expect(v("length('a花花c')")).toBe(4);
    expect(v("octet_length('a花花c')")).toBe(8);
    expect(v("bit_length('a花花c')")).toBe(64);
    expect(v("length(X'0102030102')")).toBe(5);
    expect(v("octet_length(X'0102030102')")).toBe(5);
    expect(v("bit_length(X'0102030102')")).toBe(40);
    expect(v("length('')")).toBe(0);
    expect(v('length(NULL)')).toBe(null);
    expect(v("char_length('abdef')")).toBe(5);
  });

  it('trim, ltrim, rtrim with and without characters', () => {
    expect(v("trim(' aa  ')")).toBe('aa');
    expect(v("trim(BOTH 'a' FROM 'aa')")).toBe('');
    expect(v("trim(BOTH 'ab cd' FROM ' aabbtrimccc')")).toBe('trim');
    expect(v("trim(BOTH 'a.,@<>' FROM 'a<a >@>.,>')")).toBe(' ');
    expect(v("trim(BOTH 'SLSQ' FROM 'SSparkSQLS')")).toBe('park');
    expect(v("trim('  花花世界 ')")).toBe('花花世界');
    expect(v("trim(BOTH '花世界' FROM '花花世界花花')")).toBe('');
    expect(v("trim(BOTH '花 ' FROM ' 花 花 世界 花 花 ')")).toBe('世界');
    expect(v("trim(BOTH NULL FROM 'a')")).toBe(null);
    expect(v("trim(BOTH 'a' FROM NULL)")).toBe(null);
    expect(v("trim(BOTH 'xyz' FROM 'yxTomxx')")).toBe('Tom');
    expect(v("btrim('xxxbarxxx', 'x')")).toBe('bar');
    expect(v("ltrim(' aa  ')")).toBe('aa  ');
    expect(v("trim(LEADING 'ab' FROM 'aabbcaaaa')")).toBe('caaaa');
    expect(v("trim(LEADING 'xy' FROM 'xyxXxyLAST WORD')")).toBe('XxyLAST WORD');
    expect(v("rtrim(' aa  ')")).toBe(' aa');
    expect(v("trim(TRAILING 'a %' FROM 'aabbaaaa %')")).toBe('aabb');
    expect(v("trim(TRAILING 'xy' FROM 'TURNERyxXxy')")).toBe('TURNERyxX');
    expect(v("trim(TRAILING '花 界b@' FROM ' 花花世 b界@花花 ')")).toBe(' 花花世');
  });

  it('lpad, rpad, repeat, space', () => {
    expect(v("lpad('hi', 5, '??')")).toBe('???hi');
    expect(v("lpad('hi', 1, '??')")).toBe('h');
    expect(v("lpad('hi', 5)")).toBe('   hi');
    expect(v("lpad(NULL, 1, '?')")).toBe(null);
    expect(v("lpad('hi', NULL, '?')")).toBe(null);
    expect(v("lpad('hi', 1, NULL)")).toBe(null);
    expect(v("rpad('hi', 5, '??')")).toBe('hi???');
    expect(v("rpad('hi', 1, '??')")).toBe('h');
    expect(v("rpad('hi', 5)")).toBe('hi   ');
    expect(v("repeat('hi', 2)")).toBe('hihi');
    expect(v("repeat('hi', -1)")).toBe('');
    expect(v('repeat(NULL, 1)')).toBe(null);
    expect(v('space(2)')).toBe('  ');
    expect(v('space(-1)')).toBe('');
    expect(v('space(NULL)')).toBe(null);
  });
});

describe('search and replace', () => {
  it('instr', () => {
    expect(v("instr('aaads', 'aa')")).toBe(1);
    expect(v("instr('aaads', 'de')")).toBe(0);
    expect(v("instr(NULL, 'de')")).toBe(null);
    expect(v("instr('aaads', NULL)")).toBe(null);
    expect(v("instr('花花世界', '世界')")).toBe(3);
    expect(v("instr('花花世界', '花')")).toBe(1);
    expect(v("instr('花花世界', '小')")).toBe(0);
  });

  it('locate and position, with Hive\'s null start rule', () => {
    expect(v("locate('aa', 'aaads')")).toBe(1);
    expect(v("locate('aa', 'aaads', 0)")).toBe(0);
    expect(v("locate('aa', 'aaads', 1)")).toBe(1);
    expect(v("locate('aa', 'aaads', 2)")).toBe(2);
    expect(v("locate('aa', 'aaads', 3)")).toBe(0);
    expect(v("locate('de', 'aaads', 2)")).toBe(0);
    expect(v("locate('zz', 'aaads', NULL)")).toBe(0);
    expect(v("locate('aa', NULL)")).toBe(null);
    expect(v("locate(NULL, 'aaads')")).toBe(null);
    expect(v('locate(NULL, NULL, NULL)')).toBe(0);
    expect(v("position('bar' IN 'foobarbar')")).toBe(4);
  });

  it('replace and translate', () => {
    expect(v("replace('replace', 'pl', '123')")).toBe('re123ace');
    expect(v("replace('replace', 'pl', '')")).toBe('reace');
    expect(v("replace('replace', '', '123')")).toBe('replace');
    expect(v("replace(NULL, 'pl', '123')")).toBe(null);
    expect(v("replace('replace', NULL, '123')")).toBe(null);
    expect(v("replace('replace', 'pl', NULL)")).toBe(null);
    expect(v("replace('abcabc', 'b', '12')")).toBe('a12ca12c');
    expect(v("replace('abcdabcd', 'bc', '')")).toBe('adad');
    expect(v("replace('花花世界', '花世', 'ab')")).toBe('花ab界');
    expect(v("translate('translate', 'rnlt', '123')")).toBe('1a2s3ae');
    expect(v("translate('translate', '', '123')")).toBe('translate');
    expect(v("translate('translate', 'rnlt', '')")).toBe('asae');
    expect(v("translate('abcd', 'aba', '123')")).toBe('12cd');
    expect(v("translate('abcd', 'aba', '12')")).toBe('12cd');
    expect(v("translate('花花世界', '花界', 'ab')")).toBe('aa世b');
  });

  it('reverse strings and arrays', () => {
    expect(v("reverse('abccc')")).toBe('cccba');
    expect(v('reverse(NULL)')).toBe(null);
    expect(v("reverse('花世界')")).toBe('界世花');
  });

  it('split keeps trailing empty strings unless limited', () => {
    expect(v("split('aa2bb3cc', '[1-9]+')")).toEqual(['aa', 'bb', 'cc']);
    expect(v("split('aa2bb3cc', '[1-9]+', 2)")).toEqual(['aa', 'bb3cc']);
    expect(v("split('aa2bb3cc4', '[1-9]+')")).toEqual(['aa', 'bb', 'cc', '']);
    expect(v("split('aa2bb3cc', '[1-9]+', -1)")).toEqual(['aa', 'bb', 'cc']);
    expect(v("split('aacbbcddc', 'c', 0)")).toEqual(['aa', 'bb', 'dd', '']);
    expect(v("split('hello', '')")).toEqual(['h', 'e', 'l', 'l', 'o']);
    expect(v("split('', '')")).toEqual(['']);
    expect(v("split(NULL, 'a')")).toBe(null);
  });
});

describe('distance, soundex, sets, formatting', () => {
  it('levenshtein', () => {
    expect(v("levenshtein(NULL, '')")).toBe(null);
    expect(v("levenshtein('', NULL)")).toBe(null);
    expect(v("levenshtein('', '')")).toBe(0);
    expect(v("levenshtein('abc', 'abc')")).toBe(0);
    expect(v("levenshtein('kitten', 'sitting')")).toBe(3);
    expect(v("levenshtein('frog', 'fog')")).toBe(1);
    expect(v("levenshtein('千世', 'fog')")).toBe(3);
    expect(v("levenshtein('世界千世', '大a界b')")).toBe(4);
  });

  it('soundex', () => {
    const cases: [string, string][] = [
      ['ZIN', 'Z500'], ['SU', 'S000'], ['', ''], ['测试', '测试'], ['Tschüss', 'T220'], ['zZ', 'Z000'], ['RAGSSEEESSSVEEWE', 'R221'],
      ['Ashcraft', 'A261'], ['Aswcraft', 'A261'], ['Tymczak', 'T522'], ['Pfister', 'P236'], ['Miller', 'M460'], ['Peterson', 'P362'],
      ['Peters', 'P362'], ['Auerbach', 'A612'], ['Uhrbach', 'U612'], ['Moskowitz', 'M232'], ['Moskovitz', 'M213'], ['relyheewsgeessg', 'R422'], ['!!', '!!'],
    ];
    for (const [input, code] of cases) expect(onRow('soundex(s)', { s: input }, 's STRING'), input).toBe(code);
    expect(v('soundex(NULL)')).toBe(null);
  });

  it('find_in_set', () => {
    expect(v('find_in_set(NULL, NULL)')).toBe(null);
    expect(v("find_in_set('ab', NULL)")).toBe(null);
    expect(v("find_in_set(NULL, 'abc,b,ab,c,def')")).toBe(null);
    expect(v("find_in_set('ab', 'abc,b,ab,c,def')")).toBe(3);
    expect(v("find_in_set('abf', 'abc,b,ab,c,def')")).toBe(0);
    expect(v("find_in_set('ab,', 'abc,b,ab,c,def')")).toBe(0);
  });

  it('format_string follows Java', () => {
    expect(v("format_string('aa%d%s', 123, 'a')")).toBe('aa123a');
    expect(v("format_string('aa')")).toBe('aa');
    expect(v("format_string('aa%d%s', 12, 'cc')")).toBe('aa12cc');
    expect(v("format_string(NULL, 12, 'cc')")).toBe(null);
    expect(v("format_string('aa%d%s', NULL, 'cc')")).toBe('aanullcc');
    expect(v("format_string('aa%d%s', 12, NULL)")).toBe('aa12null');
    expect(v("printf('%2$s %1$s', 'a', 'b')")).toBe('b a');
    expect(v("format_string('%,d|%+d|%x|%o|%08.3f|%e|%%', 1234567, 5, 255, 8, 3.14159D, 12345.678D)")).toBe('1,234,567|+5|ff|10|0003.142|1.234568e+04|%');
  });

  it('format_number', () => {
    expect(v('format_number(cast(4 as tinyint), 3)')).toBe('4.000');
    expect(v('format_number(4.0F, 3)')).toBe('4.000');
    expect(v('format_number(4, 3)')).toBe('4.000');
    expect(v('format_number(12831273.23481D, 3)')).toBe('12,831,273.235');
    expect(v('format_number(12831273.83421D, 0)')).toBe('12,831,274');
    expect(v('format_number(123123324123L, 3)')).toBe('123,123,324,123.000');
    expect(v('format_number(123123324123L, -1)')).toBe(null);
    expect(v('format_number(NULL, 3)')).toBe(null);
    expect(v("format_number(12332.123456D, '##############.###')")).toBe('12332.123');
    expect(v("format_number(4, '##.###')")).toBe('4');
    expect(v("format_number(12831273.23481D, '###,###,###,###,###.###')")).toBe('12,831,273.235');
  });
});
