import { createRequire } from 'node:module';
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { COMPRESSION_IDS, kafkaCodec, type KafkaCompression } from '../../codecs/codec.ts';
import { decodeRecordSet, inflateBatches, scanRecordSet } from '../fetch/recordSet.ts';
import { RecordColumns } from '../recordColumns.ts';
import { crc32c } from './crc32c.ts';
import { murmur2, partitionForKey } from './murmur2.ts';
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

describe('murmur2', () => {
  test.prop([fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 500 })])("hashes as Java's producer does (kafkajs's Java-compatible port), so keys land on the same partitions", (key, partitions) => {
    expect(murmur2(key)).toBe(kafkajsMurmur2(Buffer.from(key)));
    expect(partitionForKey(key, partitions)).toBe((kafkajsMurmur2(Buffer.from(key)) & 0x7fffffff) % partitions);
  });
});
