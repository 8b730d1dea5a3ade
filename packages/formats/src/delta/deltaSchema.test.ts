import { test } from '@fast-check/vitest';
import { Field, Null, Schema } from 'apache-arrow';
import { toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { arbitrarySchema } from '@sluice/core/arbitraries';
import { arrowToDeltaSchema, deltaToArrowSchema, parseSchemaString } from './deltaSchema.ts';

describe("Delta's JSON schema", () => {
  test.prop([arbitrarySchema()])('Arrow → Delta → Arrow gives the same schema', (schema) => {
    const back = deltaToArrowSchema(parseSchemaString(JSON.stringify(arrowToDeltaSchema(schema))));
    expect(back.fields.map(String)).toEqual(schema.fields.map(String));
  });

  it("uses Spark's type names", () => {
    expect(arrowToDeltaSchema(toSchema('a LONG, b INT NOT NULL, c ARRAY<STRING>, d MAP<STRING, DOUBLE>, e STRUCT<x: DATE>, f TIMESTAMP'))).toEqual({
      type: 'struct',
      fields: [
        { name: 'a', type: 'long', nullable: true, metadata: {} },
        { name: 'b', type: 'integer', nullable: false, metadata: {} },
        { name: 'c', type: { type: 'array', elementType: 'string', containsNull: true }, nullable: true, metadata: {} },
        { name: 'd', type: { type: 'map', keyType: 'string', valueType: 'double', valueContainsNull: true }, nullable: true, metadata: {} },
        { name: 'e', type: { type: 'struct', fields: [{ name: 'x', type: 'date', nullable: true, metadata: {} }] }, nullable: true, metadata: {} },
        { name: 'f', type: 'timestamp', nullable: true, metadata: {} },
      ],
    });
  });

  it('a column with no type is refused by name; void columns are dropped on read', () => {
    expect(() => arrowToDeltaSchema(new Schema([new Field('n', new Null())]))).toThrow(expect.objectContaining({ code: 'INVALID_SCHEMA', message: expect.stringContaining("Column 'n'") }));
    expect(deltaToArrowSchema({ type: 'struct', fields: [{ name: 'v', type: 'void', nullable: true, metadata: {} }, { name: 'a', type: 'decimal(10,2)', nullable: true, metadata: {} }] }).fields.map(String)).toEqual(['a: Decimal[10e+2]']);
  });
});
