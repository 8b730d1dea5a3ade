/** Keys per chunk before a chunk splits: small enough that a splice is cheap, large enough that the chunk list stays short. */
const MAX_CHUNK = 512;

/**
 * Strings in sorted order, for the ordered key spaces of the in-memory provider: insert and
 * delete in O(log n + chunk), and range reads that start anywhere. A list of sorted chunks
 * (a B-tree of height two): appends in key order — event times, timer expiries — take the fast
 * path at the end.
 */
export class SortedKeys {
  private chunks: string[][] = [];
  size = 0;

  /** Add a key that is not present (the caller's map knows). */
  add(key: string): void {
    this.size++;
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([key]);
      return;
    }
    const last = chunks[chunks.length - 1]!;
    let c: number;
    let chunk: string[];
    if (key > last[last.length - 1]!) {
      c = chunks.length - 1;
      chunk = last;
      chunk.push(key);
    } else {
      c = this.chunkFor(key);
      chunk = chunks[c]!;
      chunk.splice(lowerBound(chunk, key), 0, key);
    }
    if (chunk.length > MAX_CHUNK) chunks.splice(c, 1, chunk.slice(0, chunk.length >> 1), chunk.slice(chunk.length >> 1));
  }

  delete(key: string): boolean {
    if (this.chunks.length === 0) return false;
    const c = this.chunkFor(key);
    const chunk = this.chunks[c]!;
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return false;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.size--;
    return true;
  }

  /** Up to `limit` keys k in order with `from` ≤ k (or < k when `exclusive`) and k < `to`. */
  range(from: string | undefined, exclusive: boolean, to: string | undefined, limit: number): string[] {
    const out: string[] = [];
    const chunks = this.chunks;
    if (chunks.length === 0) return out;
    let c = from === undefined ? 0 : this.chunkFor(from);
    let i = from === undefined ? 0 : lowerBound(chunks[c]!, from);
    if (exclusive && from !== undefined && chunks[c]![i] === from) i++;
    for (; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) {
        const key = chunk[i]!;
        if (to !== undefined && key >= to) return out;
        out.push(key);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  /** The first chunk whose last key is ≥ key (or the last chunk). */
  private chunkFor(key: string): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = chunks[mid]!;
      if (chunk[chunk.length - 1]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound(chunk: readonly string[], key: string): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunk[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
