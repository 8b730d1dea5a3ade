import {
  Binary, Field, Int32, Int64, List, makeData, makeVector, Schema, Struct, TimestampMillisecond, Utf8, type Table, type Vector,
} from 'apache-arrow';
import { binaryVector, tableFromVectors, utf8Vector, vectorFromValues } from '@sluice/core';
import type { KafkaRecord, RecordChunk } from './client/types.ts';

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
 * BigInt per value), the topic column through the hand-built Utf8 path.
 */
export function recordsToTable(schema: Schema, chunks: readonly RecordChunk[]): Table {
  let length = 0;
  for (const chunk of chunks) length += chunk.records.length;
  const keys = new Array<Uint8Array | null>(length);
  const values = new Array<Uint8Array | null>(length);
  const topics = new Array<string>(length);
  const partitions = new Int32Array(length);
  const offsets = new Int32Array(length * 2);
  const timestamps = new Int32Array(length * 2);
  const timestampTypes = new Int32Array(length);
  const headers = schema.fields.length > 7 ? new Array<unknown>(length) : undefined;
  let i = 0;
  for (const chunk of chunks) {
    for (const record of chunk.records) {
      keys[i] = record.key;
      values[i] = record.value;
      topics[i] = chunk.topic;
      partitions[i] = chunk.partition;
      writeInt64(offsets, i, record.offset);
      writeInt64(timestamps, i, record.timestamp);
      timestampTypes[i] = record.timestampType;
      if (headers) headers[i] = headersOf(record);
      i++;
    }
  }
  const columns: Vector[] = [
    binaryVector(keys),
    binaryVector(values),
    utf8Vector(topics),
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

function headersOf(record: KafkaRecord): unknown {
  return record.headers?.map((h) => ({ key: h.key, value: h.value })) ?? [];
}
