import { describe, expect, test } from 'vitest';
import { decodeFetchResponse } from './fetchResponse.ts';

/** A Fetch response frame of `version`, written field by field from Kafka's protocol guide. */
function frame(version: number, topics: { name: string; partitions: { partition: number; error: number; hw: number; aborted: [bigint, number][]; records: number[] }[] }[], errorCode = 0): Buffer {
  const parts: Buffer[] = [];
  const int16 = (n: number) => parts.push(Buffer.from([(n >> 8) & 0xff, n & 0xff]));
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const int64 = (n: bigint | number) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    parts.push(b);
  };
  int32(version >= 8 ? 250 : 0); // throttle_time_ms
  if (version >= 7) {
    int16(errorCode);
    int32(0); // session_id
  }
  int32(topics.length);
  for (const t of topics) {
    int16(Buffer.byteLength(t.name));
    parts.push(Buffer.from(t.name));
    int32(t.partitions.length);
    for (const p of t.partitions) {
      int32(p.partition);
      int16(p.error);
      int64(p.hw);
      int64(p.hw); // last_stable_offset
      if (version >= 5) int64(0); // log_start_offset
      int32(p.aborted.length);
      for (const [producer, first] of p.aborted) {
        int64(producer);
        int64(first);
      }
      if (version >= 11) int32(-1); // preferred_read_replica
      int32(p.records.length);
      parts.push(Buffer.from(p.records));
    }
  }
  return Buffer.concat(parts);
}

describe('decodeFetchResponse', () => {
  const topics = [
    { name: 'orders', partitions: [{ partition: 0, error: 0, hw: 2 ** 40 + 5, aborted: [[9n, 3]] as [bigint, number][], records: [1, 2, 3] }, { partition: 4, error: 1, hw: -1, aborted: [], records: [] }] },
    { name: 'clicks', partitions: [{ partition: 2, error: 0, hw: 17, aborted: [], records: [7, 7] }] },
  ];

  test.each([4, 5, 6, 7, 8, 9, 10, 11])('reads the v%i frame: partitions, errors, high watermarks, aborted transactions and record bytes', (version) => {
    const response = decodeFetchResponse(frame(version, topics), version);
    expect(response.errorCode).toBe(0);
    expect(response.clientSideThrottleTime).toBe(version >= 8 ? 250 : 0);
    expect(response.partitions.map((p) => ({ ...p, records: [...p.records] }))).toEqual([
      { topic: 'orders', partition: 0, errorCode: 0, highWatermark: 2 ** 40 + 5, abortedTransactions: [{ producerId: 9n, firstOffset: 3 }], records: [1, 2, 3] },
      { topic: 'orders', partition: 4, errorCode: 1, highWatermark: -1, abortedTransactions: null, records: [] },
      { topic: 'clicks', partition: 2, errorCode: 0, highWatermark: 17, abortedTransactions: null, records: [7, 7] },
    ]);
  });

  test('a top-level error (v7 and later) is returned', () => {
    expect(decodeFetchResponse(frame(7, [], 70), 7).errorCode).toBe(70);
  });
});
