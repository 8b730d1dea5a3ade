import { createRequire } from 'node:module';
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { COMPRESSION_IDS, kafkaCodec, type KafkaCompression } from '../../codecs/codec.ts';
import { decodeRecordSet, inflateBatches, scanRecordSet } from '../fetch/recordSet.ts';
import { RecordColumns } from '../recordColumns.ts';
import type { OutgoingBytes, OutgoingColumns } from '../types.ts';
import { encodeColumnRecords } from './columnRecords.ts';
import { crc32c } from './crc32c.ts';
import { murmur2, murmur2Range, partitionForKey } from './murmur2.ts';
import { encodeRecordBatch, encodeRecords, type BatchRecord } from './recordBatchEncoder.ts';

// kafkajs's CRC-32C and Java-compatible murmur2: independent implementations to check ours against.
const require = createRequire(import.meta.url);
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;

const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array(b));
const header = fc.record({ key: fc.constantFrom('a', 'b', 'z', '1', 'trace-id', 'ünï'), value: fc.option(bytes, { nil: null }) });
const record: fc.Arbitrary<BatchRecord> = fc.record({
  key: fc.option(fc.oneof(bytes, fc.string({ maxLength: 20 })), { nil: null }),
  value: fc.option(fc.oneof(bytes, fc.string({ maxLength: 200 })), { nil: null }),
  // Repeated keys, integer-like keys and null values: what an object of headers would lose.
  headers: fc.option(fc.array(header, { maxLength: 5 }), { nil: null }),
});
const asBytes = (v: Uint8Array | string | null) => (v === null ? null : [...(typeof v === 'string' ? Buffer.from(v) : v)]);

describe('encodeRecordBatch', () => {
  test.prop([fc.array(record, { minLength: 1, maxLength: 60 }), fc.constantFrom<KafkaCompression>('none', 'gzip', 'snappy', 'lz4', 'zstd'), fc.integer({ min: 0, max: 2 ** 42 })], { numRuns: 80 })(
    "a batch decodes, through the reader's own decoder, to the same keys, values and headers in order, with a valid CRC-32C",
    async (records, compression, timestamp) => {
      let body = encodeRecords(records);
      if (compression !== 'none') body = await (await kafkaCodec(compression)).compress(body);
      const batch = encodeRecordBatch(body, records.length, COMPRESSION_IDS[compression], timestamp, { producerId: 77n, producerEpoch: 3, baseSequence: 1_000 });
      const view = new DataView(batch.buffer);
      expect(view.getUint32(17)).toBe(kafkajsCrc32c(Buffer.from(batch.subarray(21))) >>> 0);
      expect(view.getInt16(21) & 7).toBe(COMPRESSION_IDS[compression]);
      expect([view.getBigInt64(43), view.getInt16(51), view.getInt32(53)]).toEqual([77n, 3, 1_000]);
      expect(scanRecordSet(batch, 0)).toEqual({ first: 0, last: records.length - 1, compressed: compression !== 'none', records: records.length });
      const columns = RecordColumns.withHeaders();
      decodeRecordSet(batch, 0, { appendRange: columns.pushRange.bind(columns) }, null, true, await inflateBatches(batch, 0));
      expect(
        columns.rows().map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: asBytes(r.key), value: asBytes(r.value), headers: r.headers!.map((h) => [h.key, asBytes(h.value)]) })),
      ).toEqual(records.map((r, i) => ({ offset: i, timestamp, key: asBytes(r.key), value: asBytes(r.value), headers: (r.headers ?? []).map((h) => [h.key, asBytes(h.value)]) })));
    },
  );

  test.prop([fc.uint8Array({ maxLength: 5_000 }), fc.nat(40), fc.nat(40)])('crc32c agrees with kafkajs on any range', (data, cutStart, cutEnd) => {
    const from = Math.min(cutStart, data.length);
    const to = Math.max(from, data.length - cutEnd);
    expect(crc32c(data, from, to)).toBe(kafkajsCrc32c(Buffer.from(data.subarray(from, to))) >>> 0);
  });
});

/** A column in Arrow's layout holding `values` after `skip` rows of padding (an Arrow slice's offset). */
function arrowColumn(values: readonly (Uint8Array | null)[], skip: number, withValidity: boolean): OutgoingBytes {
  const rows = [...Array.from({ length: skip }, () => new Uint8Array([9, 9])), ...values];
  const offsets = new Int32Array(rows.length + 1);
  const validity = new Uint8Array(Math.ceil(rows.length / 8) + 1);
  const bytes: number[] = [];
  rows.forEach((v, i) => {
    if (v !== null) {
      bytes.push(...v);
      validity[i >> 3]! |= 1 << (i & 7);
    }
    offsets[i + 1] = bytes.length;
  });
  return { values: new Uint8Array(bytes), offsets, validity: withValidity ? validity : null, offset: skip };
}

describe('encodeColumnRecords', () => {
  const row = fc.record({ key: fc.option(bytes, { nil: null }), value: fc.option(bytes, { nil: null }) });
  test.prop([fc.array(fc.array(row, { maxLength: 40 }), { minLength: 1, maxLength: 4 }), fc.nat(9), fc.boolean(), fc.infiniteStream(fc.boolean())], { numRuns: 150 })(
    'writes the bytes encodeRecords writes for the same records, from Arrow-layout chunks (slice offsets, nulls, no key column), for any ascending choice of rows',
    (parts, skip, keyless, pick) => {
      const chunks: OutgoingColumns[] = parts.map((rows) => {
        const nulls = rows.some((r) => r.key === null || r.value === null);
        return {
          topic: 't',
          length: rows.length,
          key: keyless ? null : arrowColumn(rows.map((r) => r.key), skip, nulls),
          value: arrowColumn(rows.map((r) => r.value), skip, nulls),
          partition: null,
        };
      });
      const all = parts.flat().map((r) => ({ key: keyless ? null : r.key, value: r.value, headers: null }));
      const starts = new Int32Array(parts.length + 1);
      parts.forEach((rows, c) => (starts[c + 1] = starts[c]! + rows.length));
      const chosen = all.map((_, g) => g).filter(() => pick.next().value);
      const rows = Int32Array.from([7, ...chosen, 7]);
      expect([...encodeColumnRecords(chunks, starts, rows, 1, 1 + chosen.length)]).toEqual([...encodeRecords(chosen.map((g) => all[g]!))]);
    },
  );
});

describe('murmur2', () => {
  test.prop([fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 500 })])("hashes as Java's producer does (kafkajs's Java-compatible port), so keys land on the same partitions", (key, partitions) => {
    expect(murmur2(key)).toBe(kafkajsMurmur2(Buffer.from(key)));
    expect(partitionForKey(key, partitions)).toBe((kafkajsMurmur2(Buffer.from(key)) & 0x7fffffff) % partitions);
  });

  test.prop([fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 9 }), fc.uint8Array({ maxLength: 9 })])('hashes a range of a larger buffer as it hashes the range alone', (key, before, after) => {
    expect(murmur2Range(new Uint8Array([...before, ...key, ...after]), before.length, before.length + key.length)).toBe(kafkajsMurmur2(Buffer.from(key)));
  });
});
