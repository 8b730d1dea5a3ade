import type { KafkaHeader } from '../types.ts';
import { crc32c } from './crc32c.ts';
import { varintSize, writeBytesField, writeNullField, writeVarint } from './recordFields.ts';

/** One record to put in a batch; strings are written as UTF-8. */
export interface BatchRecord {
  readonly key: Uint8Array | string | null;
  readonly value: Uint8Array | string | null;
  readonly headers: readonly KafkaHeader[] | null;
}

/** The producer's identity in a batch: none (-1s) unless the producer is idempotent. */
export interface ProducerIdentity {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export const NO_PRODUCER: ProducerIdentity = { producerId: -1n, producerEpoch: -1, baseSequence: -1 };

const HEADER = 61;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;

/**
 * The records part of a batch: each record's length, attributes, timestamp and offset deltas,
 * key, value and headers — headers in their order, repeated keys kept, a null value written as
 * null (-1), which kafkajs's producer could not do (it folds headers into an object).
 * All records get the batch's timestamp (delta 0).
 */
export function encodeRecords(records: readonly BatchRecord[]): Uint8Array {
  const count = records.length;
  // Records of bytes and no headers (what the sink sends) are written as they are; others are
  // converted once (strings to UTF-8, header keys encoded) and kept here by index.
  const converted: (PreparedRecord | undefined)[] = new Array(count);
  const bodies = new Int32Array(count);
  let size = 0;
  for (let i = 0; i < count; i++) {
    const r = records[i]!;
    let key = r.key as Uint8Array | null;
    let value = r.value as Uint8Array | null;
    let headers: PreparedHeader[] | null = null;
    if (typeof r.key === 'string' || typeof r.value === 'string' || (r.headers !== null && r.headers.length > 0)) {
      const c = prepare(r);
      converted[i] = c;
      ({ key, value, headers } = c);
    }
    let body = 1 + 1 + varintSize(i) + fieldSize(key) + fieldSize(value) + varintSize(headers ? headers.length : 0);
    if (headers) for (const h of headers) body += fieldSize(h.key) + fieldSize(h.value);
    bodies[i] = body;
    size += varintSize(body) + body;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const c = converted[i];
    const r = records[i]!;
    at = writeVarint(out, at, bodies[i]!);
    out[at++] = 0; // attributes
    out[at++] = 0; // timestamp delta
    at = writeVarint(out, at, i); // offset delta
    at = writeField(out, at, c ? c.key : (r.key as Uint8Array | null));
    at = writeField(out, at, c ? c.value : (r.value as Uint8Array | null));
    const headers = c?.headers ?? null;
    if (!headers) {
      out[at++] = 0; // no headers
      continue;
    }
    at = writeVarint(out, at, headers.length);
    for (const h of headers) {
      at = writeField(out, at, h.key);
      at = writeField(out, at, h.value);
    }
  }
  return out;
}

interface PreparedHeader {
  readonly key: Uint8Array;
  readonly value: Uint8Array | null;
}

interface PreparedRecord {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: PreparedHeader[] | null;
}

function prepare(r: BatchRecord): PreparedRecord {
  const bytes = (v: Uint8Array | string | null): Uint8Array | null => (v === null || typeof v !== 'string' ? v : Buffer.from(v));
  return {
    key: bytes(r.key),
    value: bytes(r.value),
    headers: r.headers && r.headers.length > 0 ? r.headers.map((h) => ({ key: Buffer.from(h.key), value: h.value })) : null,
  };
}

/**
 * A whole record batch (message format v2) around `records` bytes (`encodeRecords`, compressed
 * when `compression` is not 0): base offset 0 (the broker assigns offsets), CreateTime
 * `timestamp`, the CRC-32C over attributes to the end.
 */
export function encodeRecordBatch(records: Uint8Array, count: number, compression: number, timestamp: number, producer: ProducerIdentity = NO_PRODUCER): Uint8Array {
  const out = new Uint8Array(HEADER + records.length);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, 0n); // base offset
  view.setInt32(8, out.length - 12); // batch length: from the leader epoch on
  view.setInt32(12, -1); // partition leader epoch
  out[16] = 2; // magic
  view.setInt16(ATTRIBUTES_AT, compression & 0x07);
  view.setInt32(23, count - 1); // last offset delta
  view.setBigInt64(27, BigInt(timestamp)); // base timestamp
  view.setBigInt64(35, BigInt(timestamp)); // max timestamp
  view.setBigInt64(43, producer.producerId);
  view.setInt16(51, producer.producerEpoch);
  view.setInt32(53, producer.baseSequence);
  view.setInt32(57, count);
  out.set(records, HEADER);
  view.setUint32(CRC_AT, crc32c(out, ATTRIBUTES_AT));
  return out;
}

/** The encoded size of one record of these parts, before compression (for splitting batches by `batch.size`). */
export function recordSize(key: Uint8Array | string | null, value: Uint8Array | string | null, headers: readonly KafkaHeader[] | null): number {
  let size = 3 + lengthOf(key) + lengthOf(value) + 2;
  if (headers) for (const h of headers) size += 2 + Buffer.byteLength(h.key) + lengthOf(h.value);
  return size;
}

const lengthOf = (v: Uint8Array | string | null): number => (v === null ? 1 : typeof v === 'string' ? Buffer.byteLength(v) + 2 : v.length + 2);

function fieldSize(v: Uint8Array | null): number {
  return v === null ? 1 : varintSize(v.length) + v.length;
}

function writeField(out: Uint8Array, at: number, v: Uint8Array | null): number {
  return v === null ? writeNullField(out, at) : writeBytesField(out, at, v, 0, v.length);
}
