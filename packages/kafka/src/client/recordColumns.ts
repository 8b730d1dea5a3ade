import type { KafkaHeader, KafkaRecord } from './types.ts';

/**
 * Variable-length byte values (keys or values) packed into one growing byte array: row `i`
 * spans `[end(i-1), end(i))`; a null is stored as `~end`. Ends live in an Int32Array, as in
 * Arrow's Binary layout, so building the Arrow column is a copy, not a per-value conversion.
 * Bytes are copied out of each fetch response at once, so the response buffers die young.
 * Slices share the bytes and the ends (they are never overwritten: writes only append, and
 * growing or compacting moves to new arrays).
 *
 * @example
 * const keys = new ByteColumn();
 * keys.push(new TextEncoder().encode('user-1'));
 */
export class ByteColumn {
  constructor(
    private bytes: Uint8Array = new Uint8Array(1 << 16),
    private ends: Int32Array = new Int32Array(1024),
    private count = 0,
    private readonly start = 0,
    private used = start,
    private readonly frozen = false,
  ) {}

  get length(): number {
    return this.count;
  }

  push(value: Uint8Array | null): void {
    if (value === null) this.pushRange(NO_BYTES, 0, -1);
    else this.pushRange(value, 0, value.length);
  }

  /** Append `length` bytes of `src` from `start` (a length of -1 is a null), copied. */
  pushRange(src: Uint8Array, start: number, length: number): void {
    if (this.frozen) throw new Error('ByteColumn slice is read-only');
    if (this.count === this.ends.length) {
      const grown = new Int32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    if (length < 0) {
      this.ends[this.count++] = ~this.used;
      return;
    }
    const at = this.used;
    const needed = at + length;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
    }
    const bytes = this.bytes;
    // TypedArray#set needs a subarray view of the source: an object per value, which was most
    // of what a Kafka read allocated (and collected). Up to 128 bytes a loop copying four bytes
    // a turn costs about what set does (measured on Node 20) and allocates nothing.
    if (length <= 128) {
      let i = 0;
      for (; i + 4 <= length; i += 4) {
        bytes[at + i] = src[start + i]!;
        bytes[at + i + 1] = src[start + i + 1]!;
        bytes[at + i + 2] = src[start + i + 2]!;
        bytes[at + i + 3] = src[start + i + 3]!;
      }
      for (; i < length; i++) bytes[at + i] = src[start + i]!;
    } else bytes.set(src.subarray(start, start + length), at);
    this.used = needed;
    this.ends[this.count++] = needed;
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

  /** Where rows' bytes end in `data()`, a null row's as `~end`: `endsView()[i]` is row i's. */
  endsView(): Int32Array {
    return this.ends.subarray(0, this.count);
  }

  /** Bytes held by rows `from` onward. */
  bytesFrom(from: number): number {
    return this.used - (from < this.count ? this.startOf(from) : this.used);
  }

  /** The backing bytes (row ranges index into it). */
  data(): Uint8Array {
    return this.bytes;
  }

  get(i: number): Uint8Array | null {
    return this.isNull(i) ? null : this.bytes.subarray(this.startOf(i), this.endOf(i));
  }

  /** Rows `[from, to)`, sharing the bytes and ends. */
  slice(from: number, to: number): ByteColumn {
    to = Math.min(to, this.count);
    from = Math.min(from, to);
    const start = from < this.count ? this.startOf(from) : this.used;
    const ends = this.ends.subarray(from, to);
    return new ByteColumn(this.bytes, ends, ends.length, start, ends.length > 0 ? endOf(ends[ends.length - 1]!) : start, true);
  }

  /** Rows from `from` on, in new compact arrays (to release what was read). */
  compactFrom(from: number): ByteColumn {
    const start = from < this.count ? this.startOf(from) : this.used;
    const bytes = new Uint8Array(Math.max(1 << 16, (this.used - start) * 2));
    bytes.set(this.bytes.subarray(start, this.used));
    const rows = Math.max(0, this.count - from);
    const ends = new Int32Array(Math.max(1024, rows * 2));
    for (let i = 0; i < rows; i++) {
      const e = this.ends[from + i]!;
      ends[i] = e < 0 ? ~(~e - start) : e - start;
    }
    return new ByteColumn(bytes, ends, rows, 0, this.used - start);
  }
}

const endOf = (stored: number): number => (stored < 0 ? ~stored : stored);

/** A new ArrayBuffer of `bytes` that is not zeroed first (every byte is written before it is read). */
const uninitialized = (bytes: number): ArrayBuffer => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
const NO_BYTES = new Uint8Array(0);

/**
 * Records of one partition kept column by column: row `i` is `offsets[i]`, `keys.get(i)`, …
 * Numbers in typed arrays that grow by doubling, bytes packed; no object per record, and
 * slices are views (a read takes records without copying them).
 *
 * @example
 * // what a custom KafkaRangeReader fills: records decoded straight into column buffers
 * const columns = new RecordColumns();
 * columns.push(42, key, value, Date.now(), 0, null); // offset, key, value, timestamp, timestamp type, headers
 */
export class RecordColumns {
  private count: number;
  private offsetStore: Float64Array;
  private timestampStore: Float64Array;
  private typeStore: Int32Array;

  constructor(
    offsets: Float64Array = new Float64Array(1024),
    readonly keys: ByteColumn = new ByteColumn(),
    readonly values: ByteColumn = new ByteColumn(),
    timestamps: Float64Array = new Float64Array(offsets.length),
    timestampTypes: Int32Array = new Int32Array(offsets.length),
    /** One header list per row, or null when headers are not read (`includeHeaders` off). */
    readonly headers: (readonly KafkaHeader[])[] | null = null,
    count = 0,
    private readonly frozen = false,
  ) {
    this.offsetStore = offsets;
    this.timestampStore = timestamps;
    this.typeStore = timestampTypes;
    this.count = count;
  }

  static withHeaders(): RecordColumns {
    return new RecordColumns(undefined, undefined, undefined, undefined, undefined, []);
  }

  /**
   * Empty columns with room for `records` rows and `bytes` of values (keys get a sixteenth,
   * at least 16 bytes a row); they grow past that if needed.
   */
  static sized(records: number, bytes: number, withHeaders = false): RecordColumns {
    const rows = Math.max(1, records);
    const keyBytes = Math.max(64, Math.min(bytes, Math.max(rows * 16, bytes >> 4)));
    return new RecordColumns(
      new Float64Array(uninitialized(rows * 8)),
      new ByteColumn(new Uint8Array(uninitialized(keyBytes)), new Int32Array(uninitialized(rows * 4))),
      new ByteColumn(new Uint8Array(uninitialized(Math.max(64, bytes))), new Int32Array(uninitialized(rows * 4))),
      new Float64Array(uninitialized(rows * 8)),
      new Int32Array(uninitialized(rows * 4)),
      withHeaders ? [] : null,
    );
  }

  get length(): number {
    return this.count;
  }

  get offsets(): Float64Array {
    return this.offsetStore.subarray(0, this.count);
  }

  get timestamps(): Float64Array {
    return this.timestampStore.subarray(0, this.count);
  }

  get timestampTypes(): Int32Array {
    return this.typeStore.subarray(0, this.count);
  }

  push(offset: number, key: Uint8Array | null, value: Uint8Array | null, timestamp: number, timestampType: number, headers: readonly KafkaHeader[] | null): void {
    this.pushRow(offset, timestamp, timestampType, headers);
    this.keys.push(key);
    this.values.push(value);
  }

  /** A row whose key and value are byte ranges of `src` (-1 lengths are nulls), copied. */
  pushRange(
    offset: number, src: Uint8Array, keyStart: number, keyLength: number, valueStart: number, valueLength: number,
    timestamp: number, timestampType: number, headers: readonly KafkaHeader[] | null,
  ): void {
    this.pushRow(offset, timestamp, timestampType, headers);
    this.keys.pushRange(src, keyStart, keyLength);
    this.values.pushRange(src, valueStart, valueLength);
  }

  /** A row's fixed-width fields; the caller adds its key and value. */
  private pushRow(offset: number, timestamp: number, timestampType: number, headers: readonly KafkaHeader[] | null): void {
    if (this.frozen) throw new Error('RecordColumns slice is read-only');
    const i = this.count;
    if (i === this.offsetStore.length) this.grow();
    this.offsetStore[i] = offset;
    this.timestampStore[i] = timestamp;
    this.typeStore[i] = timestampType;
    if (this.headers) this.headers.push(headers ?? []);
    this.count = i + 1;
  }

  /** Rows `[from, to)`, sharing the arrays. */
  slice(from: number, to: number): RecordColumns {
    to = Math.min(to, this.count);
    from = Math.min(from, to);
    return new RecordColumns(
      this.offsetStore.subarray(from, to),
      this.keys.slice(from, to),
      this.values.slice(from, to),
      this.timestampStore.subarray(from, to),
      this.typeStore.subarray(from, to),
      this.headers ? this.headers.slice(from, to) : null,
      to - from,
      true,
    );
  }

  /** Rows from `from` on, copied compactly (so the rows before can be collected). */
  compactFrom(from: number): RecordColumns {
    const rows = Math.max(0, this.count - from);
    const capacity = Math.max(1024, rows * 2);
    const copy = <A extends Float64Array | Int32Array>(store: A, make: (n: number) => A): A => {
      const a = make(capacity);
      a.set(store.subarray(from, this.count));
      return a;
    };
    return new RecordColumns(
      copy(this.offsetStore, (n) => new Float64Array(n)),
      this.keys.compactFrom(from),
      this.values.compactFrom(from),
      copy(this.timestampStore, (n) => new Float64Array(n)),
      copy(this.typeStore, (n) => new Int32Array(n)),
      this.headers ? this.headers.slice(from) : null,
      rows,
    );
  }

  /** Row `i` as an object (the slow path, for tests and row-wise callers). */
  row(i: number): KafkaRecord {
    return {
      offset: this.offsetStore[i]!,
      key: this.keys.get(i),
      value: this.values.get(i),
      timestamp: this.timestampStore[i]!,
      timestampType: this.typeStore[i]!,
      headers: this.headers ? this.headers[i]! : null,
    };
  }

  rows(): KafkaRecord[] {
    return Array.from({ length: this.count }, (_, i) => this.row(i));
  }

  private grow(): void {
    const capacity = this.offsetStore.length * 2;
    const offsets = new Float64Array(capacity);
    offsets.set(this.offsetStore);
    const timestamps = new Float64Array(capacity);
    timestamps.set(this.timestampStore);
    const types = new Int32Array(capacity);
    types.set(this.typeStore);
    this.offsetStore = offsets;
    this.timestampStore = timestamps;
    this.typeStore = types;
  }
}
