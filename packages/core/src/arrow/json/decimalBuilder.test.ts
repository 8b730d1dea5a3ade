import { describe, expect, it } from 'vitest';
import { toSchema } from '../schema.ts';
import { tableFromRows, tableToRows } from '../tables.ts';
import { parseJsonRecords } from './parseJsonRecords.ts';
import { tableToJsonLines } from './tableToJsonLines.ts';

// Spark's JacksonParser: a JSON number is read exactly (getDecimalValue), a string by the en-US
// decimalParser (grouping commas dropped); both become Decimal(value, p, s), rounded HALF_UP; a
// value with too many digits fails the record (PERMISSIVE: nulls + _corrupt_record).
describe('JSON into DECIMAL', () => {
  const schema = toSchema('d DECIMAL(5,2)');
  const read = (...lines: string[]) => tableToRows(parseJsonRecords(lines, schema)).map((r) => [r['d'], r['_corrupt_record']]);

  it('reads numbers and numeric strings, rounding HALF_UP to the scale', () => {
    expect(read('{"d":12.345}', '{"d":-12.345}', '{"d":1e2}', '{"d":"1,23.4"}', '{"d":"-0.005"}', '{"d":7}', '{"d":null}', '{}')).toEqual([
      ['12.35', null], ['-12.35', null], ['100.00', null], ['123.40', null], ['-0.01', null], ['7.00', null], [null, null], [null, null],
    ]);
  });

  it('a value too wide, a non-numeric string or another JSON type makes the record malformed', () => {
    expect(read('{"d":1000}', '{"d":"abc"}', '{"d":""}', '{"d":true}', '{"d":[1]}', '{"d":{"x":1}}', '{"d":" 1"}')).toEqual([
      [null, '{"d":1000}'], [null, '{"d":"abc"}'], [null, '{"d":""}'], [null, '{"d":true}'], [null, '{"d":[1]}'], [null, '{"d":{"x":1}}'], [null, '{"d":" 1"}'],
    ]);
  });

  it('keeps every digit a double would lose', () => {
    const wide = toSchema('a DECIMAL(38,36), b DECIMAL(22,2), c DECIMAL(38,0), n LONG, x DOUBLE, s STRING');
    const t = parseJsonRecords(['{"a":0.100000000000000005551115123125782702,"b":12345678901234567890.12,"c":12345678901234567890123456789012345678,"n":9007199254740993,"x":0.1,"s":"k"}'], wide, { mode: 'FAILFAST' });
    expect(tableToRows(t)).toEqual([{ a: '0.100000000000000005551115123125782702', b: '12345678901234567890.12', c: '12345678901234567890123456789012345678', n: 9007199254740993n, x: 0.1, s: 'k' }]);
  });

  it('reads decimals inside arrays, maps and structs', () => {
    const nested = toSchema('l ARRAY<DECIMAL(4,1)>, m MAP<STRING, DECIMAL(4,1)>, s STRUCT<v: DECIMAL(20,10), w: DOUBLE>');
    const t = parseJsonRecords(['{"l":[1.25,null,"2"],"m":{"k":0.05},"s":{"v":1.00000000005,"w":1.5}}'], nested, { mode: 'FAILFAST' });
    expect(tableToRows(t)).toEqual([{ l: ['1.3', null, '2.0'], m: { k: '0.1' }, s: { v: '1.0000000001', w: 1.5 } }]);
  });
});

describe('DECIMAL to JSON', () => {
  it('writes exact JSON numbers as Spark (Jackson) does: the scale kept, BigDecimal.toString below 1e-6', () => {
    const schema = toSchema('a DECIMAL(10,2), b DECIMAL(10,8), c DECIMAL(38,18), d DECIMAL(38,0)');
    const lines = tableToJsonLines(tableFromRows(schema, [
      { a: '12.3', b: '0.0000001', c: '0', d: '-12345678901234567890123456789012345678' },
      { a: '-0.05', b: '0.000001', c: '1.5', d: null },
    ]));
    expect(lines).toEqual([
      '{"a":12.30,"b":1.0E-7,"c":0E-18,"d":-12345678901234567890123456789012345678}',
      '{"a":-0.05,"b":0.00000100,"c":1.500000000000000000}',
    ]);
    // and back, exactly
    expect(tableToRows(parseJsonRecords(lines, schema, { mode: 'FAILFAST' }))[0]).toEqual({ a: '12.30', b: '0.00000010', c: '0.000000000000000000', d: '-12345678901234567890123456789012345678' });
  });
});
