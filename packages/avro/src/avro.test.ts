import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import avro from 'avsc';
import { col, expr, SluiceError } from '@sluice/core';
import { avroSchemaOf, fromAvro, registerAvroFunctions, SchemaRegistryClient, sparkTypeOf, subjectName, toAvro } from './index.ts';
import { evaluate } from './testing/evaluate.ts';
import { startRegistry } from './testing/registryServer.ts';

const ORDER = {
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'customer', type: ['null', 'string'], default: null },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
    { name: 'placed', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attributes', type: { type: 'map', values: ['null', 'int'] } },
    { name: 'either', type: ['int', 'string', { type: 'record', name: 'Note', fields: [{ name: 'text', type: 'string' }] }] },
    { name: 'wide', type: ['int', 'long'] },
  ],
};

describe("Spark's Avro → Spark type mapping (spark-avro SchemaConverters.toSqlType)", () => {
  test.each([
    ['"int"', 'int', false], ['"long"', 'bigint', false], ['"float"', 'float', false], ['"double"', 'double', false], ['"boolean"', 'boolean', false],
    ['"string"', 'string', false], ['"bytes"', 'binary', false], ['{"type":"fixed","name":"F","size":4}', 'binary', false],
    ['{"type":"int","logicalType":"date"}', 'date', false], ['{"type":"long","logicalType":"timestamp-micros"}', 'timestamp', false],
    ['{"type":"long","logicalType":"local-timestamp-millis"}', 'timestamp_ntz', false],
    ['{"type":"bytes","logicalType":"decimal","precision":9,"scale":3}', 'decimal(9,3)', false],
    ['{"type":"enum","name":"E","symbols":["A"]}', 'string', false],
    ['["null","string"]', 'string', true], ['["string","null"]', 'string', true], ['["int","long"]', 'bigint', false], ['["float","double"]', 'double', false],
    ['["null","int","long"]', 'bigint', true], ['["int","string"]', 'struct<member0:int,member1:string>', false],
    ['{"type":"array","items":["null","int"]}', 'array<int>', false], ['{"type":"map","values":"long"}', 'map<string,bigint>', false],
  ])('%s → %s (nullable %s)', (schema, ddl, nullable) => {
    expect(sparkTypeOf(schema)).toEqual({ ddl, nullable });
  });

  test('records become structs, nested and named types resolved; recursion is refused as Spark refuses it', () => {
    expect(sparkTypeOf(ORDER).ddl).toBe(
      'struct<id:bigint,customer:string,amount:decimal(10,2),placed:timestamp,day:date,status:string,tags:array<string>,attributes:map<string,int>,either:struct<member0:int,member1:string,member2:struct<text:string>>,wide:bigint>',
    );
    const list = { type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] };
    expect(() => sparkTypeOf(list)).toThrow(SluiceError);
  });

  test("Spark's Spark → Avro schema (toAvroType) for to_avro without a schema", () => {
    expect(avroSchemaOf('struct<id:bigint,name:string,tags:array<string>,inner:struct<x:double>,price:decimal(5,2)>')).toEqual({
      type: 'record', name: 'topLevelRecord',
      fields: [
        { name: 'id', type: ['long', 'null'] },
        { name: 'name', type: ['string', 'null'] },
        { name: 'tags', type: [{ type: 'array', items: ['string', 'null'] }, 'null'] },
        { name: 'inner', type: [{ type: 'record', name: 'inner', namespace: 'topLevelRecord', fields: [{ name: 'x', type: ['double', 'null'] }] }, 'null'] },
        { name: 'price', type: [{ type: 'fixed', name: 'topLevelRecord.price.fixed', size: 3, logicalType: 'decimal', precision: 5, scale: 2 }, 'null'] },
      ],
    });
  });
});

describe('fromAvro / toAvro', () => {
  const order = {
    id: 2n ** 60n + 7n, customer: null, amount: '-1234.50', placed: 1_700_000_000_123, day: Date.UTC(2024, 1, 29),
    status: 'PAID', tags: ['a', 'b'], attributes: { x: 1, y: null },
    either: { member0: null, member1: null, member2: { text: 'hi' } }, wide: 5n,
  };

  test('decodes Avro binary written by avsc (an independent writer) into the struct of its Spark type', async () => {
    const writer = avro.Type.forSchema(ORDER as avro.Schema, { wrapUnions: true });
    const bytes = writer.toBuffer({
      id: 7, customer: { string: 'ann' }, amount: Buffer.from([0x30, 0x39]), placed: 1_700_000_000_123, day: 19_782, status: 'NEW',
      tags: [], attributes: { k: { int: 3 }, n: null }, either: { int: 4 }, wide: { int: 9 },
    });
    const [row] = await evaluate('value BINARY', [{ value: new Uint8Array(bytes) }], fromAvro('value', ORDER).alias('order'));
    expect(row!['order']).toEqual({
      id: 7n, customer: 'ann', amount: '123.45', placed: 1_700_000_000_123, day: Date.UTC(2024, 1, 29), status: 'NEW', tags: [],
      attributes: { k: 3, n: null }, either: { member0: 4, member1: null, member2: null }, wide: 9n,
    });
  });

  test('toAvro then fromAvro gives the row back (exact longs, decimals, dates, unions, maps)', async () => {
    const ddl = `order ${sparkTypeOf(ORDER).ddl}`;
    const [encoded] = await evaluate(ddl, [{ order }], toAvro('order', ORDER).alias('value'));
    const [decoded] = await evaluate('value BINARY', [encoded!], fromAvro(col('value'), ORDER).alias('order'));
    expect(decoded!['order']).toEqual(order);
  });

  test.prop([fc.array(fc.record({ id: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), name: fc.option(fc.string(), { nil: null }), score: fc.double({ noNaN: true }) }), { maxLength: 20 })], { numRuns: 25 })(
    "to_avro with Spark's derived schema and from_avro read each other for any row",
    async (rows) => {
      const ddl = 'struct<id:bigint,name:string,score:double>';
      const encoded = await evaluate(`r ${ddl}`, rows.map((r) => ({ r })), toAvro('r', ddl).alias('value'));
      const decoded = await evaluate('value BINARY', encoded, fromAvro('value', JSON.stringify(avroSchemaOf(ddl))).alias('r'));
      expect(decoded.map((d) => d['r'])).toEqual(rows);
    },
  );

  test("SQL: from_avro and to_avro by name in core's function registry; to_avro derives Spark's schema from the column's type", async () => {
    registerAvroFunctions();
    const ddl = 'struct<id:bigint,name:string>';
    const rows = [{ r: { id: 5n, name: 'x' } }, { r: { id: -1n, name: null } }];
    const encoded = await evaluate(`r ${ddl}`, rows, expr('to_avro(r) AS value'));
    const schema = JSON.stringify(avroSchemaOf(ddl)).replace(/'/g, "''");
    expect(await evaluate('value BINARY', encoded, expr(`from_avro(value, '${schema}', map('mode', 'PERMISSIVE')) AS r`))).toEqual(rows);
    expect(await evaluate('value BINARY', [{ value: new Uint8Array([2]) }], expr(`from_avro(value, '"long"') AS id`))).toEqual([{ id: 1n }]);
  });

  test('schema evolution: records written with an old schema read with the evolved one (avroSchema), defaults filled in', async () => {
    const v1 = { type: 'record', name: 'User', fields: [{ name: 'id', type: 'long' }, { name: 'nick', type: 'string' }] };
    const v2 = { type: 'record', name: 'User', fields: [{ name: 'id', type: 'long' }, { name: 'email', type: ['null', 'string'], default: null }, { name: 'country', type: 'string', default: 'NL' }] };
    const bytes = avro.Type.forSchema(v1 as avro.Schema).toBuffer({ id: 3, nick: 'x' });
    const [row] = await evaluate('value BINARY', [{ value: new Uint8Array(bytes) }], fromAvro('value', v1, { avroSchema: v2 }).alias('user'));
    expect(row!['user']).toEqual({ id: 3n, email: null, country: 'NL' });
  });

  test("mode: FAILFAST (default) fails on a malformed record with Spark's message; PERMISSIVE gives null; other modes are refused", async () => {
    const rows = [{ value: new Uint8Array([0xff, 0xff, 0xff]) }, { value: null }];
    await expect(evaluate('value BINARY', rows, fromAvro('value', '"long"').alias('v'))).rejects.toMatchObject({
      code: 'MALFORMED_RECORD', message: expect.stringMatching(/Malformed records are detected in record parsing. Current parse Mode: FAILFAST/),
    });
    expect(await evaluate('value BINARY', rows, fromAvro('value', '"long"', { mode: 'PERMISSIVE' }).alias('v'))).toEqual([{ v: null }, { v: null }]);
    await expect(evaluate('value BINARY', rows, fromAvro('value', '"long"', { mode: 'DROPMALFORMED' as never }).alias('v'))).rejects.toThrow(/doesn't support the DROPMALFORMED mode/);
    await expect(evaluate('value BINARY', rows, fromAvro('value', '{"type":"record"}').alias('v'))).rejects.toThrow(/Not a valid Avro schema/);
  });
});

describe("Confluent's wire format with a Schema Registry (its REST API, served by a real HTTP server)", () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'svc:s3cret' });
  });
  afterAll(() => registry?.stop());
  const options = () => ({ 'schema.registry.url': registry.url, 'basic.auth.user.info': 'svc:s3cret' });

  test('toAvro registers the schema under <topic>-value and writes 0, the id, then Avro; fromAvro reads it by id with the latest schema', async () => {
    const v1 = { type: 'record', name: 'Click', namespace: 'web', fields: [{ name: 'url', type: 'string' }] };
    const [written] = await evaluate('click struct<url:string>', [{ click: { url: '/a' } }], toAvro('click', { ...options(), topic: 'clicks', schema: v1 }).alias('value'));
    const bytes = written!['value'] as Uint8Array;
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 0, 1]);
    expect(await registry.requests()).toContain('POST /subjects/clicks-value/versions');
    // A second version adds a field with a default: old records read with the new reader schema.
    const v2 = { ...v1, fields: [...v1.fields, { name: 'referrer', type: ['null', 'string'], default: null }] };
    new SchemaRegistryClient(options()).register('clicks-value', JSON.stringify(v2));
    const [read] = await evaluate('value BINARY', [written!], fromAvro('value', { ...options(), topic: 'clicks' }).alias('click'));
    expect(read!['click']).toEqual({ url: '/a', referrer: null });
    expect(await registry.requests()).toEqual(expect.arrayContaining(['GET /subjects/clicks-value/versions/latest', 'GET /schemas/ids/1']));
  });

  test('subject name strategies name subjects as Confluent does', () => {
    expect(subjectName('TopicNameStrategy', { topic: 't', isKey: true })).toBe('t-key');
    expect(subjectName('io.confluent.kafka.serializers.subject.RecordNameStrategy', { recordName: 'web.Click' })).toBe('web.Click');
    expect(subjectName('TopicRecordNameStrategy', { topic: 't', recordName: 'web.Click' })).toBe('t-web.Click');
    expect(() => subjectName('Nope', {})).toThrow(/Unknown subject name strategy/);
  });

  test("registry errors are SCHEMA_REGISTRY_ERROR with Confluent's error code; the password never shows", async () => {
    const client = new SchemaRegistryClient(options());
    expect(() => client.latest('missing-value')).toThrow(expect.objectContaining({ code: 'SCHEMA_REGISTRY_ERROR', details: { status: 404, errorCode: 40401 } }));
    const unknownId = new Uint8Array([0, 0, 0, 0x30, 0x39, 2]);
    const reader = { type: 'record', name: 'R', fields: [{ name: 'x', type: 'int' }] };
    await expect(evaluate('value BINARY', [{ value: unknownId }], fromAvro('value', { ...options(), avroSchema: reader, mode: 'PERMISSIVE' }).alias('r'))).rejects.toMatchObject({ code: 'SCHEMA_REGISTRY_ERROR' });
    const denied = new SchemaRegistryClient({ 'schema.registry.url': registry.url, 'basic.auth.user.info': 'svc:wrong-password' });
    let error: unknown;
    try {
      denied.latest('x');
    } catch (e) {
      error = e;
    }
    expect((error as SluiceError).message).toMatch(/HTTP 401/);
    expect((error as SluiceError).message).not.toMatch(/wrong-password/);
    expect(() => new SchemaRegistryClient({ 'schema.registry.url': 'http://127.0.0.1:1', 'schema.registry.request.timeout.ms': 2_000 }).schemaById(1)).toThrow(/Cannot reach the schema registry/);
  });
});
