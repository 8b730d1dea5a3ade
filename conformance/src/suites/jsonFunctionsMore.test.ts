import { expect } from 'vitest';
import { selectExpr, type Operator } from '@sluice/core';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, checkAnswer, testStream } from '../harness/streamTest.ts';

// More of apache/spark sql/core/src/test/scala/org/apache/spark/sql/JsonFunctionsSuite.scala
// (the first part is jsonFunctions.test.ts). Each Spark DataFrame is a memory stream whose
// columns the Scala test names; the expression runs in a streaming select.
const spark = suite('JsonFunctionsSuite');

async function answer(schema: string, rows: readonly unknown[], step: Operator, ...expected: unknown[]): Promise<void> {
  const input = memoryInput(schema);
  await testStream(input.frame.pipe(step), {}, addData(input, ...rows), checkAnswer(...expected));
}
const json = (texts: readonly (string | null)[], step: Operator, ...expected: unknown[]) => answer('value STRING', texts, step, ...expected);

spark.scenario('function get_json_object', () =>
  answer('a STRING, b STRING', [['{"name": "alice", "age": 5}', '']], selectExpr("get_json_object(a, '$.name')", "get_json_object(a, '$.age')"), ['alice', '5']));

spark.scenario('function get_json_object - support single quotes', () =>
  answer('a STRING', ["{'name': 'fang', 'age': 5}"], selectExpr("get_json_object(a, '$.name')", "get_json_object(a, '$.age')"), ['fang', '5']));

const tuples: readonly (readonly [string, string | null])[] = [
  ['1', '{"f1": "value1", "f2": "value2", "f3": 3, "f5": 5.23}'],
  ['2', '{"f1": "value12", "f3": "value3", "f2": 2, "f4": 4.01}'],
  ['3', '{"f1": "value13", "f4": "value44", "f3": "value33", "f2": 2, "f5": 5.01}'],
  ['4', null],
  ['5', '{"f1": "", "f5": null}'],
  ['6', '[invalid JSON string]'],
];
const tupleAnswer = [
  ['1', 'value1', 'value2', '3', null, '5.23'],
  ['2', 'value12', '2', 'value3', '4.01', null],
  ['3', 'value13', '2', 'value33', 'value44', '5.01'],
  ['4', null, null, null, null, null],
  ['5', '', null, null, null, null],
  ['6', null, null, null, null, null],
];

spark.scenario('function get_json_object - null', () =>
  answer('key STRING, jstring STRING', tuples, selectExpr('key', ...['f1', 'f2', 'f3', 'f4', 'f5'].map((f) => `get_json_object(jstring, '$.${f}')`)), ...tupleAnswer));

spark.scenario('json_tuple select', () =>
  answer('key STRING, jstring STRING', tuples, selectExpr('key', "json_tuple(jstring, 'f1', 'f2', 'f3', 'f4', 'f5')"), ...tupleAnswer));

spark.scenario('from_json uses DDL strings for defining a schema - scala', () =>
  json(['{"a": 1, "b": "haa"}'], selectExpr("from_json(value, 'a INT, b STRING')"), [[1, 'haa']]));

spark.scenario('to_json - struct', () =>
  answer('a STRUCT<_1: INT>', [[[1]]], selectExpr('to_json(a)'), ['{"_1":1}']));

spark.scenario('to_json - array', async () => {
  await answer('a ARRAY<STRUCT<_1: INT>>', [[[[1]]]], selectExpr('to_json(a)'), ['[{"_1":1}]']);
  await answer('a ARRAY<MAP<STRING, INT>>', [[[new Map([['a', 1]])]]], selectExpr('to_json(a)'), ['[{"a":1}]']);
});

spark.scenario('to_json - map', async () => {
  await answer('a MAP<STRING, STRUCT<_1: INT>>', [[new Map([['a', [1]]])]], selectExpr('to_json(a)'), ['{"a":{"_1":1}}']);
  await answer('a MAP<STRING, INT>', [[new Map([['a', 1]])]], selectExpr('to_json(a)'), ['{"a":1}']);
});

spark.scenario('to_json with option (ignoreNullFields)', () =>
  answer('a STRUCT<_1: STRING>', [[[null]]], selectExpr("to_json(a, map('ignoreNullFields', 'true'))"), ['{}']));

spark.scenario('roundtrip in to_json and from_json - struct', async () => {
  await answer('struct STRUCT<_1: INT>', [[[1]], [null]], selectExpr("from_json(to_json(struct), '_1 INT') AS struct"), [[1]], [null]);
  await json(['{"a":1}', null], selectExpr("to_json(from_json(value, 'a INT')) AS json"), ['{"a":1}'], [null]);
});

spark.scenario('roundtrip in to_json and from_json - array', async () => {
  await answer('array ARRAY<STRUCT<_1: INT>>', [[[[1]]], [[null]]], selectExpr("from_json(to_json(array), 'ARRAY<STRUCT<_1: INT>>') AS array"), [[[1]]], [[null]]);
  await json(['[{"a":1}]', null], selectExpr("to_json(from_json(value, 'ARRAY<STRUCT<a: INT>>')) AS json"), ['[{"a":1}]'], [null]);
});

spark.scenario('SPARK-19637 Support to_json in SQL', async () => {
  await answer('a STRUCT<_1: INT>', [[[1]]], selectExpr('to_json(a)'), ['{"_1":1}']);
  const input = memoryInput('a STRUCT<_1: TIMESTAMP>');
  expect(() => input.frame.pipe(selectExpr("to_json(a, named_struct('a', 1))"))).toThrow(/map\(\) function for options|options must be a map/i);
});

spark.scenario('SPARK-19967 Support from_json in SQL', async () => {
  await json(['{"a": 1}'], selectExpr("from_json(value, 'a INT')"), [[1]]);
  await json(['{"c0": "a", "c1": 1, "c2": {"c20": 3.8, "c21": 8}}'], selectExpr("from_json(value, 'c0 STRING, c1 INT, c2 STRUCT<c20: DOUBLE, c21: INT>')"), [['a', 1, [3.8, 8]]]);
  const input = memoryInput('value STRING');
  expect(() => input.frame.pipe(selectExpr("from_json(value, 'time InvalidType')"))).toThrow(/invalidtype/i);
});

spark.scenario('SPARK-24027: from_json - map<string, int>', () =>
  json(['{"a": 1, "b": 2, "c": 3}'], selectExpr("from_json(value, 'MAP<STRING, INT>')"), [new Map([['a', 1], ['b', 2], ['c', 3]])]));

spark.scenario('SPARK-24027: from_json - map<string, map<string, int>>', () =>
  json(['{"a": {"b": 1}}'], selectExpr("from_json(value, 'map<string, map<string, int>>')"), [new Map([['a', new Map([['b', 1]])]])]));

spark.scenario('SPARK-24027: roundtrip - from_json -> to_json  - map<string, string>', () =>
  json(['{"a":1,"b":2,"c":3}'], selectExpr("to_json(from_json(value, 'MAP<STRING, INT>'))"), ['{"a":1,"b":2,"c":3}']));

spark.scenario('SPARK-24027: roundtrip - to_json -> from_json  - map<string, string>', () =>
  answer('value MAP<STRING, INT>', [[new Map([['a', 1]])]], selectExpr("from_json(to_json(value), 'MAP<STRING, INT>')"), [new Map([['a', 1]])]));

spark.scenario('SPARK-24027: from_json - wrong map<string, int>', () =>
  json(['{"a" 1}'], selectExpr("from_json(value, 'MAP<STRING, INT>')"), [null]));

spark.scenario('from_json - array of primitive types', () =>
  json(['[1, 2, 3]'], selectExpr("from_json(value, 'ARRAY<INT>')"), [[1, 2, 3]]));

spark.scenario('from_json - array of arrays', () =>
  json(['[[1], [2, 3], [4, 5, 6]]'], selectExpr(...[0, 1, 2].map((i) => `from_json(value, 'ARRAY<ARRAY<INT>>')[${i}][${i}]`)), [1, 3, 6]));

spark.scenario('from_json - array of arrays - malformed row', () =>
  json(['[[1], [2, 3], 4, 5, 6]]'], selectExpr("from_json(value, 'ARRAY<ARRAY<INT>>')[0]"), [null]));

spark.scenario('from_json - array of structs', () =>
  json(['[{"a":1}, {"a":2}, {"a":3}]'], selectExpr(...[0, 1, 2].map((i) => `from_json(value, 'ARRAY<STRUCT<a: INT>>')[${i}]`)), [[1], [2], [3]]));

spark.scenario('from_json - array of structs - malformed row', () =>
  json(['[{"a":1}, {"a:2}, {"a":3}]'], selectExpr(...[0, 1].map((i) => `from_json(value, 'ARRAY<STRUCT<a: INT>>')[${i}]`)), [null, null]));

spark.scenario('from_json - array of maps', () =>
  json(['[{"a":1}, {"b":2}]'], selectExpr(...[0, 1].map((i) => `from_json(value, 'ARRAY<MAP<STRING, INT>>')[${i}]`)), [new Map([['a', 1]]), new Map([['b', 2]])]));

spark.scenario('from_json - array of maps - malformed row', () =>
  json(['[{"a":1} "b":2}]'], selectExpr("from_json(value, 'ARRAY<MAP<STRING, INT>>')[0]"), [null]));

spark.scenario('to_json - array of primitive types', () =>
  answer('a ARRAY<INT>', [[[1, 2, 3]]], selectExpr('to_json(a)'), ['[1,2,3]']));

spark.scenario('roundtrip to_json -> from_json - array of primitive types', () =>
  answer('a ARRAY<INT>', [[[1, 2, 3]]], selectExpr("from_json(to_json(a), 'ARRAY<INT>')"), [[1, 2, 3]]));

spark.scenario('roundtrip from_json -> to_json - array of primitive types', () =>
  json(['[1,2,3]'], selectExpr("to_json(from_json(value, 'ARRAY<INT>'))"), ['[1,2,3]']));

spark.scenario('roundtrip from_json -> to_json - array of arrays', () =>
  json(['[[1],[2,3],[4,5,6]]'], selectExpr("to_json(from_json(value, 'ARRAY<ARRAY<INT>>'))"), ['[[1],[2,3],[4,5,6]]']));

spark.scenario('roundtrip from_json -> to_json - array of maps', () =>
  json(['[{"a":1},{"b":2}]'], selectExpr("to_json(from_json(value, 'ARRAY<MAP<STRING, INT>>'))"), ['[{"a":1},{"b":2}]']));

spark.scenario('roundtrip from_json -> to_json - array of structs', () =>
  json(['[{"a":1},{"a":2},{"a":3}]'], selectExpr("to_json(from_json(value, 'ARRAY<STRUCT<a: INT>>'))"), ['[{"a":1},{"a":2},{"a":3}]']));

spark.scenario('pretty print - roundtrip from_json -> to_json', () =>
  json(['[{"book":{"publisher":[{"country":"NL","year":[1981,1986,1999]}]}}]'],
    selectExpr("to_json(from_json(value, schema_of_json('[{\"book\":{\"publisher\":[{\"country\":\"NL\",\"year\":[1981,1986,1999]}]}}]')), map('pretty', 'true'))"),
    ['[ {\n  "book" : {\n    "publisher" : [ {\n      "country" : "NL",\n      "year" : [ 1981, 1986, 1999 ]\n    } ]\n  }\n} ]']));

spark.scenario('support foldable schema by from_json', () =>
  json(['{"id":1,"city":"Moscow"}'], selectExpr("from_json(value, regexp_replace('dpt_org_id INT, dpt_org_city STRING', 'dpt_org_', ''))"), [[1, 'Moscow']]));

spark.scenario('schema_of_json - infers the schema of foldable JSON string', () =>
  json(['x'], selectExpr(`schema_of_json(regexp_replace('{"item_id": 1, "item_price": 0.1}', 'item_', ''))`), ['STRUCT<id: BIGINT, price: DOUBLE>']));

spark.scenario('SPARK-31065: schema_of_json - null and empty strings as strings', async () => {
  for (const text of ['{"id": null}', '{"id": ""}']) await json(['x'], selectExpr(`schema_of_json('${text}')`), ['STRUCT<id: STRING>']);
});

spark.scenario('infers schemas using options', () =>
  json(['x'], selectExpr("schema_of_json('{a:1}', map('allowUnquotedFieldNames', 'true'))"), ['STRUCT<a: BIGINT>']));

spark.scenario('SPARK-24709: infers schemas of json strings and pass them to from_json', () =>
  json(['{"a": [1, 2, 3]}'], selectExpr(`from_json(value, schema_of_json('{"a": [1]}')) AS parsed`), [[[1, 2, 3]]]));
