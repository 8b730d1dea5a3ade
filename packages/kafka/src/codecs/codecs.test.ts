import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { RecordColumns } from '../client/recordColumns.ts';
import { decodeRecordSet, inflateBatches, scanRecordSet } from '../client/fetch/recordSet.ts';
import { kafkaCodec, registerKafkaCodec, type KafkaCodec, type KafkaCompression } from './codec.ts';
import { loadZstdWasmCodec, nativeZstdCodec, zstdOutputBound } from './zstd.ts';
import { xxhash32 } from './xxhash32.ts';

const require = createRequire(import.meta.url);
const codecOf = async (name: Exclude<KafkaCompression, 'none'>): Promise<KafkaCodec> => kafkaCodec(name);
const COMPRESSIONS = ['gzip', 'snappy', 'lz4', 'zstd'] as const;

/** Bytes that compress: runs, repeats and text as well as noise, up to a few 64 KiB blocks. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 3_000 }),
  fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{"id":', '"kind":"click"', '\u0000\u0000\u0000')), { maxLength: 20_000 }).map((parts) => new Uint8Array(Buffer.from(parts.join('')))),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 300_000 })).map(([byte, n]) => new Uint8Array(n).fill(byte)),
);

describe.each(COMPRESSIONS)('the built-in %s codec', (name) => {
  test.prop([payload], { numRuns: 40 })('decompresses what it compresses to the same bytes', async (data) => {
    const codec = await codecOf(name);
    const compressed = await codec.compress(data);
    expect(Buffer.from(await codec.decompress(compressed)).equals(Buffer.from(data))).toBe(true);
  });

  test('reads a record batch kcat (librdkafka 2.0) wrote: 300 records with keys and repeated headers', async () => {
    const set = new Uint8Array(readFileSync(new URL(`./fixtures/kcat-${name}.bin`, import.meta.url)));
    expect(scanRecordSet(set, 0)).toMatchObject({ first: 0, last: 299, compressed: true });
    const columns = RecordColumns.withHeaders();
    decodeRecordSet(set, 0, { appendRange: columns.pushRange.bind(columns) }, null, true, await inflateBatches(set, 0));
    const rows = columns.rows();
    expect(rows).toHaveLength(300);
    rows.forEach((row, i) => {
      expect(Buffer.from(row.key!).toString()).toBe(`k${i + 1}`);
      expect(Buffer.from(row.value!).toString()).toBe(`{"id":${i + 1},"kind":"click","user":"u${(i + 1) % 7}"}`);
      expect(row.headers!.map((h) => [h.key, Buffer.from(h.value!).toString()])).toEqual([['trace', 'abc'], ['trace', 'def']]);
    });
  });
});

describe('snappy framing', () => {
  const snappyWasm = require('snappy-wasm') as { compress_raw(b: Uint8Array): Uint8Array };
  const text = new Uint8Array(Buffer.from('kafka '.repeat(20_000)));

  test('writes the xerial framing of the Java client: header, then 32 KiB blocks each with a big-endian length', async () => {
    const framed = await (await codecOf('snappy')).compress(text);
    expect(Buffer.from(framed.subarray(0, 16)).toString('hex')).toBe('82534e41505059000000000100000001');
    const view = new DataView(framed.buffer, framed.byteOffset);
    let blocks = 0;
    for (let at = 16; at < framed.length; at += 4 + view.getInt32(at)) blocks++;
    expect(blocks).toBe(Math.ceil(text.length / 32_768));
  });

  test('reads raw snappy (librdkafka) and xerial streams of several blocks (Java)', async () => {
    const codec = await codecOf('snappy');
    expect(Buffer.from(await codec.decompress(snappyWasm.compress_raw(text))).equals(Buffer.from(text))).toBe(true);
    const halves = [text.subarray(0, 50_000), text.subarray(50_000)].map((h) => snappyWasm.compress_raw(h));
    const header = Buffer.from('82534e41505059000000000100000001', 'hex');
    const lengths = halves.map((h) => Buffer.from([0, 0, 0, 0].map((_, i) => (h.length >>> (24 - 8 * i)) & 0xff)));
    const stream = Buffer.concat([header, lengths[0]!, halves[0]!, lengths[1]!, halves[1]!]);
    expect(Buffer.from(await codec.decompress(stream)).equals(Buffer.from(text))).toBe(true);
    await expect(Promise.resolve().then(() => codec.decompress(stream.subarray(0, stream.length - 3)))).rejects.toThrow();
  });
});

describe('LZ4 frames', () => {
  /** A frame header: magic, FLG, BD (64 KiB), and its checksum byte. */
  const header = (flg: number, extra: number[] = []) => {
    const descriptor = new Uint8Array([flg, 0x40, ...extra]);
    return [0x04, 0x22, 0x4d, 0x18, ...descriptor, (xxhash32(descriptor) >>> 8) & 0xff];
  };
  const block = (bytes: number[], stored = false) => [bytes.length & 0xff, (bytes.length >> 8) & 0xff, 0, stored ? 0x80 : 0, ...bytes];
  const END = [0, 0, 0, 0];
  const ascii = (s: string) => [...Buffer.from(s)];

  test('linked blocks (a match reaching into the previous block), stored blocks, checksums and a content size are read', async () => {
    const codec = await codecOf('lz4');
    // Block 1: 8 literals. Block 2: no literals, then a 12-byte match 8 back (into block 1), then literal '!'.
    const first = [0x80, ...ascii('abcdefgh')];
    const second = [0x08, 8, 0, 0x10, ...ascii('!')];
    const linked = [...header(0x40), ...block(first), ...block(second), ...block(ascii('zz'), true), ...END];
    expect(Buffer.from(await codec.decompress(new Uint8Array(linked))).toString()).toBe('abcdefghabcdefghabcd!zz');
    // With block checksums, a content checksum and a content size (21 bytes), the same blocks read the same.
    const size = [21, 0, 0, 0, 0, 0, 0, 0];
    const checked = [...header(0x40 | 0x10 | 0x08 | 0x04, size), ...block(first), 1, 2, 3, 4, ...block([0x08, 8, 0, 0x10, ...ascii('!')]), 5, 6, 7, 8, ...END, 9, 9, 9, 9];
    expect(Buffer.from(await codec.decompress(new Uint8Array(checked))).toString()).toBe('abcdefghabcdefghabcd!');
  });

  test('an independent block may not refer into the block before it; damage is refused, never written past the output', async () => {
    const codec = await codecOf('lz4');
    const first = [0x80, ...ascii('abcdefgh')];
    const independent = [...header(0x60), ...block(first), ...block([0x08, 8, 0, 0x10, ...ascii('!')]), ...END];
    expect(() => codec.decompress(new Uint8Array(independent))).toThrow(/match outside/);
    const badChecksum = [...header(0x60)];
    badChecksum[6] = badChecksum[6]! ^ 0xff;
    expect(() => codec.decompress(new Uint8Array([...badChecksum, ...block(first), ...END]))).toThrow(/header checksum/);
    expect(() => codec.decompress(new Uint8Array([...header(0x60), ...block(first)]))).toThrow(/truncated/);
  });

  test('xxhash32 gives the reference values', () => {
    expect(xxhash32(new Uint8Array())).toBe(0x02cc5d05);
    expect(xxhash32(new Uint8Array(Buffer.from('a')))).toBe(0x550d7456);
    expect(xxhash32(new Uint8Array(Buffer.from('Nobody inspects the spammish repetition')))).toBe(0xe2293b2f);
  });
});

describe('zstd', () => {
  test('the output bound of a frame without a content size is the sum of its blocks', () => {
    // magic, descriptor 0 (no content size, not single-segment), window byte, a raw block of 5, an RLE block of 7, a compressed block header (last).
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50, (5 << 3) | 0, 0, 0, 1, 2, 3, 4, 5, (7 << 3) | 2, 0, 0, 0x61, (2 << 3) | 4 | 1, 0, 0, 0, 0]);
    expect(zstdOutputBound(frame)).toBe(5 + 7 + 128 * 1024);
  });

  test.prop([payload], { numRuns: 15 })('the WebAssembly codec and node:zlib (where Node has it) read each other', async (data) => {
    const wasm = await loadZstdWasmCodec();
    const native = nativeZstdCodec() ?? wasm;
    expect(Buffer.from(await wasm.decompress(await native.compress(data))).equals(Buffer.from(data))).toBe(true);
    expect(Buffer.from(await native.decompress(await wasm.compress(data))).equals(Buffer.from(data))).toBe(true);
  });
});

describe('registerKafkaCodec', () => {
  afterEach(async () => registerKafkaCodec('gzip', (await import('./gzip.ts')).gzipCodec));

  test("replaces a built-in codec for the reader's batches", async () => {
    const calls: number[] = [];
    const gzip = await codecOf('gzip');
    registerKafkaCodec('gzip', { compress: (b) => gzip.compress(b), decompress: (b) => (calls.push(b.length), gzip.decompress(b)) });
    const codec = await codecOf('gzip');
    await codec.decompress(await codec.compress(new Uint8Array([1, 2, 3])));
    expect(calls).toHaveLength(1);
  });

  test('refuses names Kafka does not have and objects that are not codecs', () => {
    expect(() => registerKafkaCodec('brotli' as never, { compress: (b) => b, decompress: (b) => b })).toThrow(/no compression type 'brotli'/);
    expect(() => registerKafkaCodec('lz4', {} as never)).toThrow(/compress\(bytes\) and decompress\(bytes\)/);
  });
});
