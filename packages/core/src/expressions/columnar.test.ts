import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { Table } from 'apache-arrow';
import { toSchema } from '../arrow/schema.ts';
import { tableFromRows } from '../arrow/tables.ts';
import { standaloneOperatorContext } from '../builders/plan.ts';
import { parseIntegral, parseDouble } from './cast/numberText.ts';
import { bindExpression } from './bind.ts';
import { rowValues } from './kernels/rows.ts';
import { likeMatcher } from '../functions/regexp/like.ts';
import { parseNamedExpression } from '../sql/parser.ts';

/**
 * The column-at-a-time kernels give what a value-by-value reading of Spark's rules gives, on
 * random columns with nulls, and on batches sliced at any offset (Arrow keeps bitmaps offset).
 */
function evaluate(sql: string, schemaText: string, rows: readonly Record<string, unknown>[], sliceFrom = 0): unknown[] {
  const schema = toSchema(schemaText);
  const table = tableFromRows(schema, rows);
  const batch = new Table(table.batches).slice(sliceFrom).batches[0] ?? table.batches[0]!;
  const bound = bindExpression(parseNamedExpression(sql), schema);
  return rowValues(bound.evaluate(batch, standaloneOperatorContext()));
}

const int32 = fc.option(fc.integer({ min: -2147483648, max: 2147483647 }), { nil: null });
const int64 = fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null });
const double = fc.option(fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity)), { nil: null });
const text = fc.option(fc.oneof(fc.string(), fc.stringMatching(/^ *[+-]?\d{0,12}(\.\d{0,4})? *$/), fc.constantFrom('', ' ', '  12 ', '1e5', '-', '.', '1.', '2147483648', 'é', 'a_b%c')), { nil: null });

describe('columnar kernels agree with the value-by-value rules', () => {
  test.prop([fc.array(fc.record({ a: int32, b: int32 }), { maxLength: 40 })])('int arithmetic wraps like Java; / and % by 0 are null', (rows) => {
    const wrap = (x: number) => x | 0;
    expect(evaluate('a + b', 'a INT, b INT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null ? null : wrap(a + b))));
    expect(evaluate('a * b', 'a INT, b INT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null ? null : Math.imul(a, b))));
    expect(evaluate('a % b', 'a INT, b INT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null || b === 0 ? null : wrap(a % b))));
    expect(evaluate('a / b', 'a INT, b INT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null || b === 0 ? null : a / b)));
  });

  test.prop([fc.array(fc.record({ a: int64, b: int64 }), { maxLength: 40 })])('bigint arithmetic is exact and wraps at 64 bits', (rows) => {
    const wrap = (x: bigint) => BigInt.asIntN(64, x);
    expect(evaluate('a + b', 'a BIGINT, b BIGINT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null ? null : wrap(a + b))));
    expect(evaluate('a - b', 'a BIGINT, b BIGINT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null ? null : wrap(a - b))));
    expect(evaluate('a * b', 'a BIGINT, b BIGINT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null ? null : wrap(a * b))));
    expect(evaluate('a div b', 'a BIGINT, b BIGINT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null || b === 0n ? null : wrap(a / b))));
    expect(evaluate('a < b', 'a BIGINT, b BIGINT', rows)).toEqual(rows.map(({ a, b }) => (a === null || b === null ? null : a < b)));
  });

  test.prop([fc.array(fc.record({ a: double, b: double }), { maxLength: 40 })])('double comparisons: NaN equals NaN and is above everything', (rows) => {
    const cmp = (x: number, y: number) => (Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : x < y ? -1 : x > y ? 1 : 0);
    for (const [op, holds] of [['=', (c: number) => c === 0], ['<', (c: number) => c < 0], ['>=', (c: number) => c >= 0]] as const) {
      expect(evaluate(`a ${op} b`, 'a DOUBLE, b DOUBLE', rows), op).toEqual(rows.map(({ a, b }) => (a === null || b === null ? null : holds(cmp(a, b)))));
    }
  });

  test.prop([fc.array(fc.record({ s: text }), { maxLength: 40 })])('string → int and → double casts read the bytes as Spark reads the text', (rows) => {
    expect(evaluate('cast(s as int)', 's STRING', rows)).toEqual(rows.map(({ s }) => (s === null ? null : parseIntegral(s, -2147483648, 2147483647))));
    expect(evaluate('cast(s as smallint)', 's STRING', rows)).toEqual(rows.map(({ s }) => (s === null ? null : parseIntegral(s, -32768, 32767))));
    expect(evaluate('cast(s as double)', 's STRING', rows)).toEqual(rows.map(({ s }) => (s === null ? null : parseDouble(s))));
  });

  test.prop([fc.array(fc.record({ s: text }), { maxLength: 30 }), fc.constantFrom('a%', '%b', '%_%', 'a_b%c', '_', '%', '', 'é%', '%1_', '__%__')])('LIKE on bytes matches LIKE on text', (rows, pattern) => {
    const test = likeMatcher(pattern);
    expect(evaluate(`s LIKE '${pattern}'`, 's STRING', rows)).toEqual(rows.map(({ s }) => (s === null ? null : test(s))));
  });

  test.prop([fc.array(fc.record({ s: text }), { maxLength: 30 })])('trim on bytes, substring and length by characters', (rows) => {
    expect(evaluate('trim(s)', 's STRING', rows)).toEqual(rows.map(({ s }) => (s === null ? null : s.replace(/^ +| +$/g, ''))));
    expect(evaluate('length(s)', 's STRING', rows)).toEqual(rows.map(({ s }) => (s === null ? null : Array.from(s).length)));
    expect(evaluate('substring(s, 2, 3)', 's STRING', rows)).toEqual(rows.map(({ s }) => (s === null ? null : Array.from(s).slice(1, 4).join(''))));
  });

  test.prop([fc.array(fc.record({ a: int32, s: text, d: double }), { minLength: 1, maxLength: 40 }), fc.nat()])('a batch sliced at any row gives the slice of the full answer', (rows, at) => {
    const from = at % rows.length;
    for (const sql of ['a + 1', 'a > 0 AND d < 1', "coalesce(s, 'x')", "CASE WHEN a > 0 THEN s ELSE 'neg' END", 'upper(s)', 'a IN (1, 2, 3)', 'cast(a as string)']) {
      expect(evaluate(sql, 'a INT, s STRING, d DOUBLE', rows, from), sql).toEqual(evaluate(sql, 'a INT, s STRING, d DOUBLE', rows).slice(from));
    }
  });
});
