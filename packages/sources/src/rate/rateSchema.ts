import { Field, Int64, RecordBatch, Schema, Struct, makeData, TimestampMillisecond, type Vector } from 'apache-arrow';

/** Spark's rate schema: `timestamp: timestamp, value: long`. */
export const RATE_SCHEMA = new Schema([new Field('timestamp', new TimestampMillisecond(), true), new Field('value', new Int64(), true)]);

/** One record batch (one "partition") of rate rows. */
export function rateBatch(timestamp: Vector, value: Vector): RecordBatch {
  const data = makeData({ type: new Struct(RATE_SCHEMA.fields), length: value.length, nullCount: 0, children: [timestamp.data[0]!, value.data[0]!] });
  return new RecordBatch(RATE_SCHEMA, data);
}
