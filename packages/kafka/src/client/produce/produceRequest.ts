import type { KafkajsBroker } from '../fetch/kafkajsCluster.ts';

/** One partition's record batch in a Produce request. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly batch: Uint8Array;
}

export interface ProducedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly baseOffset: number;
}

const PRODUCE_API_KEY = 0;
/** Versions 3 to 7 share one request layout (record batches, a transactional id) and one response layout up to the log start offset. */
const VERSIONS = ['3', '4', '5', '6', '7'];

/**
 * Send a Produce request of already-encoded record batches over a kafkajs broker connection
 * (negotiated to v3–v7, the versions kafkajs's own producer speaks). kafkajs's producer builds
 * its batches itself, folding headers into an object (order and repeats lost, null values
 * written empty); Sluice writes the batches and only borrows the connection, as the reader does
 * for Fetch. With `acks` 0 the broker sends no answer and nothing comes back.
 */
export async function produceTo(broker: KafkajsBroker, acks: number, timeoutMs: number, batches: readonly PartitionBatch[]): Promise<ProducedPartition[]> {
  const definition = {
    versions: VERSIONS,
    protocol: ({ version }: { version: number }) => () => ({
      request: {
        apiKey: PRODUCE_API_KEY,
        apiVersion: version,
        apiName: 'Produce',
        expectResponse: () => acks !== 0,
        // kafkajs frames the request around whatever has `buf`/`buffer` (its Encoder's shape): the body goes out without another copy.
        encode: async () => {
          const body = encodeBody(acks, timeoutMs, batches);
          return { buf: body, buffer: body };
        },
      },
      response: {
        decode: async (data: Buffer) => decodeResponse(data, version),
        parse: async (decoded: unknown) => decoded,
      },
    }),
  };
  const built = broker.lookupRequest(PRODUCE_API_KEY, definition)({}) as Parameters<KafkajsBroker['connectionPool']['send']>[0];
  const answer = (await broker.connectionPool.send({ ...built, requestTimeout: timeoutMs + 5_000 })) as { partitions: ProducedPartition[] } | undefined;
  return answer?.partitions ?? [];
}

function encodeBody(acks: number, timeoutMs: number, batches: readonly PartitionBatch[]): Buffer {
  const byTopic = new Map<string, PartitionBatch[]>();
  for (const b of batches) byTopic.set(b.topic, [...(byTopic.get(b.topic) ?? []), b]);
  let size = 2 + 2 + 4 + 4;
  for (const [topic, parts] of byTopic) {
    size += 2 + Buffer.byteLength(topic) + 4;
    for (const p of parts) size += 4 + 4 + p.batch.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.writeInt16BE(-1, 0); // transactional id: null
  at = out.writeInt16BE(acks, at);
  at = out.writeInt32BE(timeoutMs, at);
  at = out.writeInt32BE(byTopic.size, at);
  for (const [topic, parts] of byTopic) {
    at = out.writeInt16BE(Buffer.byteLength(topic), at);
    at += out.write(topic, at, 'utf8');
    at = out.writeInt32BE(parts.length, at);
    for (const p of parts) {
      at = out.writeInt32BE(p.partition, at);
      at = out.writeInt32BE(p.batch.length, at);
      out.set(p.batch, at);
      at += p.batch.length;
    }
  }
  return out;
}

/**
 * Produce response v3–v7: [topic [partition error_code base_offset log_append_time
 * (v5+: log_start_offset)]] throttle_time_ms. From v6 the client waits out the throttle (KIP-219).
 */
export function decodeResponse(data: Buffer, version: number): { partitions: ProducedPartition[]; clientSideThrottleTime: number } {
  const partitions: ProducedPartition[] = [];
  let at = 0;
  const topics = data.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topics; t++) {
    const nameLength = data.readInt16BE(at);
    const topic = data.toString('utf8', at + 2, at + 2 + nameLength);
    at += 2 + nameLength;
    const count = data.readInt32BE(at);
    at += 4;
    for (let p = 0; p < count; p++) {
      const partition = data.readInt32BE(at);
      const errorCode = data.readInt16BE(at + 4);
      const baseOffset = Number(data.readBigInt64BE(at + 6));
      at += 4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0);
      partitions.push({ topic, partition, errorCode, baseOffset });
    }
  }
  const throttle = data.readInt32BE(at);
  return { partitions, clientSideThrottleTime: version >= 6 ? throttle : 0 };
}
