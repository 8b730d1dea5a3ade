import { expect } from 'vitest';
import { tableToRows, toSchema } from '@sluice/core';
import { readJson } from '@sluice/formats';
import { suite } from '../harness/scenario.ts';

// Spark: sql/core/src/test/scala/org/apache/spark/sql/execution/datasources/json/JsonSuite.scala
// over TestJsonData's corruptRecords, read as the file source reads each JSON file.
const json = suite('JsonSuite');

/** TestJsonData.corruptRecords: four records that do not parse around one that does. */
const CORRUPT_RECORDS = ['{', '{"a":1, b:2}', '{"a":{, b:3}', '{"b":"str_b_4", "a":"str_a_4", "c":"str_c_4"}', ']'].join('\n');

json.scenario('Corrupt records: PERMISSIVE mode, without designated column for malformed records', () => {
  // Spark answers the user's three columns and a row of nulls for each bad record: without a
  // corrupt-record column in the schema, the records' text is not kept.
  const table = readJson(new TextEncoder().encode(CORRUPT_RECORDS), { schema: toSchema('a STRING, b STRING, c STRING') });
  expect(table.schema.fields.map((f) => f.name)).toEqual(['a', 'b', 'c']);
  expect(tableToRows(table).map((r) => [r['a'], r['b'], r['c']])).toEqual([
    [null, null, null],
    [null, null, null],
    [null, null, null],
    ['str_a_4', 'str_b_4', 'str_c_4'],
    [null, null, null],
  ]);
});

json.scenario('Corrupt records: PERMISSIVE mode, with designated column for malformed records', () => {
  // The schema names the column (here by columnNameOfCorruptRecord): each bad record's text lands there.
  const table = readJson(new TextEncoder().encode(CORRUPT_RECORDS), {
    schema: toSchema('a STRING, b STRING, c STRING, _unparsed STRING'),
    options: { columnNameOfCorruptRecord: '_unparsed' },
  });
  expect(tableToRows(table).map((r) => [r['a'], r['b'], r['c'], r['_unparsed']])).toEqual([
    [null, null, null, '{'],
    [null, null, null, '{"a":1, b:2}'],
    [null, null, null, '{"a":{, b:3}'],
    ['str_a_4', 'str_b_4', 'str_c_4', null],
    [null, null, null, ']'],
  ]);
});
