import { BINARY, BYTE, CompactReader, DOUBLE, FALSE, I16, I32, I64, LIST, SET, STRUCT, TRUE } from '../footer.ts';

/**
 * A Thrift compact-protocol struct kept as a tree of fields, so a footer can be read, have a few
 * fields changed and be written back without a schema for every Parquet struct. Integers are
 * bigints (zigzag-decoded), doubles stay as their 8 raw bytes, strings as bytes.
 */
export type ThriftValue = boolean | bigint | Uint8Array | ThriftList | ThriftStruct;

export interface ThriftField {
  readonly id: number;
  /** The compact type; booleans carry TRUE here, their value in `value`. */
  readonly type: number;
  value: ThriftValue;
}

export interface ThriftStruct {
  readonly kind: 'struct';
  readonly fields: ThriftField[];
}

export interface ThriftList {
  readonly kind: 'list';
  readonly elementType: number;
  readonly items: ThriftValue[];
}

/** The struct at the start of `bytes`, and where it ends. */
export function readThriftStruct(bytes: Uint8Array): { struct: ThriftStruct; end: number } {
  const reader = new CompactReader(bytes);
  const struct = readStruct(reader);
  return { struct, end: reader.position };
}

function readStruct(reader: CompactReader): ThriftStruct {
  const fields: ThriftField[] = [];
  reader.readStruct((id, type) => {
    if (type === TRUE || type === FALSE) fields.push({ id, type: TRUE, value: type === TRUE });
    else fields.push({ id, type, value: readValue(reader, type) });
  });
  return { kind: 'struct', fields };
}

function readValue(reader: CompactReader, type: number): ThriftValue {
  switch (type) {
    case TRUE:
    case FALSE:
      // Only list elements get here: a byte each.
      return reader.byte() === TRUE;
    case BYTE:
      return BigInt(reader.byte());
    case I16:
    case I32:
    case I64:
      return reader.readVarLong();
    case DOUBLE:
      return Uint8Array.from({ length: 8 }, () => reader.byte());
    case BINARY:
      return reader.readBinary();
    case LIST:
    case SET: {
      const { size, type: elementType } = reader.readListHeader();
      const items: ThriftValue[] = [];
      for (let k = 0; k < size; k++) items.push(readValue(reader, elementType));
      return { kind: 'list', elementType, items };
    }
    case STRUCT:
      return readStruct(reader);
    default:
      // Parquet's footer has no maps; anything else is damage.
      throw new Error(`its footer has a field of type ${type} this reader does not rewrite (corrupt footer?)`);
  }
}

/** The compact-protocol bytes of `struct`. */
export function writeThriftStruct(struct: ThriftStruct): Uint8Array {
  const out = new ByteSink();
  writeStruct(out, struct);
  return out.bytes();
}

function writeStruct(out: ByteSink, struct: ThriftStruct): void {
  let lastId = 0;
  for (const field of [...struct.fields].sort((a, b) => a.id - b.id)) {
    const type = field.type === TRUE || field.type === FALSE ? (field.value ? TRUE : FALSE) : field.type;
    const delta = field.id - lastId;
    if (delta > 0 && delta <= 15) out.byte((delta << 4) | type);
    else {
      out.byte(type);
      out.varint(zigzag(BigInt(field.id)));
    }
    lastId = field.id;
    if (type !== TRUE && type !== FALSE) writeValue(out, type, field.value);
  }
  out.byte(0);
}

function writeValue(out: ByteSink, type: number, value: ThriftValue): void {
  switch (type) {
    case TRUE:
    case FALSE:
      out.byte(value ? TRUE : FALSE);
      return;
    case BYTE:
      out.byte(Number(value as bigint) & 0xff);
      return;
    case I16:
    case I32:
    case I64:
      out.varint(zigzag(value as bigint));
      return;
    case DOUBLE:
      out.append(value as Uint8Array);
      return;
    case BINARY: {
      const bytes = value as Uint8Array;
      out.varint(BigInt(bytes.length));
      out.append(bytes);
      return;
    }
    case LIST:
    case SET: {
      const list = value as ThriftList;
      if (list.items.length < 15) out.byte((list.items.length << 4) | list.elementType);
      else {
        out.byte(0xf0 | list.elementType);
        out.varint(BigInt(list.items.length));
      }
      for (const item of list.items) writeValue(out, list.elementType, item);
      return;
    }
    case STRUCT:
      writeStruct(out, value as ThriftStruct);
      return;
    default:
      throw new Error(`cannot write Thrift type ${type}`);
  }
}

const zigzag = (n: bigint): bigint => (n << 1n) ^ (n >> 63n);

/** A growable byte buffer. */
class ByteSink {
  private buffer = new Uint8Array(1024);
  private length = 0;

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  varint(n: bigint): void {
    let v = BigInt.asUintN(64, n);
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

/** The field `id` of `struct`, if present. */
export function field(struct: ThriftStruct, id: number): ThriftField | undefined {
  return struct.fields.find((f) => f.id === id);
}

/** Sets (or adds) an integer field. */
export function setInt(struct: ThriftStruct, id: number, type: number, value: bigint): void {
  const existing = field(struct, id);
  if (existing !== undefined) existing.value = value;
  else struct.fields.push({ id, type, value });
}

/** The items of list field `id` (none when absent). */
export function listOf(struct: ThriftStruct, id: number): ThriftValue[] {
  return (field(struct, id)?.value as ThriftList | undefined)?.items ?? [];
}

/** Integer field `id`; throws when it is missing. */
export function intOf(struct: ThriftStruct, id: number): bigint {
  const value = field(struct, id)?.value;
  if (typeof value !== 'bigint') throw new Error(`footer field ${id} is missing`);
  return value;
}

/** Adds `shift` to a file position. Positions are never 0 (the magic bytes are there), so 0 means "not recorded" and stays. */
export function shiftIfSet(struct: ThriftStruct, id: number, shift: bigint): void {
  const f = field(struct, id);
  if (f !== undefined && typeof f.value === 'bigint' && f.value > 0n) f.value += shift;
}
