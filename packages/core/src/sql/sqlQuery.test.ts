import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromRows } from '../arrow/tables.ts';
import { toSchema } from '../arrow/schema.ts';
import { isSluiceError } from '../errors.ts';
import { BatchFrame } from './batchFrame.ts';
import { dropTempView, registerTableView, tempViewNames } from './catalog.ts';
import { sql } from './sqlQuery.ts';

// Batch SQL over in-process tables (what a memory sink's table is), with the answers Spark's
// SQLQuerySuite / DataFrameSuite give over its `testData` (key INT 1..100, value STRING = key)
// and `testData2` ((a, b) = (1,1) (1,2) (2,1) (2,2) (3,1) (3,2)).

const testData = tableFromRows(toSchema('key INT, value STRING'), Array.from({ length: 100 }, (_, i) => ({ key: i + 1, value: String(i + 1) })));
const testData2 = tableFromRows(toSchema('a INT, b INT'), [[1, 1], [1, 2], [2, 1], [2, 2], [3, 1], [3, 2]].map(([a, b]) => ({ a, b })));
const nullInts = tableFromRows(toSchema('a INT'), [{ a: 1 }, { a: 2 }, { a: 3 }, { a: null }]);

beforeAll(() => {
  registerTableView('testData', { schema: testData.schema, read: () => testData, description: 'testData' });
  registerTableView('testData2', { schema: testData2.schema, read: () => testData2, description: 'testData2' });
  registerTableView('nullInts', { schema: nullInts.schema, read: () => nullInts, description: 'nullInts' });
});
afterAll(() => ['testData', 'testData2', 'nullInts', 'v_small'].forEach(dropTempView));

function batch(text: string): BatchFrame {
  const result = sql(text);
  if (result.isStreaming) throw new Error('expected a batch result');
  return result;
}

async function rows(text: string): Promise<unknown[][]> {
  const result = batch(text);
  return (await result.collect()).map((r) => result.columns.map((c) => (typeof r[c] === 'bigint' ? Number(r[c]) : r[c])));
}

function failure(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('sql() over tables (Spark SQLQuerySuite answers)', () => {
  it('WHERE, expressions and aliases', async () => {
    expect(await rows('SELECT key, value FROM testData WHERE key < 4')).toEqual([[1, '1'], [2, '2'], [3, '3']]);
    expect(await rows("SELECT key * 2 AS k2, concat(value, '!') v FROM testData WHERE key BETWEEN 9 AND 10")).toEqual([[18, '9!'], [20, '10!']]);
    expect(batch('SELECT key * 2 AS k2, upper(value) FROM testData').columns).toEqual(['k2', 'upper(value)']);
  });

  it('aggregation: GROUP BY with sum/count, global aggregates, HAVING, ordinals and aliases', async () => {
    // SQLQuerySuite "aggregation with codegen": SELECT a, sum(b) FROM testData2 GROUP BY a
    expect(await rows('SELECT a, sum(b) FROM testData2 GROUP BY a ORDER BY a')).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(await rows('SELECT count(*), sum(a), max(b) FROM testData2')).toEqual([[6, 12, 2]]);
    expect(await rows('SELECT a, count(*) FROM testData2 GROUP BY 1 HAVING a > 1 ORDER BY 1')).toEqual([[2, 2], [3, 2]]);
    expect(await rows('SELECT a % 2 AS parity, count(*) AS n FROM testData2 GROUP BY parity ORDER BY parity')).toEqual([[0, 2], [1, 4]]);
    // "SPARK-8828 sum should return null if all input values are null"
    expect(await rows('SELECT sum(a), avg(a) FROM nullInts WHERE a IS NULL')).toEqual([[null, null]]);
  });

  it('ORDER BY: ASC NULLS FIRST and DESC NULLS LAST by default, explicit NULLS, by an aggregate, then LIMIT', async () => {
    // SQLQuerySuite "order by asc/desc with nulls" over nullInts.
    expect(await rows('SELECT a FROM nullInts ORDER BY a')).toEqual([[null], [1], [2], [3]]);
    expect(await rows('SELECT a FROM nullInts ORDER BY a DESC')).toEqual([[3], [2], [1], [null]]);
    expect(await rows('SELECT a FROM nullInts ORDER BY a ASC NULLS LAST')).toEqual([[1], [2], [3], [null]]);
    expect(await rows('SELECT a FROM nullInts ORDER BY a DESC NULLS FIRST')).toEqual([[null], [3], [2], [1]]);
    expect(await rows('SELECT a, b FROM testData2 ORDER BY a DESC, b ASC')).toEqual([[3, 1], [3, 2], [2, 1], [2, 2], [1, 1], [1, 2]]);
    expect(await rows('SELECT b, sum(a) FROM testData2 GROUP BY b ORDER BY sum(a) DESC, b')).toEqual([[1, 6], [2, 6]]);
    // Sorting by a column the select list leaves out (Spark adds it, sorts, then drops it).
    expect(await rows('SELECT value FROM testData WHERE key > 96 ORDER BY key DESC')).toEqual([['100'], ['99'], ['98'], ['97']]);
    expect(batch('SELECT value FROM testData ORDER BY key').columns).toEqual(['value']);
    // "limit": SELECT * FROM testData LIMIT 10 returns the first ten rows
    expect(await rows('SELECT key FROM testData ORDER BY key DESC LIMIT 3')).toEqual([[100], [99], [98]]);
    expect(await batch('SELECT * FROM testData LIMIT 0').count()).toBe(0);
  });

  it('DISTINCT, UNION ALL, UNION (distinct) and subqueries', async () => {
    expect(await rows('SELECT DISTINCT a FROM testData2 ORDER BY a')).toEqual([[1], [2], [3]]);
    expect(await rows('SELECT a FROM testData2 WHERE b = 1 UNION ALL SELECT a FROM testData2 WHERE a = 1 ORDER BY 1')).toEqual([[1], [1], [1], [2], [3]]);
    expect(await rows('SELECT a FROM testData2 UNION SELECT key FROM testData WHERE key <= 4 ORDER BY a')).toEqual([[1], [2], [3], [4]]);
    expect(await rows('SELECT t.x FROM (SELECT a + b AS x FROM testData2) t WHERE t.x > 4')).toEqual([[5]]);
    // A qualified star and a qualified column by the view's own name.
    expect(await rows('SELECT testData2.*, testData2.a * 10 FROM testData2 WHERE a = 3')).toEqual([[3, 1, 30], [3, 2, 30]]);
  });

  it('JOIN … ON and LEFT JOIN over tables (SQLQuerySuite: inner and left outer joins)', async () => {
    expect(await rows('SELECT a, b, value FROM testData2 JOIN testData ON a = key WHERE b = 2 ORDER BY a')).toEqual([[1, 2, '1'], [2, 2, '2'], [3, 2, '3']]);
    expect(await rows('SELECT x, b FROM (SELECT a AS x FROM nullInts) n LEFT OUTER JOIN testData2 t ON n.x = t.a ORDER BY x, b')).toEqual([
      [null, null], [1, 1], [1, 2], [2, 1], [2, 2], [3, 1], [3, 2],
    ]);
  });

  it('a BatchFrame is a view too, and it reads its tables again each time it runs', async () => {
    let current = tableFromRows(toSchema('n INT'), [{ n: 1 }]);
    registerTableView('v_small', { schema: current.schema, read: () => current, description: 'v_small' });
    const doubled = batch('SELECT n * 2 AS d FROM v_small');
    doubled.createOrReplaceTempView('v_doubled');
    expect(tempViewNames()).toEqual(expect.arrayContaining(['v_doubled', 'v_small']));
    expect(await rows('SELECT sum(d) FROM v_doubled')).toEqual([[2]]);
    current = tableFromRows(toSchema('n INT'), [{ n: 1 }, { n: 5 }]);
    expect(await rows('SELECT sum(d) FROM v_doubled')).toEqual([[12]]);
    expect(dropTempView('V_DOUBLED')).toBe(true);
    // A name that is not an identifier (a memory sink's query name 'q-1.5') is read with backticks.
    registerTableView('q-1.5', { schema: current.schema, read: () => current, description: 'q-1.5' });
    expect(await rows('SELECT count(*) FROM `q-1.5`')).toEqual([[2]]);
    expect(dropTempView('q-1.5')).toBe(true);
  });
});

describe('sql() errors, when the query is defined', () => {
  it('a syntax error is SQL_PARSE_ERROR with the position and a caret', () => {
    const error = failure(() => sql('SELECT key FROM testData WHERE key >'));
    expect(isSluiceError(error, 'SQL_PARSE_ERROR')).toBe(true);
    expect(error.message).toContain('== SQL (line 1, position 37) ==');
    expect(error.message).toContain(`SELECT key FROM testData WHERE key >\n${'-'.repeat(36)}^`);
  });

  it('an unknown view is UNKNOWN_TABLE with a did-you-mean and a caret under the name', () => {
    const error = failure(() => sql('SELECT * FROM testDat'));
    expect(isSluiceError(error, 'UNKNOWN_TABLE')).toBe(true);
    expect(error.message).toContain('The table or view `testDat` cannot be found. Did you mean `testData`?');
    expect(error.message).toContain(`SELECT * FROM testDat\n${'-'.repeat(14)}^^^^^^^`);
  });

  it('an unknown column fails with a did-you-mean; a column neither grouped nor aggregated fails', () => {
    const unknown = failure(() => sql('SELECT kye FROM testData'));
    expect(isSluiceError(unknown, 'UNKNOWN_COLUMN')).toBe(true);
    expect(unknown.message).toContain("Did you mean 'key'?");
    const ungrouped = failure(() => sql('SELECT a, b, count(*) FROM testData2 GROUP BY a'));
    expect(isSluiceError(ungrouped, 'INVALID_QUERY')).toBe(true);
    expect(ungrouped.message).toContain("Column 'b' is neither grouped");
  });

  it('aggregates in WHERE, JOIN and mismatched UNION sides are refused with what to do', () => {
    expect(failure(() => sql('SELECT a FROM testData2 WHERE count(*) > 1')).message).toContain('Filter groups with HAVING instead');
    const natural = failure(() => sql('SELECT * FROM testData2 NATURAL JOIN testData'));
    expect(isSluiceError(natural, 'SQL_PARSE_ERROR')).toBe(true);
    expect(natural.message).toContain('name the columns with USING');
    expect(failure(() => sql('SELECT * FROM testData2 JOIN testData')).message).toContain('expected ON <condition> or USING (<columns>)');
    expect(failure(() => sql('SELECT a, b FROM testData2 UNION ALL SELECT key FROM testData')).message).toContain('same number of columns');
    expect(failure(() => sql('SELECT a FROM testData2 UNION ALL SELECT value FROM testData')).message).toContain('CAST one side');
  });
});

describe('BatchFrame.show (Spark DataFrameShowSuite answers)', () => {
  it('SPARK-7319 showString: the first row, then "only showing top 1 row"', async () => {
    expect(await batch('SELECT * FROM testData').showString(1)).toBe(['+---+-----+', '|key|value|', '+---+-----+', '|  1|    1|', '+---+-----+', 'only showing top 1 row', ''].join('\n'));
  });

  it('SPARK-7327 show with empty dataFrame', async () => {
    expect(await batch('SELECT * FROM testData WHERE key < 0').showString(1)).toBe(['+---+-----+', '|key|value|', '+---+-----+', '+---+-----+', ''].join('\n'));
  });

  it('showString(negative) and showString(0) show no rows and say so; vertical says (0 rows)', async () => {
    const expected = ['+---+-----+', '|key|value|', '+---+-----+', '+---+-----+', 'only showing top 0 rows', ''].join('\n');
    expect(await batch('SELECT * FROM testData').showString(-1)).toBe(expected);
    expect(await batch('SELECT * FROM testData').showString(0)).toBe(expected);
    expect(await batch('SELECT * FROM testData').showString(0, true, true)).toBe('(0 rows)\n');
  });
});
