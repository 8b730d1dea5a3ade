import {
  DataType, Precision, Type, type Data, type Dictionary, type FixedSizeBinary, type FixedSizeList, type Float, type Int, type Timestamp,
} from 'apache-arrow';
import { SluiceError, unscaledAt } from '@sluice/core';
import type { CopyBuffer } from './copyBuffer.ts';
import type { PgType } from './pgTypes.ts';
import { encodeDecimalNumeric, encodeIntegerNumeric } from './numeric.ts';
import { arrayEncoder, dictionaryEncoder, jsonEncoder } from './nestedEncoders.ts';
import { withNulls } from './withNulls.ts';

/** Writes one field of one row (length prefix included; -1 for null) in binary COPY format. */
export type FieldEncoder = (out: CopyBuffer, row: number) => void;
/** Builds the encoder of one Arrow column chunk; chosen once per column when a batch is planned. */
export type EncoderFactory = (data: Data) => FieldEncoder;

/** Microseconds and days between the Unix epoch and PostgreSQL's (2000-01-01). */
const PG_EPOCH_MS = 946_684_800_000;
const PG_EPOCH_DAYS = 10_957;
const MS_PER_DAY = 86_400_000;
const TEXT_LIKE = new Set(['text', 'varchar', 'bpchar', 'name', 'json', 'enum', 'citext']);

/**
 * The encoder writing an Arrow type into a PostgreSQL column type, or `undefined` when that
 * column cannot take the type without loss (the caller turns that into `TYPE_MISMATCH`).
 * What goes where:
 *
 * | Arrow                          | into PostgreSQL columns of type                               |
 * |--------------------------------|---------------------------------------------------------------|
 * | Bool                           | boolean                                                       |
 * | Int8, Int16, Uint8             | smallint, integer, bigint, real, double precision, numeric    |
 * | Int32, Uint16                  | integer, bigint, double precision, numeric                    |
 * | Int64, Uint32                  | bigint, numeric                                               |
 * | Uint64                         | numeric                                                       |
 * | Float32                        | real, double precision                                        |
 * | Float64                        | double precision                                              |
 * | Decimal(p, s)                  | numeric, numeric(p', s') (PostgreSQL rounds and checks)       |
 * | Utf8, LargeUtf8, Dictionary    | text, varchar(n), char(n), name, enums, json, jsonb, uuid     |
 * | Binary, LargeBinary            | bytea                                                         |
 * | FixedSizeBinary                | bytea; uuid when 16 bytes wide                                |
 * | Date                           | date, timestamp, timestamptz (midnight UTC)                   |
 * | Timestamp                      | timestamptz, timestamp (UTC wall time)                        |
 * | List of T                      | arrays whose element type takes T                             |
 * | any type                       | json, jsonb (the value as JSON)                               |
 */
export function encoderFor(type: DataType, pg: PgType, column: string): EncoderFactory | undefined {
  if (type.typeId === Type.Dictionary) {
    const inner = encoderFor((type as Dictionary).dictionary, pg, column);
    return inner && dictionaryEncoder(inner);
  }
  const scalar = scalarEncoder(type, pg, column);
  if (scalar) return scalar;
  if (pg.element && (DataType.isList(type) || DataType.isFixedSizeList(type) || type.typeId === Type.LargeList)) {
    const elementType = (type as FixedSizeList).children[0]!.type;
    const element = encoderFor(elementType, pg.element, column);
    return element && arrayEncoder(element, pg.element.oid);
  }
  if (pg.typname === 'json' || pg.typname === 'jsonb') return jsonEncoder(pg.typname === 'jsonb');
  return undefined;
}

function scalarEncoder(type: DataType, pg: PgType, column: string): EncoderFactory | undefined {
  const target = pg.typname;
  switch (type.typeId) {
    case Type.Bool:
      return target === 'bool' ? boolEncoder : undefined;
    case Type.Int:
      return intEncoder(type as Int, target);
    case Type.Decimal: {
      if (target !== 'numeric') return undefined;
      const scale = (type as unknown as { scale: number }).scale;
      return (data) => withNulls(data, (out, i) => encodeDecimalNumeric(out, unscaledAt(data as Data<never>, i), scale));
    }
    case Type.Float: {
      const { precision } = type as Float;
      const single = precision === Precision.SINGLE;
      const double = precision === Precision.DOUBLE;
      if (target === 'float8' && (single || double)) return numberEncoder(8, (out, v) => out.float64(v));
      if (target === 'float4' && single) return numberEncoder(4, (out, v) => out.float32(v));
      return undefined;
    }
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Binary:
    case Type.LargeBinary: {
      const text = type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8;
      if (!text) return target === 'bytea' ? variableEncoder(0) : undefined;
      if (TEXT_LIKE.has(target)) return variableEncoder(0);
      if (target === 'jsonb') return variableEncoder(1);
      if (target === 'uuid') return uuidFromTextEncoder(column);
      return undefined;
    }
    case Type.FixedSizeBinary: {
      const width = (type as FixedSizeBinary).byteWidth;
      if (target === 'bytea' || (target === 'uuid' && width === 16)) return fixedBinaryEncoder(width);
      return undefined;
    }
    case Type.Date: {
      const days = (data: Data, i: number) =>
        data.values instanceof BigInt64Array ? Math.floor(Number(data.values[i]) / MS_PER_DAY) : (data.values as Int32Array)[i]!;
      if (target === 'date') return perValue(4, (out, data, i) => out.int32(days(data, i) - PG_EPOCH_DAYS));
      if (target === 'timestamp' || target === 'timestamptz') {
        return perValue(8, (out, data, i) => out.int64((days(data, i) - PG_EPOCH_DAYS) * MS_PER_DAY * 1000));
      }
      return undefined;
    }
    case Type.Timestamp:
      return target === 'timestamp' || target === 'timestamptz' ? timestampEncoder((type as Timestamp).unit) : undefined;
    default:
      return undefined;
  }
}

function perValue(width: number, write: (out: CopyBuffer, data: Data, i: number) => void): EncoderFactory {
  return (data) =>
    withNulls(data, (out, i) => {
      out.int32(width);
      write(out, data, i);
    });
}

function numberEncoder(width: number, write: (out: CopyBuffer, v: number) => void): EncoderFactory {
  return (data) => {
    const values = data.values as ArrayLike<number>;
    return withNulls(data, (out, i) => {
      out.int32(width);
      write(out, values[i]!);
    });
  };
}

const boolEncoder: EncoderFactory = (data) => {
  const bits = data.values as Uint8Array;
  const offset = data.offset;
  return withNulls(data, (out, i) => {
    const j = offset + i;
    out.int32(1);
    out.int8((bits[j >> 3]! >> (j & 7)) & 1);
  });
};

function intEncoder(type: Int, target: string): EncoderFactory | undefined {
  const { bitWidth, isSigned } = type;
  // The widest signed PostgreSQL integer that holds every value of the Arrow type.
  const needs = isSigned ? bitWidth : bitWidth * 2;
  if (target === 'numeric') {
    return (data) => {
      const values = data.values as ArrayLike<number | bigint>;
      return withNulls(data, (out, i) => encodeIntegerNumeric(out, values[i]!));
    };
  }
  if (needs > 64) return undefined;
  if (target === 'int8' && bitWidth === 64) {
    return (data) => {
      const values = data.values as BigInt64Array;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      return withNulls(data, (out, i) => {
        out.int32(8);
        out.swapped8(bytes, i * 8);
      });
    };
  }
  if (target === 'int8') return numberEncoder(8, (out, v) => out.int64(v));
  if (target === 'int4' && needs <= 32) return numberEncoder(4, (out, v) => out.int32(v));
  if (target === 'int2' && needs <= 16) return numberEncoder(2, (out, v) => out.int16(v));
  if (target === 'float8' && needs <= 32) return numberEncoder(8, (out, v) => out.float64(v));
  if (target === 'float4' && needs <= 16) return numberEncoder(4, (out, v) => out.float32(v));
  return undefined;
}

/** Utf8/Binary (and their Large forms): bytes straight from Arrow's data buffer. `prefix` 1 = jsonb's version byte. */
function variableEncoder(prefix: 0 | 1): EncoderFactory {
  return (data) => {
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    const bytes = data.values as Uint8Array;
    if (offsets instanceof BigInt64Array) {
      return withNulls(data, (out, i) => {
        const from = Number(offsets[i]);
        const to = Number(offsets[i + 1]);
        out.int32(to - from + prefix);
        if (prefix) out.int8(1);
        out.bytes(bytes, from, to);
      });
    }
    return withNulls(data, (out, i) => {
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      out.int32(to - from + prefix);
      if (prefix) out.int8(1);
      out.bytes(bytes, from, to);
    });
  };
}

function fixedBinaryEncoder(width: number): EncoderFactory {
  return (data) => {
    const bytes = data.values as Uint8Array;
    return withNulls(data, (out, i) => {
      out.int32(width);
      out.bytes(bytes, i * width, (i + 1) * width);
    });
  };
}

function uuidFromTextEncoder(column: string): EncoderFactory {
  const decoder = new TextDecoder();
  return (data) => {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    return withNulls(data, (out, i) => {
      const text = decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!));
      const hex = text.replace(/[{}-]/g, '');
      if (!/^[0-9a-f]{32}$/i.test(hex)) {
        throw new SluiceError('TYPE_MISMATCH', `Column '${column}' holds ${JSON.stringify(text.slice(0, 64))}, which is not a UUID; the table's column is uuid.`, {
          details: { column },
        });
      }
      out.int32(16);
      for (let k = 0; k < 32; k += 2) out.int8(parseInt(hex.slice(k, k + 2), 16));
    });
  };
}

/** Instants as µs since 2000-01-01 UTC; Number arithmetic while exact, BigInt beyond. */
function timestampEncoder(unit: number): EncoderFactory {
  // TimeUnit: 0 = s, 1 = ms, 2 = µs, 3 = ns.
  const toMicrosFactor = [1_000_000, 1000, 1, 0][unit]!;
  return (data) => {
    const values = data.values as BigInt64Array;
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    return withNulls(data, (out, i) => {
      out.int32(8);
      if (toMicrosFactor === 0) {
        const ns = values[i]!;
        const micros = ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n);
        out.bigint64(micros - BigInt(PG_EPOCH_MS) * 1000n);
        return;
      }
      const raw = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
      const micros = raw * toMicrosFactor - PG_EPOCH_MS * 1000;
      if (Number.isSafeInteger(raw) && Number.isSafeInteger(micros)) out.int64(micros);
      else out.bigint64(values[i]! * BigInt(toMicrosFactor) - BigInt(PG_EPOCH_MS) * 1000n);
    });
  };
}
