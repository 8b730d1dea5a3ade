import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { PartitionBuffer } from './partitionBuffer.ts';
import { RecordColumns } from './recordColumns.ts';

const columns = (offsets: readonly number[]): RecordColumns => {
  const c = new RecordColumns();
  for (const o of offsets) c.push(o, null, null, o * 10, 0, null);
  return c;
};
/** A fetched record set of these data offsets spanning `[first, last]`, as the reader offers one. */
const offer = (buffer: PartitionBuffer, first: number, last: number, offsets: readonly number[]): boolean => {
  if (!buffer.beginBatch(first, last)) return false;
  for (const o of offsets) buffer.appendRange(o, EMPTY, 0, -1, 0, -1, o * 10, 0, null);
  buffer.endBatch();
  return true;
};
const EMPTY = new Uint8Array(0);
const offsetsOf = (chunks: readonly RecordColumns[]) => chunks.flatMap((c) => [...c.offsets]);

describe('PartitionBuffer', () => {
  test.prop([
    fc.array(fc.record({ gap: fc.nat(3), size: fc.integer({ min: 1, max: 20 }), holes: fc.nat(2) }), { minLength: 1, maxLength: 30 }),
    fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
  ])('takes every offered offset exactly once, as a record or inside a gap, in order', (batches, takeSizes) => {
    const buffer = new PartitionBuffer(10);
    const offered: number[] = [];
    let next = 10;
    for (const { gap, size, holes } of batches) {
      const first = next + gap;
      const last = first + size - 1;
      // The last `holes` offsets of a batch are control records: covered but not data.
      const records = [];
      for (let o = first; o <= last - holes; o++) records.push(o);
      offered.push(...records);
      expect(offer(buffer, first, last, records)).toBe(true);
      next = last + 1;
    }
    const taken: number[] = [];
    const covered: number[] = [];
    let until = 10;
    for (const size of [...takeSizes, Number.MAX_SAFE_INTEGER - 10]) {
      until = Math.min(next, until + size);
      const { chunks, gaps } = buffer.take(until);
      taken.push(...offsetsOf(chunks));
      expect(chunks.flatMap((c) => [...c.timestamps])).toEqual(offsetsOf(chunks).map((o) => o * 10));
      for (const g of gaps) for (let o = g.from; o < g.until; o++) covered.push(o);
      if (until === next) break;
    }
    expect(taken).toEqual(offered);
    expect(buffer.bufferedRecords).toBe(0);
    // Nothing is both a record and a gap.
    expect(covered.filter((o) => taken.includes(o))).toEqual([]);
  });

  test('a record set starting past the position leaves a gap; one already covered is not taken', () => {
    const buffer = new PartitionBuffer(0);
    expect(offer(buffer, 5, 9, [5, 9])).toBe(true);
    expect(offer(buffer, 0, 9, [0, 9])).toBe(false);
    const { chunks, gaps } = buffer.take(10);
    expect(chunks.flatMap((c) => c.rows())).toEqual(columns([5, 9]).rows());
    expect(gaps).toEqual([{ from: 0, until: 5 }]);
  });

  test('a record set overlapping the position adds only the offsets not yet covered', () => {
    const buffer = new PartitionBuffer(0);
    offer(buffer, 0, 2, [0, 1, 2]);
    offer(buffer, 1, 4, [1, 2, 3, 4]);
    expect(offsetsOf(buffer.take(100).chunks)).toEqual([0, 1, 2, 3, 4]);
  });

  test('skipGap covers offsets the broker no longer has', () => {
    const buffer = new PartitionBuffer(3);
    buffer.skipGap(8);
    expect(buffer.position).toBe(8);
    expect(buffer.take(6).gaps).toEqual([{ from: 3, until: 6 }]);
    expect(buffer.take(10).gaps).toEqual([{ from: 6, until: 8 }]);
  });

  test('skipTo drops what a read does not want and covers() tells when a seek is needed', () => {
    const buffer = new PartitionBuffer(0);
    offer(buffer, 0, 9, Array.from({ length: 10 }, (_, i) => i));
    expect(buffer.covers(4)).toBe(true);
    expect(buffer.covers(11)).toBe(false);
    buffer.skipTo(4);
    expect(buffer.covers(3)).toBe(false);
    expect(offsetsOf(buffer.take(6).chunks)).toEqual([4, 5]);
    expect(buffer.from).toBe(6);
    buffer.reset(100);
    expect(buffer.position).toBe(100);
    expect(buffer.bufferedRecords).toBe(0);
  });
});
