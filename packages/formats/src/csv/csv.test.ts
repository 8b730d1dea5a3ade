import { fc, test } from '@fast-check/vitest';
import { Bool, DateDay, Float32, Float64, Int16, Int32, Int64, Int8, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { isSluiceError, tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { registerSecret } from '@sluice/core/connector';
import { describe, expect, it } from 'vitest';
import { arbitraryTableInput, DECIMAL_LEAVES, plainRows } from '@sluice/core/arbitraries';
import { csvReadOptions } from './options.ts';
import { readCsv, writeCsv } from './csv.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const rows = (t: ReturnType<typeof readCsv>) => plainRows(tableToRows(t));
const CSV_TYPES = { leaves: [() => new Utf8(), () => new Int8(), () => new Int16(), () => new Int32(), () => new Int64(), () => new Float32(), () => new Float64(), () => new Bool(), () => new TimestampMillisecond(), () => new DateDay(), ...DECIMAL_LEAVES], nested: false };

describe('csv codec round trip', () => {
  test.prop([
    arbitraryTableInput(CSV_TYPES, 25),
    fc.record({ sep: fc.constantFrom(',', ';', '\t', '||'), header: fc.boolean(), quoteAll: fc.boolean(), nullValue: fc.constantFrom('', 'NULL', '\\N') }),
  ], { numRuns: 120 })('writeCsv → readCsv is the identity over the types CSV carries, nulls and empty strings kept apart', ({ schema, rows: input }, o) => {
    // One column, a null and an empty nullValue make an empty line, which CSV readers skip (Spark too).
    fc.pre(!(schema.fields.length === 1 && o.nullValue === '' && input.some((r) => Object.values(r)[0] == null)));
    const table = tableFromRows(schema, input);
    const bytes = writeCsv(table, o);
    const back = readCsv(bytes, { schema, options: { ...o, multiLine: true, mode: 'FAILFAST' } });
    expect(back.schema.names).toEqual(schema.names);
    expect(rows(back)).toEqual(plainRows(tableToRows(table)));
  });

  test.prop([fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\\', '\n', '\r', ' ', 'é') as fc.Arbitrary<string>, maxLength: 8 }), { maxLength: 20 })])(
    'survives any mix of separators, quotes, escapes and line breaks inside values',
    (values) => {
      const schema = toSchema('s STRING');
      const table = tableFromRows(schema, values.map((s) => ({ s })));
      const back = readCsv(writeCsv(table), { schema, options: { multiLine: true, mode: 'FAILFAST' } });
      expect(tableToRows(back).map((r) => r['s'])).toEqual(values);
    },
  );
});

describe('readCsv', () => {
  const schema = toSchema('id INT, name STRING, score DOUBLE');

  it('reads Spark defaults: positional columns, unquoted empty → null, quoted "" → empty string, header skipped', () => {
    const t = readCsv(enc('id,name,score\n1,a,0.5\n2,,\n3,"",NaN\n'), { schema, options: { header: true } });
    expect(rows(t)).toEqual([
      { id: 1, name: 'a', score: 0.5 },
      { id: 2, name: null, score: null },
      { id: 3, name: '', score: NaN },
    ]);
  });

  it('treats a wrong column count as a corrupt record, keeping its values as Spark does (PERMISSIVE: missing ones null, extra ones dropped)', () => {
    const t = readCsv(enc('1,a,0.5\n2,b\n3,c,1,extra\n'), { schema: toSchema('id INT, name STRING, score DOUBLE, _corrupt_record STRING') });
    expect(rows(t)).toEqual([
      { id: 1, name: 'a', score: 0.5, _corrupt_record: null },
      { id: 2, name: 'b', score: null, _corrupt_record: '2,b' },
      { id: 3, name: 'c', score: 1, _corrupt_record: '3,c,1,extra' },
    ]);
    // As Spark's reader: without the column in the schema the text is not kept.
    expect(rows(readCsv(enc('2,b\n'), { schema }))).toEqual([{ id: 2, name: 'b', score: null }]);
  });

  it('fails on a wrong column count in FAILFAST mode naming file and line, with a redacted excerpt', () => {
    registerSecret('s3cr3t-token-value');
    let error: unknown;
    try {
      readCsv(enc('1,a,0.5\n\n2,s3cr3t-token-value\n'), { schema, file: '/in/a.csv', options: { mode: 'FAILFAST' } });
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'MALFORMED_RECORD')).toBe(true);
    expect((error as Error).message).toContain('file /in/a.csv line 3');
    expect((error as Error).message).toContain('2 values but the schema has 3 columns');
    expect((error as Error).message).not.toContain('s3cr3t-token-value');
  });

  it('drops malformed records (DROPMALFORMED): bad counts, bad values, unclosed quotes', () => {
    const t = readCsv(enc('1,a,0.5\nx,b,1\n2,"open,1\n3,c,2\n'), { schema, options: { mode: 'DROPMALFORMED' } });
    expect(rows(t).map((r) => (r as { id: number }).id)).toEqual([1, 3]);
  });

  it('reads quoted values across lines only with multiLine', () => {
    const text = enc('1,"two\nlines",0\n');
    expect(rows(readCsv(text, { schema, options: { multiLine: true } }))).toEqual([{ id: 1, name: 'two\nlines', score: 0 }]);
    expect(readCsv(text, { schema, options: { mode: 'DROPMALFORMED' } }).numRows).toBe(0);
  });

  it('honours sep, quote, escape, comment, nullValue, emptyValue and white-space trimming', () => {
    const t = readCsv(enc("# note\n1;'it\\'s';NA\n2; x ;1e3\n3;EMPTY;-Inf\n"), {
      schema,
      options: { sep: ';', quote: "'", comment: '#', nullValue: 'NA', emptyValue: 'EMPTY', ignoreLeadingWhiteSpace: true, ignoreTrailingWhiteSpace: true },
    });
    expect(rows(t)).toEqual([
      { id: 1, name: "it's", score: null },
      { id: 2, name: 'x', score: 1000 },
      { id: 3, name: '', score: -Infinity },
    ]);
  });

  it('reads and writes dates and timestamps in dateFormat / timestampFormat', () => {
    const s = toSchema('d DATE, t TIMESTAMP');
    const options = { dateFormat: 'dd/MM/yyyy', timestampFormat: 'yyyy-MM-dd HH:mm:ss[.SSS]' };
    const t = readCsv(enc('01/05/2024,2024-05-01 10:00:00\n31/12/1999,2024-05-01 10:00:00.5\n'), { schema: s, options: { ...options, mode: 'FAILFAST' } });
    expect(rows(t)).toEqual([{ d: Date.UTC(2024, 4, 1), t: Date.UTC(2024, 4, 1, 10) }, { d: Date.UTC(1999, 11, 31), t: Date.UTC(2024, 4, 1, 10, 0, 0, 500) }]);
    expect(dec(writeCsv(t, options))).toBe('01/05/2024,2024-05-01 10:00:00.000\n31/12/1999,2024-05-01 10:00:00.500\n');
    expect(() => readCsv(enc('x\n'), { schema: s, options: { dateFormat: 'yyyy-ww' } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('refuses column types CSV cannot hold', () => {
    expect(() => readCsv(enc(''), { schema: toSchema('l ARRAY<INT>') })).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
    expect(() => writeCsv(tableFromRows(toSchema('b BINARY'), []))).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
  });

  it('parses its options through defineOptions', () => {
    expect(csvReadOptions.parse({ delimiter: '|', HEADER: 'true' }).options).toMatchObject({ delimiter: '|', header: true, sep: ',' });
    expect(() => csvReadOptions.parse({ seperator: ';' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_OPTION' }));
  });
});

describe('writeCsv', () => {
  it('quotes only where needed and writes a header', () => {
    const t = tableFromRows(toSchema('a STRING, b INT'), [{ a: 'x,y', b: 1 }, { a: 'say "hi"', b: null }, { a: '', b: 2 }, { a: null, b: 3 }, { a: ' pad', b: 4 }]);
    expect(dec(writeCsv(t, { header: true }))).toBe('a,b\n"x,y",1\n"say \\"hi\\"",\n"",2\n,3\n" pad",4\n');
  });
});
