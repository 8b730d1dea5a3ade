import { expect } from 'vitest';
import { tableToRows, toSchema } from '@sluice/core';
import { readJson } from '@sluice/formats';
import { suite } from '../harness/scenario.ts';

// Spark: sql/core/src/test/scala/org/apache/spark/sql/execution/datasources/json/JsonSuite.scala
// over TestJsonData's corruptRecords, read as the file source reads each JSON file.
const json = suite('JsonSuite');

/** TestJsonData.corruptRecords: four records that do not parse around one that does. */
const CORRUPT_RECORDS = ['{', '{"a":1, b:2}', '{"a":{, b:3}', '{"b":"str_b_4", "a":"str_a_4", "c":"str_c_4"}', ']'].join('\n');

json.deviation('Corrupt records: PERMISSIVE mode, without designated column for malformed records', () => {
  // Spark answers the user's three columns, a row of nulls for each bad record, and the records'
  // text is gone. Sluice answers the same three columns and rows, plus `_corrupt_record` holding
  // each bad record's text (README: bad input loses nothing).
  const table = readJson(new TextEncoder().encode(CORRUPT_RECORDS), { schema: toSchema('a STRING, b STRING, c STRING') });
  const rows = tableToRows(table);
  expect(rows.map((r) => [r['a'], r['b'], r['c']])).toEqual([
    [null, null, null],
    [null, null, null],
    [null, null, null],
    ['str_a_4', 'str_b_4', 'str_c_4'],
    [null, null, null],
  ]);
  expect(table.schema.fields.map((f) => f.name)).toEqual(['a', 'b', 'c', '_corrupt_record']);
  expect(rows.map((r) => r['_corrupt_record'])).toEqual(['{', '{"a":1, b:2}', '{"a":{, b:3}', null, ']']);
});
