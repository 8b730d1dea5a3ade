import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executePlan, expr, select, standaloneOperatorContext, StreamFrame, tableFromRows, tableToRows, toSchema, type Column, type SourceProvider } from '@sluice/core';
import { fromProtobuf, loadMessageType, registerProtobufFunctions, sparkTypeOfMessage, toProtobuf } from './index.ts';

// protoc (Debian's protobuf-compiler, scripts/setup.d/26-protoc.sh) is the independent writer and reader.
const run = promisify(execFile);

const PROTO = `
syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";

enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }

message Line {
  string sku = 1;
  int32 quantity = 2;
}

message Order {
  int64 id = 1;
  string customer = 2;
  double amount = 3;
  Status status = 4;
  repeated Line lines = 5;
  map<string, int64> counters = 6;
  google.protobuf.Timestamp placed = 7;
  bytes blob = 8;
  uint32 small_unsigned = 9;
  uint64 big_unsigned = 10;
  bool rush = 11;
  float weight = 12;
  sint64 delta = 13;
  optional string note = 14;
}

message Person {
  string name = 1;
  Person friend = 2;
}
`;

const ORDER_TEXT = `id: 9007199254740993
customer: "ann"
amount: 12.5
status: PAID
lines { sku: "a-1" quantity: 2 }
lines { sku: "b-2" quantity: 1 }
counters { key: "x" value: -5 }
placed { seconds: 1700000000 nanos: 123456789 }
blob: "\\001\\002"
small_unsigned: 4294967295
big_unsigned: 18446744073709551615
rush: true
weight: 0.25
delta: -7
`;

let dir: string;
let protoFile: string;
let descFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-protobuf-'));
  protoFile = join(dir, 'shop.proto');
  descFile = join(dir, 'shop.desc');
  await writeFile(protoFile, PROTO);
  await run('protoc', [`--proto_path=${dir}`, `--descriptor_set_out=${descFile}`, '--include_imports', protoFile]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** protoc --encode / --decode: text format ↔ binary. */
function protoc(args: string[], input: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('protoc', [`--proto_path=${dir}`, ...args, protoFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`protoc ${args.join(' ')}: ${err}`))));
    child.stdin.end(input);
  });
}

async function evaluate(ddl: string, rows: Record<string, unknown>[], ...columns: Column[]): Promise<Record<string, unknown>[]> {
  const schema = toSchema(ddl);
  const provider = { format: 'test', schema } as unknown as SourceProvider;
  const frame = StreamFrame.fromSource(provider).pipe(select(...columns));
  return tableToRows(await executePlan(frame.node, new Map([[provider, tableFromRows(schema, rows)]]), standaloneOperatorContext()));
}

const EXPECTED = {
  id: 9007199254740993n, customer: 'ann', amount: 12.5, status: 'PAID',
  lines: [{ sku: 'a-1', quantity: 2 }, { sku: 'b-2', quantity: 1 }], counters: { x: -5n },
  placed: 1_700_000_000_123, blob: new Uint8Array([1, 2]), small_unsigned: -1, big_unsigned: -1n, rush: true, weight: 0.25, delta: -7n, note: null,
};

describe("Spark's Protobuf → Spark type mapping", () => {
  test('scalars, enums, repeated messages, maps, Timestamp; unsigned ints upcast on request', () => {
    const order = loadMessageType('shop.Order', descFile);
    expect(sparkTypeOfMessage(order)).toBe(
      'struct<id:bigint,customer:string,amount:double,status:string,lines:array<struct<sku:string,quantity:int>>,counters:map<string,bigint>,placed:timestamp,blob:binary,small_unsigned:int,big_unsigned:bigint,rush:boolean,weight:float,delta:bigint,note:string>',
    );
    expect(sparkTypeOfMessage(order, { 'enums.as.ints': true, 'upcast.unsigned.ints': true })).toMatch(/status:int,.*small_unsigned:bigint,big_unsigned:decimal\(20,0\)/);
  });

  test('recursive messages are refused, or unrolled to recursive.fields.max.depth as Spark does', () => {
    const person = loadMessageType('Person', { protoSource: PROTO });
    expect(() => sparkTypeOfMessage(person)).toThrow(/recursive reference in Protobuf schema/);
    expect(sparkTypeOfMessage(person, { 'recursive.fields.max.depth': 1 })).toBe('struct<name:string>');
    expect(sparkTypeOfMessage(person, { 'recursive.fields.max.depth': 3 })).toBe('struct<name:string,friend:struct<name:string,friend:struct<name:string>>>');
  });
});

describe('fromProtobuf / toProtobuf against protoc', () => {
  test('a message protoc encoded reads, from the descriptor set and from the .proto source alike, with exact longs', async () => {
    const bytes = await protoc(['--encode=shop.Order'], ORDER_TEXT);
    for (const descriptor of [descFile, { protoFile }, { binaryDescriptorSet: await readFile(descFile) }]) {
      const [row] = await evaluate('value BINARY', [{ value: new Uint8Array(bytes) }], fromProtobuf('value', 'shop.Order', descriptor).alias('order'));
      expect(row!['order']).toEqual(EXPECTED);
    }
  });

  test("presence as Spark reads it: unset fields null, repeated ones empty; emit.default.values gives zero values", async () => {
    const bytes = await protoc(['--encode=shop.Order'], 'customer: "bo"\n');
    const [plain] = await evaluate('value BINARY', [{ value: new Uint8Array(bytes) }], fromProtobuf('value', 'shop.Order', descFile).alias('o'));
    expect(plain!['o']).toMatchObject({ id: null, customer: 'bo', status: null, lines: [], counters: {}, placed: null, rush: null });
    const [zeros] = await evaluate('value BINARY', [{ value: new Uint8Array(bytes) }], fromProtobuf('value', 'shop.Order', descFile, { 'emit.default.values': true }).alias('o'));
    expect(zeros!['o']).toMatchObject({ id: 0n, customer: 'bo', status: 'NEW', rush: false, placed: null, note: null });
  });

  test('toProtobuf writes what protoc decodes to the same message; fromProtobuf reads it back', async () => {
    const ddl = `order ${sparkTypeOfMessage(loadMessageType('shop.Order', descFile))}`;
    const [written] = await evaluate(ddl, [{ order: EXPECTED }], toProtobuf('order', 'shop.Order', descFile).alias('value'));
    const text = (await protoc(['--decode=shop.Order'], Buffer.from(written!['value'] as Uint8Array))).toString();
    // Sluice's timestamps are milliseconds: the nanoseconds below them do not survive a read.
    const canonical = (await protoc(['--decode=shop.Order'], await protoc(['--encode=shop.Order'], ORDER_TEXT.replace('nanos: 123456789', 'nanos: 123000000')))).toString();
    expect(text).toBe(canonical);
    const [back] = await evaluate('value BINARY', [written!], fromProtobuf('value', 'shop.Order', descFile).alias('order'));
    expect(back!['order']).toEqual(EXPECTED);
  });

  test('mode FAILFAST fails on a malformed message with MALFORMED_RECORD; PERMISSIVE reads null; unknown messages are refused', async () => {
    const rows = [{ value: new Uint8Array([0x0a, 0xff, 0x01]) }];
    await expect(evaluate('value BINARY', rows, fromProtobuf('value', 'shop.Order', descFile).alias('o'))).rejects.toMatchObject({ code: 'MALFORMED_RECORD' });
    expect(await evaluate('value BINARY', rows, fromProtobuf('value', 'shop.Order', descFile, { mode: 'PERMISSIVE' }).alias('o'))).toEqual([{ o: null }]);
    await expect(evaluate('value BINARY', rows, fromProtobuf('value', 'shop.Nope', descFile).alias('o'))).rejects.toThrow(/no message 'shop.Nope'/);
  });

  test("SQL: from_protobuf and to_protobuf by name in core's function registry", async () => {
    registerProtobufFunctions();
    const bytes = await protoc(['--encode=shop.Order'], 'id: 3\nstatus: SHIPPED\n');
    const [row] = await evaluate('value BINARY', [{ value: new Uint8Array(bytes) }], expr(`from_protobuf(value, 'shop.Order', '${descFile}', map('enums.as.ints', 'true')) AS o`));
    expect(row!['o']).toMatchObject({ id: 3n, status: 2 });
    const [again] = await evaluate(`o ${sparkTypeOfMessage(loadMessageType('shop.Order', descFile))}`, [{ o: { id: 4n, lines: [], counters: new Map() } }], expr(`to_protobuf(o, 'shop.Order', '${descFile}') AS value`));
    expect((await protoc(['--decode=shop.Order'], Buffer.from(again!['value'] as Uint8Array))).toString()).toBe('id: 4\n');
  });
});
