import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { readCsv, writeCsv } from './csv.ts';

const enc = (s: string) => new TextEncoder().encode(s);

// Spark's UnivocityParser reads a DECIMAL cell with the en-US decimalParser (grouping commas
// dropped, nothing trimmed) into Decimal(value, p, s), HALF_UP; UnivocityGenerator writes Decimal.toString.
describe('CSV and DECIMAL', () => {
  const schema = toSchema('id INT, amount DECIMAL(8,2)');

  it('reads cells rounding HALF_UP; grouping commas in a quoted cell are dropped', () => {
    const t = readCsv(enc('1,12.345\n2,"1,234.5"\n3,-0.005\n4,\n5,1e3\n'), { schema });
    expect(tableToRows(t).map((r) => r['amount'])).toEqual(['12.35', '1234.50', '-0.01', null, '1000.00']);
  });

  it('a cell that is not a number, has spaces, or is too wide makes the record malformed, that value null (Spark partial results)', () => {
    const t = readCsv(enc('1,abc\n2, 1.5\n3,1234567.1\n4,2.5\n'), { schema: toSchema('id INT, amount DECIMAL(8,2), _corrupt_record STRING') });
    expect(tableToRows(t).map((r) => [r['id'], r['amount'], r['_corrupt_record']])).toEqual([
      [1, null, '1,abc'], [2, null, '2, 1.5'], [3, null, '3,1234567.1'], [4, '2.50', null],
    ]);
    expect(() => readCsv(enc('1,abc\n'), { schema, options: { mode: 'FAILFAST' } })).toThrow(/MALFORMED_RECORD.*not a valid decimal\(8,2\) for column 'amount'/);
  });

  it('writes Decimal.toString: the scale kept, scientific below 1e-6', () => {
    const table = tableFromRows(toSchema('a DECIMAL(8,2), b DECIMAL(10,8)'), [{ a: '-1.5', b: '0.0000001' }, { a: '0', b: '0.12' }, { a: null, b: '0' }]);
    expect(new TextDecoder().decode(writeCsv(table, { header: true }))).toBe('a,b\n-1.50,1.0E-7\n0.00,0.12000000\n,0E-8\n');
    expect(tableToRows(readCsv(writeCsv(table), { schema: table.schema, options: { mode: 'FAILFAST' } }))).toEqual([{ a: '-1.50', b: '0.00000010' }, { a: '0.00', b: '0.12000000' }, { a: null, b: '0.00000000' }]);
  });
});
