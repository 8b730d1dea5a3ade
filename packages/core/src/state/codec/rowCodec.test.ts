import { test, fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Decimal, Field, Float64, Int32, Int64, List, Schema, Struct, TimestampMillisecond, Utf8, type DataType } from 'apache-arrow';
import { arbitraryRows, arbitraryType, arbitraryValue, plain } from '../../arbitraries/arbitraries.ts';
import { toSchema } from '../../arrow/schema.ts';
import { RowCodec } from './rowCodec.ts';

/** What a value looks like after a round trip: strings as UTF-8 keeps them (lone surrogates become U+FFFD). */
function normalized(value: unknown): unknown {
  if (typeof value === 'string') return new TextDecoder().decode(new TextEncoder().encode(value));
  if (Array.isArray(value)) return value.map(normalized);
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalized(v)]));
}

/** Leaves, lists and structs of leaves (maps cannot be state yet). */
const leaf = arbitraryType({ nested: false });
const stateType = fc.oneof(
  leaf,
  leaf.map((t) => new List(new Field('element', t, true)) as DataType),
  fc.array(leaf, { minLength: 1, maxLength: 3 }).map((ts) => new Struct(ts.map((t, i) => new Field(`f${i}`, t, true))) as DataType),
);
const schemas = fc.array(stateType, { minLength: 1, maxLength: 5 }).map((types) => new Schema(types.map((t, i) => new Field(`c${i}`, t, true))));

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe('state row encodings', () => {
  test.prop([schemas.chain((schema) => arbitraryRows(schema, 5).map((rows) => ({ schema, rows })))], { numRuns: 50 })(
    'every row survives both encodings exactly',
    ({ schema, rows }) => {
      for (const encoding of ['ordered', 'compact'] as const) {
        const codec = new RowCodec(schema, encoding);
        for (const row of rows) {
          const values = schema.fields.map((f) => row[f.name]);
          const bytes = codec.encode(values);
          expect(plain(codec.decode(bytes))).toEqual(plain(normalized(values)));
          // The in-memory store's form: the same bytes as a latin1 string, decoded through the codec's scratch buffer.
          const text = codec.encodeLatin1(values);
          expect(Buffer.from(text, 'latin1')).toEqual(Buffer.from(bytes));
          expect(plain(codec.decodeLatin1(text))).toEqual(plain(normalized(values)));
        }
      }
    },
  );

  const ordered = (type: DataType, arb: fc.Arbitrary<unknown>, compare: (a: never, b: never) => number) =>
    test.prop([arb, arb], { numRuns: 300 })(`ordered keys of ${String(type)} sort as their values`, (a, b) => {
      const codec = new RowCodec(new Schema([new Field('k', type, true)]), 'ordered');
      const expected = a === null ? (b === null ? 0 : -1) : b === null ? 1 : compare(a as never, b as never);
      expect(Math.sign(compareBytes(codec.encode([a]), codec.encode([b])))).toBe(Math.sign(expected));
    });
  const numeric = (x: number | bigint, y: number | bigint) => (x < y ? -1 : x > y ? 1 : 0);
  ordered(new Int32(), arbitraryValue(new Int32()), numeric);
  ordered(new Int64(), arbitraryValue(new Int64()), numeric);
  ordered(new Float64(), fc.option(fc.double({ noNaN: true }), { nil: null }), numeric);
  ordered(new TimestampMillisecond(), arbitraryValue(new TimestampMillisecond()), numeric);
  ordered(new Utf8(), fc.option(fc.string({ unit: 'grapheme-ascii' }), { nil: null }), (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0));
  ordered(
    new List(new Field('element', new Int32(), true)),
    fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }),
    (x: number[], y: number[]) => {
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    },
  );

  test.prop([fc.string({ unit: 'grapheme-ascii' }), fc.integer(), fc.string()])('the first columns of a key encode to a prefix of it', (user, n, rest) => {
    const codec = new RowCodec(toSchema('user STRING, n INT, rest STRING'), 'ordered');
    const whole = codec.encode([user, n, rest]);
    const prefix = codec.encodePrefix([user]);
    expect(whole.subarray(0, prefix.length)).toEqual(prefix);
    // No other user's keys share it: 'ab' is not a prefix match for 'abc'.
    expect(compareBytes(codec.encode([`${user}x`, n, rest]).subarray(0, prefix.length), prefix)).not.toBe(0);
  });

  it('keeps a window struct and a count in a few bytes, not JSON', () => {
    const key = new RowCodec(new Schema([new Field('window', new Struct([new Field('start', new TimestampMillisecond()), new Field('end', new TimestampMillisecond())])), new Field('user', new Utf8())]), 'ordered');
    const value = new RowCodec(toSchema('count BIGINT, total BIGINT'), 'compact');
    expect(key.encode([{ start: 0, end: 10_000 }, 'ada']).length).toBe(1 + (1 + 8) * 2 + 1 + 3 + 2);
    expect(value.encode([3, 42n]).length).toBe(1 + 16);
    expect(value.decode(value.encode([3, 42n]))).toEqual([3n, 42n]);
  });

  it('decodes keys handed back as views into a shared buffer (Node\'s Buffer pool)', () => {
    const codec = new RowCodec(toSchema('t TIMESTAMP, n BIGINT, b BINARY'), 'ordered');
    const bytes = codec.encode([7000, -3n, Uint8Array.of(0, 1, 2)]);
    const pooled = Buffer.from(Buffer.from(bytes).toString('latin1'), 'latin1');
    expect(pooled.byteOffset).toBeGreaterThanOrEqual(0);
    expect(plain(codec.decode(pooled))).toEqual([7000, -3n, [0, 1, 2]]);
  });

  test.prop([fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n })])(
    'decimals: keys sort by value, values keep any size (an overflowed decimal sum)',
    (a, b, big) => {
      const key = new RowCodec(new Schema([new Field('d', new Decimal(2, 38, 128), true)]), 'ordered');
      const value = new RowCodec(new Schema([new Field('d', new Decimal(2, 38, 128), true)]), 'compact');
      expect(key.decode(key.encode([a]))).toEqual([a]);
      expect(Math.sign(compareBytes(key.encode([a]), key.encode([b])))).toBe(a < b ? -1 : a > b ? 1 : 0);
      expect(value.decode(value.encode([big]))).toEqual([big]);
    },
  );

  it('normalizes -0 and NaN in keys, as Spark does for grouping', () => {
    const codec = new RowCodec(toSchema('x DOUBLE'), 'ordered');
    expect(codec.encode([-0])).toEqual(codec.encode([0]));
    expect(codec.encode([Number.NaN])).toEqual(codec.encode([0 / 0]));
  });

  it('refuses a type state cannot hold with a coded error naming the field', () => {
    expect(() => new RowCodec(toSchema('m MAP<STRING, INT>'), 'compact', 'groupBy(m)')).toThrow(/INVALID_QUERY.*groupBy\(m\), field 'm'.*map<string,int>/);
  });
});
