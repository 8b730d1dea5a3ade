import { fc, test } from '@fast-check/vitest';
import { isSluiceError, tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { arbitraryTableInput, plainRows } from '@sluice/core/arbitraries';
import { jsonReadOptions } from './options.ts';
import { readJson, writeJson } from './json.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const rows = (t: ReturnType<typeof readJson>) => plainRows(tableToRows(t), { sortMaps: true });

describe('json codec', () => {
  test.prop([arbitraryTableInput({}, 25), fc.boolean()], { numRuns: 80 })('writeJson → readJson is the identity (lines and multiLine arrays)', ({ schema, rows: input }, multiLine) => {
    const table = tableFromRows(schema, input);
    let bytes = writeJson(table);
    if (multiLine) bytes = enc(`[\n${new TextDecoder().decode(bytes).trimEnd().split('\n').join(',\n')}\n]`);
    const back = readJson(bytes, { schema, options: { mode: 'FAILFAST', multiLine } });
    expect(back.schema.names).toEqual(schema.names);
    expect(rows(back)).toEqual(plainRows(tableToRows(table), { sortMaps: true }));
  });

  it('skips blank lines and accepts \\r\\n line ends', () => {
    const t = readJson(enc('{"a":1}\r\n\r\n  \n{"a":2}\n'), { schema: toSchema('a INT') });
    expect(rows(t)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('names the file and line of a malformed record in FAILFAST mode', () => {
    expect(() => readJson(enc('{"a":1}\n\n{"a":\n'), { schema: toSchema('a INT'), file: '/in/a.json', options: { mode: 'FAILFAST' } })).toThrow(
      expect.objectContaining({ code: 'MALFORMED_RECORD', message: expect.stringContaining('file /in/a.json line 3') }),
    );
  });

  it('keeps malformed lines in the corrupt-record column the schema names (PERMISSIVE), nulls without one, and drops them (DROPMALFORMED)', () => {
    const bytes = enc('{"a":1}\nnot json\n{"a":"x"}\n');
    // As Spark's reader: without the column in the schema a bad record is a row of nulls.
    expect(rows(readJson(bytes, { schema: toSchema('a INT') }))).toEqual([{ a: 1 }, { a: null }, { a: null }]);
    expect(rows(readJson(bytes, { schema: toSchema('a INT, _corrupt_record STRING') }))).toEqual([
      { a: 1, _corrupt_record: null }, { a: null, _corrupt_record: 'not json' }, { a: null, _corrupt_record: '{"a":"x"}' },
    ]);
    expect(rows(readJson(bytes, { schema: toSchema('a INT'), options: { mode: 'DROPMALFORMED' } }))).toEqual([{ a: 1 }]);
  });

  it('reads a multiLine document: one object, or an array whose broken element alone is corrupt', () => {
    const schema = toSchema('a INT, s STRING');
    expect(rows(readJson(enc('{\n  "a": 1,\n  "s": "x,]}"\n}\n'), { schema, options: { multiLine: true } }))).toEqual([{ a: 1, s: 'x,]}' }]);
    const t = readJson(enc('[\n {"a": 1},\n {"a": "bad"},\n {"a": 3, "s": "[{"}\n]'), { schema: toSchema('a INT, s STRING, _corrupt_record STRING'), options: { multiLine: true } });
    expect(rows(t)).toEqual([
      { a: 1, s: null, _corrupt_record: null }, { a: null, s: null, _corrupt_record: '{"a": "bad"}' }, { a: 3, s: '[{', _corrupt_record: null },
    ]);
    expect(() => readJson(enc('[\n {"a": 1},\n {"a": "bad"}\n]'), { schema, file: 'm.json', options: { multiLine: true, mode: 'FAILFAST' } })).toThrow(/m\.json line 3/);
  });

  it('uses a custom lineSep both ways', () => {
    const table = tableFromRows(toSchema('a INT'), [{ a: 1 }, { a: 2 }]);
    const bytes = writeJson(table, { lineSep: '|' });
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}|{"a":2}|');
    expect(readJson(bytes, { schema: toSchema('a INT'), options: { lineSep: '|', mode: 'FAILFAST' } }).numRows).toBe(2);
  });

  it('needs a schema', () => {
    let error: unknown;
    try {
      readJson(enc('{}'));
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'MISSING_OPTION')).toBe(true);
    expect((error as Error).message).toMatch(/inferJsonSchema/);
  });

  it('parses Spark-style option strings and rejects unknown ones', () => {
    expect(jsonReadOptions.parse({ MODE: 'failfast', multiline: 'true' }).options).toMatchObject({ mode: 'FAILFAST', multiLine: true });
    expect(() => jsonReadOptions.parse({ multiLines: true })).toThrow(/Did you mean 'multiLine'/);
  });
});
