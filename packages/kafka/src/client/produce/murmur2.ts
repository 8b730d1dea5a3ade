const M = 0x5bd1e995;

/** Java's `Utils.murmur2` (32-bit MurmurHash2, seed 0x9747b28c), which Kafka's default partitioner hashes keys with. */
export function murmur2(data: Uint8Array): number {
  return murmur2Range(data, 0, data.length);
}

/** `murmur2` of `data[start, end)`, without a view of the range. */
export function murmur2Range(data: Uint8Array, start: number, end: number): number {
  const length = end - start;
  let h = (0x9747b28c ^ length) | 0;
  const whole = start + (length & ~3);
  for (let i = start; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Java's producer (and so Spark's sink) gives a record with this key: `toPositive(murmur2(key)) % partitions`. */
export function partitionForKey(key: Uint8Array, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
