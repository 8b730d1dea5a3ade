import { createRequire } from 'node:module';
import type { KafkaCodec } from './codec.ts';

interface SnappyWasm {
  compress_raw(input: Uint8Array): Uint8Array;
  decompress_raw(input: Uint8Array): Uint8Array;
}

const require = createRequire(import.meta.url);
let wasm: SnappyWasm | undefined;
/** snappy-wasm compiles its module when first required: only topics that use snappy pay for it. */
const snappy = (): SnappyWasm => (wasm ??= require('snappy-wasm') as SnappyWasm);

/** The xerial (snappy-java) stream header: magic, then version 1 and minimum compatible version 1. */
const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER = 16;
/** snappy-java's default block size, which the Java producer's stream uses. */
const XERIAL_BLOCK = 32 * 1024;

/**
 * Snappy as Kafka's clients write it: the Java producer frames it the xerial (snappy-java) way —
 * a 16-byte header, then blocks each preceded by its big-endian length — while librdkafka
 * writes one raw snappy block. Both are read; written is the xerial framing, as the Java client
 * does, which every client (Java, librdkafka, kafkajs with kafkajs-snappy) reads.
 */
export const snappyCodec: KafkaCodec = {
  compress(data) {
    const blocks: Uint8Array[] = [];
    let size = XERIAL_HEADER;
    for (let at = 0; at < data.length; at += XERIAL_BLOCK) {
      const block = snappy().compress_raw(data.subarray(at, Math.min(data.length, at + XERIAL_BLOCK)));
      blocks.push(block);
      size += 4 + block.length;
    }
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    out.set(XERIAL_MAGIC, 0);
    view.setInt32(8, 1);
    view.setInt32(12, 1);
    let at = XERIAL_HEADER;
    for (const block of blocks) {
      view.setInt32(at, block.length);
      out.set(block, at + 4);
      at += 4 + block.length;
    }
    return out;
  },
  decompress(data) {
    if (!isXerial(data)) return snappy().decompress_raw(data);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const blocks: Uint8Array[] = [];
    let size = 0;
    for (let at = XERIAL_HEADER; at < data.length; ) {
      if (at + 4 > data.length) throw new Error(`truncated xerial snappy stream (a block length at byte ${at} of ${data.length})`);
      const length = view.getInt32(at);
      if (length < 0 || at + 4 + length > data.length) throw new Error(`truncated xerial snappy stream (a block of ${length} bytes at byte ${at} of ${data.length})`);
      const block = snappy().decompress_raw(data.subarray(at + 4, at + 4 + length));
      blocks.push(block);
      size += block.length;
      at += 4 + length;
    }
    if (blocks.length === 1) return blocks[0]!;
    const out = new Uint8Array(size);
    let at = 0;
    for (const block of blocks) {
      out.set(block, at);
      at += block.length;
    }
    return out;
  },
};

function isXerial(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}
