import { fc, test } from '@fast-check/vitest';
import { Schema } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isSluiceError, SluiceError } from '../../errors.ts';
import { registerSecret } from '../../redact.ts';
import { toSchema } from '../schema.ts';
import { tableFromRows, tableToRows } from '../tables.ts';
import { arbitraryTableInput, plainRows } from '../../arbitraries/arbitraries.ts';
import { parseJsonRecords } from './parseJsonRecords.ts';
import { tableToJsonLines } from './tableToJsonLines.ts';

const rowsOf = (t: ReturnType<typeof parseJsonRecords>) => plainRows(tableToRows(t));

describe('parseJsonRecords ∘ tableToJsonLines', () => {
  test.prop([arbitraryTableInput()], { numRuns: 150 })('is the identity over generated schemas and values, nulls included', ({ schema, rows }) => {
    const table = tableFromRows(schema, rows);
    const lines = tableToJsonLines(table);
    const back = parseJsonRecords(lines, schema, { mode: 'FAILFAST' });
    expect(back.schema.names).toEqual(schema.names);
    // JSON objects put integer-like keys first, so maps are compared as key-sorted entries.
    expect(plainRows(tableToRows(back), { sortMaps: true })).toEqual(plainRows(tableToRows(table), { sortMaps: true }));
  });

  test.prop([arbitraryTableInput()], { numRuns: 50 })('writes JSON that JSON.parse reads', ({ schema, rows }) => {
    for (const line of tableToJsonLines(tableFromRows(schema, rows))) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('parseJsonRecords', () => {
  const schema = toSchema('id LONG, name STRING, score DOUBLE');

  it('keeps a malformed record as nulls with its text in _corrupt_record (PERMISSIVE)', () => {
    const t = parseJsonRecords(['{"id":1,"name":"a","score":0.5}', '{"id":2,', '{"id":"x"}'], schema);
    expect(t.schema.names).toEqual(['id', 'name', 'score', '_corrupt_record']);
    expect(rowsOf(t)).toEqual([
      { id: 1n, name: 'a', score: 0.5, _corrupt_record: null },
      { id: null, name: null, score: null, _corrupt_record: '{"id":2,' },
      { id: null, name: null, score: null, _corrupt_record: '{"id":"x"}' },
    ]);
  });

  it('fills a corrupt-record column the schema already has, in place, under the configured name', () => {
    const withColumn = toSchema('bad STRING, id INT');
    const t = parseJsonRecords(['{"id":1,"bad":"ignored"}', 'nope'], withColumn, { columnNameOfCorruptRecord: 'bad' });
    expect(t.schema.names).toEqual(['bad', 'id']);
    expect(rowsOf(t)).toEqual([{ bad: null, id: 1 }, { bad: 'nope', id: null }]);
  });

  it('drops malformed records (DROPMALFORMED) and adds no corrupt-record column', () => {
    const t = parseJsonRecords(['{"id":1}', '[1,2]', '{"id":true}', '{"id":3}'], schema, { mode: 'DROPMALFORMED' });
    expect(t.schema.names).toEqual(['id', 'name', 'score']);
    expect(rowsOf(t).map((r) => (r as { id: bigint }).id)).toEqual([1n, 3n]);
  });

  it('fails on the first malformed record (FAILFAST) naming where it was, with a short redacted excerpt', () => {
    registerSecret('hunter2-secret');
    const text = `{"id":1,"password":"hunter2-secret","pad":"${'x'.repeat(200)}"`;
    let error: unknown;
    try {
      parseJsonRecords(['{"id":0}', text], schema, { mode: 'FAILFAST', locate: (i) => `file /in/a.json line ${i + 1}` });
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'MALFORMED_RECORD')).toBe(true);
    const message = (error as SluiceError).message;
    expect(message).toContain('file /in/a.json line 2');
    expect(message).not.toContain('hunter2-secret');
    expect(message.length).toBeLessThan(400);
    expect(message).toContain('PERMISSIVE');
  });

  it('reads a null or blank text as a row of nulls, not a corrupt record', () => {
    const t = parseJsonRecords([null, undefined, '  '], schema);
    expect(rowsOf(t)).toEqual(Array(3).fill({ id: null, name: null, score: null, _corrupt_record: null }));
  });

  it('treats a field of the wrong JSON type as a malformed record', () => {
    const s = toSchema('n INT, b BOOLEAN, t TIMESTAMP, d DATE, bin BINARY, l ARRAY<INT>, m MAP<STRING,INT>, st STRUCT<x: INT>');
    const bad = ['{"n":1.5}', '{"n":3000000000}', '{"b":"true"}', '{"t":"yesterday"}', '{"d":"2024-13-01"}', '{"bin":"**"}', '{"l":[1,"a"]}', '{"l":{}}', '{"m":[1]}', '{"m":{"a":"b"}}', '{"st":{"x":"1"}}', '{"st":[]}'];
    const t = parseJsonRecords(bad, s, { mode: 'DROPMALFORMED' });
    expect(t.numRows).toBe(0);
  });

  it('keeps what fits of a bad record (Spark partial results) and rolls back a half-appended array so later rows stay aligned', () => {
    const s = toSchema('l ARRAY<STRUCT<x: INT, y: ARRAY<INT>>>, k INT');
    const t = parseJsonRecords(['{"l":[{"x":1,"y":[1,2]},{"x":2,"y":[3,"bad"]}],"k":1}', '{"l":[{"x":3,"y":[4]}],"k":2}'], s);
    expect(rowsOf(t)).toEqual([
      { l: [{ x: 1, y: [1, 2] }, { x: 2, y: null }], k: 1, _corrupt_record: '{"l":[{"x":1,"y":[1,2]},{"x":2,"y":[3,"bad"]}],"k":1}' },
      { l: [{ x: 3, y: [4] }], k: 2, _corrupt_record: null },
    ]);
  });

  it('reads strings, numbers and nested values into a string column as Spark does (their JSON text)', () => {
    const t = parseJsonRecords(['{"s":1}', '{"s":true}', '{"s":{"a":[1]}}', '{"s":"x"}'], toSchema('s STRING'));
    expect(rowsOf(t).map((r) => (r as { s: string }).s)).toEqual(['1', 'true', '{"a":[1]}', 'x']);
  });

  // Spark's JacksonParser converts by token kind: BYTE/SHORT/INT/LONG and TIMESTAMP take an
  // integer token only (VALUE_NUMBER_INT), DATE a string only; a float token is a float even when
  // its value is whole. The field is null and the record malformed (partial results keep the rest).
  it('refuses a float token into an integral or timestamp column even when its value is whole (1.0, 1e2, -0.0)', () => {
    const s = toSchema('b TINYINT, sh SMALLINT, i INT, l LONG, t TIMESTAMP, k INT');
    const texts = ['{"b":1.0,"sh":2.0,"i":1e2,"l":10E0,"t":1.0,"k":7}', '{"i":-0.0,"k":8}', '{"i":100,"l":10,"t":1,"b":1,"sh":2,"k":9}', "{'i': 1.0, 'k': 10}"];
    const t = parseJsonRecords(texts, s);
    expect(rowsOf(t)).toEqual([
      { b: null, sh: null, i: null, l: null, t: null, k: 7, _corrupt_record: texts[0] },
      { b: null, sh: null, i: null, l: null, t: null, k: 8, _corrupt_record: texts[1] },
      { b: 1, sh: 2, i: 100, l: 10n, t: 1000, k: 9, _corrupt_record: null },
      { b: null, sh: null, i: null, l: null, t: null, k: 10, _corrupt_record: texts[3] },
    ]);
  });

  it('refuses a float token inside arrays, maps and structs of integers, and keeps the integer tokens', () => {
    const t = parseJsonRecords(['{"a":[1,2.0],"m":{"x":1},"st":{"y":3.0,"z":4}}', '{"a":[1,2],"m":{"x":1.0},"st":{"y":3,"z":4}}'], toSchema('a ARRAY<INT>, m MAP<STRING,INT>, st STRUCT<y: INT, z: INT>'));
    const withoutCorrupt = rowsOf(t).map((row) => Object.fromEntries(Object.entries(row as Record<string, unknown>).filter(([k]) => k !== '_corrupt_record')));
    expect(withoutCorrupt).toEqual([
      { a: null, m: { x: 1 }, st: { y: null, z: 4 } },
      { a: [1, 2], m: null, st: { y: 3, z: 4 } },
    ]);
  });

  it('is not fooled by float-looking text inside strings, and still reads float tokens into float, double and decimal columns', () => {
    const s = toSchema('i INT, s STRING, d DOUBLE, f FLOAT, dec DECIMAL(5,1)');
    const t = parseJsonRecords(['{"i":3,"s":"v1.0 \\"2.0\\" 1e2","d":1.0,"f":2e0,"dec":1.0}'], s, { mode: 'FAILFAST' });
    expect(rowsOf(t)).toEqual([{ i: 3, s: 'v1.0 "2.0" 1e2', d: 1, f: 2, dec: '1.0' }]);
  });

  it('refuses a string or a boolean into a number column and a number into a date column', () => {
    const t = parseJsonRecords(['{"i":"1","d":"2.5","b":1,"day":17000}'], toSchema('i INT, d DOUBLE, b BOOLEAN, day DATE'));
    expect(rowsOf(t)).toEqual([{ i: null, d: null, b: null, day: null, _corrupt_record: '{"i":"1","d":"2.5","b":1,"day":17000}' }]);
  });

  it('writes a number into a string column as Jackson does: integer tokens as digits, float tokens by Double.toString', () => {
    const t = parseJsonRecords(['{"s":1.0}', '{"s":1e2}', '{"s":1.5e10}', '{"s":0.0001}', '{"s":12}', '{"s":{"a":[1.0,2]}}'], toSchema('s STRING'), { mode: 'FAILFAST' });
    expect(rowsOf(t).map((r) => (r as { s: string }).s)).toEqual(['1.0', '100.0', '1.5E10', '1.0E-4', '12', '{"a":[1.0,2]}']);
  });

  it('keeps int64 values beyond 2^53 exact', () => {
    const t = parseJsonRecords(['{"id":9007199254740993}', '{"id":-9223372036854775808}', '{"id":9223372036854775808}'], toSchema('id LONG'));
    expect(rowsOf(t)).toEqual([
      { id: 9007199254740993n, _corrupt_record: null },
      { id: -9223372036854775808n, _corrupt_record: null },
      { id: null, _corrupt_record: '{"id":9223372036854775808}' },
    ]);
  });

  it('reads timestamps from ISO-8601 text (zone-less as UTC) or integers as epoch seconds (Spark\'s JsonSuite: Casting long as timestamp), and dates as yyyy-MM-dd', () => {
    const s = toSchema('t TIMESTAMP, d DATE');
    const t = parseJsonRecords(['{"t":"2024-05-01T10:00:00.123Z","d":"2024-05-01"}', '{"t":"2024-05-01 12:00:00+02:00"}', '{"t":1714557600}', '{"t":"2024-05-01T10:00:00.123456"}'], s);
    expect(rowsOf(t).map((r) => (r as { t: number }).t)).toEqual([1714557600123, 1714557600000, 1714557600000, 1714557600123]);
    expect((rowsOf(t)[0] as { d: number }).d).toBe(Date.UTC(2024, 4, 1));
  });

  it('reads NaN and infinities from strings into double columns', () => {
    const t = parseJsonRecords(['{"x":"NaN"}', '{"x":"Infinity"}', '{"x":"-Infinity"}'], toSchema('x DOUBLE'), { mode: 'FAILFAST' });
    expect(rowsOf(t).map((r) => (r as { x: number }).x)).toEqual([NaN, Infinity, -Infinity]);
  });

  it('rejects a corrupt-record column that is not a string', () => {
    expect(() => parseJsonRecords([], toSchema('_corrupt_record INT'))).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
  });

  it('returns an empty table of the schema for no input', () => {
    const t = parseJsonRecords([], new Schema([]), { mode: 'FAILFAST' });
    expect(t.numRows).toBe(0);
  });
});

describe('tableToJsonLines', () => {
  it("writes Spark's to_json shapes and leaves null fields out", () => {
    const s = toSchema('id LONG, t TIMESTAMP, d DATE, b BINARY, x DOUBLE, m MAP<STRING,INT>, st STRUCT<a: INT, b: STRING>, l ARRAY<STRING>');
    const t = tableFromRows(s, [
      { id: 2n ** 62n, t: 1714557600123, d: Date.UTC(2024, 4, 1), b: new Uint8Array([104, 105]), x: NaN, m: new Map([['k', 1]]), st: { a: 1, b: null }, l: ['a', null] },
      { id: null },
    ]);
    expect(tableToJsonLines(t)).toEqual([
      '{"id":4611686018427387904,"t":"2024-05-01T10:00:00.123Z","d":"2024-05-01","b":"aGk=","x":"NaN","m":{"k":1},"st":{"a":1},"l":["a",null]}',
      '{}',
    ]);
  });

  it('writes only the named columns, in that order, and names a missing one', () => {
    const t = tableFromRows(toSchema('a INT, b STRING'), [{ a: 1, b: 'x' }]);
    expect(tableToJsonLines(t, ['b', 'a'])).toEqual(['{"b":"x","a":1}']);
    expect(() => tableToJsonLines(t, ['c'])).toThrow(expect.objectContaining({ code: 'UNKNOWN_COLUMN' }));
  });

  it('handles sliced tables (offsets into shared buffers)', () => {
    const t = tableFromRows(toSchema('a INT, s STRING, l ARRAY<INT>'), [{ a: 1, s: 'x', l: [1] }, { a: null, s: 'é', l: null }, { a: 3, s: null, l: [2, 3] }]);
    expect(tableToJsonLines(t.slice(1))).toEqual(['{"s":"é"}', '{"a":3,"l":[2,3]}']);
  });

  test.prop([fc.array(fc.string({ unit: 'binary' }), { maxLength: 30 })])('round-trips any Unicode string', (strings) => {
    const s = toSchema('s STRING');
    const t = tableFromRows(s, strings.map((v) => ({ s: v })));
    expect(rowsOf(parseJsonRecords(tableToJsonLines(t), s, { mode: 'FAILFAST' }))).toEqual(strings.map((v) => ({ s: v })));
  });
});
