import { makeData, type Data, type DataType } from 'apache-arrow';
import { binaryVector, utf8Vector } from '../vectors.ts';
import type { ColumnBuilder, ParseState } from './columnBuilders.ts';
import { Validity } from './validity.ts';
import { JsonNumberText } from './exactJson.ts';
import { formatDouble } from '../../expressions/cast/numberText.ts';

/** Builders of one flat column each: strings, bytes, numbers, int64/timestamps, booleans. */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class Utf8Builder implements ColumnBuilder {
  private values: (string | null)[] = [];
  constructor(
    private readonly type: DataType,
    private readonly state?: ParseState,
  ) {}
  get length(): number {
    return this.values.length;
  }
  append(v: unknown): boolean {
    // Spark's rule: a string column takes any JSON value, non-strings as the JSON text Jackson
    // writes for them (a float token through Java's Double.toString: `1.0`, `1.0E10`).
    if (typeof v === 'string') this.values.push(v);
    else {
      if (this.state !== undefined && typeof v !== 'boolean') this.state.numberTokensMatter = true;
      this.values.push(jsonText(v));
    }
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

/**
 * The compact JSON text of a parsed value, numbers as Jackson writes them: an integer token as its
 * digits, a float token as Java's `Double.toString`. An integer-valued number here is an integer
 * token: the parse re-reads a record holding an integer-valued float token (`1.0`) exactly.
 */
function jsonText(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatDouble(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof JsonNumberText) return formatDouble(v.value);
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
}

export class BinaryBuilder implements ColumnBuilder {
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

export class NumberBuilder implements ColumnBuilder {
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
    // The converter sees the value as parsed: a float token (JsonNumberText) is not an integer.
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
export class Int64Builder implements ColumnBuilder {
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

export class BoolBuilder implements ColumnBuilder {
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

