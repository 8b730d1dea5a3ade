import { describe, expect, it } from 'vitest';
import { evaluateRows, evaluateValue } from '../../testing/evaluateExpression.ts';
import { col } from '../../operators/column.ts';
import { when } from './conditional.ts';

/** Spark's answers, restated from ConditionalExpressionSuite and NullExpressionsSuite. */
const v = (sql: string) => evaluateValue(sql);
const type = (sql: string) => evaluateValue(`typeof(${sql})`);

describe('null tests', () => {
  it('isnull / isnotnull / IS [NOT] NULL on every type', () => {
    for (const literal of ['false', "cast(1 as tinyint)", "cast(1 as smallint)", '1', '1L', '1.0F', '1.0D', '1.5', "DATE '1970-01-01'", "TIMESTAMP '1970-01-01 00:00:00.010'", "'abcd'"]) {
      expect(v(`isnull(${literal})`), literal).toBe(false);
      expect(v(`isnotnull(${literal})`), literal).toBe(true);
      expect(v(`${literal} IS NULL`), literal).toBe(false);
      expect(v(`cast(NULL as ${String(type(literal))}) IS NULL`), literal).toBe(true);
      expect(v(`isnotnull(cast(NULL as ${String(type(literal))}))`), literal).toBe(false);
    }
  });

  it('isnan is false for null, nanvl replaces NaN only', () => {
    expect(v("isnan(cast('NaN' as double))")).toBe(true);
    expect(v("isnan(cast('NaN' as float))")).toBe(true);
    expect(v('isnan(ln(-3))')).toBe(false); // ln of a negative number is null in Spark, and isnan(null) is false
    expect(v('isnan(cast(NULL as double))')).toBe(false);
    expect(v("isnan(cast('Infinity' as double))")).toBe(false);
    expect(v('isnan(5.5F)')).toBe(false);
    expect(v('nanvl(5.0D, cast(NULL as double))')).toBe(5);
    expect(v('nanvl(cast(NULL as double), 5.0D)')).toBe(null);
    expect(v("nanvl(cast(NULL as double), cast('NaN' as double))")).toBe(null);
    expect(v("nanvl(cast('NaN' as double), 5.0D)")).toBe(5);
    expect(v("nanvl(cast('NaN' as double), cast(NULL as double))")).toBe(null);
    expect(Number.isNaN(v("nanvl(cast('NaN' as double), cast('NaN' as double))"))).toBe(true);
  });

  it('coalesce returns the first non-null of any type', () => {
    for (const literal of ['false', '1', '1L', '1.0D', "'abcd'", "DATE '1970-01-01'"]) {
      const t = String(type(literal));
      expect(v(`coalesce(cast(NULL as ${t}))`)).toBe(null);
      expect(v(`coalesce(cast(NULL as ${t}), ${literal})`)).toEqual(v(literal));
      expect(v(`coalesce(cast(NULL as ${t}), cast(NULL as ${t}), ${literal})`)).toEqual(v(literal));
    }
    expect(evaluateRows('coalesce(a, b, 0)', [{ a: 1, b: 2 }, { a: null, b: 2 }, { a: null, b: null }], 'a INT, b INT')).toEqual([1, 2, 0]);
    const many = Array.from({ length: 2500 }, (_, i) => `'x_${i + 1}'`).join(', ');
    expect(v(`coalesce(${many})`)).toBe('x_1');
  });

  it('nvl takes the common type of its arguments (SPARK-16602)', () => {
    expect(type("nvl(cast(10.2 as decimal(20,2)), 'c')")).toBe('string');
    expect(type('nvl(2.2D, cast(10.2 as decimal(20,2)))')).toBe('double');
    expect(type('nvl(cast(10.2 as decimal(20,2)), 2.2D)')).toBe('double');
    expect(type('nvl(cast(10.2 as decimal(20,2)), 1.01F)')).toBe('double');
    expect(type("nvl(TIMESTAMP '2017-04-12 00:00:00', 'c')")).toBe('string');
    expect(type('nvl(1, 2.2D)')).toBe('double');
    expect(type("nvl(1, 'c')")).toBe('string');
    expect(type("nvl('c', 2.2D)")).toBe('string');
    expect(type('nvl(NULL, 1)')).toBe('int');
    expect(type('nvl(2.2D, NULL)')).toBe('double');
    expect(type("nvl(NULL, 'c')")).toBe('string');
    expect(type('nvl(1.01F, 2.2D)')).toBe('double');
    expect(type('nvl(cast(NULL as float), 1)')).toBe('float');
    expect(v('nvl(NULL, 1)')).toBe(1);
    expect(v("ifnull(NULL, 'x')")).toBe('x');
    expect(v('nvl2(NULL, 2, 1)')).toBe(1);
    expect(v("nvl2('a', 2, 1)")).toBe(2);
  });
});

describe('if, CASE WHEN and when/otherwise', () => {
  it('if: a null condition takes the else branch', () => {
    expect(v("if(true, 'a', 'b')")).toBe('a');
    expect(v("if(false, 'a', 'b')")).toBe('b');
    expect(v("if(NULL, 'a', 'b')")).toBe('b');
    expect(v('if(true, NULL, 1)')).toBe(null);
    expect(type('if(true, 1, 2.5D)')).toBe('double');
    expect(evaluateRows("if(c, 'yes', 'no')", [{ c: true }, { c: false }, { c: null }], 'c BOOLEAN')).toEqual(['yes', 'no', 'no']);
    expect(() => v("if('x', 1, 2)")).toThrow(/condition must be boolean/);
  });

  it('CASE WHEN: first true branch wins, no match and no ELSE is null', () => {
    const rows = [{ c1: true, c2: false }, { c1: false, c2: true }, { c1: null, c2: true }, { c1: false, c2: null }, { c1: null, c2: null }];
    const schema = 'c1 BOOLEAN, c2 BOOLEAN';
    expect(evaluateRows("CASE WHEN c1 THEN 'a' WHEN c2 THEN 'b' ELSE 'c' END", rows, schema)).toEqual(['a', 'b', 'b', 'c', 'c']);
    expect(evaluateRows("CASE WHEN c1 THEN 'a' WHEN c2 THEN 'b' END", rows, schema)).toEqual(['a', 'b', 'b', null, null]);
    expect(v("CASE WHEN 1 = 1 THEN 'x' END")).toBe('x');
    expect(v("CASE WHEN 1 = 2 THEN 'x' END")).toBe(null);
  });

  it('CASE key WHEN: a null key matches nothing', () => {
    const rows = [{ k: 1 }, { k: 2 }, { k: 3 }, { k: null }];
    expect(evaluateRows("CASE k WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'other' END", rows, 'k INT')).toEqual(['one', 'two', 'other', 'other']);
    expect(evaluateRows("CASE k WHEN NULL THEN 'null' ELSE 'other' END", rows, 'k INT')).toEqual(['other', 'other', 'other', 'other']);
  });

  it('CASE branches meet in their common type', () => {
    expect(type("CASE WHEN true THEN 1 ELSE 'a' END")).toBe('string');
    expect(type('CASE WHEN true THEN 1 WHEN false THEN 2L ELSE 3.0D END')).toBe('double');
    expect(type('CASE WHEN true THEN NULL ELSE 1 END')).toBe('int');
    expect(() => v('CASE WHEN true THEN array(1) ELSE 1 END')).toThrow(/no common type/);
    expect(() => v("CASE WHEN 'x' THEN 1 END")).toThrow(/WHEN condition must be boolean/);
  });

  it('when/otherwise builds the same CASE from the Column API', () => {
    const expr = when(col('n').gt(0), 'pos').when(col('n').lt(0), 'neg').otherwise('zero');
    expect(evaluateRows(expr, [{ n: 5 }, { n: -1 }, { n: 0 }, { n: null }], 'n INT')).toEqual(['pos', 'neg', 'zero', 'zero']);
    expect(evaluateRows(when(col('n').gt(0), col('n')), [{ n: 5 }, { n: -1 }], 'n INT')).toEqual([5, null]);
    expect(() => col('n').otherwise(1)).toThrow(/otherwise\(\) can only follow when/);
  });

  it('nullif, greatest, least', () => {
    expect(v('nullif(2, 2)')).toBe(null);
    expect(v('nullif(2, 3)')).toBe(2);
    expect(v('nullif(NULL, 3)')).toBe(null);
    expect(v('greatest(10, 9, 2, 4, 3)')).toBe(10);
    expect(v('least(10, 9, 2, 4, 3)')).toBe(2);
    expect(v('greatest(NULL, 1, NULL)')).toBe(1);
    expect(v('greatest(cast(NULL as int), NULL)')).toBe(null);
    expect(v("greatest(1.0D, cast('NaN' as double))")).toBeNaN();
    expect(v("least('b', 'a', 'c')")).toBe('a');
    expect(type('greatest(1, 2L, 3.5D)')).toBe('double');
    expect(v("greatest(DATE '2020-01-01', DATE '2021-01-01')")).toBe(18628);
  });
});

describe('three-valued logic and null-safe equality', () => {
  it('AND / OR / NOT tables', () => {
    const values = ['true', 'false', 'NULL'];
    const truth = (x: string) => (x === 'NULL' ? null : x === 'true');
    for (const a of values) {
      for (const b of values) {
        const x = truth(a);
        const y = truth(b);
        const and = x === false || y === false ? false : x === null || y === null ? null : true;
        const or = x === true || y === true ? true : x === null || y === null ? null : false;
        expect(v(`${a} AND ${b}`), `${a} AND ${b}`).toBe(and);
        expect(v(`${a} OR ${b}`), `${a} OR ${b}`).toBe(or);
      }
      expect(v(`NOT ${a}`)).toBe(truth(a) === null ? null : !truth(a));
    }
  });

  it('<=> and IS [NOT] DISTINCT FROM never give null', () => {
    expect(v('NULL <=> NULL')).toBe(true);
    expect(v('1 <=> NULL')).toBe(false);
    expect(v('1 <=> 1')).toBe(true);
    expect(v('1 IS DISTINCT FROM NULL')).toBe(true);
    expect(v('NULL IS NOT DISTINCT FROM NULL')).toBe(true);
    expect(evaluateRows('a <=> b', [{ a: 1, b: 1 }, { a: null, b: 1 }, { a: null, b: null }], 'a INT, b INT')).toEqual([true, false, true]);
  });

  it('IN with nulls', () => {
    expect(v('1 IN (1, 2)')).toBe(true);
    expect(v('3 IN (1, 2)')).toBe(false);
    expect(v('3 IN (1, NULL)')).toBe(null);
    expect(v('1 IN (1, NULL)')).toBe(true);
    expect(v('NULL IN (1, 2)')).toBe(null);
    expect(evaluateRows('a IN (b, 5)', [{ a: 1, b: 1 }, { a: 5, b: null }, { a: 2, b: null }], 'a INT, b INT')).toEqual([true, true, null]);
    expect(evaluateRows("s IN ('x', 'y')", [{ s: 'x' }, { s: 'z' }, { s: null }], 's STRING')).toEqual([true, false, null]);
  });
});
