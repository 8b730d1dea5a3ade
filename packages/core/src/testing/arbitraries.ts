/**
 * fast-check arbitraries of Arrow schemas and matching rows, over every type `toSchema` makes:
 * the generators behind the codecs' round-trip property tests, for codec authors too.
 * Published as `@sluice/core/arbitraries`; it needs `fast-check` (an optional peer).
 */
import fc from 'fast-check';
import {
  Binary, Bool, DataType, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, List, Map_, Schema, Struct,
  TimestampMillisecond, Utf8,
} from 'apache-arrow';
import { decimalArrowType } from '../decimal/decimalType.ts';

/** Year 1 to 9999, the range ISO-8601 text and Parquet readers agree on. */
export const MIN_MS = -62_135_596_800_000;
export const MAX_MS = 253_402_300_799_999;

export interface TypeChoice {
  readonly leaves?: readonly (() => DataType)[];
  readonly nested?: boolean;
}

/** DECIMALs of the shapes money and ids take: cents, Spark's SYSTEM_DEFAULT (38,18), wide integers, all-fraction. */
export const DECIMAL_LEAVES: readonly (() => DataType)[] = [
  () => decimalArrowType({ precision: 10, scale: 2 }), () => decimalArrowType({ precision: 38, scale: 18 }),
  () => decimalArrowType({ precision: 18, scale: 0 }), () => decimalArrowType({ precision: 5, scale: 5 }),
];

const ALL_LEAVES: (() => DataType)[] = [
  () => new Utf8(), () => new Int8(), () => new Int16(), () => new Int32(), () => new Int64(), () => new Float32(),
  () => new Float64(), () => new Bool(), () => new Binary(), () => new TimestampMillisecond(), () => new DateDay(), ...DECIMAL_LEAVES,
];

const name = fc.stringMatching(/^c[a-z0-9_]{0,6}$/);

export function arbitraryType(choice: TypeChoice = {}): fc.Arbitrary<DataType> {
  const leaves = choice.leaves ?? ALL_LEAVES;
  const leaf = fc.constantFrom(...leaves).map((make) => make());
  if (choice.nested === false) return leaf;
  const { type } = fc.letrec<{ type: DataType }>((tie) => ({
    type: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      tie('type').map((t) => new List(new Field('element', t, true)) as DataType),
      tie('type').map((t) => new Map_(new Field('entries', new Struct([new Field('key', new Utf8(), false), new Field('value', t, true)]), false) as never) as DataType),
      fc.uniqueArray(fc.tuple(name, tie('type')), { minLength: 1, maxLength: 3, selector: ([n]) => n })
        .map((fields) => new Struct(fields.map(([n, t]) => new Field(n, t, true))) as DataType),
    ),
  }));
  return type;
}

export function arbitrarySchema(choice: TypeChoice = {}): fc.Arbitrary<Schema> {
  return fc.uniqueArray(fc.tuple(name, arbitraryType(choice)), { minLength: 1, maxLength: 6, selector: ([n]) => n })
    .map((fields) => new Schema(fields.map(([n, t]) => new Field(n, t, true))));
}

/** A value of `type` in the form `tableFromRows` takes (null allowed; a DECIMAL as its unscaled bigint). */
export function arbitraryValue(type: DataType): fc.Arbitrary<unknown> {
  return fc.option(arbitraryNonNull(type), { nil: null, freq: 4 });
}

function arbitraryNonNull(type: DataType): fc.Arbitrary<unknown> {
  if (type instanceof Utf8) return fc.string({ unit: 'binary', maxLength: 12 });
  if (type instanceof Int8) return fc.integer({ min: -128, max: 127 });
  if (type instanceof Int16) return fc.integer({ min: -32768, max: 32767 });
  if (type instanceof Int32) return fc.integer();
  if (type instanceof Int64) return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  if (type instanceof Float32) return fc.float().map((v) => (Object.is(v, -0) ? 0 : v));
  if (type instanceof Float64) return fc.double().map((v) => (Object.is(v, -0) ? 0 : v));
  if (type instanceof Bool) return fc.boolean();
  if (type instanceof Binary) return fc.uint8Array({ maxLength: 8 });
  if (DataType.isDecimal(type)) {
    // The unscaled value (the cell form, which tableFromRows also takes), any digits the type holds.
    const limit = 10n ** BigInt(type.precision) - 1n;
    return fc.oneof(fc.bigInt({ min: -limit, max: limit }), fc.bigInt({ min: -999n, max: 999n }));
  }
  if (DataType.isTimestamp(type)) return fc.integer({ min: MIN_MS, max: MAX_MS });
  if (DataType.isDate(type)) return fc.integer({ min: MIN_MS / 86_400_000, max: Math.floor(MAX_MS / 86_400_000) }).map((d) => d * 86_400_000);
  if (DataType.isList(type)) return fc.array(arbitraryValue(type.children[0]!.type), { maxLength: 4 });
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as Struct;
    return fc.uniqueArray(fc.tuple(fc.string({ maxLength: 5 }), arbitraryValue(entry.children[1]!.type)), { maxLength: 3, selector: ([k]) => k })
      .map((entries) => new Map(entries));
  }
  if (DataType.isStruct(type)) {
    return fc.tuple(...type.children.map((f) => arbitraryValue(f.type))).map((values) => Object.fromEntries(type.children.map((f, i) => [f.name, values[i]])));
  }
  throw new Error(`no arbitrary for ${String(type)}`);
}

export function arbitraryRows(schema: Schema, maxLength = 20): fc.Arbitrary<Record<string, unknown>[]> {
  return fc.array(fc.tuple(...schema.fields.map((f) => arbitraryValue(f.type))).map((values) => Object.fromEntries(schema.fields.map((f, i) => [f.name, values[i]]))), { maxLength });
}

/** A schema with rows for it. */
export function arbitraryTableInput(choice: TypeChoice = {}, maxRows = 20): fc.Arbitrary<{ schema: Schema; rows: Record<string, unknown>[] }> {
  return arbitrarySchema(choice).chain((schema) => arbitraryRows(schema, maxRows).map((rows) => ({ schema, rows })));
}

/** Rows of any Arrow table as plain, comparable JS (vectors → arrays, maps → entry lists, bytes → arrays). */
export function plainRows(rows: readonly unknown[], options: PlainOptions = {}): unknown[] {
  return rows.map((r) => plain(r, options));
}

export interface PlainOptions {
  /** Sort map entries by key: JSON objects put integer-like keys first, so a map's order does not survive JSON. */
  readonly sortMaps?: boolean;
}

export function plain(value: unknown, options: PlainOptions = {}): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return Array.from(value);
  const entries = (it: Iterable<[unknown, unknown]>) => {
    const list = [...it].map(([k, v]) => [plain(k, options), plain(v, options)] as [unknown, unknown]);
    return options.sortMaps ? list.sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0)) : list;
  };
  if (value instanceof Map) return entries(value);
  if (typeof value === 'object') {
    const ctor = (value as object).constructor?.name;
    if (ctor === 'MapRow') return entries(value as Iterable<[unknown, unknown]>);
    if (ctor === 'Vector' || Array.isArray(value)) return [...(value as Iterable<unknown>)].map((v) => plain(v, options));
    if (ctor === 'StructRow') return plain((value as { toJSON(): unknown }).toJSON(), options);
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, plain(v, options)]));
  }
  return value;
}
