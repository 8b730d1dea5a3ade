import type { Field, Schema } from 'apache-arrow';
import { ByteReader, ByteWriter } from './byteWriter.ts';
import { rowCodecOf, type Encoding, type RowFormat } from './fieldCodecs.ts';

/**
 * Rows of one Arrow schema to compact bytes and back: how state keys and values are stored.
 * A row is an array of field values in schema order, as operators see them (`cellsOf`): numbers,
 * bigints for 64-bit integers, epoch-ms numbers for timestamps and dates, strings, `Uint8Array`s,
 * objects for structs, arrays for lists, null.
 *
 * Keys use the *ordered* encoding: byte order of two encoded keys is the order of their values
 * column by column (nulls first), and the first k columns of a key encode to a byte prefix of it.
 * So a range scan over a key space ordered by (eventTime, id) is a byte-range scan, and all keys
 * that share a prefix of columns are one byte range. Values use the *compact* encoding.
 *
 * @example
 * const codec = new RowCodec(toSchema('window_end TIMESTAMP, user STRING'), 'ordered');
 * const key = codec.encode([Date.UTC(2024, 0, 1), 'ada']);
 * codec.decode(key); // [1704067200000, 'ada']
 * codec.encodePrefix([Date.UTC(2024, 0, 1)]); // a prefix of `key`
 */
export class RowCodec {
  readonly fields: readonly Field[];
  private readonly format: RowFormat;
  private readonly prefixFormats = new Map<number, RowFormat>();
  private readonly writer = new ByteWriter();
  /** Scratch for `decodeLatin1`: the string's bytes, read in place. */
  private scratch = new Uint8Array(256);
  private readonly reader = new ByteReader(this.scratch);

  constructor(readonly schema: Schema, readonly encoding: Encoding, where = 'state') {
    this.fields = schema.fields;
    this.format = rowCodecOf(schema.fields, encoding, where);
  }

  /** The row's bytes (a fresh array the caller owns). */
  encode(values: readonly unknown[]): Uint8Array {
    const w = this.writer;
    w.reset();
    this.format.write(w, values);
    return w.finish();
  }

  /** The bytes of the row's first `values.length` columns: every key starting with them has this prefix (ordered encoding only). */
  encodePrefix(values: readonly unknown[]): Uint8Array {
    if (this.encoding !== 'ordered') throw new Error('encodePrefix needs the ordered (key) encoding');
    let format = this.prefixFormats.get(values.length);
    if (!format) {
      format = rowCodecOf(this.fields.slice(0, values.length), 'ordered', 'state key prefix');
      this.prefixFormats.set(values.length, format);
    }
    const w = this.writer;
    w.reset();
    format.write(w, values);
    return w.finish();
  }

  /**
   * The row's bytes as a latin1 string (one char per byte), without an intermediate array: the
   * in-memory state store's own representation (see `KeySpace.getManyLatin1`).
   */
  encodeLatin1(values: readonly unknown[]): string {
    const w = this.writer;
    w.reset();
    this.format.write(w, values);
    return w.latin1();
  }

  /** `decode` of a row held as a latin1 string. */
  decodeLatin1(text: string): unknown[] {
    const n = text.length;
    if (n > this.scratch.length) this.scratch = new Uint8Array(Math.max(n, this.scratch.length * 2));
    const bytes = this.scratch;
    for (let i = 0; i < n; i++) bytes[i] = text.charCodeAt(i);
    const r = this.reader;
    r.reset(bytes, 0, n);
    const row = this.format.read(r);
    if (!r.done) throw new RangeError(`state row has ${n - r.position} bytes left over`);
    return row;
  }

  decode(bytes: Uint8Array): unknown[] {
    const r = new ByteReader(bytes);
    const row = this.format.read(r);
    if (!r.done) throw new RangeError(`state row has ${bytes.length - r.position} bytes left over`);
    return row;
  }
}
