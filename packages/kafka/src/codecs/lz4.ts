import { createRequire } from 'node:module';
import type { KafkaCodec } from './codec.ts';
import { lz4BlockSize, lz4DecodeBlock } from './lz4Block.ts';
import { xxhash32 } from './xxhash32.ts';

const require = createRequire(import.meta.url);
interface Lz4Wasm {
  compress(input: Uint8Array): Uint8Array;
  /** A block whose decoded size (little-endian uint32) is prepended; the size must be exact. */
  decompress(input: Uint8Array): Uint8Array;
}
let wasm: Lz4Wasm | undefined;
/** lz4-wasm (lz4_flex) compresses blocks and decodes independent ones; it is compiled on first use. */
const lz4Wasm = () => (wasm ??= require('lz4-wasm-nodejs') as Lz4Wasm);

const MAGIC = 0x184d2204;
const BLOCK_SIZES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
/** Blocks as librdkafka and the Java client write them: 64 KiB, each independent of the others. */
const WRITE_BLOCK = 64 * 1024;
const FLG_VERSION = 0x40;
const FLG_INDEPENDENT = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICTIONARY = 0x01;
const UNCOMPRESSED = 0x80000000;

/**
 * LZ4 as Kafka uses it since message format v1 (KIP-57): the LZ4 *frame* format. The frame is
 * read in TypeScript (any block size, independent or linked blocks, optional checksums skipped,
 * the header checksum checked); independent blocks (what librdkafka and the Java client write)
 * are decoded by lz4-wasm, ~3× faster than TypeScript, linked ones in TypeScript. Written as
 * 64 KiB independent blocks compressed by lz4-wasm, with no content size or checksums — what
 * librdkafka writes.
 */
export const lz4Codec: KafkaCodec = {
  compress(data) {
    const blocks: { bytes: Uint8Array; stored: boolean }[] = [];
    let size = 7 + 4;
    for (let at = 0; at < data.length; at += WRITE_BLOCK) {
      const raw = data.subarray(at, Math.min(data.length, at + WRITE_BLOCK));
      // lz4-wasm prepends the uncompressed size (4 bytes), which the frame does not use.
      const compressed = lz4Wasm().compress(raw).subarray(4);
      // A block that does not shrink is stored as it is (the length's high bit says so).
      const block = compressed.length < raw.length ? { bytes: compressed, stored: false } : { bytes: raw, stored: true };
      blocks.push(block);
      size += 4 + block.bytes.length;
    }
    const out = new Uint8Array(size);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    out[4] = FLG_VERSION | FLG_INDEPENDENT;
    out[5] = 4 << 4; // 64 KiB blocks
    out[6] = (xxhash32(out.subarray(4, 6)) >>> 8) & 0xff;
    let at = 7;
    for (const { bytes, stored } of blocks) {
      view.setUint32(at, (bytes.length | (stored ? UNCOMPRESSED : 0)) >>> 0, true);
      out.set(bytes, at + 4);
      at += 4 + bytes.length;
    }
    view.setUint32(at, 0, true); // end mark
    return out;
  },
  decompress: decodeFrames,
};

/** Every LZ4 frame in `data` (a batch holds one; concatenated frames are one stream), decoded. */
function decodeFrames(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const { output, end } = decodeFrame(data, at);
    parts.push(output);
    at = end;
  }
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts);
}

function decodeFrame(src: Uint8Array, start: number): { output: Uint8Array; end: number } {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (start + 7 > src.length || view.getUint32(start, true) !== MAGIC) throw new Error(`not an LZ4 frame (bad magic number at byte ${start})`);
  const flg = src[start + 4]!;
  const bd = src[start + 5]!;
  if ((flg & 0xc0) !== FLG_VERSION) throw new Error(`unsupported LZ4 frame version ${(flg >> 6) & 3}`);
  if (flg & FLG_DICTIONARY) throw new Error('LZ4 frames with a dictionary are not supported');
  const maxBlock = BLOCK_SIZES[(bd >> 4) & 7] ?? 0;
  if (maxBlock === 0) throw new Error(`invalid LZ4 block size code ${(bd >> 4) & 7}`);
  let at = start + 6;
  let contentSize = -1;
  if (flg & FLG_CONTENT_SIZE) {
    contentSize = Number(view.getBigUint64(at, true));
    at += 8;
  }
  const checksum = (xxhash32(src.subarray(start + 4, at)) >>> 8) & 0xff;
  if (src[at] !== checksum) throw new Error('LZ4 frame header checksum mismatch');
  at++;
  // Walk the block headers first: the output is allocated once, and linked blocks decode
  // straight after the block they refer back to.
  const blocks: number[] = [];
  let bound = 0;
  for (;;) {
    if (at + 4 > src.length) throw new Error('truncated LZ4 frame (no end mark)');
    const header = view.getUint32(at, true);
    at += 4;
    if (header === 0) break;
    const length = header & ~UNCOMPRESSED;
    if (at + length > src.length) throw new Error('truncated LZ4 frame (a block runs past the end)');
    blocks.push(at, header);
    bound += header & UNCOMPRESSED ? length : Math.min(maxBlock, length * 255 + 16);
    at += length + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
  }
  if (flg & FLG_CONTENT_CHECKSUM) at += 4;
  const output = new Uint8Array(contentSize >= 0 ? contentSize : bound);
  let written = 0;
  for (let i = 0; i < blocks.length; i += 2) {
    const blockStart = blocks[i]!;
    const header = blocks[i + 1]!;
    const length = header & ~UNCOMPRESSED;
    if (header & UNCOMPRESSED) {
      if (written + length > output.length) throw new Error('LZ4 frame is larger than its declared content size');
      output.set(src.subarray(blockStart, blockStart + length), written);
      written += length;
    } else {
      // Independent blocks may not refer before their own start; linked blocks may reach back into earlier ones.
      written =
        flg & FLG_INDEPENDENT
          ? decodeIndependentBlock(src, blockStart, length, output, written, i + 2 < blocks.length ? maxBlock : -1)
          : lz4DecodeBlock(src, blockStart, blockStart + length, output, written, 0);
    }
  }
  if (contentSize >= 0 && written !== contentSize) throw new Error(`LZ4 frame holds ${written} bytes, not its declared ${contentSize}`);
  return { output: written === output.length ? output : output.subarray(0, written), end: at };
}

/**
 * One independent block decoded by lz4-wasm into `out` at `o`; returns where the output ends.
 * lz4-wasm needs the exact decoded size: `expected` (a block before the last is as large as
 * the frame's block size in what Kafka's clients write), else read from the block's sequences.
 * A block lz4-wasm refuses is decoded in TypeScript, which says what is wrong with it.
 */
function decodeIndependentBlock(src: Uint8Array, start: number, length: number, out: Uint8Array, o: number, expected: number): number {
  const size = expected >= 0 ? expected : lz4BlockSize(src, start, start + length);
  if (size >= 0 && o + size <= out.length) {
    const input = new Uint8Array(4 + length);
    new DataView(input.buffer).setUint32(0, size, true);
    input.set(src.subarray(start, start + length), 4);
    let decoded: Uint8Array | undefined;
    try {
      decoded = lz4Wasm().decompress(input);
    } catch {
      // A wrong guess of the size (a writer that cuts blocks short), or a damaged block.
      if (expected >= 0) return decodeIndependentBlock(src, start, length, out, o, -1);
    }
    if (decoded) {
      out.set(decoded, o);
      return o + decoded.length;
    }
  }
  return lz4DecodeBlock(src, start, start + length, out, o, o);
}
