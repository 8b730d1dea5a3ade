import { describe, expect, it } from 'vitest';
import { compactJson, oneDecimal, prettyJson } from './prettyJson.ts';

describe("Spark's progress JSON (Jackson's pretty printer)", () => {
  it('writes "key" : value, nested objects indented, arrays inline', () => {
    expect(prettyJson({ id: 'a', name: null, n: 2, durationMs: { total: 0 }, stateOperators: [{ operatorName: 'op1', numRowsTotal: 0 }], empty: [] })).toBe(
      ['{', '  "id" : "a",', '  "name" : null,', '  "n" : 2,', '  "durationMs" : {', '    "total" : 0', '  },', '  "stateOperators" : [ {', '    "operatorName" : "op1",', '    "numRowsTotal" : 0', '  } ],', '  "empty" : [ ]', '}'].join('\n'),
    );
    expect(prettyJson([{ a: 1 }, { b: 2 }])).toBe('[ {\n  "a" : 1\n}, {\n  "b" : 2\n} ]');
  });

  it('writes rates with one decimal, HALF_UP, never in E notation', () => {
    expect(oneDecimal(10)).toBe('10.0');
    expect(oneDecimal(75291.2831516931)).toBe('75291.3');
    expect(oneDecimal(71906.88058963642)).toBe('71906.9');
    expect(oneDecimal(6.923076923076923e8)).toBe('692307692.3');
    expect(oneDecimal(1e22)).toBe('10000000000000000000000.0');
    expect(oneDecimal(0.15)).toBe('0.2');
    expect(oneDecimal(1.818181818)).toBe('1.8');
    expect(oneDecimal(0)).toBe('0.0');
    expect(compactJson({ inputRowsPerSecond: 2000, x: 1.5 })).toBe('{"inputRowsPerSecond":2000.0,"x":1.5}');
  });
});
