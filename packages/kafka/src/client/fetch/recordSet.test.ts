import { createRequire } from 'node:module';
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { SluiceError } from '@sluice/core';
import { RecordColumns } from '../recordColumns.ts';
import type { KafkaRecord } from '../types.ts';
import { decodeRecordSet, inflateBatches, scanRecordSet, type AbortedTransaction } from './recordSet.ts';

// Batches are encoded by kafkajs's own producer-side encoder, an independent writer of the format.
const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (batch: object) => Promise<{ buffer: Buffer }> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromNumber(n: number): unknown };

interface Input {
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly { key: string; value: Uint8Array }[];
}

interface BatchSpec {
  readonly baseOffset: number;
  readonly baseTimestamp: number;
  readonly records: readonly Input[];
  readonly gzip?: boolean;
  readonly producerId?: number;
  readonly transactional?: boolean;
  readonly control?: 'abort' | 'commit';
  readonly logAppendTime?: number;
}

async function encode(spec: BatchSpec): Promise<Buffer> {
  const records = spec.control
    ? [Record({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from([0, 0, 0, spec.control === 'abort' ? 0 : 1]), value: Buffer.alloc(6), headers: {} })]
    : spec.records.map((r, i) =>
        Record({
          offsetDelta: i,
          timestampDelta: i * 7,
          key: r.key && Buffer.from(r.key),
          value: r.value && Buffer.from(r.value),
          // kafkajs folds a repeated header key into an array, so keys are unique here (and not integer-like, which objects reorder).
          headers: Object.fromEntries(r.headers.map((h) => [h.key, Buffer.from(h.value)])),
        }),
      );
  const { buffer } = await RecordBatch({
    compression: spec.gzip ? 1 : 0,
    firstOffset: Long.fromNumber(spec.baseOffset),
    firstTimestamp: spec.baseTimestamp,
    maxTimestamp: spec.logAppendTime ?? spec.baseTimestamp,
    lastOffsetDelta: records.length - 1,
    transactional: spec.transactional ?? spec.control !== undefined,
    producerId: Long.fromNumber(spec.producerId ?? -1),
    records,
  });
  const bytes = Buffer.from(buffer);
  // kafkajs never writes these attribute bits; the broker does.
  if (spec.control) bytes[22] = bytes[22]! | 0x20;
  if (spec.logAppendTime !== undefined) bytes[22] = bytes[22]! | 0x08;
  return bytes;
}

const recordSet = async (specs: readonly BatchSpec[]) => Buffer.concat(await Promise.all(specs.map(encode)));

async function decode(bytes: Uint8Array, fetchOffset: number, aborted: AbortedTransaction[] | null = null): Promise<KafkaRecord[]> {
  const columns = RecordColumns.withHeaders();
  const target = { appendRange: columns.pushRange.bind(columns) };
  const span = scanRecordSet(bytes, fetchOffset);
  const inflated = span?.compressed ? await inflateBatches(bytes, fetchOffset) : null;
  decodeRecordSet(bytes, fetchOffset, target, aborted, true, inflated);
  return columns.rows();
}

const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => new Uint8Array(b));
const input: fc.Arbitrary<Input> = fc.record({
  key: fc.option(bytes, { nil: null }),
  value: fc.option(bytes, { nil: null }),
  headers: fc.uniqueArray(fc.record({ key: fc.string({ maxLength: 8 }).map((k) => `h-${k}`), value: bytes }), { maxLength: 2, selector: (h) => h.key }),
});
const batches = fc.array(fc.record({ records: fc.array(input, { minLength: 1, maxLength: 20 }), gap: fc.nat(3), gzip: fc.boolean() }), { minLength: 1, maxLength: 6 });

describe('decodeRecordSet', () => {
  test.prop([batches, fc.integer({ min: 0, max: 2 ** 40 }), fc.nat(), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 })], { numRuns: 150 })(
    'gives back every record at or after the fetch offset, with its offset, timestamp, key, value and headers',
    async (shapes, start, skip, baseTimestamp) => {
      let offset = start;
      const specs: BatchSpec[] = [];
      const expected: KafkaRecord[] = [];
      for (const shape of shapes) {
        // A gap between batches stands for compacted or deleted records.
        offset += shape.gap;
        specs.push({ baseOffset: offset, baseTimestamp, records: shape.records, gzip: shape.gzip });
        shape.records.forEach((r, i) => {
          expected.push({ offset: offset + i, key: r.key, value: r.value, timestamp: baseTimestamp + i * 7, timestampType: 0, headers: r.headers.map((h) => ({ key: h.key, value: h.value })) });
        });
        offset += shape.records.length;
      }
      const set = await recordSet(specs);
      const fetchOffset = start + (skip % (offset - start));
      const wanted = expected.filter((r) => r.offset >= fetchOffset);
      const normalize = (rows: KafkaRecord[]) => rows.map((r) => ({ ...r, key: r.key && [...r.key], value: r.value && [...r.value], headers: r.headers?.map((h) => ({ key: h.key, value: h.value && [...h.value] })) }));
      expect(normalize(await decode(set, fetchOffset))).toEqual(normalize(wanted));
      const span = scanRecordSet(set, fetchOffset);
      expect(span && { first: span.first, last: span.last }).toEqual({ first: Math.max(fetchOffset, specs.find((s) => s.baseOffset + s.records.length > fetchOffset)!.baseOffset), last: offset - 1 });
      // A record set cut short (the broker stops at maxBytes) yields its whole batches only.
      const cut = set.subarray(0, set.length - 1);
      const wholeLast = specs.length === 1 ? -1 : specs.at(-2)!.baseOffset + specs.at(-2)!.records.length - 1;
      expect(scanRecordSet(cut, fetchOffset)?.last ?? null).toBe(wholeLast >= fetchOffset ? wholeLast : null);
    },
  );

  const one = (value: string): Input => ({ key: null, value: Buffer.from(value), headers: [] });
  const values = (rows: KafkaRecord[]) => rows.map((r) => Buffer.from(r.value!).toString());

  test('read_committed: an aborted transaction is skipped up to its abort marker; committed ones and other producers stay; markers never show', async () => {
    const set = await recordSet([
      { baseOffset: 0, baseTimestamp: 1, records: [one('plain')] },
      { baseOffset: 1, baseTimestamp: 1, records: [one('aborted-1'), one('aborted-2')], transactional: true, producerId: 7 },
      { baseOffset: 3, baseTimestamp: 1, records: [one('committed')], transactional: true, producerId: 8 },
      { baseOffset: 4, baseTimestamp: 1, records: [], control: 'abort', producerId: 7 },
      { baseOffset: 5, baseTimestamp: 1, records: [], control: 'commit', producerId: 8 },
      { baseOffset: 6, baseTimestamp: 1, records: [one('after-abort')], transactional: true, producerId: 7 },
      { baseOffset: 7, baseTimestamp: 1, records: [], control: 'commit', producerId: 7 },
    ]);
    expect(values(await decode(set, 0, [{ producerId: 7n, firstOffset: 1 }]))).toEqual(['plain', 'committed', 'after-abort']);
    // Without aborted transactions (read_uncommitted data or none aborted), only the markers go.
    expect(values(await decode(set, 0))).toEqual(['plain', 'aborted-1', 'aborted-2', 'committed', 'after-abort']);
    expect(scanRecordSet(set, 0)).toMatchObject({ first: 0, last: 7, compressed: false });
  });

  test('a LogAppendTime batch gives every record the broker time and timestamp type 1', async () => {
    const set = await recordSet([{ baseOffset: 10, baseTimestamp: 1_000, records: [one('a'), one('b')], logAppendTime: 5_000 }]);
    expect((await decode(set, 10)).map((r) => [r.timestamp, r.timestampType])).toEqual([[5_000, 1], [5_000, 1]]);
  });

  test('a damaged compressed batch, or an unknown codec id, gives a SluiceError naming the codec and the offset', async () => {
    const set = await recordSet([{ baseOffset: 40, baseTimestamp: 1, records: [one('x')] }]);
    set[22] = set[22]! | 0x02; // says snappy, but the records are not snappy
    await expect(inflateBatches(set, 40)).rejects.toMatchObject({ code: 'KAFKA_ERROR', message: expect.stringMatching(/snappy record batch at offset 40.*registerKafkaCodec/) });
    set[22] = (set[22]! & ~0x07) | 0x05;
    await expect(inflateBatches(set, 40)).rejects.toMatchObject({ code: 'KAFKA_ERROR', message: expect.stringMatching(/unknown codec \(id 5\)/) });
  });

  test('a record set in the old message format gives a SluiceError naming the format', async () => {
    const set = await recordSet([{ baseOffset: 0, baseTimestamp: 1, records: [one('x')] }]);
    set[16] = 1;
    expect(() => scanRecordSet(set, 0)).toThrow(/message format v1/);
  });
});
