import { connect } from 'node:net';

/** A record batch as stored on the broker: its first offset, record count and header attributes. */
export interface StoredBatch {
  readonly baseOffset: number;
  readonly records: number;
  readonly compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  readonly attributes: number;
}

const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

/**
 * The record batches of a partition as the broker stores them, read with a bare Fetch v4 request
 * over a plain socket — independent of Sluice's reader and of kafkajs — to check what a writer
 * really wrote (e.g. that batches are compressed). Each broker of `bootstrapServers` is asked in
 * turn until the partition's leader answers.
 *
 * @example
 * const batches = await storedBatches(broker.bootstrapServers, 'orders', 0);
 * expect(batches.every((b) => b.compression === 'zstd')).toBe(true);
 */
export async function storedBatches(bootstrapServers: string, topic: string, partition: number): Promise<StoredBatch[]> {
  let lastError = 'no broker answered';
  for (const address of bootstrapServers.split(',')) {
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    const batches: StoredBatch[] = [];
    // The broker may answer with fewer batches than it holds (librdkafka's mock sends one a fetch): fetch on from the last.
    for (let offset = 0; ; ) {
      const response = await fetchV4(host, port, topic, partition, offset);
      const { error, highWatermark, batches: more } = batchesOf(response, topic);
      if (error !== 0) {
        lastError = `broker ${address} answered error ${error}`;
        break;
      }
      batches.push(...more);
      if (more.length === 0 || offset >= highWatermark) return batches;
      offset = more.at(-1)!.baseOffset + more.at(-1)!.records;
      if (offset >= highWatermark) return batches;
    }
  }
  throw new Error(`Cannot read the batches of ${topic}-${partition}: ${lastError}`);
}

function fetchV4(host: string, port: number, topic: string, partition: number, offset: number): Promise<Buffer> {
  const name = Buffer.from(topic);
  const client = Buffer.from('sluice-raw-batches');
  const body = Buffer.alloc(4 + 4 + 4 + 4 + 1 + 4 + 2 + name.length + 4 + 4 + 8 + 4);
  let at = body.writeInt32BE(-1, 0); // replica id
  at = body.writeInt32BE(10, at); // max wait
  at = body.writeInt32BE(1, at); // min bytes
  at = body.writeInt32BE(64 * 1024 * 1024, at); // max bytes
  at = body.writeInt8(0, at); // read_uncommitted
  at = body.writeInt32BE(1, at);
  at = body.writeInt16BE(name.length, at);
  at += name.copy(body, at);
  at = body.writeInt32BE(1, at);
  at = body.writeInt32BE(partition, at);
  at = body.writeBigInt64BE(BigInt(offset), at); // fetch offset
  body.writeInt32BE(64 * 1024 * 1024, at);
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(1, 0); // Fetch
  header.writeInt16BE(4, 2);
  header.writeInt32BE(1, 4); // correlation id
  header.writeInt16BE(client.length, 8);
  const request = Buffer.concat([header, client, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(request.length);
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => socket.write(Buffer.concat([size, request])));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) {
        socket.destroy();
        resolve(all.subarray(8)); // size, correlation id
      }
    });
    socket.once('error', reject);
  });
}

/** Walks a Fetch v4 response of one topic and partition down to its record batches' headers. */
function batchesOf(response: Buffer, topic: string): { error: number; highWatermark: number; batches: StoredBatch[] } {
  let at = 4 + 4; // throttle time, topic count
  at += 2 + Buffer.byteLength(topic) + 4; // name, partition count
  const error = response.readInt16BE(at + 4);
  const highWatermark = Number(response.readBigInt64BE(at + 6));
  at += 4 + 2 + 8 + 8; // partition, error, high watermark, last stable offset
  const aborted = response.readInt32BE(at);
  at += 4 + Math.max(0, aborted) * 16;
  const size = response.readInt32BE(at);
  at += 4;
  const end = at + size;
  const batches: StoredBatch[] = [];
  while (at + 61 <= end) {
    const length = response.readInt32BE(at + 8);
    if (at + 12 + length > end) break;
    const attributes = response.readInt16BE(at + 21);
    batches.push({ baseOffset: Number(response.readBigInt64BE(at)), records: response.readInt32BE(at + 57), compression: COMPRESSIONS[attributes & 7]!, attributes });
    at += 12 + length;
  }
  return { error, highWatermark, batches };
}
