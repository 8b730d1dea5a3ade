import type { KafkaHeader, KafkaRecord } from './types.ts';

/**
 * Variable-length byte values (keys or values) packed into one growing byte array: row `i`
 * spans `[end(i-1), end(i))`; a null is stored as `~end`. Copying bytes out of each fetched
 * message at once lets kafkajs's message objects die young — kept until a batch is built,
 * hundreds of thousands of them would be promoted and make most of the garbage-collection work.
 * Slices share the bytes (they are never overwritten: writes only append, and growing or
 * compacting moves to a new array).
 */
export class ByteColumn {
  constructor(
    private bytes: Uint8Array = new Uint8Array(1 << 16),
    private readonly ends: number[] = [],
    private readonly start = 0,
    private used = start,
    private readonly frozen = false,
  ) {}

  get length(): number {
    return this.ends.length;
  }

  push(value: Uint8Array | null): void {
    if (this.frozen) throw new Error('ByteColumn slice is read-only');
    if (value === null) {
      this.ends.push(~this.used);
      return;
    }
    const needed = this.used + value.length;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    const bytes = this.bytes;
    const length = value.length;
    // TypedArray#set has a fixed cost that dominates for the short keys and values most topics carry.
    if (length <= 48) for (let i = 0, at = this.used; i < length; i++) bytes[at + i] = value[i]!;
    else bytes.set(value, this.used);
    this.used = needed;
    this.ends.push(needed);
  }

  isNull(i: number): boolean {
    return this.ends[i]! < 0;
  }

  /** Byte range of row `i` in `data()`. */
  startOf(i: number): number {
    return i === 0 ? this.start : endOf(this.ends[i - 1]!);
  }

  endOf(i: number): number {
    return endOf(this.ends[i]!);
  }

  /** Bytes held by rows `from` onward. */
  bytesFrom(from: number): number {
    return this.used - (from < this.ends.length ? this.startOf(from) : this.used);
  }

  /** The backing bytes (row ranges index into it). */
  data(): Uint8Array {
    return this.bytes;
  }

  get(i: number): Uint8Array | null {
    return this.isNull(i) ? null : this.bytes.subarray(this.startOf(i), this.endOf(i));
  }

  /** Rows `[from, to)`, sharing the bytes. */
  slice(from: number, to: number): ByteColumn {
    const start = from < this.ends.length ? this.startOf(from) : this.used;
    const ends = this.ends.slice(from, to);
    return new ByteColumn(this.bytes, ends, start, ends.length > 0 ? endOf(ends[ends.length - 1]!) : start, true);
  }

  /** Rows from `from` on, in a new compact array (to release what was read). */
  compactFrom(from: number): ByteColumn {
    const start = from < this.ends.length ? this.startOf(from) : this.used;
    const bytes = new Uint8Array(Math.max(1 << 16, (this.used - start) * 2));
    bytes.set(this.bytes.subarray(start, this.used));
    const ends = this.ends.slice(from).map((e) => (e < 0 ? ~(~e - start) : e - start));
    return new ByteColumn(bytes, ends, 0, this.used - start);
  }
}

const endOf = (stored: number): number => (stored < 0 ? ~stored : stored);

/**
 * Records of one partition kept column by column: row `i` is `offsets[i]`, `keys.get(i)`, …
 * Numbers in plain arrays are stored unboxed, bytes packed; no object per record.
 */
export class RecordColumns {
  constructor(
    readonly offsets: number[] = [],
    readonly keys: ByteColumn = new ByteColumn(),
    readonly values: ByteColumn = new ByteColumn(),
    readonly timestamps: number[] = [],
    readonly timestampTypes: number[] = [],
    /** One header list per row, or null when headers are not read (`includeHeaders` off). */
    readonly headers: (readonly KafkaHeader[])[] | null = null,
  ) {}

  static withHeaders(): RecordColumns {
    return new RecordColumns([], new ByteColumn(), new ByteColumn(), [], [], []);
  }

  get length(): number {
    return this.offsets.length;
  }

  push(offset: number, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, timestampType: number, headers: readonly KafkaHeader[] | null): void {
    this.offsets.push(offset);
    this.keys.push(key);
    this.values.push(value);
    this.timestamps.push(timestamp);
    this.timestampTypes.push(timestampType);
    if (this.headers) this.headers.push(headers ?? []);
  }

  /** Rows `[from, to)`, sharing the bytes. */
  slice(from: number, to: number): RecordColumns {
    return new RecordColumns(
      this.offsets.slice(from, to),
      this.keys.slice(from, to),
      this.values.slice(from, to),
      this.timestamps.slice(from, to),
      this.timestampTypes.slice(from, to),
      this.headers ? this.headers.slice(from, to) : null,
    );
  }

  /** Rows from `from` on, copied compactly (so the rows before can be collected). */
  compactFrom(from: number): RecordColumns {
    return new RecordColumns(
      this.offsets.slice(from),
      this.keys.compactFrom(from),
      this.values.compactFrom(from),
      this.timestamps.slice(from),
      this.timestampTypes.slice(from),
      this.headers ? this.headers.slice(from) : null,
    );
  }

  /** Row `i` as an object (the slow path, for tests and row-wise callers). */
  row(i: number): KafkaRecord {
    return {
      offset: this.offsets[i]!,
      key: this.keys.get(i),
      value: this.values.get(i),
      timestamp: this.timestamps[i]!,
      timestampType: this.timestampTypes[i]!,
      headers: this.headers ? this.headers[i]! : null,
    };
  }

  rows(): KafkaRecord[] {
    return Array.from({ length: this.length }, (_, i) => this.row(i));
  }
}
