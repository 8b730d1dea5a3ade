/**
 * Which points of a long series to draw: all of them up to `max`; beyond, the lowest and highest
 * of each column within each bucket (so spikes and dips survive, unlike averaging or taking every
 * n-th point), and always the first and the latest. Buckets are sized so that at most about
 * `max` indices come back however many columns there are.
 *
 * @example
 * pickIndices([[1, 9, 2, 8, 3, 7, 4, 6]], 6) // [0, 1, 4, 5, 7]: buckets [0,4) and [4,8) keep their lowest and highest, plus the ends
 */
export function pickIndices(columns: readonly (readonly (number | null)[])[], max: number): number[] {
  const n = columns[0]?.length ?? 0;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((max - 2) / (2 * Math.max(1, columns.length))));
  const picked = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets);
    let found = false;
    for (const column of columns) {
      let minAt = -1;
      let maxAt = -1;
      for (let i = lo; i < hi; i++) {
        const v = column[i];
        if (v === null || v === undefined || Number.isNaN(v)) continue;
        if (minAt < 0 || v < column[minAt]!) minAt = i;
        if (maxAt < 0 || v > column[maxAt]!) maxAt = i;
      }
      if (minAt >= 0) {
        picked.add(minAt);
        picked.add(maxAt);
        found = true;
      }
    }
    if (!found) picked.add(lo);
  }
  return [...picked].sort((a, b) => a - b);
}
