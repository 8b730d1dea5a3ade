import { expect } from 'vitest';
import { isSluiceError, tableToRows, toSchema } from '@sluice/core';
import { readJson } from '@sluice/formats';
import { suite } from '../harness/scenario.ts';

// Spark: sql/core/src/test/scala/org/apache/spark/sql/execution/datasources/json/JsonSuite.scala,
// `spark.read.schema(...).json(lines)` restated as the file source's JSON reader over those lines.
// Spark's JacksonParser converts each field by its token kind: integral columns take integer
// tokens only, so a float token (`1.0`, `1e2`) is not an INT even when its value is whole.
const spark = suite('JsonSuite');

const read = (lines: readonly string[], schema: string, options: Record<string, string> = {}) =>
  readJson(new TextEncoder().encode(lines.join('\n')), { schema: toSchema(schema), options });

spark.scenario('SPARK-25040: empty strings should be disallowed', () => {
  for (const type of ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL(38,18)', 'TIMESTAMP', 'DATE', 'ARRAY<INT>', 'MAP<STRING, INT>', 'STRUCT<f1: INT>']) {
    let error: unknown;
    try {
      read(['{"a":""}'], `a ${type}`, { mode: 'FAILFAST' });
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'MALFORMED_RECORD'), type).toBe(true);
  }
  expect(tableToRows(read(['{"a":""}'], 'a STRING', { mode: 'FAILFAST' }))).toEqual([{ a: '' }]);
  expect(tableToRows(read(['{"a":""}'], 'a BINARY', { mode: 'FAILFAST' }))).toEqual([{ a: new Uint8Array(0) }]);
});
