import { DataType, Type, type Data, type Field, type Schema, type Table, type Vector } from 'apache-arrow';
import { sparkTypeName } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';
import type { KafkaHeader, OutgoingBytes, OutgoingColumns, OutgoingRecord } from '@sluice/kafka';

/** How each Kafka field is taken from the rows, checked once per schema. */
export interface RecordLayout {
  readonly value: Field;
  readonly key: Field | undefined;
  readonly topic: Field | undefined;
  readonly partition: Field | undefined;
  readonly headers: Field | undefined;
}

const isText = (type: DataType) => type.typeId === Type.Utf8 || type.typeId === Type.Binary;

/**
 * Check the columns the Kafka sink reads (Spark's KafkaWriter.validateQuery): `value` string or
 * binary (required), `key` string or binary, `topic` string (required unless the `topic`
 * option is set), `partition` integer, `headers` array<struct<key: string, value: binary>>.
 * Other columns are ignored.
 */
export function recordLayout(schema: Schema, topicOption: string | undefined): RecordLayout {
  const field = (name: string) => schema.fields.find((f) => f.name === name);
  const value = field('value');
  if (!value) {
    throw new SluiceError('UNKNOWN_COLUMN', `Required attribute 'value' not found: the Kafka sink needs a 'value' column (string or binary); the output has ${list(schema)}. Build one, e.g. with toJson over the columns to send.`, {
      details: { column: 'value', columns: schema.fields.map((f) => f.name) },
    });
  }
  const topic = field('topic');
  if (!topicOption && !topic) {
    throw new SluiceError('MISSING_OPTION', "topic option required when no 'topic' attribute is present: set the Kafka sink's 'topic' option, or add a string 'topic' column to the output.", { details: { option: 'topic' } });
  }
  // Spark's order (KafkaWriter.validateQuery): topic, key, value, headers, partition.
  const checks: [Field | undefined, (type: DataType) => boolean, string][] = [
    [topic, (t) => t.typeId === Type.Utf8, 'string'],
    [field('key'), isText, 'string or binary'],
    [value, isText, 'string or binary'],
    [field('headers'), isHeaderType, 'array<struct<key:string,value:binary>>'],
    [field('partition'), (t) => DataType.isInt(t), 'int'],
  ];
  for (const [f, ok, expected] of checks) {
    if (f && f.type.typeId !== Type.Null && !ok(f.type)) {
      throw new SluiceError('TYPE_MISMATCH', `The Kafka sink's '${f.name}' column is ${sparkTypeName(f.type)}, but ${f.name} must be a(n) ${expected}. Cast or convert it before writing.`, {
        details: { column: f.name, type: sparkTypeName(f.type), expected },
      });
    }
  }
  return { value, key: field('key'), topic, partition: field('partition'), headers: field('headers') };
}

/** The records of a table, reading string and binary columns as byte views (no copies, no decoding). */
export function tableToRecords(table: Table, layout: RecordLayout, topicOption: string | undefined): OutgoingRecord[] {
  const records: OutgoingRecord[] = [];
  for (const batch of table.batches) {
    const column = (f: Field | undefined) => (f ? (batch.getChild(f.name) as Vector | null) : null);
    const value = bytesOf(column(layout.value));
    const key = bytesOf(column(layout.key));
    const topic = column(layout.topic);
    const partition = column(layout.partition);
    const headers = column(layout.headers);
    for (let i = 0; i < batch.numRows; i++) {
      const topicName = topicOption ?? (topic?.get(i) as string | null);
      if (topicName == null) {
        throw new SluiceError('KAFKA_NULL_TOPIC_IN_DATA', "A row has a null 'topic' and no 'topic' option is set: every Kafka record needs a topic. Use the 'topic' option for a default topic, or fill the column.", { details: { column: 'topic' } });
      }
      const p = partition?.get(i);
      records.push({
        topic: topicName,
        partition: p == null ? null : Number(p),
        key: key(i),
        value: value(i),
        headers: headers ? headersOf(headers.get(i)) : null,
      });
    }
  }
  return records;
}

/**
 * The table as columns for a producer's `sendColumns`: each record batch's key and value
 * buffers as they are, the partitions as numbers. Undefined when rows carry headers or their
 * own topic (those go through `tableToRecords`).
 */
export function tableToColumns(table: Table, layout: RecordLayout, topicOption: string | undefined): OutgoingColumns[] | undefined {
  if (layout.headers || layout.topic || topicOption === undefined) return undefined;
  return table.batches.map((batch) => {
    const column = (f: Field | undefined) => (f ? (batch.getChild(f.name) as Vector | null) : null);
    const partition = column(layout.partition);
    let partitions: Float64Array | null = null;
    if (partition && partition.type.typeId !== Type.Null) {
      partitions = new Float64Array(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        const p = partition.get(i) as number | bigint | null;
        partitions[i] = p == null ? NaN : Number(p);
      }
    }
    return { topic: topicOption, length: batch.numRows, key: bytesColumn(column(layout.key)), value: bytesColumn(column(layout.value)), partition: partitions };
  });
}

function bytesColumn(vector: Vector | null): OutgoingBytes | null {
  if (!vector || vector.type.typeId === Type.Null) return null;
  const data = vector.data[0] as Data<DataType>;
  return { values: data.values as Uint8Array, offsets: data.valueOffsets as Int32Array, validity: data.nullCount > 0 ? data.nullBitmap : null, offset: data.offset };
}

/** A reader of row `i` of a Utf8/Binary column as bytes, straight from the Arrow buffers. */
function bytesOf(vector: Vector | null): (i: number) => Uint8Array | null {
  if (!vector || vector.type.typeId === Type.Null) return () => null;
  const data = vector.data[0] as Data<DataType>;
  const offsets = data.valueOffsets as Int32Array;
  const values = data.values as Uint8Array;
  const nulls = data.nullCount > 0 ? data.nullBitmap : null;
  const base = data.offset;
  return (i) => {
    const row = base + i;
    if (nulls && (nulls[row >> 3]! & (1 << (row & 7))) === 0) return null;
    return values.subarray(offsets[row]!, offsets[row + 1]!);
  };
}

function headersOf(list: unknown): KafkaHeader[] | null {
  if (list == null) return null;
  const out: KafkaHeader[] = [];
  for (const entry of (list as { toArray(): unknown[] }).toArray() as ({ toJSON(): { key: string | null; value: Uint8Array | string | null } } | null)[]) {
    if (!entry) continue;
    const { key, value } = entry.toJSON();
    if (key == null) throw new SluiceError('MALFORMED_RECORD', 'A Kafka header has a null key; header keys must be strings.', { details: { column: 'headers' } });
    out.push({ key, value: typeof value === 'string' ? Buffer.from(value) : (value ?? null) });
  }
  return out;
}

function isHeaderType(type: DataType): boolean {
  if (!DataType.isList(type)) return false;
  const element = type.children[0]!.type;
  if (!DataType.isStruct(element)) return false;
  const key = element.children.find((c) => c.name === 'key');
  const value = element.children.find((c) => c.name === 'value');
  return element.children.length === 2 && key?.type.typeId === Type.Utf8 && value !== undefined && isText(value.type);
}

function list(schema: Schema): string {
  return schema.fields.length === 0 ? 'no columns' : `columns ${schema.fields.map((f) => `'${f.name}' (${sparkTypeName(f.type)})`).join(', ')}`;
}
