import { describe, expect, it } from 'vitest';
import { decodeZ85, deletionVectorFile, readDeletionVector } from './deletionVectors.ts';

describe('deletion vectors', () => {
  it("decode the protocol's inline example: rows 3, 4, 7, 11, 18, 29", async () => {
    const rows = await readDeletionVector('/t', { storageType: 'i', pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', sizeInBytes: 40, cardinality: 6 });
    expect(rows).toEqual([3, 4, 7, 11, 18, 29]);
  });

  it("find the file of the protocol's relative-path example", () => {
    expect(deletionVectorFile('/mytable', { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 }))
      .toBe('/mytable/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin');
  });

  it('Z85 is ZeroMQ\'s: "HelloWorld" is 0x86 4F D2 6F B5 59 F7 5B', () => {
    expect(Buffer.from(decodeZ85('HelloWorld')).toString('hex')).toBe('864fd26fb559f75b');
  });

  it('a descriptor whose cardinality disagrees with its bitmap is refused', async () => {
    await expect(readDeletionVector('/t', { storageType: 'i', pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', sizeInBytes: 40, cardinality: 5 }))
      .rejects.toMatchObject({ code: 'FILE_CORRUPT' });
  });
});
