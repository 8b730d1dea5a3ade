import { SluiceError } from '@sluice/core';
import { gzipCodec } from './gzip.ts';
import { lz4Codec } from './lz4.ts';
import { snappyCodec } from './snappy.ts';
import { loadZstdCodec } from './zstd.ts';

/** Kafka's compression types, by the name Kafka's `compression.type` setting uses. */
export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** The id of each compression type in a record batch's attributes (bits 0–2). */
export const COMPRESSION_IDS: Readonly<Record<KafkaCompression, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

const NAMES: readonly KafkaCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/**
 * A compression codec for Kafka record batches: the bytes after a batch's header, as Kafka's
 * clients write them (gzip streams, snappy raw or xerial-framed, LZ4 frames, zstd frames).
 * Either method may answer synchronously or with a promise.
 */
export interface KafkaCodec {
  compress(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  decompress(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

const registered = new Map<KafkaCompression, KafkaCodec>();
const loading = new Map<KafkaCompression, Promise<KafkaCodec>>();

/**
 * Replace the codec Sluice's Kafka reader and writer use for one compression type (all four are
 * built in: gzip on node:zlib, snappy on snappy-wasm, LZ4 frames read in TypeScript with
 * lz4-wasm compressing and decoding their blocks, zstd on node:zlib where Node has it and
 * @bokuweb/zstd-wasm elsewhere). For a
 * faster native library, or a codec a platform needs. Applies to every client in the process.
 *
 * @example
 * import { registerKafkaCodec } from '@sluice/kafka';
 * import * as native from 'my-native-zstd';
 * registerKafkaCodec('zstd', { compress: (b) => native.compress(b, 3), decompress: (b) => native.decompress(b) });
 */
export function registerKafkaCodec(compression: Exclude<KafkaCompression, 'none'>, codec: KafkaCodec): void {
  if (!NAMES.includes(compression) || compression === ('none' as string)) {
    throw new SluiceError('INVALID_OPTION', `Kafka has no compression type '${String(compression)}': use gzip, snappy, lz4 or zstd.`);
  }
  if (typeof codec?.compress !== 'function' || typeof codec.decompress !== 'function') {
    throw new SluiceError('INVALID_OPTION', `A Kafka codec needs compress(bytes) and decompress(bytes) functions (registering '${compression}').`);
  }
  registered.set(compression, codec);
}

/** The compression type of a record batch's codec id, or undefined for an id Kafka does not define. */
export function compressionOf(id: number): KafkaCompression | undefined {
  return NAMES[id];
}

/** The codec for a compression type: a registered one, else the built-in one (loaded on first use). */
export function kafkaCodec(compression: Exclude<KafkaCompression, 'none'>): Promise<KafkaCodec> | KafkaCodec {
  const codec = registered.get(compression) ?? builtIn(compression);
  return codec;
}

function builtIn(compression: Exclude<KafkaCompression, 'none'>): KafkaCodec | Promise<KafkaCodec> {
  switch (compression) {
    case 'gzip':
      return gzipCodec;
    case 'snappy':
      return snappyCodec;
    case 'lz4':
      return lz4Codec;
    case 'zstd': {
      let codec = loading.get('zstd');
      if (!codec) loading.set('zstd', (codec = loadZstdCodec()));
      return codec;
    }
  }
}
