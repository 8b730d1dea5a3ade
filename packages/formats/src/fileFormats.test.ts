import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { fileFormat, fileFormats } from './fileFormats.ts';

describe('fileFormat', () => {
  it('resolves every codec by name, case-insensitively, each reading what it writes', () => {
    const schema = toSchema('value STRING');
    const table = tableFromRows(schema, [{ value: 'a' }, { value: 'b' }]);
    for (const name of Object.keys(fileFormats)) {
      const format = fileFormat(name.toUpperCase());
      expect(format.name).toBe(name);
      const back = format.read(format.write(table), { schema, options: { mode: 'FAILFAST' } as never });
      expect(tableToRows(back)).toEqual([{ value: 'a' }, { value: 'b' }]);
    }
  });

  it('names the known formats for an unknown one', () => {
    expect(() => fileFormat('avro')).toThrow(expect.objectContaining({ code: 'UNKNOWN_FORMAT', message: expect.stringContaining('json, csv, text, parquet') }));
  });

  it('exposes option declarations a source can spread into its own', () => {
    expect(Object.keys(fileFormats.csv.readOptionSpec)).toContain('columnNameOfCorruptRecord');
    expect(Object.keys(fileFormats.parquet.writeOptionSpec)).toContain('compression');
  });
});
