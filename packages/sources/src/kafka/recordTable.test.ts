import { describe, expect, test } from 'vitest';
import { tableToRows } from '@sluice/core';
import { RecordColumns, type KafkaRecord } from '@sluice/kafka';
import { kafkaSourceSchema, recordsToTable } from './recordTable.ts';

const columnsOf = (records: KafkaRecord[]) => {
  const c = RecordColumns.withHeaders();
  for (const r of records) c.push(r.offset, r.key, r.value, r.timestamp, r.timestampType, r.headers);
  return c;
};

const bytes = (s: string) => new TextEncoder().encode(s);

describe('recordsToTable', () => {
  test("has Spark's seven columns, plus headers when asked", () => {
    expect(kafkaSourceSchema(false).fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'key:Binary', 'value:Binary', 'topic:Utf8', 'partition:Int32', 'offset:Int64', 'timestamp:Timestamp<MILLISECOND>', 'timestampType:Int32',
    ]);
    expect(String(kafkaSourceSchema(true).fields[7]!.type)).toBe('List<Struct<{key:Utf8, value:Binary}>>');
  });

  test('keeps every field of every record, nulls included, and large offsets exactly', () => {
    const big = 2 ** 40 + 12345;
    const table = recordsToTable(kafkaSourceSchema(true), [
      { topic: 'a', partition: 0, gaps: [], records: columnsOf([{ offset: 7, key: null, value: bytes('v7'), timestamp: 1_700_000_000_123, timestampType: 0, headers: [{ key: 'h', value: bytes('x') }] }]) },
      { topic: 'bé', partition: 3, gaps: [], records: columnsOf([{ offset: big, key: bytes('k'), value: null, timestamp: 5, timestampType: 1, headers: [] }, { offset: big + 1, key: bytes(''), value: bytes('é'), timestamp: 6, timestampType: 1, headers: [] }]) },
    ]);
    const rows = tableToRows(table);
    expect(rows[0]).toMatchObject({ key: null, topic: 'a', partition: 0, offset: 7n, timestamp: 1_700_000_000_123, timestampType: 0 });
    expect(Buffer.from(rows[0]!['value'] as Uint8Array).toString()).toBe('v7');
    expect(rows[1]).toMatchObject({ value: null, topic: 'bé', partition: 3, offset: BigInt(big), timestamp: 5, timestampType: 1 });
    expect(Buffer.from(rows[1]!['key'] as Uint8Array).toString()).toBe('k');
    expect(rows[2]).toMatchObject({ topic: 'bé', partition: 3, offset: BigInt(big + 1) });
    expect(Buffer.from(rows[2]!['key'] as Uint8Array).length).toBe(0);
    expect(Buffer.from(rows[2]!['value'] as Uint8Array).toString()).toBe('é');
    const headers = table.getChild('headers')!.get(0)!.toArray() as { toJSON(): { key: string; value: Uint8Array } }[];
    expect(headers.map((h) => h.toJSON().key)).toEqual(['h']);
    // A record without headers reads as null headers, as in Spark (KafkaRecordToRowConverter).
    expect(table.getChild('headers')!.get(1)).toBeNull();
  });

  test('no records give an empty table of the schema', () => {
    const table = recordsToTable(kafkaSourceSchema(false), []);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields).toHaveLength(7);
  });
});
