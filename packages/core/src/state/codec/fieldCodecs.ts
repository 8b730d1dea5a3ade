import { DataType, Type, type Field } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { sparkTypeName } from '../../arrow/schema.ts';
import { utf8Decoder, type ByteReader, type ByteWriter } from './byteWriter.ts';

/** How one non-null value of a type is written and read back. */
export interface FieldCodec {
  write(w: ByteWriter, value: unknown): void;
  read(r: ByteReader): unknown;
}

/**
 * The two encodings of a value. `ordered` (keys): comparing encodings byte by byte orders values
 * as Spark orders them (nulls first, numbers by value, strings by UTF-8 bytes), and a leading
 * subset of a key's columns encodes to a byte prefix of the whole key — what range and prefix
 * scans need. `compact` (values): fixed widths little-endian, lengths as varints.
 */
export type Encoding = 'ordered' | 'compact';

const SIGN32 = 0x80000000;

/** The codec of a (non-null) value of `type`, or a `SluiceError` for a type state cannot hold. */
export function fieldCodec(type: DataType, encoding: Encoding, where: string): FieldCodec {
  const ordered = encoding === 'ordered';
  switch (type.typeId) {
    case Type.Null:
      return { write: () => {}, read: () => null };
    case Type.Bool:
      return { write: (w, v) => w.byte(v ? 1 : 0), read: (r) => r.byte() === 1 };
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      if (bitWidth === 64) return ordered ? int64Ordered(isSigned) : int64Compact(isSigned);
      return smallInt(bitWidth / 8, isSigned, ordered);
    }
    case Type.Float: {
      const single = (type as unknown as { precision: number }).precision === 1;
      if (single) return ordered ? float32Ordered : float32Compact;
      return ordered ? float64Ordered : float64Compact;
    }
    // Timestamps and dates reach operators as epoch-ms numbers (see `cellsOf`).
    case Type.Timestamp:
    case Type.Date:
      return ordered ? float64Ordered : float64Compact;
    case Type.Utf8:
    case Type.LargeUtf8:
      return ordered ? utf8Ordered : utf8Compact;
    case Type.Binary:
    case Type.LargeBinary:
      return ordered ? binaryOrdered : binaryCompact;
    // Decimals reach operators as unscaled bigints (see `cellsOf`).
    case Type.Decimal:
      return ordered ? decimalOrdered : bigintCompact;
    case Type.Struct:
      return structCodec(type.children, encoding, where);
    case Type.List:
      return listCodec(fieldCodec(type.children[0]!.type, encoding, where), ordered);
    default:
      throw new SluiceError('INVALID_QUERY', `${where}: a ${sparkTypeName(type)} value cannot be kept in state yet (supported: numbers, boolean, string, binary, timestamp, date, struct and array of those).`);
  }
}

function smallInt(width: number, signed: boolean, ordered: boolean): FieldCodec {
  const flip = signed && ordered ? 2 ** (width * 8 - 1) : 0;
  const range = 2 ** (width * 8);
  return {
    write: (w, v) => {
      let n = Number(v);
      if (ordered) {
        // Big-endian with the sign bit flipped: byte order is numeric order.
        n = (n + flip + range) % range;
        w.ensure(width);
        for (let i = width - 1; i >= 0; i--) {
          w.bytes[w.length + i] = n & 0xff;
          n = Math.floor(n / 256);
        }
        w.length += width;
      } else {
        w.ensure(width);
        if (width === 1) w.view.setInt8(w.length, n);
        else if (width === 2) w.view.setInt16(w.length, n, true);
        else w.view.setInt32(w.length, n, true);
        w.length += width;
      }
    },
    read: (r) => {
      const at = r.skip(width);
      if (ordered) {
        const bytes = r.bytes;
        let n = 0;
        for (let i = 0; i < width; i++) n = n * 256 + bytes[at + i]!;
        return signed ? n - flip : n;
      }
      const view = r.view;
      if (width === 1) return signed ? view.getInt8(at) : view.getUint8(at);
      if (width === 2) return signed ? view.getInt16(at, true) : view.getUint16(at, true);
      return signed ? view.getInt32(at, true) : view.getUint32(at, true);
    },
  };
}

function toBigInt(v: unknown): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
}

function int64Compact(signed: boolean): FieldCodec {
  return {
    write: (w, v) => {
      w.ensure(8);
      if (typeof v === 'number' && Number.isSafeInteger(v)) {
        // Two 32-bit halves: avoids a BigInt per counter, the hot path of count().
        const high = Math.floor(v / 0x100000000);
        w.view.setUint32(w.length, v - high * 0x100000000, true);
        w.view.setInt32(w.length + 4, high, true);
      } else if (signed) w.view.setBigInt64(w.length, toBigInt(v), true);
      else w.view.setBigUint64(w.length, toBigInt(v), true);
      w.length += 8;
    },
    read: (r) => {
      const at = r.skip(8);
      return signed ? r.view.getBigInt64(at, true) : r.view.getBigUint64(at, true);
    },
  };
}

function int64Ordered(signed: boolean): FieldCodec {
  return {
    write: (w, v) => {
      w.ensure(8);
      if (signed) {
        w.view.setBigInt64(w.length, toBigInt(v), false);
        w.bytes[w.length] = w.bytes[w.length]! ^ 0x80;
      } else w.view.setBigUint64(w.length, toBigInt(v), false);
      w.length += 8;
    },
    read: (r) => {
      const bytes = new Uint8Array(r.take(8));
      const view = new DataView(bytes.buffer);
      if (!signed) return view.getBigUint64(0, false);
      bytes[0] = bytes[0]! ^ 0x80;
      return view.getBigInt64(0, false);
    },
  };
}

/** Any bigint: a varint byte count, then the magnitude big-endian with the sign in the low bit of the count. */
const bigintCompact: FieldCodec = {
  write: (w, v) => {
    let n = toBigInt(v);
    const negative = n < 0n;
    if (negative) n = -n;
    const bytes: number[] = [];
    while (n > 0n) {
      bytes.push(Number(n & 0xffn));
      n >>= 8n;
    }
    w.varint(bytes.length * 2 + (negative ? 1 : 0));
    w.ensure(bytes.length);
    for (let i = bytes.length - 1; i >= 0; i--) w.bytes[w.length++] = bytes[i]!;
  },
  read: (r) => {
    const header = r.varint();
    let n = 0n;
    for (const b of r.take(header >> 1)) n = (n << 8n) | BigInt(b);
    return header & 1 ? -n : n;
  },
};

/** A DECIMAL(≤ 38) key: its unscaled value as a 128-bit two's complement, big-endian, sign bit flipped. */
const decimalOrdered: FieldCodec = {
  write: (w, v) => {
    const n = BigInt.asUintN(128, toBigInt(v) + (1n << 127n));
    w.ensure(16);
    w.view.setBigUint64(w.length, n >> 64n, false);
    w.view.setBigUint64(w.length + 8, n & 0xffffffffffffffffn, false);
    w.length += 16;
  },
  read: (r) => {
    const bytes = r.take(16);
    const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
    return ((view.getBigUint64(0, false) << 64n) | view.getBigUint64(8, false)) - (1n << 127n);
  },
};

const float64Compact: FieldCodec = {
  write: (w, v) => {
    w.ensure(8);
    w.view.setFloat64(w.length, Number(v), true);
    w.length += 8;
  },
  read: (r) => {
    return r.view.getFloat64(r.skip(8), true);
  },
};

const float32Compact: FieldCodec = {
  write: (w, v) => {
    w.ensure(4);
    w.view.setFloat32(w.length, Number(v), true);
    w.length += 4;
  },
  read: (r) => {
    return r.view.getFloat32(r.skip(4), true);
  },
};

/**
 * IEEE-754 in byte order: negative numbers have every bit inverted, others the sign bit set.
 * -0 is written as 0 and every NaN as one NaN, as Spark normalizes grouping keys.
 */
const float64Ordered: FieldCodec = {
  write: (w, v) => {
    let n = Number(v);
    if (n === 0) n = 0;
    w.ensure(8);
    const at = w.length;
    w.view.setFloat64(at, Number.isNaN(n) ? Number.NaN : n, false);
    const high = w.view.getUint32(at, false);
    const low = w.view.getUint32(at + 4, false);
    if (high >= SIGN32) {
      w.view.setUint32(at, ~high >>> 0, false);
      w.view.setUint32(at + 4, ~low >>> 0, false);
    } else w.view.setUint32(at, (high | SIGN32) >>> 0, false);
    w.length += 8;
  },
  read: (r) => {
    const bytes = new Uint8Array(r.take(8));
    const view = new DataView(bytes.buffer);
    const high = view.getUint32(0, false);
    if (high >= SIGN32) view.setUint32(0, (high & ~SIGN32) >>> 0, false);
    else {
      view.setUint32(0, ~high >>> 0, false);
      view.setUint32(4, ~view.getUint32(4, false) >>> 0, false);
    }
    return view.getFloat64(0, false);
  },
};

const float32Ordered: FieldCodec = {
  write: (w, v) => {
    let n = Number(v);
    if (n === 0) n = 0;
    w.ensure(4);
    const at = w.length;
    w.view.setFloat32(at, Number.isNaN(n) ? Number.NaN : n, false);
    const bits = w.view.getUint32(at, false);
    w.view.setUint32(at, bits >= SIGN32 ? ~bits >>> 0 : (bits | SIGN32) >>> 0, false);
    w.length += 4;
  },
  read: (r) => {
    const bytes = new Uint8Array(r.take(4));
    const view = new DataView(bytes.buffer);
    const bits = view.getUint32(0, false);
    view.setUint32(0, bits >= SIGN32 ? (bits & ~SIGN32) >>> 0 : ~bits >>> 0, false);
    return view.getFloat32(0, false);
  },
};

const utf8Compact: FieldCodec = {
  write: (w, v) => {
    const text = String(v);
    w.varint(utf8Length(text));
    w.utf8(text);
  },
  read: (r) => utf8Decoder.decode(r.take(r.varint())),
};

function utf8Length(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return Buffer.byteLength(text, 'utf8');
  return text.length;
}

const binaryCompact: FieldCodec = {
  write: (w, v) => {
    const bytes = v as Uint8Array;
    w.varint(bytes.length);
    w.raw(bytes);
  },
  read: (r) => new Uint8Array(r.take(r.varint())),
};

/** Bytes with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x01: byte order survives, and so do prefixes. */
function writeEscaped(w: ByteWriter, bytes: Uint8Array, from: number, to: number): void {
  w.ensure((to - from) * 2 + 2);
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    w.bytes[w.length++] = b;
    if (b === 0) w.bytes[w.length++] = 0xff;
  }
  w.bytes[w.length++] = 0;
  w.bytes[w.length++] = 1;
}

function readEscaped(r: ByteReader): Uint8Array {
  const out: number[] = [];
  for (;;) {
    const b = r.byte();
    if (b !== 0) {
      out.push(b);
      continue;
    }
    const next = r.byte();
    if (next === 1) return Uint8Array.from(out);
    out.push(0);
  }
}

const utf8Ordered: FieldCodec = {
  write: (w, v) => {
    const text = String(v);
    const start = w.length;
    const n = w.utf8(text);
    // Fast path: no zero byte to escape (any real text) — just end it.
    let zero = false;
    for (let i = start; i < start + n; i++) if (w.bytes[i] === 0) zero = true;
    if (!zero) {
      w.byte(0);
      w.byte(1);
      return;
    }
    const copy = w.bytes.slice(start, start + n);
    w.length = start;
    writeEscaped(w, copy, 0, copy.length);
  },
  read: (r) => utf8Decoder.decode(readEscaped(r)),
};

const binaryOrdered: FieldCodec = {
  write: (w, v) => {
    const bytes = v as Uint8Array;
    writeEscaped(w, bytes, 0, bytes.length);
  },
  read: (r) => readEscaped(r),
};

function structCodec(fields: readonly Field[], encoding: Encoding, where: string): FieldCodec {
  const row = rowCodecOf(fields, encoding, where);
  return {
    write: (w, v) => {
      const record = v as Record<string, unknown>;
      row.write(w, fields.map((f) => record[f.name]));
    },
    read: (r) => {
      const values = row.read(r);
      const out: Record<string, unknown> = {};
      fields.forEach((f, i) => (out[f.name] = values[i]));
      return out;
    },
  };
}

function listCodec(element: FieldCodec, ordered: boolean): FieldCodec {
  return {
    write: (w, v) => {
      const items = Array.from(v as ArrayLike<unknown>);
      // Ordered: each element is 0x01 (or 0x02 for null) then its bytes, and 0x00 ends the list,
      // so a shorter list sorts before a longer one that starts with it.
      if (!ordered) w.varint(items.length);
      for (const item of items) {
        if (item === null || item === undefined) w.byte(ordered ? 0x01 : 0);
        else {
          w.byte(ordered ? 0x02 : 1);
          element.write(w, item);
        }
      }
      if (ordered) w.byte(0);
    },
    read: (r) => {
      const out: unknown[] = [];
      if (ordered) {
        for (let tag = r.byte(); tag !== 0; tag = r.byte()) out.push(tag === 0x01 ? null : element.read(r));
        return out;
      }
      const n = r.varint();
      for (let i = 0; i < n; i++) out.push(r.byte() === 0 ? null : element.read(r));
      return out;
    },
  };
}

/** Reads and writes a row (an array of field values) in one encoding. */
export interface RowFormat {
  write(w: ByteWriter, values: readonly unknown[]): void;
  read(r: ByteReader): unknown[];
}

/**
 * A row of fields. Ordered: each field is a tag (0 null, 1 present) then its bytes. Compact: a
 * null bitmap, then the present fields.
 */
export function rowCodecOf(fields: readonly Field[], encoding: Encoding, where: string): RowFormat {
  const codecs = fields.map((f) => fieldCodec(f.type, encoding, `${where}, field '${f.name}'`));
  const n = codecs.length;
  if (encoding === 'ordered') {
    return {
      write: (w, values) => {
        for (let i = 0; i < n; i++) {
          const v = values[i];
          if (v === null || v === undefined) w.byte(0);
          else {
            w.byte(1);
            codecs[i]!.write(w, v);
          }
        }
      },
      read: (r) => {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = r.byte() === 0 ? null : codecs[i]!.read(r);
        return out;
      },
    };
  }
  const bitmapBytes = (n + 7) >> 3;
  return {
    write: (w, values) => {
      w.ensure(bitmapBytes);
      const at = w.length;
      w.bytes.fill(0, at, at + bitmapBytes);
      w.length += bitmapBytes;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) w.bytes[at + (i >> 3)]! |= 1 << (i & 7);
        else codecs[i]!.write(w, v);
      }
    },
    read: (r) => {
      // The bitmap is read where it lies: a view of it would cost an allocation per row.
      const at = r.skip(bitmapBytes);
      const bytes = r.bytes;
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = bytes[at + (i >> 3)]! & (1 << (i & 7)) ? null : codecs[i]!.read(r);
      return out;
    },
  };
}
