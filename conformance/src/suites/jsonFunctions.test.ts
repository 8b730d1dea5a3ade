import { expect } from 'vitest';
import { fromJson, isSluiceError, selectExpr, type Operator } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, expectFailure, testStream } from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/JsonFunctionsSuite.scala.
// Each Spark DataFrame (`Seq(json).toDS()`) is a memory stream of one string column `value`, the
// expression runs in a streaming select. Spark's tests run in America/Los_Angeles and build the
// expected timestamps with `Timestamp.valueOf` in that zone, i.e. the wall-clock time read in the
// session zone: Sluice's session zone is UTC, so they are written as UTC wall-clock times here.
// Structs are nested arrays, maps are written as `new Map(...)`.
const spark = suite('JsonFunctionsSuite');

async function answer(values: readonly (string | null)[], step: Operator, ...expected: unknown[]): Promise<void> {
  const input = memoryInput('value STRING');
  const frame = input.frame.pipe(step);
  await testStream(frame, {}, addData(input, ...values), checkAnswer(...expected));
}

/** A row holding one struct (Spark's `Row(Row(...))`). */
const one = (struct: readonly unknown[]) => [struct];

spark.scenario('from_json', () => answer(['{"a": 1}'], selectExpr("from_json(value, 'a INT')"), one([1])));

spark.scenario('from_json with option (timestampFormat)', () =>
  answer(['{"time": "26/08/2015 18:00"}'], selectExpr("from_json(value, 'time TIMESTAMP', map('timestampFormat', 'dd/MM/yyyy HH:mm'))"), one([Date.UTC(2015, 7, 26, 18, 0)])));

spark.scenario('from_json with option (allowComments)', () =>
  answer(['{"str": /* Hello */ "World"}'], selectExpr("from_json(value, 'str STRING', map('allowComments', 'true'))"), one(['World'])));

spark.scenario('from_json with option (allowUnquotedFieldNames)', () =>
  answer(['{str: "World"}'], selectExpr("from_json(value, 'str STRING', map('allowUnquotedFieldNames', 'true'))"), one(['World'])));

spark.scenario('from_json with option (allowSingleQuotes)', async () => {
  await answer([`{"str": 'World'}`], selectExpr("from_json(value, 'str STRING', map('allowSingleQuotes', 'true'))"), one(['World']));
  // Spark's default is true: the option need not be given; turned off, the record is malformed.
  await answer([`{'str': 'World'}`], selectExpr("from_json(value, 'str STRING')"), one(['World']));
  await answer([`{"str": 'World'}`], selectExpr("from_json(value, 'str STRING', map('allowSingleQuotes', 'false'))"), one([null]));
});

spark.scenario('from_json with option (allowNumericLeadingZeros)', async () => {
  await answer(['{"int": 0018}'], selectExpr("from_json(value, 'int INT', map('allowNumericLeadingZeros', 'true'))"), one([18]));
  await answer(['{"int": 0018}'], selectExpr("from_json(value, 'int INT')"), one([null]));
});

spark.scenario('from_json with option (allowBackslashEscapingAnyCharacter)', async () => {
  await answer(['{"str": "\\$10"}'], selectExpr("from_json(value, 'str STRING', map('allowBackslashEscapingAnyCharacter', 'true'))"), one(['$10']));
  await answer(['{"str": "\\$10"}'], selectExpr("from_json(value, 'str STRING')"), one([null]));
});

spark.scenario('from_json with option (dateFormat)', () =>
  answer(['{"time": "26/08/2015"}'], selectExpr("from_json(value, 'time DATE', map('dateFormat', 'dd/MM/yyyy'))"), one([Date.UTC(2015, 7, 26)])));

spark.scenario('from_json with option (allowUnquotedControlChars)', async () => {
  await answer(['{"str": "a\u0001b"}'], selectExpr("from_json(value, 'str STRING', map('allowUnquotedControlChars', 'true'))"), one(['a\u0001b']));
  await answer(['{"str": "a\u0001b"}'], selectExpr("from_json(value, 'str STRING')"), one([null]));
});

spark.scenario('from_json with option (allowNonNumericNumbers)', async () => {
  await answer(['{"int": +Infinity}'], selectExpr("from_json(value, 'int FLOAT', map('allowNonNumericNumbers', 'false'))"), one([null]));
  // Spark's default (true) reads the token, and the strings "NaN" / "-INF" for a double.
  await answer(['{"int": +Infinity}'], selectExpr("from_json(value, 'int FLOAT')"), one([Infinity]));
  await answer(['{"d": "-INF"}'], selectExpr("from_json(value, 'd DOUBLE')"), one([-Infinity]));
});

spark.scenario('from_json missing columns', () => answer(['{"a": 1}'], selectExpr("from_json(value, 'b INT')"), one([null])));

spark.scenario('from_json invalid json', () => answer(['{"a" 1}'], selectExpr("from_json(value, 'a INT')"), one([null])));

spark.scenario("from_json - json doesn't conform to the array type", () => answer(['{"a" 1}'], selectExpr("from_json(value, 'ARRAY<STRING>')"), [null]));

spark.scenario('from_json array support', () =>
  answer(['[{"a": 1, "b": "a"}, {"a": 2}, { }]'], selectExpr("from_json(value, 'ARRAY<STRUCT<a: INT, b: STRING>>')"), [[[1, 'a'], [2, null], [null, null]]]));

spark.scenario('from_json - array of primitive types - malformed row', () => answer(['[1, 2 3]'], selectExpr("from_json(value, 'ARRAY<INT>')"), [null]));

spark.scenario('from_json invalid json - check modes', async () => {
  const badRec = '{"a" 1, "b": 11}';
  const schema = "'a INT, b INT, _unparsed STRING'";
  const options = (mode: string) => `map('mode', '${mode}', 'columnNameOfCorruptRecord', '_unparsed')`;
  await answer([badRec, '{"a": 2, "b": 12}'], selectExpr(`from_json(value, ${schema}, ${options('PERMISSIVE')})`), one([null, null, badRec]), one([2, 12, null]));
  const input = memoryInput('value STRING');
  await testStream(input.frame.pipe(selectExpr(`from_json(value, ${schema}, ${options('FAILFAST')})`)), {}, addData(input, badRec, '{"a": 2, "b": 12}'), expectFailure('MALFORMED_RECORD'));
  // from_json refuses DROPMALFORMED (Spark: "Acceptable modes are PERMISSIVE and FAILFAST").
  expect(() => input.frame.pipe(selectExpr(`from_json(value, ${schema}, ${options('DROPMALFORMED')})`))).toThrow(/PERMISSIVE or FAILFAST/);
});

spark.scenario('SPARK-36069: from_json invalid json schema - check field name and field value', async () => {
  const badRec = '{"a": "1", "b": 11}';
  const schema = "'a INT, b INT, _unparsed STRING'";
  // Only the field that does not convert is null; the record's text is in the corrupt column.
  await answer([badRec, '{"a": 2, "b": 12}'], selectExpr(`from_json(value, ${schema}, map('mode', 'PERMISSIVE', 'columnNameOfCorruptRecord', '_unparsed'))`), one([null, 11, badRec]), one([2, 12, null]));
  const input = memoryInput('value STRING');
  await testStream(input.frame.pipe(selectExpr(`from_json(value, ${schema}, map('mode', 'FAILFAST', 'columnNameOfCorruptRecord', '_unparsed'))`)), {},
    addData(input, badRec), expectFailure('MALFORMED_RECORD'));
});

spark.scenario('corrupt record column in the middle', async () => {
  const badRec = '{"a" 1, "b": 11}';
  await answer([badRec, '{"a": 2, "b": 12}'], selectExpr("from_json(value, 'a INT, _unparsed STRING, b INT', map('columnNameOfCorruptRecord', '_unparsed'))"),
    one([null, badRec, null]), one([2, null, 12]));
  // Sluice's fromJson operator (from_json(...).select("data.*") in one step) keeps it in the middle too.
  await answer([badRec, '{"a": 2, "b": 12}'], fromJson('value', 'a INT, _unparsed STRING, b INT', { columnNameOfCorruptRecord: '_unparsed' }), [null, badRec, null], [2, null, 12]);
});

spark.scenario('parse timestamps with locale', async () => {
  // Spark formats 2018-11-06 18:00 with SimpleDateFormat("dd MMM yyyy HH:mm", locale) and parses it back.
  const texts: Record<string, string> = { 'en-US': '06 Nov 2018 18:00', 'ko-KR': '06 11월 2018 18:00', 'zh-CN': '06 11月 2018 18:00', 'ru-RU': '06 нояб. 2018 18:00' };
  for (const [locale, text] of Object.entries(texts)) {
    await answer([`{"time": "${text}"}`], selectExpr(`from_json(value, 'time TIMESTAMP', map('timestampFormat', 'dd MMM yyyy HH:mm', 'locale', '${locale}'))`), one([Date.UTC(2018, 10, 6, 18, 0)]));
  }
});

spark.scenario('SPARK-33134: return partial results only for root JSON objects', async () => {
  const st = 'STRUCT<c1: BIGINT, c2: ARRAY<STRUCT<c3: BIGINT, c4: STRING>>>';
  await answer(['{"c2": [19], "c1": 123456}'], selectExpr(`from_json(value, '${st}')`), one([123456, null]));
  // spark.sql.json.enablePartialResults is true by default (Spark 3.4+): nested objects keep what fits too.
  await answer(['{"data": {"c2": [19], "c1": 123456}}'], selectExpr(`from_json(value, 'data ${st}')`), one([[123456, null]]));
  await answer(['[{"c2": [19], "c1": 123456}]'], selectExpr(`from_json(value, 'ARRAY<${st}>')`), [[[123456, null]]]);
  await answer(['{"c2": [19]}'], selectExpr(`from_json(value, 'MAP<STRING, ${st}>')`), [null]);
});

spark.scenario('SPARK-40646: return partial results for JSON arrays with objects', () =>
  answer(['[{"c2": {"a": 1}, "c1": "abc"}]'], selectExpr("from_json(value, 'ARRAY<STRUCT<c1: STRING, c2: ARRAY<STRUCT<a: BIGINT>>>>')"), [[['abc', null]]]));

spark.scenario('SPARK-40646: return partial results for JSON maps', () =>
  answer(['{"c1": {"k1": 1, "k2": "A", "k3": 3}, "c2": "abc"}'], selectExpr("from_json(value, 'c1 MAP<STRING, INT>, c2 STRING')"), one([null, 'abc'])));

spark.scenario('SPARK-40646: return partial results for JSON arrays', () =>
  answer(['["a", "b", "c"]'], selectExpr("from_json(value, 'ARRAY<STRUCT<c: ARRAY<INT>>>')"), [null]));

spark.scenario('SPARK-40646: return partial results for nested JSON arrays', () =>
  answer(['[[1], ["2"]]'], selectExpr("from_json(value, 'ARRAY<STRUCT<c: ARRAY<ARRAY<INT>>>>')"), [null]));

spark.scenario('SPARK-40646: return partial results for objects with values as JSON arrays', () =>
  answer(['[{"c1": [{"c2": ["a"]}]}]'], selectExpr("from_json(value, 'ARRAY<STRUCT<c1: ARRAY<STRUCT<c2: ARRAY<INT>>>>>')"), [[[[[null]]]]]));

spark.scenario('SPARK-48863: parse object as an array with partial results enabled', async () => {
  await answer(['{"a": "b", "c": 1}'], selectExpr("from_json(value, 'ARRAY<STRUCT<a: STRING, c: INT>>')"), [[['b', 1]]]);
  await answer(['{"a": "b", "c": "1"}'], selectExpr("from_json(value, 'ARRAY<STRUCT<a: STRING, c: INT>>')"), [[['b', null]]]);
});

spark.scenario('SPARK-24027: from_json of a map with unsupported key type', () => {
  const input = memoryInput('value STRING');
  for (const schema of ['MAP<STRUCT<f: INT>, STRING>', 'MAP<INT, STRING>', 'a ARRAY<MAP<BIGINT, INT>>']) {
    let error: unknown;
    try {
      input.frame.pipe(selectExpr(`from_json(value, '${schema}')`));
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'INVALID_SCHEMA'), schema).toBe(true);
    expect(String((error as Error).message)).toContain('INVALID_JSON_MAP_KEY_TYPE');
  }
  expect(() => input.frame.pipe(fromJson('value', 'm MAP<INT, STRING>'))).toThrow(/INVALID_JSON_MAP_KEY_TYPE/);
});

spark.scenario('SPARK-24027: from_json - map<string, struct>', () =>
  answer(['{"a": {"b": 1}}'], selectExpr("from_json(value, 'MAP<STRING, STRUCT<b: INT>>')['a'].b AS b", "to_json(from_json(value, 'MAP<STRING, STRUCT<b: INT>>')) AS j"), [1, '{"a":{"b":1}}']));

spark.scenario('from_json with NULL in options map values', () =>
  answer(['{"str": "World"}'], selectExpr("from_json(value, 'str STRING', map('key', 'value', 'mode', CAST(NULL AS STRING)))"), one(['World'])));

spark.scenario('SPARK-33907: json pruning optimization with corrupt record field', () =>
  answer(['{"a" 1, "b": 11}', '{"a": 2, "b": 12}'], selectExpr("from_json(value, 'a INT, b INT, _corrupt_record STRING').`_corrupt_record`"), ['{"a" 1, "b": 11}'], [null]));

spark.scenario('to_json with option (timestampFormat)', () =>
  answer(['2015-08-26 18:00:00'], selectExpr("to_json(named_struct('_1', CAST(value AS TIMESTAMP)), map('timestampFormat', 'dd/MM/yyyy HH:mm'))"), ['{"_1":"26/08/2015 18:00"}']));

spark.scenario('to_json with option (dateFormat)', () =>
  answer(['2015-08-26'], selectExpr("to_json(named_struct('_1', CAST(value AS DATE)), map('dateFormat', 'dd/MM/yyyy'))"), ['{"_1":"26/08/2015"}']));
