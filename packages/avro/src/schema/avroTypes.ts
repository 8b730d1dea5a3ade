import avro from 'avsc';
import { SluiceError } from '@sluice/core';

/** An Avro schema as JSON (parsed or text), as Spark's `jsonFormatSchema` takes it. */
export type AvroSchema = string | object;

/**
 * Longs as exact bigints: avsc's default (a JS number) cannot hold ids and timestamps past 2^53
 * and refuses them.
 */
const BigIntLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: (v: unknown) => BigInt(v as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

const DAY_MS = 86_400_000;

/** date (int days) ↔ epoch days, how Sluice's row functions hold dates (a Date is taken too). */
class DateType extends avro.types.LogicalType {
  protected override _fromValue(days: number): number {
    return days;
  }
  protected override _toValue(value: unknown): number {
    return value instanceof Date ? Math.floor(value.getTime() / DAY_MS) : Number(value);
  }
}

/** A long as the underlying type holds it: a bigint for Sluice's exact long, a number for avsc's own (which logical types get). */
function asLong(type: avro.types.LogicalType, n: bigint): bigint | number {
  return type.underlyingType.typeName === 'abstract:long' ? n : Number(n);
}

/** timestamp-millis / local-timestamp-millis (long) ↔ epoch milliseconds, Sluice's timestamp. */
class TimestampMillis extends avro.types.LogicalType {
  protected override _fromValue(ms: bigint | number): number {
    return Number(ms);
  }
  protected override _toValue(value: unknown): bigint | number {
    return asLong(this, BigInt(Math.trunc(toMs(value))));
  }
}

/** timestamp-micros / local-timestamp-micros (long) ↔ epoch milliseconds (Sluice's timestamps are milliseconds; sub-millisecond digits are dropped, rounding down). */
class TimestampMicros extends avro.types.LogicalType {
  protected override _fromValue(value: bigint | number): number {
    const micros = BigInt(value);
    const ms = micros / 1000n;
    return Number(micros < 0n && ms * 1000n !== micros ? ms - 1n : ms);
  }
  protected override _toValue(value: unknown): bigint | number {
    return asLong(this, BigInt(Math.trunc(toMs(value))) * 1000n);
  }
}

/** decimal (bytes or fixed: a big-endian two's-complement unscaled integer) ↔ the unscaled bigint (Sluice's row value of a decimal; exact text is taken too). */
class DecimalType extends avro.types.LogicalType {
  private readonly scale: number;
  private readonly size: number | undefined;
  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const s = schema as { scale?: number; size?: number };
    this.scale = s.scale ?? 0;
    this.size = s.size;
  }
  protected override _fromValue(bytes: Buffer): bigint {
    let unscaled = 0n;
    for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
    if (bytes.length > 0 && bytes[0]! & 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
    return unscaled;
  }
  protected override _toValue(value: unknown): Buffer {
    if (typeof value === 'bigint') return this.bytesOf(value);
    const text = String(value);
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
    if (!match) throw new Error(`'${text}' is not a decimal`);
    const fraction = (match[3] ?? '').padEnd(this.scale, '0');
    if (fraction.length > this.scale && /[1-9]/.test(fraction.slice(this.scale))) throw new Error(`${text} has more than ${this.scale} decimal places`);
    let unscaled = BigInt(`${match[2] || '0'}${fraction.slice(0, this.scale)}`);
    if (match[1]) unscaled = -unscaled;
    return this.bytesOf(unscaled);
  }
  private bytesOf(unscaled: bigint): Buffer {
    const size = this.size ?? minimalBytes(unscaled);
    const out = Buffer.alloc(size);
    let v = BigInt.asUintN(size * 8, unscaled);
    for (let i = size - 1; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  }
}

function minimalBytes(n: bigint): number {
  let size = 1;
  while (n >= 1n << BigInt(size * 8 - 1) || n < -(1n << BigInt(size * 8 - 1))) size++;
  return size;
}

function toMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  return Number(value);
}

const LOGICAL_TYPES = {
  date: DateType,
  'timestamp-millis': TimestampMillis,
  'local-timestamp-millis': TimestampMillis,
  'timestamp-micros': TimestampMicros,
  'local-timestamp-micros': TimestampMicros,
  decimal: DecimalType,
};

/**
 * An avsc type for a schema: longs as bigint, unions wrapped (`{ "int": 3 }`, so a value says its
 * branch, as Spark's member0/member1 mapping needs), dates, timestamps and decimals converted to
 * what Sluice's columns hold. A schema avsc refuses is an `INVALID_SCHEMA` error.
 */
export function parseAvroSchema(schema: AvroSchema): avro.Type {
  try {
    const json = typeof schema === 'string' ? (JSON.parse(schema) as object) : schema;
    return avro.Type.forSchema(json as avro.Schema, { wrapUnions: true, registry: { long: BigIntLong }, logicalTypes: LOGICAL_TYPES } as never);
  } catch (error) {
    throw new SluiceError('INVALID_SCHEMA', `Not a valid Avro schema: ${(error as Error).message}`, { cause: error });
  }
}
