import { SluiceError } from '@sluice/core';
import type { KafkaHeader } from '../types.ts';
import { compressionOf, kafkaCodec } from '../../codecs/codec.ts';

/** Where decoded records go: byte ranges of `src` are copied, never kept. */
export interface RecordTarget {
  /** `keyLength`/`valueLength` of -1 mean null. */
  appendRange(
    offset: number, src: Uint8Array, keyStart: number, keyLength: number, valueStart: number, valueLength: number,
    timestamp: number, timestampType: number, headers: readonly KafkaHeader[] | null,
  ): void;
}

/** An aborted transaction in a fetched partition (read_committed): skip `producerId`'s records from `firstOffset` to its abort marker. */
export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

export interface RecordSetSpan {
  /** The first offset at or after the fetch offset that the record set accounts for (data, control or aborted). */
  readonly first: number;
  /** The last offset of the last whole record batch. */
  readonly last: number;
  /** Some batch in the span is compressed: inflate it (`inflateBatches`) before decoding. */
  readonly compressed: boolean;
  /** Records in the span's batches, at most (control records and records before the fetch offset included). */
  readonly records: number;
}

/** Inflated record bytes of compressed batches, by the batch's position in the record set. */
export type InflatedBatches = ReadonlyMap<number, Uint8Array>;

const BATCH_HEADER = 61;
const MAGIC_AT = 16;
const COMPRESSION_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const TWO_32 = 4294967296;

/** A whole record batch of a record set: where it lies in the bytes, and its header fields the reader needs. */
interface BatchHeader {
  readonly start: number;
  readonly end: number;
  readonly baseOffset: number;
  readonly last: number;
  readonly attributes: number;
}

/**
 * The whole record batches (Kafka's RecordBatch format, magic 2) of a record set that reach
 * `fetchOffset` or later, walking headers only. A partial batch at the end (the broker cuts
 * responses at `maxBytes`; the rest comes with the next fetch) is not one of them. Batches are
 * returned whole, so the first may start before `fetchOffset`.
 */
function* wholeBatches(bytes: Uint8Array, view: DataView, fetchOffset: number): Generator<BatchHeader> {
  for (let start = 0; start + BATCH_HEADER <= bytes.length; ) {
    const end = start + 12 + view.getInt32(start + 8);
    if (end > bytes.length) return;
    const magic = view.getInt8(start + MAGIC_AT);
    const baseOffset = readInt64(view, start);
    if (magic !== 2) {
      throw new SluiceError(
        'KAFKA_ERROR',
        `A Kafka record batch at offset ${baseOffset} uses message format v${magic}; Sluice reads format v2 (Kafka 0.11 and later). ` +
          "Upgrade the topic's message format (message.format.version) or rewrite it with a current producer.",
      );
    }
    const last = baseOffset + view.getInt32(start + 23);
    if (last >= fetchOffset) yield { start, end, baseOffset, last, attributes: view.getInt16(start + 21) };
    start = end;
  }
}

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The span of offsets the whole batches at or after `fetchOffset` account for; null when there is none (caught up, or only a partial batch). */
export function scanRecordSet(bytes: Uint8Array, fetchOffset: number): RecordSetSpan | null {
  let first = -1;
  let last = -1;
  let compressed = false;
  let records = 0;
  const view = viewOf(bytes);
  for (const batch of wholeBatches(bytes, view, fetchOffset)) {
    if (first < 0) first = Math.max(batch.baseOffset, fetchOffset);
    last = batch.last;
    compressed ||= (batch.attributes & COMPRESSION_MASK) !== 0;
    records += Math.max(0, view.getInt32(batch.start + 57));
  }
  return last < 0 ? null : { first, last, compressed, records };
}

/** Inflates the compressed batches of a record set with Sluice's codecs (`kafkaCodec`: every Kafka compression type is built in). */
export async function inflateBatches(bytes: Uint8Array, fetchOffset: number): Promise<InflatedBatches> {
  const inflated = new Map<number, Uint8Array>();
  for (const { start, end, baseOffset, attributes } of wholeBatches(bytes, viewOf(bytes), fetchOffset)) {
    const codec = attributes & COMPRESSION_MASK;
    if (codec !== 0 && (attributes & CONTROL) === 0) inflated.set(start, await inflate(codec, bytes.subarray(start + BATCH_HEADER, end), baseOffset));
  }
  return inflated;
}

/**
 * Decodes the batches `scanRecordSet` found straight into `target`: no object per record, keys
 * and values copied from the response bytes into the columns. Records before `fetchOffset`
 * are dropped, control batches skipped, and so are transactional batches whose producer is in
 * `aborted` until that producer's abort marker — the Java consumer's rule for read_committed.
 * Synchronous, so a buffer cannot be repositioned halfway through a record set.
 */
export function decodeRecordSet(
  bytes: Uint8Array, fetchOffset: number, target: RecordTarget, aborted: readonly AbortedTransaction[] | null, decodeHeaders: boolean,
  inflated: InflatedBatches | null,
): void {
  const view = viewOf(bytes);
  const pending = aborted && aborted.length > 0 ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : null;
  const abortedProducers = new Set<bigint>();
  for (const { start, end, baseOffset, last, attributes } of wholeBatches(bytes, view, fetchOffset)) {
    const marked = (attributes & (TRANSACTIONAL | CONTROL)) !== 0;
    const producerId = marked && pending !== null ? view.getBigInt64(start + 43) : -1n;
    if (pending) {
      while (pending.length > 0 && pending[0]!.firstOffset <= last) abortedProducers.add(pending.shift()!.producerId);
    }
    if ((attributes & CONTROL) !== 0) {
      // A control batch holds one marker; an abort marker (type 0) ends the producer's aborted transaction.
      if (abortedProducers.size > 0 && isAbortMarker(bytes, view, start + BATCH_HEADER, end)) abortedProducers.delete(producerId);
      continue;
    }
    if ((attributes & TRANSACTIONAL) !== 0 && abortedProducers.has(producerId)) continue;
    const logAppendTime = (attributes & LOG_APPEND_TIME) !== 0;
    const baseTimestamp = readInt64(view, start + 27);
    const fixedTimestamp = logAppendTime ? readInt64(view, start + 35) : -1;
    checkTimestamp(view, start + (logAppendTime ? 35 : 27), baseOffset);
    const count = view.getInt32(start + 57);
    const timestampType = logAppendTime ? 1 : 0;
    if ((attributes & COMPRESSION_MASK) === 0) {
      decodeRecords(bytes, start + BATCH_HEADER, end, count, baseOffset, baseTimestamp, fixedTimestamp, timestampType, fetchOffset, target, decodeHeaders);
      continue;
    }
    const records = inflated?.get(start);
    if (!records) throw new Error(`record batch at offset ${baseOffset} was not inflated`);
    decodeRecords(records, 0, records.length, count, baseOffset, baseTimestamp, fixedTimestamp, timestampType, fetchOffset, target, decodeHeaders);
  }
}

/**
 * Spark's limit on a record timestamp: milliseconds whose microseconds still fit a long
 * (|t| <= Long.MaxValue / 1000). A larger one — typically nanoseconds written as milliseconds —
 * fails the read as Spark's KAFKA_MALFORMED_RECORD_TIMESTAMP does, instead of becoming a date
 * millions of years away. Record deltas are small, so the batch's base timestamp decides.
 */
const MAX_TIMESTAMP_MS = 9_223_372_036_854_775n;

/** Thrown by the decoder; the reader adds the topic and partition (see MalformedTimestampError's uses). */
export class MalformedTimestampError extends Error {
  constructor(
    readonly offset: number,
    readonly timestamp: bigint,
  ) {
    super(`record batch at offset ${offset} has timestamp ${timestamp}, beyond what milliseconds since the epoch can mean`);
  }
}

function checkTimestamp(view: DataView, at: number, baseOffset: number): void {
  const high = view.getInt32(at);
  // Below 2^52 in magnitude (high word within ±2^20) is far inside the limit: no BigInt read.
  if (high < 0x100000 && high > -0x100000) return;
  const timestamp = view.getBigInt64(at);
  if (timestamp > MAX_TIMESTAMP_MS || timestamp < -MAX_TIMESTAMP_MS) throw new MalformedTimestampError(baseOffset, timestamp);
}

function decodeRecords(
  b: Uint8Array, at: number, end: number, count: number, baseOffset: number, baseTimestamp: number, fixedTimestamp: number,
  timestampType: number, fetchOffset: number, target: RecordTarget, decodeHeaders: boolean,
): void {
  const cursor = { at };
  for (let i = 0; i < count && cursor.at < end; i++) {
    const length = readVarint(b, cursor);
    const recordEnd = cursor.at + length;
    cursor.at++; // attributes: unused by format v2
    const timestampDelta = readVarint(b, cursor);
    const offset = baseOffset + readVarint(b, cursor);
    const keyLength = readVarint(b, cursor);
    const keyStart = cursor.at;
    if (keyLength > 0) cursor.at += keyLength;
    const valueLength = readVarint(b, cursor);
    const valueStart = cursor.at;
    if (valueLength > 0) cursor.at += valueLength;
    const headers = decodeHeaders ? readHeaders(b, cursor) : null;
    cursor.at = recordEnd;
    if (offset < fetchOffset) continue;
    const timestamp = fixedTimestamp >= 0 ? fixedTimestamp : baseTimestamp + timestampDelta;
    target.appendRange(offset, b, keyStart, keyLength, valueStart, valueLength, timestamp, timestampType, headers);
  }
}

function readHeaders(b: Uint8Array, cursor: { at: number }): KafkaHeader[] {
  const count = readVarint(b, cursor);
  const headers: KafkaHeader[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = readVarint(b, cursor);
    const key = Buffer.from(b.buffer, b.byteOffset + cursor.at, keyLength).toString('utf8');
    cursor.at += keyLength;
    const valueLength = readVarint(b, cursor);
    // Headers are rare and small: a copy, so they do not pin the response buffer.
    const value = valueLength < 0 ? null : Buffer.from(b.subarray(cursor.at, cursor.at + valueLength));
    if (valueLength > 0) cursor.at += valueLength;
    headers.push({ key, value });
  }
  return headers;
}

function isAbortMarker(b: Uint8Array, view: DataView, at: number, end: number): boolean {
  if (at >= end) return false;
  const cursor = { at };
  readVarint(b, cursor); // length
  cursor.at++; // attributes
  readVarint(b, cursor); // timestamp delta
  readVarint(b, cursor); // offset delta
  const keyLength = readVarint(b, cursor);
  // The key is version (int16) then type (int16): 0 = abort, 1 = commit.
  return keyLength >= 4 && view.getInt16(cursor.at + 2) === 0;
}

async function inflate(codecId: number, compressed: Uint8Array, baseOffset: number): Promise<Uint8Array> {
  const compression = compressionOf(codecId);
  if (compression === undefined || compression === 'none') {
    throw new SluiceError('KAFKA_ERROR', `A Kafka record batch at offset ${baseOffset} is compressed with an unknown codec (id ${codecId}); Kafka defines gzip (1), snappy (2), lz4 (3) and zstd (4).`);
  }
  try {
    const codec = kafkaCodec(compression);
    const records = await (codec instanceof Promise ? await codec : codec).decompress(compressed);
    // A plain view: the decoder takes a subarray per value, and a Buffer's costs several times more.
    return records instanceof Buffer ? new Uint8Array(records.buffer, records.byteOffset, records.length) : records;
  } catch (error) {
    throw new SluiceError(
      'KAFKA_ERROR',
      `Cannot decompress the ${compression} record batch at offset ${baseOffset}: ${(error as Error).message}. ` +
        `The batch is damaged, or written in a ${compression} variant Sluice does not read; a codec registered with registerKafkaCodec('${compression}', …) replaces the built-in one.`,
      { cause: error, details: { compression, offset: baseOffset } },
    );
  }
}

/** A big-endian int64 as a number (exact to 2^53: offsets and timestamps). */
export function readInt64(view: DataView, at: number): number {
  return view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
}

/** A zigzag varint or varlong (Kafka's record fields), exact to 2^53. */
function readVarint(b: Uint8Array, cursor: { at: number }): number {
  let at = cursor.at;
  let byte = b[at++]!;
  let raw = byte & 0x7f;
  if (byte >= 0x80) {
    let shift = 7;
    let multiplier = 128;
    do {
      byte = b[at++]!;
      if (shift < 28) raw |= (byte & 0x7f) << shift;
      else raw += (byte & 0x7f) * multiplier;
      shift += 7;
      multiplier *= 128;
    } while (byte >= 0x80);
    if (shift > 28) {
      cursor.at = at;
      // Past 31 bits the value is no longer an int32: undo zigzag in floating point.
      const unsigned = raw < 0 ? raw + TWO_32 : raw;
      return unsigned % 2 === 0 ? unsigned / 2 : -(unsigned + 1) / 2;
    }
  }
  cursor.at = at;
  return (raw >>> 1) ^ -(raw & 1);
}
