import { toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { inferCsvSchema } from './inferCsvSchema.ts';
import { inferJsonSchema } from './inferJsonSchema.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const ddl = (schema: ReturnType<typeof inferJsonSchema>) => schema.fields.map((f) => `${f.name}: ${String(f.type)}`);

describe('inferJsonSchema', () => {
  it("infers Spark's types: bigint, double, boolean, string, arrays, structs with sorted fields", () => {
    const schema = inferJsonSchema([enc('{"z":1,"a":"x","n":null,"l":[1,2.5],"s":{"b":true,"a":1}}\n'), enc('{"z":2.5,"extra":[{"k":1}]}\n{"a":3}')]);
    expect(ddl(schema)).toEqual(ddl(toSchema('a STRING, extra ARRAY<STRUCT<k: BIGINT>>, l ARRAY<DOUBLE>, n STRING, s STRUCT<a: BIGINT, b: BOOLEAN>, z DOUBLE')));
  });

  it('adds _corrupt_record when a sampled record is malformed (PERMISSIVE), in name order as Spark sorts it in, not otherwise', () => {
    expect(inferJsonSchema([enc('{"a":1}\nnope\n')]).names).toEqual(['_corrupt_record', 'a']);
    expect(inferJsonSchema([enc('{"a":1}\nnope\n')], { mode: 'DROPMALFORMED' }).names).toEqual(['a']);
  });

  it('reads multiLine documents', () => {
    expect(ddl(inferJsonSchema([enc('[{"a":1},\n{"b":"x"}]')], { multiLine: true }))).toEqual(ddl(toSchema('a BIGINT, b STRING')));
  });
});

describe('inferCsvSchema', () => {
  it('names columns from the header and picks the narrowest type every value fits', () => {
    const csv = 'i,l,d,b,day,ts,s,n,mixed\n1,3000000000,1.5,true,2024-05-01,2024-05-01T10:00:00Z,x,,1\n2,4,NaN,false,2024-05-02,2024-05-01,"y",,2024-05-01\n';
    expect(ddl(inferCsvSchema([enc(csv)], { header: true }))).toEqual(
      ddl(toSchema('i INT, l BIGINT, d DOUBLE, b BOOLEAN, day DATE, ts TIMESTAMP, s STRING, n STRING, mixed STRING')),
    );
  });

  it('numbers columns _c0… without a header, across files, skipping malformed records', () => {
    expect(ddl(inferCsvSchema([enc('1,a\n'), enc('2.5,b,true\n"open\n')]))).toEqual(ddl(toSchema('_c0 DOUBLE, _c1 STRING, _c2 BOOLEAN')));
  });
});
