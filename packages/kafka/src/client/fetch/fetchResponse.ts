import { readInt64, type AbortedTransaction } from './recordSet.ts';

/** One partition of a Fetch response; `records` is a view of the response's record set, not yet decoded. */
export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly abortedTransactions: readonly AbortedTransaction[] | null;
  /** A plain Uint8Array view (not a Buffer: a Buffer's subarray costs several times a Uint8Array's, and the decoder takes one per value). */
  readonly records: Uint8Array;
}

export interface FetchResponse {
  /** v8 and later (KIP-219): how long the broker asks the client to hold its next request; kafkajs's connection honours it. */
  readonly clientSideThrottleTime: number;
  readonly errorCode: number;
  readonly partitions: FetchedPartition[];
}

/**
 * Reads the frame of a Fetch response, versions 4 to 11 (the versions kafkajs negotiates),
 * leaving each partition's record set as a view for `decodeRecordSet`:
 *   v4:     throttle_time [topic [partition error high_watermark last_stable [aborted] records]]
 *   v5–v6:  + log_start_offset after last_stable
 *   v7–v10: + error_code session_id after throttle_time
 *   v11:    + preferred_read_replica after [aborted]
 */
export function decodeFetchResponse(data: Uint8Array, version: number): FetchResponse {
  if (version < 4 || version > 11) throw new Error(`Fetch v${version} responses are not supported (4 to 11 are)`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const clientSideThrottleTime = version >= 8 ? view.getInt32(0) : 0;
  let at = 4; // throttle_time_ms
  let errorCode = 0;
  if (version >= 7) {
    errorCode = view.getInt16(at);
    at += 6; // error_code, session_id
  }
  const partitions: FetchedPartition[] = [];
  const topics = view.getInt32(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    const nameLength = view.getInt16(at);
    const topic = Buffer.from(data.buffer, data.byteOffset + at + 2, nameLength).toString('utf8');
    at += 2 + nameLength;
    const count = view.getInt32(at);
    at += 4;
    for (let p = 0; p < count; p++) {
      const partition = view.getInt32(at);
      const partitionError = view.getInt16(at + 4);
      const highWatermark = readInt64(view, at + 6);
      at += 22; // partition, error_code, high_watermark, last_stable_offset
      if (version >= 5) at += 8; // log_start_offset
      const abortedCount = view.getInt32(at);
      at += 4;
      let aborted: AbortedTransaction[] | null = null;
      if (abortedCount > 0) {
        aborted = [];
        for (let a = 0; a < abortedCount; a++) {
          aborted.push({ producerId: view.getBigInt64(at), firstOffset: readInt64(view, at + 8) });
          at += 16;
        }
      }
      if (version >= 11) at += 4; // preferred_read_replica
      const size = view.getInt32(at);
      at += 4;
      const length = Math.max(0, size);
      partitions.push({ topic, partition, errorCode: partitionError, highWatermark, abortedTransactions: aborted, records: new Uint8Array(data.buffer, data.byteOffset + at, length) });
      at += length;
    }
  }
  return { clientSideThrottleTime, errorCode, partitions };
}
