import { afterAll, beforeAll, describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { randomUUID } from 'node:crypto';
import {
  Binary, Bool, DataType, DateDay, DateMillisecond, Dictionary, Field, FixedSizeBinary, Float32, Float64, Int16, Int32, Int64, Int8,
  Decimal, LargeUtf8, List, Schema, Struct, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, Uint16, Uint32,
  Uint64, Uint8, Utf8, makeData, makeVector, vectorFromArray, type Vector,
} from 'apache-arrow';
import { decimalArrowType, decimalVector, formatDecimal, tableFromVectors, vectorFromValues } from '@sluice/core';
import { postgresSink } from './postgresSink.ts';
import { TEST_PG_URL, batchContext, createTestSchema, sinkContext, type TestSchema } from './testing/testDatabase.ts';

/**
 * One supported Arrow type: how to generate values, build the column, read the stored value
 * back as text (`sql`), and what that text must mean (`expected` vs `parse`).
 */
interface TypeCase {
  readonly name: string;
  readonly type: DataType;
  readonly values: fc.Arbitrary<unknown>;
  readonly build?: (values: unknown[]) => Vector;
  readonly sql?: (column: string) => string;
  readonly parse?: (text: string) => unknown;
  readonly expected: (value: never) => unknown;
}

const DAY_MS = 86_400_000;
const text = (c: string) => `${c}::text`;
const asJson = (c: string) => `to_json(${c})::text`;
const epochMicros = (c: string) => `(extract(epoch from ${c}) * 1000000)::bigint::text`;
// Years 1..9999: inside PostgreSQL's ranges and inside what every unit can represent.
const MIN_MS = -62_135_596_800_000n;
const MAX_MS = 253_402_300_799_999n;
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

const CASES: TypeCase[] = [
  { name: 'bool', type: new Bool(), values: fc.boolean(), sql: text, expected: (v: boolean) => String(v) },
  { name: 'int8', type: new Int8(), values: fc.integer({ min: -128, max: 127 }), sql: text, expected: (v: number) => String(v) },
  { name: 'int16', type: new Int16(), values: fc.integer({ min: -32768, max: 32767 }), sql: text, expected: (v: number) => String(v) },
  { name: 'int32', type: new Int32(), values: fc.integer(), sql: text, expected: (v: number) => String(v) },
  { name: 'int64', type: new Int64(), values: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), sql: text, expected: (v: bigint) => String(v) },
  { name: 'uint8', type: new Uint8(), values: fc.integer({ min: 0, max: 255 }), sql: text, expected: (v: number) => String(v) },
  { name: 'uint16', type: new Uint16(), values: fc.integer({ min: 0, max: 65535 }), sql: text, expected: (v: number) => String(v) },
  { name: 'uint32', type: new Uint32(), values: fc.integer({ min: 0, max: 2 ** 31 - 1 }).chain((h) => fc.constantFrom(h, h * 2 + 1)), sql: text, expected: (v: number) => String(v) },
  { name: 'uint64', type: new Uint64(), values: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), sql: text, expected: (v: bigint) => String(v) },
  { name: 'float32', type: new Float32(), values: fc.float(), sql: (c) => `${c}::float8::text`, parse: Number, expected: (v: number) => Math.fround(v) },
  { name: 'float64', type: new Float64(), values: fc.double(), sql: text, parse: Number, expected: (v: number) => v },
  { name: 'utf8', type: new Utf8(), values: fc.string({ unit: 'binary', maxLength: 40 }).map(noNul), expected: (v: string) => v },
  { name: 'large_utf8', type: new LargeUtf8(), values: fc.string({ unit: 'binary', maxLength: 40 }).map(noNul), expected: (v: string) => v },
  { name: 'binary', type: new Binary(), values: fc.uint8Array({ maxLength: 40 }), sql: (c) => `encode(${c}, 'hex')`, expected: (v: Uint8Array) => Buffer.from(v).toString('hex') },
  { name: 'fixed16', type: new FixedSizeBinary(16), values: fc.uint8Array({ minLength: 16, maxLength: 16 }), sql: (c) => `encode(${c}, 'hex')`, expected: (v: Uint8Array) => Buffer.from(v).toString('hex') },
  { name: 'date_day', type: new DateDay(), values: fc.integer({ min: -719_162, max: 2_932_896 }), sql: (c) => `(${c} - date '1970-01-01')::text`, expected: (v: number) => String(v) },
  {
    name: 'date_ms', type: new DateMillisecond(), values: fc.integer({ min: -719_162, max: 2_932_896 }).map((d) => BigInt(d) * BigInt(DAY_MS)),
    sql: (c) => `(${c} - date '1970-01-01')::text`, expected: (v: bigint) => String(v / BigInt(DAY_MS)),
  },
  { name: 'ts_s', type: new TimestampSecond(), values: fc.bigInt({ min: MIN_MS / 1000n, max: MAX_MS / 1000n }), sql: epochMicros, expected: (v: bigint) => String(v * 1_000_000n) },
  { name: 'ts_ms', type: new TimestampMillisecond(), values: fc.bigInt({ min: MIN_MS, max: MAX_MS }), sql: epochMicros, expected: (v: bigint) => String(v * 1000n) },
  { name: 'ts_us', type: new TimestampMicrosecond(), values: fc.bigInt({ min: MIN_MS * 1000n, max: MAX_MS * 1000n }), sql: epochMicros, expected: (v: bigint) => String(v) },
  { name: 'ts_ns', type: new TimestampNanosecond(), values: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), sql: epochMicros, expected: (v: bigint) => String(floorDiv(v, 1000n)) },
  {
    name: 'list_int32', type: new List(new Field('item', new Int32(), true)), values: fc.array(fc.option(fc.integer(), { nil: null }), { maxLength: 6 }),
    sql: asJson, parse: JSON.parse, expected: (v: (number | null)[]) => v,
  },
  {
    name: 'list_utf8', type: new List(new Field('item', new Utf8(), true)), values: fc.array(fc.option(fc.string({ maxLength: 8 }).map(noNul), { nil: null }), { maxLength: 6 }),
    sql: asJson, parse: JSON.parse, expected: (v: (string | null)[]) => v,
  },
  {
    name: 'struct', type: new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]),
    values: fc.record({ a: fc.option(fc.integer(), { nil: null }), b: fc.option(fc.string({ maxLength: 8 }).map(noNul), { nil: null }) }),
    sql: text, parse: JSON.parse, expected: (v: { a: number | null; b: string | null }) => v,
  },
  { name: 'dictionary', type: new Dictionary(new Utf8(), new Int32()), values: fc.constantFrom('red', 'green', 'blue', 'ünïcode'), expected: (v: string) => v },
  ...([[10, 2], [38, 18], [18, 0], [5, 5], [38, 0], [9, 3]] as const).map(([p, s]): TypeCase => ({
    name: `decimal_${p}_${s}`, type: decimalArrowType({ precision: p, scale: s }),
    values: fc.oneof(fc.bigInt({ min: -(10n ** BigInt(p)) + 1n, max: 10n ** BigInt(p) - 1n }), fc.bigInt({ min: -20000n, max: 20000n }), fc.constantFrom(0n, 10n ** BigInt(Math.min(p - 1, 8)), -(10n ** BigInt(p - 1)))),
    sql: text, expected: (v: bigint) => formatDecimal(v, s),
  })),
  {
    name: 'list_decimal', type: new List(new Field('item', decimalArrowType({ precision: 12, scale: 3 }), true)),
    values: fc.array(fc.option(fc.bigInt({ min: -(10n ** 12n) + 1n, max: 10n ** 12n - 1n }), { nil: null }), { maxLength: 4 }),
    sql: text,
    expected: (v: (bigint | null)[]) => `{${v.map((x) => (x === null ? 'NULL' : formatDecimal(x, 3))).join(',')}}`,
  },
];

function noNul(s: string): string {
  return s.replace(/\0/g, '');
}

/** A column of `type` from values (null = null), built the way each type is built in real batches. */
function column(type: DataType, values: unknown[]): Vector {
  if (DataType.isDecimal(type)) return decimalVector({ precision: type.precision, scale: type.scale }, values as (bigint | null)[]);
  if (DataType.isList(type) && DataType.isDecimal(type.children[0]!.type)) {
    // vectorFromArray cannot build decimals: a list of decimals through core's builder (strings are exact).
    const element = type.children[0]!.type as Decimal;
    return tableFromVectors(new Schema([new Field('l', type, true)]), [
      vectorFromValues(type, values.map((l) => (l === null ? null : (l as (bigint | null)[]).map((x) => (x === null ? null : formatDecimal(x, element.scale)))))),
    ]).getChildAt(0)!;
  }
  const fixed = DataType.isInt(type) || DataType.isFloat(type) || DataType.isTimestamp(type) || DataType.isDate(type);
  if (!fixed) return vectorFromArray(values as never, type);
  const ArrayType = (type as unknown as { ArrayType: new (n: number) => ArrayLike<unknown> & Record<number, unknown> }).ArrayType;
  const data = new ArrayType(values.length);
  const validity = new Uint8Array((values.length + 7) >> 3);
  let nulls = 0;
  values.forEach((v, i) => {
    if (v === null) nulls++;
    else {
      validity[i >> 3]! |= 1 << (i & 7);
      data[i] = data instanceof BigInt64Array || data instanceof BigUint64Array ? BigInt(v as bigint) : v;
    }
  });
  return makeVector(makeData({ type, length: values.length, nullCount: nulls, nullBitmap: validity, data } as never));
}

let db: TestSchema;
beforeAll(async () => {
  db = await createTestSchema();
});
afterAll(async () => {
  await db?.drop();
});

describe('Arrow → PostgreSQL type mapping', () => {
  const rowsArb = fc.integer({ min: 0, max: 12 }).chain((n) =>
    fc.tuple(...CASES.map((c) => fc.array(fc.option(c.values, { nil: null, freq: 4 }), { minLength: n, maxLength: n }))),
  );

  test.prop([rowsArb], { numRuns: 25 })('every supported type round-trips through a created table, nulls included', async (columns) => {
    const n = columns[0]!.length;
    const fields = [new Field('row_no', new Int32(), false), ...CASES.map((c) => new Field(c.name, c.type, true))];
    const vectors = [column(new Int32(), Array.from({ length: n }, (_, i) => i)), ...CASES.map((c, i) => column(c.type, columns[i]!))];
    const table = tableFromVectors(new Schema(fields), vectors);
    const dbtable = `${db.schema}.rt_${randomUUID().slice(0, 8)}`;
    const context = sinkContext();
    const sink = await postgresSink({ url: TEST_PG_URL, dbtable, createTableIfNotExists: true }).open(context);
    await sink.addBatch(0, table, batchContext(0, context));
    await sink.close();
    const select = CASES.map((c) => `${(c.sql ?? ((x: string) => x))(`"${c.name}"`)} AS "${c.name}"`).join(', ');
    const stored = await db.rows<Record<string, string | null>>(`SELECT ${select} FROM ${dbtable} ORDER BY row_no`);
    expect(stored).toHaveLength(n);
    for (const [i, c] of CASES.entries()) {
      const actual = stored.map((row) => (row[c.name] === null ? null : (c.parse ?? ((t: string) => t))(row[c.name]!)));
      const expected = columns[i]!.map((v) => (v === null ? null : c.expected(v as never)));
      expect({ column: c.name, values: actual }).toEqual({ column: c.name, values: expected });
    }
  });
});

describe('createTableIfNotExists column types', () => {
  test('follow the documented mapping', async () => {
    const fields = CASES.map((c) => new Field(c.name, c.type, true));
    const table = tableFromVectors(new Schema(fields), CASES.map((c) => column(c.type, [])));
    const dbtable = `${db.schema}.types_${randomUUID().slice(0, 8)}`;
    const context = sinkContext();
    const sink = await postgresSink({ url: TEST_PG_URL, dbtable, createTableIfNotExists: true }).open(context);
    await sink.addBatch(0, table, batchContext(0, context));
    await sink.close();
    const rows = await db.rows<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum`,
      [dbtable],
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.type]))).toEqual({
      bool: 'boolean', int8: 'smallint', int16: 'smallint', int32: 'integer', int64: 'bigint', uint8: 'smallint', uint16: 'integer',
      uint32: 'bigint', uint64: 'numeric(20,0)', float32: 'real', float64: 'double precision', utf8: 'text', large_utf8: 'text',
      binary: 'bytea', fixed16: 'bytea', date_day: 'date', date_ms: 'date', ts_s: 'timestamp with time zone',
      ts_ms: 'timestamp with time zone', ts_us: 'timestamp with time zone', ts_ns: 'timestamp with time zone',
      list_int32: 'integer[]', list_utf8: 'text[]', struct: 'jsonb', dictionary: 'text',
      decimal_10_2: 'numeric(10,2)', decimal_38_18: 'numeric(38,18)', decimal_18_0: 'numeric(18,0)', decimal_5_5: 'numeric(5,5)',
      decimal_38_0: 'numeric(38,0)', decimal_9_3: 'numeric(9,3)', list_decimal: 'numeric(12,3)[]',
    });
  });
});

describe('writing into existing columns of wider or related types', () => {
  test('each Arrow type lands in the column types it may go to', async () => {
    await db.pool.query(`CREATE TYPE ${db.schema}.mood AS ENUM ('happy', 'sad')`);
    const dbtable = `${db.schema}.wide_${randomUUID().slice(0, 8)}`;
    await db.pool.query(`CREATE TABLE ${dbtable} (
      i32 bigint, i16 integer, i8 real, f32 double precision, i64 numeric, d timestamptz, ts timestamp, js jsonb, j json,
      u uuid, u16 uuid, v varchar(5), ch char(3), m ${db.schema}.mood, arr bigint[], st json)`);
    const uuid = '0b8f3c1e-6a52-4c3e-9d7a-2f1e5b6c7d8e';
    const uuidBytes = Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
    const fields: [string, DataType, unknown[]][] = [
      ['i32', new Int32(), [2147483647]], ['i16', new Int16(), [-32768]], ['i8', new Int8(), [-7]], ['f32', new Float32(), [1.5]],
      ['i64', new Int64(), [-(2n ** 63n)]], ['d', new DateDay(), [19000]], ['ts', new TimestampMillisecond(), [1_700_000_000_123n]],
      ['js', new Utf8(), ['{"a": [1, 2]}']], ['j', new Utf8(), ['[true]']], ['u', new Utf8(), [uuid]], ['u16', new FixedSizeBinary(16), [uuidBytes]],
      ['v', new Utf8(), ['abc']], ['ch', new Utf8(), ['xy']], ['m', new Utf8(), ['sad']], ['arr', new List(new Field('item', new Int16(), true)), [[1, null, -3]]],
      ['st', new Struct([new Field('k', new Int64(), true)]), [{ k: 5n }]],
    ];
    const table = tableFromVectors(new Schema(fields.map(([name, type]) => new Field(name, type, true))), fields.map(([, type, values]) => column(type, values)));
    const context = sinkContext();
    const sink = await postgresSink({ url: TEST_PG_URL, dbtable }).open(context);
    await sink.addBatch(0, table, batchContext(0, context));
    await sink.close();
    const [row] = await db.rows(`SELECT i32::text, i16, i8, f32, i64::text, d AT TIME ZONE 'UTC' AS d, ts::text, js::text, j::text, u::text, u16::text, v, ch, m::text, arr::text, st::text FROM ${dbtable}`);
    expect(row).toEqual({
      i32: '2147483647', i16: -32768, i8: -7, f32: 1.5, i64: '-9223372036854775808', d: new Date(19000 * DAY_MS), ts: '2023-11-14 22:13:20.123',
      js: '{"a": [1, 2]}', j: '[true]', u: uuid, u16: uuid, v: 'abc', ch: 'xy ', m: 'sad', arr: '{1,NULL,-3}', st: '{"k":5}',
    });
  });

  test('a string that is not a UUID is a TYPE_MISMATCH naming the column', async () => {
    const dbtable = `${db.schema}.uuid_${randomUUID().slice(0, 8)}`;
    await db.pool.query(`CREATE TABLE ${dbtable} (id uuid)`);
    const context = sinkContext();
    const sink = await postgresSink({ url: TEST_PG_URL, dbtable }).open(context);
    const table = tableFromVectors(new Schema([new Field('id', new Utf8(), true)]), [column(new Utf8(), ['not-a-uuid'])]);
    const error = await sink.addBatch(0, table, batchContext(0, context)).catch((e) => e);
    expect(error).toMatchObject({ code: 'TYPE_MISMATCH', details: { column: 'id' } });
    expect(error.message).toContain('"not-a-uuid"');
    await sink.close();
  });

  test('narrowing is refused before anything is written', async () => {
    const dbtable = `${db.schema}.narrow_${randomUUID().slice(0, 8)}`;
    await db.pool.query(`CREATE TABLE ${dbtable} (a smallint, b real, c date, d integer[])`);
    const context = sinkContext();
    const sink = await postgresSink({ url: TEST_PG_URL, dbtable }).open(context);
    const attempts: [DataType, string, string][] = [
      [new Int32(), 'a', 'smallint'], [new Float64(), 'b', 'real'], [new TimestampMillisecond(), 'c', 'date'], [new List(new Field('item', new Int64(), true)), 'd', 'integer[]'],
    ];
    for (const [type, name, pgType] of attempts) {
      const table = tableFromVectors(new Schema([new Field(name, type, true)]), [column(type, [])]);
      const error = await sink.addBatch(0, table, batchContext(0, context)).catch((e) => e);
      expect(error).toMatchObject({ code: 'TYPE_MISMATCH', details: { column: name, postgresType: pgType } });
    }
    await sink.close();
  });
});

describe('DECIMAL into existing numeric columns', () => {
  test('lands exactly in numeric, is rounded half away from zero by numeric(p,s), and overflow is a PostgreSQL error', async () => {
    const dbtable = `${db.schema}.dec_${randomUUID().slice(0, 8)}`;
    await db.pool.query(`CREATE TABLE ${dbtable} (free numeric, narrow numeric(4,1))`);
    const type = decimalArrowType({ precision: 10, scale: 2 });
    const fields = [new Field('free', type, true), new Field('narrow', type, true)];
    const values = [1230n, -25n, 0n, null];
    const table = tableFromVectors(new Schema(fields), [column(type, values), column(type, [125n, -25n, 5n, null])]);
    const context = sinkContext();
    const sink = await postgresSink({ url: TEST_PG_URL, dbtable }).open(context);
    await sink.addBatch(0, table, batchContext(0, context));
    expect(await db.rows(`SELECT free::text AS free, narrow::text AS narrow FROM ${dbtable}`)).toEqual([
      { free: '12.30', narrow: '1.3' }, { free: '-0.25', narrow: '-0.3' }, { free: '0.00', narrow: '0.1' }, { free: null, narrow: null },
    ]);
    const tooWide = tableFromVectors(new Schema(fields), [column(type, [1n]), column(type, [123456n])]);
    const error = await sink.addBatch(1, tooWide, batchContext(1, context)).catch((e) => e);
    expect(String(error)).toMatch(/numeric field overflow/);
    await sink.close();
  });
});
