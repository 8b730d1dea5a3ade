import { describe, expect, it } from 'vitest';
import { evaluateValue } from '../testing/evaluateExpression.ts';

// Spark's answers for null inputs of functions whose other tests have none: these expressions are
// NullIntolerant in Spark (a null argument gives null), as its StringExpressionsSuite,
// RegexpExpressionsSuite, HashExpressionsSuite, DateExpressionsSuite, MathExpressionsSuite and
// JsonExpressionsSuite check with `Literal.create(null, …)`.
const nullFor = (cases: readonly string[]) => {
  for (const sql of cases) it(`${sql} is null`, () => expect(evaluateValue(sql)).toBeNull());
};

describe('null in, null out', () => {
  describe('strings and regular expressions', () => {
    nullFor([
      'ltrim(NULL)', 'rtrim(NULL)', "ltrim('x', NULL)", "rtrim(NULL, 'x')",
      "rpad(NULL, 5, 'x')", "rpad('a', NULL, 'x')", "rpad('a', 5, NULL)",
      "regexp_replace(NULL, 'a', 'b')", "regexp_replace('abc', NULL, 'b')", "regexp_replace('abc', 'a', NULL)",
      "regexp_like(NULL, 'a')", "regexp_like('a', NULL)",
      "translate(NULL, 'a', 'b')", "translate('abc', NULL, 'b')", "translate('abc', 'a', NULL)",
      'sha1(NULL)',
    ]);
  });

  describe('dates and times', () => {
    nullFor([
      'unix_timestamp(NULL)', "unix_timestamp(NULL, 'yyyy-MM-dd')", "unix_timestamp('2020-01-01', NULL)",
      'month(NULL)', 'dayofmonth(NULL)', 'hour(NULL)', 'minute(NULL)', 'second(NULL)',
      'date_sub(NULL, 1)', "date_sub(DATE '2020-01-01', NULL)",
      "from_utc_timestamp(NULL, 'UTC')", "from_utc_timestamp(TIMESTAMP '2020-01-01 00:00:00', NULL)",
    ]);
  });

  describe('math', () => {
    // RoundBase: a NULL scale gives null too.
    nullFor(['bround(NULL, 0)', 'bround(2.5, NULL)', 'round(2.5D, NULL)', 'round(25, CAST(NULL AS INT))', 'ceil(NULL)', 'pow(NULL, 2)', 'pow(2, NULL)', 'exp(NULL)', 'signum(NULL)']);
  });

});
