import { describe, expect, it } from 'vitest';
import { toSchema } from '../../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../../arrow/tables.ts';
import { executePlan, standaloneOperatorContext } from '../../builders/plan.ts';
import { StreamFrame } from '../../builders/streamFrame.ts';
import { selectExpr } from '../../operators/select.ts';
import { evaluateValue } from '../../testing/evaluateExpression.ts';
import type { SourceProvider } from '../../types.ts';
import { jsonPathValue } from './getJsonObject.ts';

/** Spark's answers, restated from JsonExpressionsSuite. */
const json = `{"store":{"fruit":[{"weight":8,"type":"apple"},{"weight":9,"type":"pear"}],
"basket":[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]],"book":[{"author":"Nigel Rees",
"title":"Sayings of the Century","category":"reference","price":8.95},
{"author":"Herman Melville","title":"Moby Dick","category":"fiction","price":8.99,
"isbn":"0-553-21311-3"},{"author":"J. R. R. Tolkien","title":"The Lord of the Rings",
"category":"fiction","reader":[{"age":25,"name":"bob"},{"age":26,"name":"jack"}],
"price":22.99,"isbn":"0-395-19395-8"}],"bicycle":{"price":19.95,"color":"red"}},
"email":"amy@only_for_json_udf_test.net","owner":"amy","zip code":"94025",
"fb:testid":"1234"}`;
const books = '[{"author":"Nigel Rees","title":"Sayings of the Century","category":"reference","price":8.95},{"author":"Herman Melville","title":"Moby Dick","category":"fiction","price":8.99,"isbn":"0-553-21311-3"},{"author":"J. R. R. Tolkien","title":"The Lord of the Rings","category":"fiction","reader":[{"age":25,"name":"bob"},{"age":26,"name":"jack"}],"price":22.99,"isbn":"0-395-19395-8"}]';

describe('get_json_object', () => {
  const cases: [string, string | null][] = [
    ['$.store.bicycle', '{"price":19.95,"color":"red"}'],
    ["$['store'].bicycle", '{"price":19.95,"color":"red"}'],
    ["$.store['bicycle']", '{"price":19.95,"color":"red"}'],
    ["$['store']['bicycle']", '{"price":19.95,"color":"red"}'],
    ['$.store.book', books],
    ['$.store.book[0]', '{"author":"Nigel Rees","title":"Sayings of the Century","category":"reference","price":8.95}'],
    ['$.store.book[*]', books],
    ['$', json.replace(/\n/g, '')],
    ['$.store.book[0].category', 'reference'],
    ['$.store.book[*].category', '["reference","fiction","fiction"]'],
    ['$.store.book[*].isbn', '["0-553-21311-3","0-395-19395-8"]'],
    ['$.store.book[*].reader', '[{"age":25,"name":"bob"},{"age":26,"name":"jack"}]'],
    ['$.store.basket[0][1]', '2'],
    ['$.store.basket[*]', '[[1,2,{"b":"y","a":"x"}],[3,4],[5,6]]'],
    ['$.store.basket[*][0]', '[1,3,5]'],
    ['$.store.basket[0][*]', '[1,2,{"b":"y","a":"x"}]'],
    ['$.store.basket[*][*]', '[1,2,{"b":"y","a":"x"},3,4,5,6]'],
    ['$.store.basket[0][2].b', 'y'],
    ['$.store.basket[0][*].b', '["y"]'],
    ['$.zip code', '94025'],
    ['$.fb:testid', '1234'],
    ['$.non_exist_key', null],
    ['$..no_recursive', null],
    ['$.store.book[10]', null],
    ['$.store.book[0].non_exist_key', null],
    ['$.store.basket[*].non_exist_key', null],
  ];
  for (const [path, expected] of cases) {
    it(path, () => {
      expect(jsonPathValue(json, path)).toBe(expected);
    });
  }

  it('keys with spaces, newlines and escapes are kept; bad JSON and nulls give null', () => {
    expect(evaluateValue(`get_json_object('{ "key with spaces": "it works" }', "$['key with spaces']")`)).toBe('it works');
    expect(evaluateValue("get_json_object(j, '$.a')", { j: '{"a":"b\\nc"}' }, 'j STRING')).toBe('b\nc');
    expect(evaluateValue("get_json_object(j, '$.a')", { j: '{"a":"b\\"c"}' }, 'j STRING')).toBe('b"c');
    expect(evaluateValue("get_json_object(j, '$.a')", { j: '\u0000\u0000\u0000A\u0001AAA' }, 'j STRING')).toBe(null);
    expect(evaluateValue("get_json_object(j, '$.a')", { j: null }, 'j STRING')).toBe(null);
    expect(evaluateValue(`get_json_object('{"a":null}', '$.a')`)).toBe(null);
    expect(evaluateValue(`get_json_object('{"big": 12345678901234567890}', '$.big')`)).toBe('12345678901234567890');
    const big = 'x'.repeat(3000);
    expect(evaluateValue("get_json_object(j, '$.big')", { j: `{"big": "${big}"}` }, 'j STRING')).toBe(big);
  });
});

describe('json_tuple', () => {
  const schema = toSchema('j STRING');
  const provider: SourceProvider = { format: 'test', schema, options: {}, open: () => Promise.reject(new Error('unused')) };
  async function tuple(texts: (string | null)[], keys = "'f1', 'f2', 'f3', 'f4', 'f5'") {
    const frame = StreamFrame.fromSource(provider).pipe(selectExpr(`json_tuple(j, ${keys})`));
    const out = await executePlan(frame.node, new Map([[provider, tableFromRows(schema, texts.map((j) => ({ j })))]]), standaloneOperatorContext());
    return tableToRows(out).map((r) => Object.values(r));
  }

  it('reads the keys as text, one row per input row (Hive cases)', async () => {
    expect(await tuple(['{"f1": "value1", "f2": "value2", "f3": 3, "f5": 5.23}'])).toEqual([['value1', 'value2', '3', null, '5.23']]);
    expect(await tuple(['{"f1": "value12", "f3": "value3", "f2": 2, "f4": 4.01}'])).toEqual([['value12', '2', 'value3', '4.01', null]]);
    expect(await tuple(['{"f1": "value13", "f4": "value44", "f3": "value33", "f2": 2, "f5": 5.01}'])).toEqual([['value13', '2', 'value33', 'value44', '5.01']]);
    expect(await tuple([null])).toEqual([[null, null, null, null, null]]);
    expect(await tuple(['{"f1": "", "f5": null}'])).toEqual([['', null, null, null, null]]);
    for (const bad of ['[invalid JSON string]', '{', '{"foo": "bar"', '\\', '\u0000\u0000\u0000A\u0001AAA']) expect(await tuple([bad])).toEqual([[null, null, null, null, null]]);
    expect(await tuple(['{"a":"b\nc"}'.replace('\n', '\\n')], "'a'")).toEqual([['b\nc']]);
    expect(await tuple(['{"f1": 1, "f2": 2}'], "'f1', cast(NULL as string), 'f2'")).toEqual([['1', null, '2']]);
    expect(await tuple(['{"f1": 1, "f2": 2}'], "'f1', cast(NULL as string), 'f1'")).toEqual([['1', null, '1']]);
  });

  it('names its columns c0, c1 … or as given', () => {
    const frame = StreamFrame.fromSource(provider).pipe(selectExpr("json_tuple(j, 'a', 'b')"));
    expect(frame.schema.fields.map((f) => f.name)).toEqual(['c0', 'c1']);
    expect(StreamFrame.fromSource(provider).pipe(selectExpr("json_tuple(j, 'a', 'b') AS (x, y)")).schema.fields.map((f) => f.name)).toEqual(['x', 'y']);
  });
});

describe('from_json, to_json, schema_of_json as expressions', () => {
  it('from_json parses with a schema; malformed is a struct of nulls (PERMISSIVE) or an error (FAILFAST)', () => {
    expect(evaluateValue(`from_json('{"a": 1}', 'a INT')`)).toEqual({ a: 1 });
    expect(evaluateValue(`from_json('{"a" 1}', 'a INT')`)).toEqual({ a: null });
    expect(() => evaluateValue(`from_json('{"a" 1}', 'a INT', map('mode', 'FAILFAST'))`)).toThrow(/MALFORMED_RECORD/);
    expect(evaluateValue('from_json(NULL, \'a INT\')')).toBe(null);
    expect(evaluateValue(`from_json(j, 'a INT, b ARRAY<STRING>').b[1]`, { j: '{"a": 1, "b": ["x", "y"]}' }, 'j STRING')).toBe('y');
  });

  it('from_json with array and map schemas', () => {
    expect(evaluateValue(`from_json('[{"a": 1}, {"a": 2}]', 'ARRAY<STRUCT<a: INT>>')`)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(evaluateValue(`from_json('{"a": 1}', 'ARRAY<STRUCT<a: INT>>')`)).toEqual([{ a: 1 }]);
    expect(evaluateValue(`from_json('[ ]', 'ARRAY<STRUCT<a: INT>>')`)).toEqual([]);
    expect(evaluateValue(`from_json('{ }', 'ARRAY<STRUCT<a: INT>>')`)).toEqual([{ a: null }]);
    expect(evaluateValue(`from_json('{"a": 1, "b": 2}', 'MAP<STRING, INT>')`)).toEqual(new Map([['a', 1], ['b', 2]]));
  });

  it('to_json writes structs, arrays and maps; null fields are left out', () => {
    expect(evaluateValue("to_json(named_struct('a', 1, 'b', 'x'))")).toBe('{"a":1,"b":"x"}');
    expect(evaluateValue("to_json(named_struct('a', 1, 'b', cast(NULL as string)))")).toBe('{"a":1}');
    expect(evaluateValue("to_json(array(named_struct('a', 1), named_struct('a', 2)))")).toBe('[{"a":1},{"a":2}]');
    expect(evaluateValue("to_json(map('a', named_struct('b', 1)))")).toBe('{"a":{"b":1}}');
    expect(evaluateValue('to_json(struct(x, y))', { x: 1, y: 'z' }, 'x INT, y STRING')).toBe('{"x":1,"y":"z"}');
    expect(() => evaluateValue('to_json(1)')).toThrow(/needs a struct, array or map/);
  });

  it('schema_of_json infers Spark\'s types', () => {
    expect(evaluateValue(`schema_of_json('[{"col":0}]')`)).toBe('ARRAY<STRUCT<col: BIGINT>>');
    expect(evaluateValue(`schema_of_json('{"b": 1.5, "a": "x", "c": [true]}')`)).toBe('STRUCT<a: STRING, b: DOUBLE, c: ARRAY<BOOLEAN>>');
    expect(evaluateValue(`from_json('{"a": 7}', schema_of_json('{"a": 1}'))`)).toEqual({ a: 7n });
  });
});
