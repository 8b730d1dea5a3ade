import { DataType, TimeUnit, Type, type Data, type Dictionary, type Struct, type Table, type Timestamp } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { sparkTypeName } from '../schema.ts';
import { formatIsoDateDays, formatIsoTimestampMs } from './temporal.ts';
import { formatDecimalJava } from '../../decimal/format.ts';
import { unscaledAt } from '../../decimal/decimalVectors.ts';

/**
 * One JSON object per row, with Spark's `to_json` conventions: null fields are left out,
 * timestamps are ISO-8601 with milliseconds and `Z`, dates `yyyy-MM-dd`, binary base64,
 * int64 and decimals as exact JSON numbers, non-finite doubles as "NaN"/"Infinity" strings, nested types
 * as nested JSON. `columns` picks and orders the columns (default: all).
 *
 * @example tableToJsonLines(table) // ['{"id":1,"ts":"2024-05-01T10:00:00.000Z"}', …]
 */
export function tableToJsonLines(table: Table, columns?: readonly string[], temporal?: JsonTemporalWriters): string[] {
  const previous = currentTemporal;
  currentTemporal = temporal;
  try {
    return linesOf(table, columns);
  } finally {
    currentTemporal = previous;
  }
}

/** How timestamps (epoch ms) and dates (epoch days) are written (Spark's `timestampFormat`, `dateFormat`, `timeZone`); ISO-8601 in UTC by default. */
export interface JsonTemporalWriters {
  readonly timestamp?: (ms: number) => string;
  readonly date?: (days: number) => string;
}

/** The writers of the `tableToJsonLines` call in progress: read when its column writers are built. */
let currentTemporal: JsonTemporalWriters | undefined;

function linesOf(table: Table, columns?: readonly string[]): string[] {
  const names = columns ?? table.schema.fields.map((f) => f.name);
  const indexes = names.map((name) => {
    const i = table.schema.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new SluiceError('UNKNOWN_COLUMN', `Column '${name}' is not in the table (columns: ${table.schema.fields.map((f) => f.name).join(', ')}).`);
    return i;
  });
  const keys = names.map((name) => `${JSON.stringify(name)}:`);
  const lines: string[] = new Array(table.numRows);
  let row = 0;
  for (const batch of table.batches) {
    const write = objectWriter(keys, indexes.map((i) => jsonWriter(batch.data.children[i]!)));
    for (let r = 0; r < batch.numRows; r++) {
      const line = write(r)!;
      // Reading a character flattens V8's rope of concatenated pieces now, while they are young:
      // kept as ropes, 1 M lines hold ~10 objects each and the old generation pays for it.
      line.charCodeAt(0);
      lines[row++] = line;
    }
  }
  return lines;
}

/** A JSON text writer for slot `i` of one column; undefined for null. */
export type JsonWriter = (i: number) => string | undefined;

/** `{"a":1,"b":"x"}` from per-field writers, leaving nulls out. */
function objectWriter(keys: readonly string[], fields: readonly JsonWriter[]): JsonWriter {
  const n = fields.length;
  return (row) => {
    let out = '';
    for (let j = 0; j < n; j++) {
      const value = fields[j]!(row);
      if (value === undefined) continue;
      out += out === '' ? keys[j]! + value : `,${keys[j]!}${value}`;
    }
    return `{${out}}`;
  };
}

/** The JSON writer of the values of `data`: slot `i` → its JSON text, or undefined for null. */
export function jsonWriter(data: Data): JsonWriter {
  const type = data.type as DataType;
  const valid = validityOf(data);
  const nullable = data.nullCount > 0;
  const guard = (write: (i: number) => string): JsonWriter => (nullable ? (i) => (valid(i) ? write(i) : undefined) : write);
  switch (type.typeId) {
    case Type.Int: {
      if ((type as unknown as { bitWidth: number }).bitWidth === 64) {
        const words = int32Words(data);
        const signed = (type as unknown as { isSigned: boolean }).isSigned;
        return guard((i) => int64Text(words, i, signed));
      }
      const values = data.values as ArrayLike<number>;
      return guard((i) => String(values[i]));
    }
    case Type.Float: {
      const values = data.values as ArrayLike<number>;
      return guard((i) => floatText(values[i]!));
    }
    case Type.Decimal: {
      // A JSON number as Jackson writes a BigDecimal (its toString: 12.30, 1.0E-7), as Spark does.
      const scale = (type as unknown as { scale: number }).scale;
      return guard((i) => formatDecimalJava(unscaledAt(data as Data<never>, i), scale));
    }
    case Type.Bool: {
      const bits = data.values as Uint8Array;
      const offset = data.offset;
      return guard((i) => ((bits[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1 ? 'true' : 'false'));
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const strings = decodeStrings(data);
      return guard((i) => JSON.stringify(strings(i)));
    }
    case Type.Binary:
    case Type.LargeBinary: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      const bytes = data.values as Uint8Array;
      return guard((i) => `"${Buffer.from(bytes.buffer, bytes.byteOffset + Number(offsets[i]!), Number(offsets[i + 1]!) - Number(offsets[i]!)).toString('base64')}"`);
    }
    case Type.Timestamp: {
      const words = int32Words(data);
      const toMs = msFromUnit((type as Timestamp).unit);
      const format = currentTemporal?.timestamp;
      if (format) return guard((i) => JSON.stringify(format(toMs(int64Number(words, i)))));
      return guard((i) => `"${formatIsoTimestampMs(toMs(int64Number(words, i)))}"`);
    }
    case Type.Date: {
      const format = currentTemporal?.date;
      const text = format ? (d: number) => JSON.stringify(format(d)) : (d: number) => `"${formatIsoDateDays(d)}"`;
      if ((type as unknown as { unit: number }).unit === 0) {
        const days = data.values as Int32Array;
        return guard((i) => text(days[i]!));
      }
      const words = int32Words(data);
      return guard((i) => text(Math.floor(int64Number(words, i) / 86_400_000)));
    }
    case Type.List: {
      const offsets = data.valueOffsets as Int32Array;
      const item = jsonWriter(data.children[0]!);
      return guard((i) => {
        let text = '';
        for (let k = offsets[i]!; k < offsets[i + 1]!; k++) text += (k === offsets[i] ? '' : ',') + (item(k) ?? 'null');
        return `[${text}]`;
      });
    }
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0]!;
      const key = jsonWriter(entries.children[0]!);
      const value = jsonWriter(entries.children[1]!);
      return guard((i) => {
        let text = '';
        for (let k = offsets[i]!; k < offsets[i + 1]!; k++) {
          const name = key(k) ?? 'null';
          text += `${k === offsets[i] ? '' : ','}${name.startsWith('"') ? name : JSON.stringify(name)}:${value(k) ?? 'null'}`;
        }
        return `{${text}}`;
      });
    }
    case Type.Struct: {
      const fields = (type as Struct).children;
      const write = objectWriter(fields.map((f) => `${JSON.stringify(f.name)}:`), data.children.map((c) => jsonWriter(c)));
      return guard((i) => write(i)!);
    }
    case Type.Dictionary: {
      const dictionary = (data as Data<Dictionary>).dictionary;
      if (dictionary === undefined) break;
      const words: (string | undefined)[] = [];
      for (const d of dictionary.data) {
        const w = jsonWriter(d);
        for (let k = 0; k < d.length; k++) words.push(w(k));
      }
      const indexes = data.values as ArrayLike<number | bigint>;
      return guard((i) => words[Number(indexes[i]!)]!);
    }
  }
  throw new SluiceError('TYPE_MISMATCH', `Cannot write a ${sparkTypeName(type)} column as JSON; cast it to a supported type first.`);
}

/** Whether slot `i` of `data` holds a value (the bitmap is indexed from `data.offset`). */
export function validityOf(data: Data): (i: number) => boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return () => true;
  const offset = data.offset;
  return (i) => ((bitmap[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
}

function int32Words(data: Data): Int32Array {
  const values = data.values as BigInt64Array;
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Exact decimal text of an int64, without creating a BigInt when the value is safe. */
function int64Text(words: Int32Array, i: number, signed: boolean): string {
  const lo = words[2 * i]! >>> 0;
  const hi = words[2 * i + 1]!;
  if (signed ? hi >= -0x200000 && hi < 0x200000 : hi >= 0 && hi < 0x200000) return String((signed ? hi : hi >>> 0) * 4294967296 + lo);
  const big = (BigInt(hi) << 32n) | BigInt(lo);
  return (signed ? BigInt.asIntN(64, big) : BigInt.asUintN(64, big)).toString();
}

function int64Number(words: Int32Array, i: number): number {
  return words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
}

function msFromUnit(unit: TimeUnit): (v: number) => number {
  switch (unit) {
    case TimeUnit.SECOND:
      return (v) => v * 1000;
    case TimeUnit.MICROSECOND:
      return (v) => Math.floor(v / 1000);
    case TimeUnit.NANOSECOND:
      return (v) => Math.floor(v / 1_000_000);
    default:
      return (v) => v;
  }
}

function floatText(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? '"NaN"' : v > 0 ? '"Infinity"' : '"-Infinity"';
}

/**
 * A reader of the strings of a Utf8 column. ASCII data (the common case) is decoded once as one
 * string and sliced; other data is decoded value by value.
 */
export function decodeStrings(data: Data): (i: number) => string {
  const offsets = data.valueOffsets as ArrayLike<number | bigint>;
  const bytes = data.values as Uint8Array;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = Number(offsets[0] ?? 0);
  const end = Number(offsets[data.length] ?? 0);
  if (isAsciiRange(bytes, start, end)) {
    const all = buffer.toString('latin1', start, end);
    return (i) => all.slice(Number(offsets[i]!) - start, Number(offsets[i + 1]!) - start);
  }
  return (i) => buffer.toString('utf8', Number(offsets[i]!), Number(offsets[i + 1]!));
}

function isAsciiRange(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k]! > 127) return false;
  return true;
}
