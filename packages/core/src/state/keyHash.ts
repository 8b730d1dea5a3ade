/**
 * The partition of a key: Murmur3's 32-bit finalizer over the key bytes, modulo the partition
 * count. It is part of the checkpoint format — a key must land in the partition it landed in
 * when the state was written — so it never changes for state format 1.
 */
export function partitionOf(key: Uint8Array, numPartitions: number): number {
  if (numPartitions === 1) return 0;
  let h = 0x9747b28c ^ key.length;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key[i]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) % numPartitions;
}

/** `partitionOf` of a key held as a latin1 string (one char per byte): the same partition. */
export function partitionOfLatin1(key: string, numPartitions: number): number {
  if (numPartitions === 1) return 0;
  let h = 0x9747b28c ^ key.length;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) % numPartitions;
}
