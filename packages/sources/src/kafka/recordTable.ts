import {
  Binary, Field, Int32, Int64, List, makeData, makeVector, Schema, Struct, TimestampMillisecond, Utf8, type Table, type Vector,
} from 'apache-arrow';
import { tableFromVectors, vectorFromValues } from '@sluice/core/connector';
import { type ByteColumn, type RecordChunk } from '@sluice/kafka';

const HEADER_TYPE = new List(new Field('element', new Struct([new Field('key', new Utf8(), true), new Field('value', new Binary(), true)]), true));

/** Spark's Kafka source schema (KafkaRecordToRowConverter), with `headers` when `includeHeaders`. */
export function kafkaSourceSchema(includeHeaders: boolean): Schema {
  const fields: Field[] = [
    new Field('key', new Binary(), true),
    new Field('value', new Binary(), true),
    new Field('topic', new Utf8(), true),
    new Field('partition', new Int32(), true),
    new Field('offset', new Int64(), true),
    new Field('timestamp', new TimestampMillisecond(), true),
    new Field('timestampType', new Int32(), true),
  ];
  if (includeHeaders) fields.push(new Field('headers', HEADER_TYPE, true));
  return new Schema(fields);
}

/**
 * One Arrow table of the records of some chunks, built column by column on the fast paths:
 * bytes copied once into each Binary column, int64 columns written as two int32 words (no
 * BigInt per value), the repeated topic name copied rather than encoded per row.
 */
export function recordsToTable(schema: Schema, chunks: readonly RecordChunk[]): Table {
  let length = 0;
  for (const chunk of chunks) length += chunk.records.length;
  const partitions = new Int32Array(length);
  const offsets = new Int32Array(length * 2);
  const timestamps = new Int32Array(length * 2);
  const timestampTypes = new Int32Array(length);
  const headers = schema.fields.length > 7 ? new Array<unknown>(length) : undefined;
  let row = 0;
  for (const { partition, records } of chunks) {
    const n = records.length;
    partitions.fill(partition, row, row + n);
    const recordOffsets = records.offsets;
    const recordTimestamps = records.timestamps;
    for (let i = 0; i < n; i++) {
      writeInt64(offsets, row + i, recordOffsets[i]!);
      writeInt64(timestamps, row + i, recordTimestamps[i]!);
    }
    timestampTypes.set(records.timestampTypes, row);
    // A record without headers has null headers, as Spark's KafkaRecordToRowConverter reads it.
    if (headers) {
      for (let i = 0; i < n; i++) {
        const list = records.headers?.[i];
        headers[row + i] = list && list.length > 0 ? list.map((h) => ({ key: h.key, value: h.value })) : null;
      }
    }
    row += n;
  }
  const columns: Vector[] = [
    bytesVector(chunks, length, (c) => c.records.keys),
    bytesVector(chunks, length, (c) => c.records.values),
    topicVector(chunks, length),
    makeVector(partitions),
    int64Vector(new Int64(), offsets, length),
    int64Vector(new TimestampMillisecond(), timestamps, length),
    makeVector(timestampTypes),
  ];
  if (headers) columns.push(vectorFromValues(HEADER_TYPE, headers));
  return tableFromVectors(schema, columns);
}

const TWO_32 = 2 ** 32;

/** A non-negative integer below 2^53 as the low and high little-endian words of an int64. */
function writeInt64(words: Int32Array, index: number, value: number): void {
  words[index * 2] = value % TWO_32 | 0;
  words[index * 2 + 1] = Math.floor(value / TWO_32) | 0;
}

function int64Vector(type: Int64 | TimestampMillisecond, words: Int32Array, length: number): Vector {
  return makeVector(makeData({ type, length, data: new BigInt64Array(words.buffer, words.byteOffset, length) } as never));
}

/**
 * A Binary column from the chunks' packed bytes: one allocation and one copy per chunk; the
 * value offsets are the chunk's ends shifted, in a loop with no call per row.
 */
function bytesVector(chunks: readonly RecordChunk[], length: number, column: (chunk: RecordChunk) => ByteColumn): Vector {
  let total = 0;
  let nulls = 0;
  for (const chunk of chunks) {
    const c = column(chunk);
    if (c.length === 0) continue;
    total += c.endOf(c.length - 1) - c.startOf(0);
    const ends = c.endsView();
    for (let i = 0; i < ends.length; i++) if (ends[i]! < 0) nulls++;
  }
  const data = new Uint8Array(total);
  const valueOffsets = new Int32Array(length + 1);
  const validity = nulls > 0 ? new Uint8Array((length + 7) >> 3).fill(0xff) : null;
  let row = 0;
  let position = 0;
  for (const chunk of chunks) {
    const c = column(chunk);
    if (c.length === 0) continue;
    const start = c.startOf(0);
    data.set(c.data().subarray(start, c.endOf(c.length - 1)), position);
    const shift = position - start;
    const ends = c.endsView();
    if (validity) {
      for (let i = 0; i < ends.length; i++, row++) {
        const end = ends[i]!;
        if (end < 0) {
          valueOffsets[row + 1] = ~end + shift;
          validity[row >> 3]! &= ~(1 << (row & 7));
        } else valueOffsets[row + 1] = end + shift;
      }
    } else {
      for (let i = 0; i < ends.length; i++) valueOffsets[row + 1 + i] = ends[i]! + shift;
      row += ends.length;
    }
    position = valueOffsets[row]!;
  }
  return makeVector(makeData({ type: new Binary(), length, nullCount: nulls, nullBitmap: validity, valueOffsets, data }));
}

/** The topic column: each chunk's name encoded once, then repeated by doubling copies. */
function topicVector(chunks: readonly RecordChunk[], length: number): Vector {
  const encoded = new Map<string, Uint8Array>();
  let total = 0;
  for (const chunk of chunks) {
    let bytes = encoded.get(chunk.topic);
    if (!bytes) encoded.set(chunk.topic, (bytes = new TextEncoder().encode(chunk.topic)));
    total += bytes.length * chunk.records.length;
  }
  const data = new Uint8Array(total);
  const valueOffsets = new Int32Array(length + 1);
  let row = 0;
  let position = 0;
  for (const chunk of chunks) {
    const bytes = encoded.get(chunk.topic)!;
    const n = chunk.records.length;
    if (n === 0) continue;
    const size = bytes.length;
    const end = position + size * n;
    data.set(bytes, position);
    for (let filled = position + size; filled < end; ) {
      const copy = Math.min(filled - position, end - filled);
      data.copyWithin(filled, position, position + copy);
      filled += copy;
    }
    for (let i = 1; i <= n; i++) valueOffsets[row + i] = position + i * size;
    row += n;
    position = end;
  }
  return makeVector(makeData({ type: new Utf8(), length, nullCount: 0, valueOffsets, data }));
}
