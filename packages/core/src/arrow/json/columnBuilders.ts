import {
  DataType, Field, List, Map_, Struct, TimeUnit, Type, makeData, type Data, type Timestamp,
} from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { sparkTypeName } from '../schema.ts';
import { binaryVector, utf8Vector } from '../vectors.ts';
import { parseIsoDateDays, parseIsoTimestampMs } from './temporal.ts';
import { Validity } from './validity.ts';

/** Shared by the builders of one parse: set when `JSON.parse` rounded an integer an Int64 needs exact. */
export interface ParseState {
  inexact: boolean;
}

/**
 * Appends parsed JSON values to one Arrow column. `append` returns false when the value's JSON
 * type does not fit the column (the record is then corrupt); `truncate` rolls back a
 * half-appended record.
 */
export interface ColumnBuilder {
  readonly length: number;
  append(value: unknown): boolean;
  appendNull(): void;
  truncate(length: number): void;
  finish(): Data;
}

/** A builder for `type`, sized for about `capacity` values. */
export function columnBuilder(type: DataType, state: ParseState, capacity = 1024): ColumnBuilder {
  switch (type.typeId) {
    case Type.Utf8:
      return new Utf8Builder(type);
    case Type.Binary:
      return new BinaryBuilder();
    case Type.Bool:
      return new BoolBuilder(type, capacity);
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      if (!isSigned) break;
      if (bitWidth === 64) return new Int64Builder(type, capacity, state, int64FromJson);
      const max = 2 ** (bitWidth - 1);
      return new NumberBuilder(type, capacity, (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -max && v < max ? v : undefined));
    }
    case Type.Float:
      return new NumberBuilder(type, capacity, floatFromJson);
    case Type.Timestamp:
      return new Int64Builder(type, capacity, state, timestampFromJson(type as Timestamp));
    case Type.Date:
      if ((type as unknown as { unit: number }).unit !== 0) break;
      return new NumberBuilder(type, capacity, dateFromJson);
    case Type.List:
      return new ListBuilder(type as List, state, capacity);
    case Type.Map:
      return new MapBuilder(type as Map_, state, capacity);
    case Type.Struct:
      return new StructBuilder(type as Struct, state, capacity);
  }
  throw new SluiceError('INVALID_SCHEMA', `Cannot read JSON into a column of type ${sparkTypeName(type)}; use one of string, tinyint, smallint, int, bigint, float, double, boolean, binary, timestamp, date, array, map, struct.`);
}

function floatFromJson(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  // Spark writes and reads non-finite doubles as strings.
  if (v === 'NaN') return NaN;
  if (v === 'Infinity' || v === '+Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

function dateFromJson(v: unknown): number | undefined {
  if (typeof v === 'string') return parseIsoDateDays(v);
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A number (rounded when unsafe: the caller re-parses), a bigint, or undefined when it is not an integer. */
function int64FromJson(v: unknown): number | bigint | undefined {
  // 2^63 itself may be a rounded 2^63-1: accept it here, the exact re-parse checks the range.
  if (typeof v === 'number') return Number.isInteger(v) && v >= -(2 ** 63) && v <= 2 ** 63 ? v : undefined;
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
  return undefined;
}

function timestampFromJson(type: Timestamp): (v: unknown) => number | bigint | undefined {
  const unit = type.unit;
  const toUnit = (ms: number): number | bigint =>
    unit === TimeUnit.MILLISECOND ? ms : unit === TimeUnit.SECOND ? Math.floor(ms / 1000) : unit === TimeUnit.MICROSECOND ? ms * 1000 : BigInt(ms) * 1_000_000n;
  return (v) => {
    let ms: number | undefined;
    if (typeof v === 'string') ms = parseIsoTimestampMs(v);
    else if (typeof v === 'number' && Number.isInteger(v)) ms = v;
    return ms === undefined ? undefined : toUnit(ms);
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class Utf8Builder implements ColumnBuilder {
  private values: (string | null)[] = [];
  constructor(private readonly type: DataType) {}
  get length(): number {
    return this.values.length;
  }
  append(v: unknown): boolean {
    // Spark's rule: a string column takes any JSON value, non-strings as their JSON text.
    this.values.push(typeof v === 'string' ? v : jsonText(v));
    return true;
  }
  appendNull(): void {
    this.values.push(null);
  }
  truncate(length: number): void {
    this.values.length = length;
  }
  finish(): Data {
    void this.type;
    return utf8Vector(this.values).data[0]!;
  }
}

function jsonText(v: unknown): string {
  return typeof v === 'bigint' ? v.toString() : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
}

class BinaryBuilder implements ColumnBuilder {
  private values: (Uint8Array | null)[] = [];
  get length(): number {
    return this.values.length;
  }
  append(v: unknown): boolean {
    if (typeof v !== 'string' || !BASE64.test(v)) return false;
    this.values.push(Buffer.from(v, 'base64'));
    return true;
  }
  appendNull(): void {
    this.values.push(null);
  }
  truncate(length: number): void {
    this.values.length = length;
  }
  finish(): Data {
    return binaryVector(this.values).data[0]!;
  }
}

type NumericArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

class NumberBuilder implements ColumnBuilder {
  length = 0;
  private values: NumericArray;
  private readonly validity = new Validity();
  constructor(
    private readonly type: DataType,
    capacity: number,
    private readonly convert: (v: unknown) => number | undefined,
  ) {
    this.values = new (type.ArrayType as new (n: number) => NumericArray)(Math.max(capacity, 16));
  }
  append(v: unknown): boolean {
    const n = this.convert(v);
    if (n === undefined) return false;
    if (this.length === this.values.length) this.grow();
    this.values[this.length] = n;
    this.validity.setValid(this.length++);
    return true;
  }
  appendNull(): void {
    if (this.length === this.values.length) this.grow();
    this.values[this.length] = 0;
    this.validity.setNull(this.length++);
  }
  truncate(length: number): void {
    this.length = length;
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, data: this.values.subarray(0, this.length) } as never);
  }
  private grow(): void {
    const grown = new (this.values.constructor as new (n: number) => NumericArray)(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
  }
}

/**
 * Int64 and timestamps in a BigInt64Array, written through an Int32 view: creating a BigInt per
 * value costs more than the JSON parse itself.
 */
class Int64Builder implements ColumnBuilder {
  length = 0;
  private values: BigInt64Array;
  private words: Int32Array;
  private readonly validity = new Validity();
  constructor(
    private readonly type: DataType,
    capacity: number,
    private readonly state: ParseState,
    private readonly convert: (v: unknown) => number | bigint | undefined,
  ) {
    this.values = new BigInt64Array(Math.max(capacity, 16));
    this.words = new Int32Array(this.values.buffer);
  }
  append(v: unknown): boolean {
    const n = this.convert(v);
    if (n === undefined) return false;
    if (this.length === this.values.length) this.grow();
    const i = this.length;
    if (typeof n === 'bigint') this.values[i] = n;
    else {
      if (!Number.isSafeInteger(n)) this.state.inexact = true;
      const hi = Math.floor(n / 4294967296);
      this.words[2 * i] = n - hi * 4294967296;
      this.words[2 * i + 1] = hi;
    }
    this.validity.setValid(this.length++);
    return true;
  }
  appendNull(): void {
    if (this.length === this.values.length) this.grow();
    this.values[this.length] = 0n;
    this.validity.setNull(this.length++);
  }
  truncate(length: number): void {
    this.length = length;
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, data: this.values.subarray(0, this.length) } as never);
  }
  private grow(): void {
    const grown = new BigInt64Array(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
    this.words = new Int32Array(grown.buffer);
  }
}

class BoolBuilder implements ColumnBuilder {
  length = 0;
  private bits: Uint8Array;
  private readonly validity = new Validity();
  constructor(private readonly type: DataType, capacity: number) {
    this.bits = new Uint8Array(Math.max(16, (capacity + 7) >> 3));
  }
  append(v: unknown): boolean {
    if (typeof v !== 'boolean') return false;
    this.set(v);
    this.validity.setValid(this.length++);
    return true;
  }
  appendNull(): void {
    this.set(false);
    this.validity.setNull(this.length++);
  }
  truncate(length: number): void {
    this.length = length;
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, data: this.bits.slice(0, (this.length + 7) >> 3) } as never);
  }
  private set(v: boolean): void {
    const i = this.length;
    if (i >> 3 >= this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    if (v) this.bits[i >> 3]! |= 1 << (i & 7);
    else this.bits[i >> 3]! &= ~(1 << (i & 7));
  }
}

/** Offsets + one child: the shape List and Map share. */
abstract class OffsetsBuilder implements ColumnBuilder {
  length = 0;
  protected offsets: Int32Array;
  protected readonly validity = new Validity();
  constructor(capacity: number) {
    this.offsets = new Int32Array(Math.max(capacity, 16) + 1);
  }
  protected abstract childLength(): number;
  protected abstract appendItems(v: unknown): boolean;
  protected abstract truncateChild(length: number): void;
  abstract finish(): Data;

  append(v: unknown): boolean {
    const start = this.childLength();
    if (!this.appendItems(v)) {
      this.truncateChild(start);
      return false;
    }
    this.push(true);
    return true;
  }
  appendNull(): void {
    this.push(false);
  }
  truncate(length: number): void {
    this.length = length;
    this.truncateChild(this.offsets[length]!);
  }
  private push(valid: boolean): void {
    if (this.length + 1 === this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    if (valid) this.validity.setValid(this.length);
    else this.validity.setNull(this.length);
    this.offsets[++this.length] = this.childLength();
  }
}

class ListBuilder extends OffsetsBuilder {
  private readonly child: ColumnBuilder;
  constructor(private readonly type: List, state: ParseState, capacity: number) {
    super(capacity);
    this.child = columnBuilder(type.children[0]!.type, state, capacity);
  }
  protected childLength(): number {
    return this.child.length;
  }
  protected truncateChild(length: number): void {
    this.child.truncate(length);
  }
  protected appendItems(v: unknown): boolean {
    if (!Array.isArray(v)) return false;
    for (const item of v) {
      if (item == null) this.child.appendNull();
      else if (!this.child.append(item)) return false;
    }
    return true;
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, valueOffsets: this.offsets.slice(0, this.length + 1), child: this.child.finish() });
  }
}

class MapBuilder extends OffsetsBuilder {
  private readonly keys: ColumnBuilder;
  private readonly values: ColumnBuilder;
  private readonly keyOf: (key: string) => unknown;
  constructor(private readonly type: Map_, state: ParseState, capacity: number) {
    super(capacity);
    const entry = type.children[0]!.type as Struct;
    const keyType = entry.children[0]!.type;
    this.keys = columnBuilder(keyType, state, capacity);
    this.values = columnBuilder(entry.children[1]!.type, state, capacity);
    this.keyOf = mapKeyParser(keyType);
  }
  protected childLength(): number {
    return this.keys.length;
  }
  protected truncateChild(length: number): void {
    this.keys.truncate(length);
    this.values.truncate(length);
  }
  protected appendItems(v: unknown): boolean {
    if (!isPlainObject(v)) return false;
    for (const key in v) {
      if (!this.keys.append(this.keyOf(key))) return false;
      const item = v[key];
      if (item == null) this.values.appendNull();
      else if (!this.values.append(item)) return false;
    }
    return true;
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    const length = this.keys.length;
    const entryField = this.type.children[0] as Field<Struct>;
    const entries = makeData({ type: entryField.type, length, nullCount: 0, children: [this.keys.finish(), this.values.finish()] });
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, valueOffsets: this.offsets.slice(0, this.length + 1), child: entries });
  }
}

/** JSON object keys are strings; a map with numeric or boolean keys reads them from that text. */
function mapKeyParser(keyType: DataType): (key: string) => unknown {
  if (DataType.isInt(keyType) || DataType.isFloat(keyType)) {
    return (key) => (key.trim() !== '' && Number.isFinite(Number(key)) ? Number(key) : undefined);
  }
  if (DataType.isBool(keyType)) return (key) => (key === 'true' ? true : key === 'false' ? false : undefined);
  return (key) => key;
}

class StructBuilder implements ColumnBuilder {
  length = 0;
  private readonly names: string[];
  private readonly children: ColumnBuilder[];
  private readonly validity = new Validity();
  constructor(private readonly type: Struct, state: ParseState, capacity: number) {
    this.names = type.children.map((f) => f.name);
    this.children = type.children.map((f) => columnBuilder(f.type, state, capacity));
  }
  append(v: unknown): boolean {
    if (!isPlainObject(v)) return false;
    if (!appendFields(this.children, this.names, v, this.length)) return false;
    this.validity.setValid(this.length++);
    return true;
  }
  appendNull(): void {
    for (const child of this.children) child.appendNull();
    this.validity.setNull(this.length++);
  }
  truncate(length: number): void {
    this.length = length;
    for (const child of this.children) child.truncate(length);
  }
  finish(): Data {
    const { nullBitmap, nullCount } = this.validity.finish(this.length);
    return makeData({ type: this.type, length: this.length, nullCount, nullBitmap, children: this.children.map((c) => c.finish()) });
  }
}

/**
 * Appends one object's fields to `builders` (one per field name), or rolls them all back to
 * `length` and returns false when a field does not fit.
 */
export function appendFields(builders: readonly ColumnBuilder[], names: readonly string[], object: Record<string, unknown>, length: number): boolean {
  for (let j = 0; j < builders.length; j++) {
    const value = object[names[j]!];
    if (value == null) builders[j]!.appendNull();
    else if (!builders[j]!.append(value)) {
      for (let k = 0; k <= j; k++) builders[k]!.truncate(length);
      return false;
    }
  }
  return true;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
