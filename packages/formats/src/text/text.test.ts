import { fc, test } from '@fast-check/vitest';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { readText, writeText } from './text.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('text codec', () => {
  const line = fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));

  test.prop([fc.array(line, { maxLength: 30 })])('writeText → readText is the identity for values without line breaks', (values) => {
    const table = tableFromRows(toSchema('value STRING'), values.map((value) => ({ value })));
    const back = readText(writeText(table));
    expect(tableToRows(back).map((r) => r['value'])).toEqual(values);
  });

  it('splits on \\n, \\r\\n and \\r by default, or on lineSep', () => {
    expect(tableToRows(readText(enc('a\r\nb\rc\nd'))).map((r) => r['value'])).toEqual(['a', 'b', 'c', 'd']);
    expect(tableToRows(readText(enc('a;b;'), { options: { lineSep: ';' } })).map((r) => r['value'])).toEqual(['a', 'b']);
  });

  it('reads a whole file as one row with wholetext', () => {
    expect(tableToRows(readText(enc('a\nb\n'), { options: { wholetext: true } }))).toEqual([{ value: 'a\nb\n' }]);
  });

  it('writes null as an empty line and refuses tables that are not one string column', () => {
    expect(new TextDecoder().decode(writeText(tableFromRows(toSchema('value STRING'), [{ value: 'x' }, { value: null }])))).toBe('x\n\n');
    expect(() => writeText(tableFromRows(toSchema('a INT'), []))).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA' }));
  });
});
