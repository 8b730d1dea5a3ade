import * as zlib from 'node:zlib';
import type { KafkaCodec } from './codec.ts';

/** Kafka's default zstd level (`compression.zstd.level`). */
const LEVEL = 3;
const FRAME_MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 * 1024;
/** magic, single-segment descriptor, content size 0, one last raw block of 0 bytes. */
const EMPTY_FRAME = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00]);

interface NodeZstd {
  zstdCompressSync(data: Uint8Array, options?: { params?: Record<number, number> }): Buffer;
  zstdDecompressSync(data: Uint8Array): Buffer;
  constants: Record<string, number>;
}

interface ZstdWasm {
  init(): Promise<void>;
  compress(data: Uint8Array, level: number): Uint8Array;
  decompress(data: Uint8Array, options: { defaultHeapSize: number }): Uint8Array;
}

/**
 * zstd: node:zlib's own (Node 22.15 and later) when the running Node has it, else
 * @bokuweb/zstd-wasm (zstd compiled to WebAssembly), loaded on first use. Kafka clients write
 * frames without a content size (librdkafka and zstd-jni stream them); the wasm decoder needs an
 * output size up front, so it gets an exact bound from the frame's block headers.
 */
export async function loadZstdCodec(): Promise<KafkaCodec> {
  return nativeZstdCodec() ?? (await loadZstdWasmCodec());
}

/** node:zlib's zstd, or undefined on a Node without it (before 22.15). */
export function nativeZstdCodec(): KafkaCodec | undefined {
  const native = zlib as unknown as Partial<NodeZstd>;
  const { zstdCompressSync, zstdDecompressSync } = native;
  if (typeof zstdDecompressSync !== 'function' || typeof zstdCompressSync !== 'function') return undefined;
  const level = native.constants?.['ZSTD_c_compressionLevel'];
  const options = level === undefined ? {} : { params: { [level]: LEVEL } };
  return {
    compress: (data) => zstdCompressSync(data, options),
    decompress: (data) => zstdDecompressSync(data),
  };
}

/** zstd compiled to WebAssembly (@bokuweb/zstd-wasm). */
export function loadZstdWasmCodec(): Promise<KafkaCodec> {
  // One instance per process: initialising the module again replaces its memory under earlier callers.
  wasmCodec ??= instantiateZstdWasm();
  return wasmCodec;
}

let wasmCodec: Promise<KafkaCodec> | undefined;

async function instantiateZstdWasm(): Promise<KafkaCodec> {
  const wasm = (await import('@bokuweb/zstd-wasm')) as unknown as ZstdWasm;
  await wasm.init();
  return {
    // The wasm build writes nothing for nothing; a frame of one empty block is what zstd itself writes.
    compress: (data) => (data.length === 0 ? EMPTY_FRAME.slice() : wasm.compress(data, LEVEL)),
    decompress: (data) => {
      const bound = zstdOutputBound(data);
      return bound === 0 ? new Uint8Array(0) : wasm.decompress(data, { defaultHeapSize: bound });
    },
  };
}

/**
 * The most bytes the zstd frames in `data` can decode to, from their headers: a frame's content
 * size when it states one, else the sum of its blocks (raw and RLE blocks say their size; a
 * compressed block holds at most 128 KiB). Skippable frames count nothing.
 */
export function zstdOutputBound(data: Uint8Array): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let bound = 0;
  let at = 0;
  while (at + 4 <= data.length) {
    const magic = view.getUint32(at, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      at += 8 + view.getUint32(at + 4, true); // skippable frame
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new Error(`not a zstd frame (bad magic number at byte ${at})`);
    const descriptor = data[at + 4]!;
    const sizeFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const hasChecksum = (descriptor >> 2) & 1;
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
    const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag]!;
    at += 5 + (singleSegment ? 0 : 1) + dictionaryBytes;
    if (sizeBytes > 0) {
      // The stated size is exact; the blocks are still walked to find the frame's end.
      bound += sizeBytes === 1 ? data[at]! : sizeBytes === 2 ? view.getUint16(at, true) + 256 : sizeBytes === 4 ? view.getUint32(at, true) : Number(view.getBigUint64(at, true));
      at = skipBlocks(data, at + sizeBytes, () => {});
    } else {
      at = skipBlocks(data, at, (type, size) => (bound += type === 2 ? BLOCK_MAX : size));
    }
    if (hasChecksum) at += 4;
  }
  return bound;
}

function skipBlocks(data: Uint8Array, at: number, each: (type: number, size: number) => void): number {
  for (;;) {
    if (at + 3 > data.length) throw new Error('truncated zstd frame');
    const header = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    each(type, size);
    at += 3 + (type === 1 ? 1 : size);
    if (last) return at;
  }
}
